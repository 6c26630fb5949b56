"""Forms of the member pages. They check input shape only; the rules live in the operations they feed."""

from __future__ import annotations

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import widgets
from core.dates import local_today
from core.fields import CodeFormField, name_bare_fields
from core.models import Organization
from members.models import (
    Attendance,
    Discipline,
    DuesCategory,
    DuesLapseHandling,
    FloatingCertificate,
    FloatingContact,
    FloatingMember,
    Meeting,
    Member,
    RelationTransfer,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class QuickSelect(forms.Select):
    """A <select> written in one pass: Django renders one template per option, which for the 300 organisations of a
    county is most of the member search page's time (issue 9). Same markup, escaped the same way — as
    ``conditional_escape`` does, without its checks for lazy arguments on every call (format_html per option
    was still a few microseconds each: the select grew the page by 1–2 ms from 80 to 300 branches, issue 21)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{_escaped(key)}"{" selected" if str(key) in selected else ""}>{_escaped(label)}</option>'
            for key, label in self.choices
        )
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))


def _escaped(value) -> str:
    """``conditional_escape(value)`` as a plain string: safe HTML as it is, anything else escaped."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class MemberSearchForm(forms.Form):
    """The member list's search bar: its fields stand without a <label>, so each carries its label as aria-label."""

    q = forms.CharField(label="查找", required=False, max_length=50)
    # The organisation's id: a choice among the user's organisations, fetched as (id, name) pairs in one query.
    organization = forms.TypedChoiceField(
        label="党组织", required=False, coerce=int, empty_value=None, widget=QuickSelect
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "全部党组织"), *organizations.values_list("pk", "name")]
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": "姓名、拼音首字母、身份证号或电话", "autofocus": True}
        )
        name_bare_fields(self)


class MeetingForm(forms.Form):
    organization = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    kind = forms.ChoiceField(label="会议类型", choices=Meeting.Kind.choices)
    held_on = forms.DateField(label="召开日期", widget=DateInput())
    topic = forms.CharField(label="主题", max_length=200)
    location = forms.CharField(label="地点", max_length=100, required=False)
    host = forms.CharField(label="主持人", max_length=30, required=False)
    minutes = forms.CharField(label="会议记录", max_length=10000, required=False, widget=forms.Textarea)

    SEARCHABLE_FROM = 12  # a longer list gets a search box (static/js/select-filter.js)

    def __init__(self, *args, organizations, preferred: Organization | None = None, **kwargs):
        """``preferred``: the user's own organisation (a secretary's branch), preselected when offered."""
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = organizations.order_by("sort_order", "code")
        count = organizations.count()
        if count == 1:
            field.initial = organizations.first()
        elif preferred is not None and organizations.filter(pk=preferred.pk).exists():
            field.initial = preferred
        if count >= self.SEARCHABLE_FROM:
            field.widget.attrs.update({"data-searchable": "输入名称筛选党组织"})

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > local_today():
            raise forms.ValidationError("召开日期不能晚于今天：请在会议召开后登记。")
        return held_on


class AttendanceForm(forms.Form):
    """The roll: one tick box per expected attendee (checked = present) and, beside it, the reason of an
    absence (病假/事假/公差/无故, Attendance.ABSENCE_REASONS), printed in the minutes."""

    present = forms.MultipleChoiceField(label="出席党员", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members, reasons: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["present"].choices = [(str(m.pk), m.name) for m in self.members]
        self.fields["present"].help_text = "勾选出席的党员；未勾选的记为缺席，请在其后选择缺席原因。"
        reasons = reasons or {}
        choices = [("", "缺席原因"), *((r, r) for r in Attendance.ABSENCE_REASONS)]
        for m in self.members:
            known = reasons.get(m.pk, "")
            extra = [(known, known)] if known and known not in Attendance.ABSENCE_REASONS else []
            self.fields[f"reason_{m.pk}"] = forms.ChoiceField(
                label=f"{m.name}的缺席原因", choices=[*choices, *extra], required=False, initial=known
            )

    def rows(self) -> list[tuple]:
        """Each member's tick box with the select of its absence reason, for the template."""
        boxes = {str(box.data["value"]): box for box in self["present"]}
        return [(boxes[str(m.pk)], self[f"reason_{m.pk}"]) for m in self.members]

    def present_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["present"]}

    def absence_reasons(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"reason_{m.pk}", "") for m in self.members}


