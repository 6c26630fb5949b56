"""Admin: the administrator edits the service catalog (R-SV-16); matters and cases are changed only through the
desk operations, so their admin pages are read-only. The desk is not scoped by branch (scope_field None).

A citizen's ID number and phone are never shown in full here: the admin is a look-up, and the desk pages are
where a matter is worked (R-MB-04: a full number shown would have to be logged)."""

from django.contrib import admin

from core.access import is_admin
from core.admin_scope import ReadOnlyAdmin, ReadOnlyInline, ScopedModelAdmin
from core.idnumbers import mask_id_number, mask_phone
from core.people import person_name
from services.models import AccountabilityCase, Appointment, Complaint, Matter, MatterChange, Service


@admin.register(Service)
class ServiceAdmin(ScopedModelAdmin):
    scope_field = None
    list_display = ["name", "kind", "limit_working_days", "fee_amount", "is_agent_service", "is_active"]
    list_filter = ["kind", "is_active", "is_agent_service"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user)

    has_add_permission = has_change_permission

    def has_delete_permission(self, request, obj=None):
        return False  # matters keep pointing at their service; retire a service with "在用" instead


class DeskAdmin(ReadOnlyAdmin):
    scope_field = None


class MatterChangeInline(ReadOnlyInline):
    model = MatterChange
    extra = 0
    fields = readonly_fields = ["at", "what", "from_label", "to_label", "who", "note"]

    @admin.display(description="事项")
    def what(self, change):
        return change.action_label

    @admin.display(description="原状态")
    def from_label(self, change):
        return change.state_label(change.from_state)

    @admin.display(description="新状态")
    def to_label(self, change):
        return change.state_label(change.to_state)

    @admin.display(description="记录人")
    def who(self, change):
        return person_name(change.by)


@admin.register(Matter)
class MatterAdmin(DeskAdmin):
    list_display = [
        "receipt_number",
        "kind",
        "state",
        "applicant_name",
        "first_contact",
        "deadline_at",
        "overdue_at",
    ]
    list_filter = ["state", "kind", "year"]
    search_fields = ["receipt_number", "applicant_name"]
    exclude = ["applicant_id_number", "applicant_phone"]
    readonly_fields = ["masked_id_number", "masked_phone"]
    inlines = [MatterChangeInline]

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.applicant_id_number)

    @admin.display(description="联系电话")
    def masked_phone(self, obj):
        return mask_phone(obj.applicant_phone)


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(DeskAdmin):
    list_display = ["number", "matter_number", "responsible", "state", "violation", "opened_at"]
    list_filter = ["state"]

    @admin.display(description="编号", ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description="办件", ordering="matter__receipt_number")
    def matter_number(self, obj):
        return obj.matter


@admin.register(Complaint)
class ComplaintAdmin(DeskAdmin):
    list_display = ["number", "complainant_name", "against_staff", "state", "received_at"]

    @admin.display(description="编号", ordering="pk")
    def number(self, obj):
        return obj.pk

    list_filter = ["state"]


@admin.register(Appointment)
class AppointmentAdmin(DeskAdmin):
    list_display = ["name", "scheduled_at", "door_to_door", "assigned_staff", "state"]
    list_filter = ["state", "door_to_door"]
