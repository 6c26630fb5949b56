"""Admin for the shared settings: the working-day calendar (with the State Council notice import), the
versioned rule profile, the center's facts and staff profiles; and, read only, the reminders sent."""

from axes.admin import AccessAttemptAdmin as AxesAttemptAdmin
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group, User
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from procrastinate.contrib.django.models import ProcrastinateJob

from core import models
from core.admin_scope import ReadOnlyAdmin, ScopedModelAdmin
from core.calendar_notice import parse_notice
from core.exceptions import DomainError
from core.jobs import start
from core.localization import permission_label
from core.numbering import series_name
from core.operations import add_refusal
from core.people import person_name
from core.registry import reminder_kinds, reminder_sources
from core.reminders import day_text
from core.two_factor import require_password_change


class SettingsAdmin(ScopedModelAdmin):
    scope_field = None


class CalendarNoticeForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    file = forms.FileField(label="国务院办公厅节假日安排（.xlsx 或 .csv：日期、类型、名称）")
    source = forms.CharField(label="来源", max_length=200, initial="国务院办公厅通知")


@admin.register(models.CalendarYear)
class CalendarYearAdmin(SettingsAdmin):
    list_display = ["year", "source", "loaded_at"]
    readonly_fields = ["loaded_at"]
    change_list_template = "admin/core/calendaryear/change_list.html"

    def get_urls(self):
        extra = [
            path(
                "import-notice/",
                self.admin_site.admin_view(self.import_notice_view),
                name="core_calendaryear_import_notice",
            )
        ]
        return extra + super().get_urls()

    def import_notice_view(self, request):
        """R-SV-07: load a year from the State Council notice; open deadlines are recomputed by the apps."""
        if not self.has_change_permission(request):
            return redirect("admin:core_calendaryear_changelist")
        form = CalendarNoticeForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            fmt = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
            year = form.cleaned_data["year"]
            try:
                holidays, workdays = parse_notice(upload, fmt, year)
            except DomainError as refusal:
                add_refusal(form, refusal, field="file")
            else:
                # Loading the year recomputes every open deadline in it: a background job (core.tasks).
                from core.tasks import load_calendar_job

                run = start(
                    load_calendar_job,
                    user=request.user,
                    label=f"载入{year}年节假日安排并重算期限",
                    year=year,
                    holidays=[[d.isoformat(), name] for d, name in sorted(holidays.items())],
                    workdays=[[d.isoformat(), name] for d, name in sorted(workdays.items())],
                    source=form.cleaned_data["source"],
                )
                return redirect("core:my_job", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "导入节假日安排",
            "form": form,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:core_calendaryear_changelist"),
        }
        return TemplateResponse(request, "admin/core/calendaryear/import_notice.html", context)


@admin.register(models.CalendarDay)
class CalendarDayAdmin(SettingsAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


class SeriesFilter(admin.SimpleListFilter):
    title = "编号系列"
    parameter_name = "series"

    def lookups(self, request, model_admin):
        series = models.NumberSequence.objects.values_list("series", flat=True).distinct().order_by("series")
        return [(code, series_name(code)) for code in series]

    def queryset(self, request, queryset):
        return queryset.filter(series=self.value()) if self.value() else queryset


@admin.register(models.NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    """Read-only: numbers are only ever taken by core.numbering.next_number (gap-free)."""

    scope_field = None
    list_display = ["series_label", "year", "last"]
    fields = readonly_fields = ["series_label", "year", "last"]
    list_filter = [SeriesFilter, "year"]

    @admin.display(description="编号系列", ordering="series")
    def series_label(self, sequence) -> str:
        return series_name(sequence.series)

    def history_view(self, request, object_id, extra_context=None):
        return redirect("admin:core_numbersequence_changelist")


@admin.register(models.CenterProfile)
class CenterProfileAdmin(SettingsAdmin):
    list_display = ["name", "committee_name", "address", "phone"]

    def has_add_permission(self, request, *args):
        return not models.CenterProfile.objects.exists() and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.RuleProfile)
class RuleProfileAdmin(SettingsAdmin):
    """Saving a change adds a new version (effective from now, changed by the user); old versions stay,
    so a decision is always judged by the settings in force when it was made (core.profile)."""

    list_display = [
        "effective_from",
        "meeting_quorum",
        "applicant_min_months",
        "training_min_hours",
        "public_notice_min_days",
        "changed_by",
        "note",
    ]
    list_select_related = ["changed_by"]
    readonly_fields = ["effective_from", "changed_by"]

    def save_model(self, request, obj, form, change):
        obj.pk = None
        obj.id = None
        obj._state.adding = True
        obj.effective_from = timezone.now()
        obj.changed_by = request.user
        obj.save()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.StaffProfile)