class DuesForm(forms.Form):
    """R-MB-14: one payment of one or several months (owed or up to a year ahead), perhaps on the member's behalf.
    The months offered and their amounts come from members.dues (``payable_months``)."""

    months = forms.MultipleChoiceField(
        label="交纳月份",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="可同时补交、预交多个月",
    )
    paid_on = forms.DateField(label="交纳日期", widget=DateInput())
    paid_by = forms.CharField(
        label="代交人", max_length=50, required=False, help_text="本人交纳的不填；他人代交填写代交人姓名"
    )
    voluntary = forms.DecimalField(
        label="自愿多交（元）",
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="不计入应交党费",
    )

    def __init__(self, *args, member: Member, **kwargs):
        from members.dues import payable_months

        today = local_today()
        kwargs.setdefault("initial", {"paid_on": today})
        super().__init__(*args, **kwargs)
        self.member = member
        self.payable = payable_months(member, today)
        self.fields["months"].choices = [
            (
                f"{month:%Y-%m-%d}",
                f"{month:%Y年%-m月} {due.amount}元{'（暂按上年基数）' if due.provisional else ''}"
                f"{'（欠交）' if owed else ''}",
            )
            for month, due, owed in self.payable
        ]

    def clean_months(self):
        from datetime import date

        return [date.fromisoformat(value) for value in self.cleaned_data["months"]]

    def clean_paid_on(self):
        return _not_in_future(self.cleaned_data["paid_on"], "交纳日期")

    def clean_voluntary(self):
        from decimal import Decimal

        return self.cleaned_data["voluntary"] or Decimal("0")


class DuesBaseForm(forms.Form):
    """R-MB-13: one member's category and base (or the farmer's fixed amount) for a year."""

    # 50 rows a page: widgets written out in Python (core.widgets), the same HTML as Django's templates.
    member = forms.IntegerField(widget=widgets.HiddenInput)
    category = forms.ChoiceField(
        label="党费类别",
        choices=[("", "—")] + list(DuesCategory.choices),
        required=False,
        widget=widgets.Select,
    )
    base = forms.DecimalField(
        label="月缴纳基数（元）",
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=widgets.NumberInput,
    )
    fixed_amount = forms.DecimalField(
        label="定额（元/月）", max_digits=4, decimal_places=2, required=False, widget=widgets.NumberInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_bare_fields(self)  # a row of the bases table: the column heading is the only label


DuesBaseFormSet = forms.formset_factory(DuesBaseForm, extra=0)


class DuesBaseImportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    file = forms.FileField(
        label="基数表（.xlsx）", help_text="请先下载本支部的基数表模板，填写后上传；有一行出错则整表不导入"
    )


class DuesReductionForm(forms.Form):
    """R-MB-13: a reduction or exemption, with the branch's decision and the committee's approval (both)."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    from_month = forms.TypedChoiceField(
        label="自几月起", coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)]
    )
    reduced_amount = forms.DecimalField(
        label="减免后每月应交（元）", max_digits=8, decimal_places=2, min_value=0, help_text="填0为免交"
    )
    branch_decision = forms.CharField(label="支部决定", max_length=200, help_text="会议或文号及减免理由")
    branch_decided_on = forms.DateField(label="支部决定日期", widget=DateInput())
    committee_approval = forms.CharField(label="上级党委批准", max_length=200, help_text="批准文号或意见")
    committee_approved_on = forms.DateField(label="上级党委批准日期", widget=DateInput())


class DuesLapseForm(forms.Form):
    """R-MB-15: the branch's handling of six months without dues."""

    kind = forms.ChoiceField(label="处理方式", choices=DuesLapseHandling.Kind.choices)
    handled_on = forms.DateField(label="处理日期", widget=DateInput())
    reason_until = forms.DateField(label="正当理由有效至", widget=DateInput(), required=False)
    pay_by = forms.DateField(label="限期补交截止日期", widget=DateInput(), required=False)
    note = forms.CharField(label="情况说明", max_length=500, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"handled_on": local_today()})
        super().__init__(*args, **kwargs)

    def clean_handled_on(self):
        return _not_in_future(self.cleaned_data["handled_on"], "处理日期")


class FloatingContactForm(forms.Form):
    contacted_on = forms.DateField(label="联系日期", widget=DateInput())
    method = forms.ChoiceField(label="联系方式", choices=FloatingContact.Method.choices)
    reached = forms.BooleanField(label="已联系上", required=False, initial=True)
    note = forms.CharField(label="情况记录", max_length=500, required=False, widget=forms.Textarea)

    def clean_contacted_on(self):
        contacted_on = self.cleaned_data["contacted_on"]
        if contacted_on > local_today():
            raise forms.ValidationError("联系日期不能晚于今天。")
        return contacted_on


class TransferStartForm(forms.Form):
    direction = forms.ChoiceField(
        label="转接类型",
        choices=[
            (RelationTransfer.Direction.INTERNAL, RelationTransfer.Direction.INTERNAL.label),
            (RelationTransfer.Direction.OUT, "转出镇外"),
        ],
    )
    to_organization = forms.ModelChoiceField(
        label="接收党支部（镇内）", queryset=Organization.objects.none(), required=False
    )
    to_unit = forms.CharField(label="接收单位（镇外）", max_length=100, required=False)
    issued_on = forms.DateField(label="介绍信开具日期", widget=DateInput())
    valid_days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=180, initial=30)
    reason = forms.CharField(label="转接原因", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"issued_on": local_today(), "valid_days": 30})
        super().__init__(*args, **kwargs)
        # Accept members regardless of where they go (R-MB-05): every active branch is a valid receiver.
        self.fields["to_organization"].queryset = Organization.objects.branches().filter(is_active=True)

    def clean(self):
        data = super().clean()
        if data.get("direction") == RelationTransfer.Direction.INTERNAL and not data.get("to_organization"):
            self.add_error("to_organization", "镇内转接请选择接收党支部。")
        if (
            data.get("direction") == RelationTransfer.Direction.OUT
            and not (data.get("to_unit") or "").strip()
        ):
            self.add_error("to_unit", "转出镇外请填写接收单位。")
        return data


class TransferAcceptForm(forms.Form):
    accepted_on = forms.DateField(label="接收日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"accepted_on": local_today()})
        super().__init__(*args, **kwargs)

    def clean_accepted_on(self):
        accepted_on = self.cleaned_data["accepted_on"]
        if accepted_on > local_today():
            raise forms.ValidationError("接收日期不能晚于今天。")
        return accepted_on


def _not_in_future(value, label: str):
    if value > local_today():
        raise forms.ValidationError(f"{label}不能晚于今天。")
    return value


class FloatingRegisterForm(forms.Form):
    """R-MB-06: the 七个掌握 of a new floating member (basic facts and dues are on the member record)."""

    direction = forms.ChoiceField(label="流动方向", choices=FloatingMember.Direction.choices)
    flowed_out_on = forms.DateField(label="外出（流入）时间", widget=DateInput())
    destination = forms.CharField(label="流入地/流出地", max_length=100)
    current_work = forms.CharField(label="现工作单位及从事工作", max_length=200)
    home_address = forms.CharField(label="家庭住址", max_length=200)
    contact_phone = CodeFormField(label="联系方式", max_length=40)
    activity_participation = forms.CharField(
        label="参加组织活动情况", max_length=2000, required=False, widget=forms.Textarea
    )
    dues_paid_where = forms.CharField(
        label="党费交纳地点",
        max_length=100,
        required=False,
        help_text="七个掌握之一：如“原支部按月收缴”“流入地党组织代收”",
    )

    def __init__(self, *args, member: Member, **kwargs):
        kwargs.setdefault(
            "initial",
            {"flowed_out_on": local_today(), "home_address": member.address, "contact_phone": member.phone},
        )
        super().__init__(*args, **kwargs)

    def clean_flowed_out_on(self):
        return _not_in_future(self.cleaned_data["flowed_out_on"], "外出（流入）时间")


class FloatingReturnForm(forms.Form):
    returned_on = forms.DateField(label="返回（流出）时间", widget=DateInput())
    note = forms.CharField(label="情况说明", max_length=200, required=False)

    def __init__(self, *args, floating: FloatingMember, **kwargs):
        kwargs.setdefault("initial", {"returned_on": local_today()})
        super().__init__(*args, **kwargs)
        self.floating = floating

    def clean_returned_on(self):
        returned_on = _not_in_future(self.cleaned_data["returned_on"], "返回时间")
        if returned_on < self.floating.flowed_out_on:
            raise forms.ValidationError(
                f"返回时间不能早于外出（流入）时间{self.floating.flowed_out_on:%Y年%-m月%-d日}。"
            )
        return returned_on


class CertificateIssueForm(forms.Form):
    issued_on = forms.DateField(label="发证日期", widget=DateInput())
    valid_months = forms.IntegerField(label="有效期（月）", min_value=1, max_value=36, initial=12)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"issued_on": local_today(), "valid_months": 12})
        super().__init__(*args, **kwargs)

    def clean_issued_on(self):
        return _not_in_future(self.cleaned_data["issued_on"], "发证日期")