class StaffProfileAdmin(SettingsAdmin):
    list_display = ["user", "organization", "window", "phone"]
    search_fields = ["user__username", "user__first_name", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]


# The job queue's own admin (procrastinate.contrib.django, English, every job's arguments) stays off: the
# administrators' page of the queue is 后台任务 (core/task_views.py), in Chinese, with retries.
if admin.site.is_registered(ProcrastinateJob):
    admin.site.unregister(ProcrastinateJob)


@admin.register(models.SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The sign-in audit: read-only for everyone (rows are kept at least six months, never edited)."""

    list_display = ["at", "kind", "username", "user", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["username"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TwoFactorDeviceAdmin(admin.ModelAdmin):
    """A user's authenticator or recovery codes (django-otp), in Chinese, instead of django-otp's English pages.

    Devices are enrolled by their owners at sign-in (core/two_factor.py); the administrator only looks them up
    and deletes them — a lost phone: delete the user's 验证器 and 恢复码, the user enrols again."""

    list_display = ["person", "device_name", "created", "last_used", "is_confirmed"]
    fields = ["person", "device_name", "created", "last_used", "is_confirmed"]
    readonly_fields = ["person", "device_name", "created", "last_used", "is_confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    search_help_text = "按用户名或姓名搜索"

    @admin.display(description="用户", ordering="user__username")
    def person(self, device) -> str:
        return f"{person_name(device.user)}（{device.user.username}）"

    @admin.display(description="名称")
    def device_name(self, device) -> str:
        return device.name

    @admin.display(description="绑定时间", ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at or "尚未使用"

    @admin.display(description="已确认", boolean=True)
    def is_confirmed(self, device) -> bool:
        return device.confirmed

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-axes' lock list: two columns without a name of their own (they read 「Status」, 「Expiration」).
AxesAttemptAdmin.status.short_description = "状态"
AxesAttemptAdmin.expiration.short_description = "失效时间"

for third_party in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(third_party):
        admin.site.unregister(third_party)
admin.site.register(models.Authenticator, TwoFactorDeviceAdmin)
admin.site.register(models.RecoveryCodeSet, TwoFactorDeviceAdmin)


class StaffUserCreationForm(AdminUserCreationForm):
    """A new account is made with the person's name: pages and printed documents name people (core.people),
    never their login names."""

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "last_name", "first_name")

    def clean(self):
        data = super().clean()
        if not (data.get("last_name", "").strip() or data.get("first_name", "").strip()):
            self.add_error("first_name", "请填写姓名：页面和打印文书显示姓名，不显示用户名。")
        return data


class UserAdmin(DjangoUserAdmin):
    """An account made (or a password set) by an administrator must have its password changed by its owner at
    the first sign-in (core.two_factor.require_password_change); it is made with the person's name (姓、名)."""

    add_form = StaffUserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "last_name",
                    "first_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            require_password_change(obj)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "user_permissions" and field is not None:
            field.label_from_instance = permission_label  # in Chinese, with its app (core.localization)
        return field

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None and user != request.user:
                require_password_change(user)
        return response


admin.site.unregister(User)
admin.site.register(User, UserAdmin)


@admin.register(models.Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    """Every scanned material, voided ones included (they are kept: a wrong upload is voided, never deleted).
    Written only by core.attachments; the file opens through the scope-checked, logged view."""

    scope_field = None
    list_display = [
        "kind_label",
        "owner_type",
        "owner_id",
        "original_name",
        "received_on",
        "uploaded_by",
        "voided",
    ]
    # Only the kinds of record that hold materials (every content type would list the third-party models).
    list_filter = [
        ("owner_type", admin.RelatedOnlyFieldListFilter),
        "kind",
        ("voided_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["kind_label", "original_name", "sha256"]
    readonly_fields = ["file_link"]

    @admin.display(description="已作废", boolean=True)
    def voided(self, obj):
        return obj.voided_at is not None

    @admin.display(description="文件")
    def file_link(self, obj):
        from django.utils.html import format_html

        return format_html(
            '<a href="{}" target="_blank" rel="noopener">打开</a>',
            reverse("core:attachment_open", args=[obj.pk]),
        )


@admin.register(models.AttachmentView)
class AttachmentViewAdmin(ReadOnlyAdmin):
    scope_field = None
    list_display = ["attachment", "viewed_by", "viewed_at", "ip_address"]
    list_select_related = ["attachment", "viewed_by"]


class GroupAdmin(DjangoGroupAdmin):
    """Django's group page, each permission named in Chinese with its app (core.localization)."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "permissions" and field is not None:
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)


class ReminderKindFilter(admin.SimpleListFilter):
    title = "提醒类别"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(source.kind, source.label) for source in reminder_kinds()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # A kind nobody registered (a typed or hostile value) lists nothing; it never reaches the query.
        return queryset.filter(kind=self.value()) if self.value() in reminder_sources else queryset.none()


class ReminderReadFilter(admin.SimpleListFilter):
    title = "阅读状态"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", "未读"), ("yes", "已读")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


def _moment(at) -> str:
    """2026年12月1日 08:30 (Beijing), or 「—」 for what has not happened."""
    if at is None:
        return "—"
    local = timezone.localtime(at)
    return f"{day_text(local.date())} {local:%H:%M}"


@admin.register(models.Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """What was sent to whom and when: every reminder of the hourly round (core/reminders.py), read only —
    they are made by the round and marked read by their recipient. Scoped by the recipient's organisation."""

    scope_field = "user__staff_profile__organization"
    list_display = ["recipient", "kind_label", "text", "occasion_day", "created", "read", "emailed", "texted"]
    list_select_related = ["user"]
    list_filter = [ReminderKindFilter, ReminderReadFilter]
    search_fields = ["text", "user__last_name", "user__first_name"]
    search_help_text = "按内容或接收人姓名搜索"
    fields = readonly_fields = [
        "recipient",
        "kind_label",
        "text",
        "occasion_day",
        "url",
        "created",
        "read",
        "emailed",
        "texted",
    ]

    @admin.display(description="接收人", ordering="user__last_name")
    def recipient(self, reminder) -> str:
        return person_name(reminder.user)

    @admin.display(description="提醒类别", ordering="kind")
    def kind_label(self, reminder) -> str:
        source = reminder_sources.get(reminder.kind)
        return source.label if source else reminder.kind

    @admin.display(description="事由日期", ordering="occasion")
    def occasion_day(self, reminder) -> str:
        return day_text(reminder.occasion)

    @admin.display(description="提醒时间", ordering="created_at")
    def created(self, reminder) -> str:
        return _moment(reminder.created_at)

    @admin.display(description="已读时间", ordering="read_at")
    def read(self, reminder) -> str:
        return _moment(reminder.read_at) if reminder.read_at else "未读"

    @admin.display(description="邮件发送时间", ordering="emailed_at")
    def emailed(self, reminder) -> str:
        return _moment(reminder.emailed_at)

    @admin.display(description="短信发送时间", ordering="texted_at")
    def texted(self, reminder) -> str:
        return _moment(reminder.texted_at)