class CertificateRevokeForm(forms.Form):
    revoked_on = forms.DateField(label="收回日期", widget=DateInput())
    reason = forms.CharField(label="收回原因", max_length=200)

    def __init__(self, *args, certificate: FloatingCertificate, **kwargs):
        kwargs.setdefault("initial", {"revoked_on": local_today()})
        super().__init__(*args, **kwargs)
        self.certificate = certificate

    def clean_revoked_on(self):
        revoked_on = _not_in_future(self.cleaned_data["revoked_on"], "收回日期")
        if revoked_on < self.certificate.issued_on:
            raise forms.ValidationError("收回日期不能早于发证日期。")
        return revoked_on


class DisciplineForm(forms.Form):
    kind = forms.ChoiceField(label="处分类型", choices=Discipline.Kind.choices)
    decided_on = forms.DateField(label="处分日期", widget=DateInput())
    decided_by = forms.CharField(label="决定机关", max_length=100)
    reason = forms.CharField(label="事由", max_length=2000, widget=forms.Textarea)

    def clean_decided_on(self):
        return _not_in_future(self.cleaned_data["decided_on"], "处分日期")


class RestoreRightsForm(forms.Form):
    restored_on = forms.DateField(label="恢复党员权利日期", widget=DateInput())

    def __init__(self, *args, discipline: Discipline, **kwargs):
        kwargs.setdefault("initial", {"restored_on": local_today()})
        super().__init__(*args, **kwargs)
        self.discipline = discipline

    def clean_restored_on(self):
        restored_on = _not_in_future(self.cleaned_data["restored_on"], "恢复权利日期")
        if restored_on < self.discipline.decided_on:
            raise forms.ValidationError("恢复权利日期不能早于处分日期。")
        return restored_on


class TransferCancelForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=100)


class StatusChangeForm(forms.Form):
    """Leaving states only: 开除党籍 is recorded as a discipline, 转出 through a relation transfer, 转正 in
    recruitment — each through its own operation."""

    to_status = forms.ChoiceField(
        label="变动为",
        choices=[
            (Member.Status.DECEASED, Member.Status.DECEASED.label),
            (Member.Status.REMOVED, Member.Status.REMOVED.label),
        ],
    )
    effective_on = forms.DateField(label="生效日期", widget=DateInput())
    reason = forms.CharField(label="原因", max_length=200)

    def clean_effective_on(self):
        return _not_in_future(self.cleaned_data["effective_on"], "生效日期")


class ImportUploadForm(forms.Form):
    """导入党员 / 党组织: the file, read and checked by core.spreadsheets (size, fake or exploding workbooks);
    ``rows`` estimates its data rows (the request imports a small file, a job a big one)."""

    kind = forms.ChoiceField(label="导入内容", choices=[])
    file = forms.FileField(label="文件（.xlsx 或 .csv）")

    def __init__(self, *args, user, **kwargs):
        from members.importing import IMPORT_KINDS, may_import

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, v) for k, v in IMPORT_KINDS.items() if may_import(user, k)]
        self.file_format = ""
        self.data_bytes = b""
        self.rows = 0

    def clean_file(self):
        from core.spreadsheets import ImportFileError, read_upload, row_estimate

        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        self.file_format = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith(".csv") else ""
        if not self.file_format:
            raise forms.ValidationError("请上传 .xlsx 或 .csv 文件。")
        try:
            self.data_bytes = read_upload(upload, self.file_format)
            self.rows = row_estimate(self.data_bytes, self.file_format)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        except Exception as exc:  # a workbook that cannot be opened at all
            raise forms.ValidationError("文件无法读取，请用Excel另存为.xlsx后再导入。") from exc
        return upload
