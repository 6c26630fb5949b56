from django import forms
from django.contrib.auth.models import User

from core.fields import CodeFormField, CodeRegexField
from core.people import person_with_post
from core.phones import validate_phone
from services.access import desk_workers
from services.models import INTAKE_KINDS, Appointment, Channel, Complaint, Sanction, Service, Violation


def _staff_users():
    return (
        User.objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .select_related("staff_profile")
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )


def _offer_staff(field: forms.ModelChoiceField, users=None) -> None:
    """Staff as choices, each by name and window or role (core.people), never by login name."""
    field.queryset = _staff_users() if users is None else users
    field.label_from_instance = person_with_post


class IntakeForm(forms.Form):
    kind = forms.ChoiceField(label="办件类型", choices=[(k.value, k.label) for k in INTAKE_KINDS])
    channel = forms.ChoiceField(label="来访方式", choices=Channel.choices)
    service = forms.ModelChoiceField(
        label="服务事项", queryset=Service.objects.filter(is_active=True), required=False
    )
    applicant_name = forms.CharField(label="办事人姓名", max_length=50)
    applicant_phone = CodeFormField(
        label="联系电话", max_length=20, required=False, validators=[validate_phone]
    )
    applicant_id_number = CodeFormField(label="身份证号", max_length=18, required=False)
    applicant_address = forms.CharField(label="住址", max_length=200, required=False)
    request = forms.CharField(
        label="办理事项/诉求", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    proposed_handling = forms.CharField(
        label="拟办意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    external_deadline = forms.DateField(
        label="上级规定办结日期（上报件）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    referred_unit = forms.CharField(
        label="非本中心事项：转介单位",
        max_length=100,
        required=False,
        help_text="填写后本事项登记为转介，并记录首问责任人（R-SV-01）",
    )
    register_only = forms.BooleanField(
        label="仅登记，暂不受理",
        required=False,
        help_text="材料待核实时选择；在办件页受理（出具受理通知书）后开始计时（R-SV-04）",
    )


class TextForm(forms.Form):
    text = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class CompleteForm(forms.Form):
    text = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    is_public = forms.BooleanField(label="列入办结公告（R-SV-14）", required=False)
    public_result = forms.CharField(
        label="公告结果", max_length=100, required=False, help_text="公开显示，不得包含姓名、电话、身份证号"
    )


class SupplementForm(forms.Form):
    items = forms.MultipleChoiceField(
        label="需补充的材料（办事指南所列）", required=False, widget=forms.CheckboxSelectMultiple
    )
    other = forms.CharField(
        label="其他需补充的材料（每行一项）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(m, m) for m in materials]

    def clean_other(self) -> str:
        # Each line becomes one item of Supplement.items (a column of at most 200 characters).
        other = self.cleaned_data["other"]
        if any(len(line) > 200 for line in other.splitlines()):
            raise forms.ValidationError("每项材料名称不能超过200个字，请分行填写。")
        return other

    def clean(self) -> dict:
        data = super().clean()
        # One list for desk.matter_request_supplement: the ticked materials, then one item per line of "other".
        data["all_items"] = [*data.get("items", []), *data.get("other", "").splitlines()]
        return data


class HandoverForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label="接收人", queryset=desk_workers(), required=False, help_text="中心工作人员或镇党委管理员"
    )
    to_window = forms.CharField(label="接收窗口", max_length=50, required=False)
    to_unit = forms.CharField(label="或接收单位", max_length=100, required=False)
    reason = forms.CharField(label="移交原因", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_staff(self.fields["to_user"], desk_workers())


class FeeForm(forms.Form):
    amount = forms.DecimalField(label="金额（元）", max_digits=8, decimal_places=2)
    legal_basis = forms.CharField(label="收费依据", max_length=200)


class ReferForm(forms.Form):
    unit = forms.CharField(label="转介单位", max_length=100)


class ConfirmForm(forms.Form):
    """A button with nothing to fill in: posting it is the confirmation."""


class AppointmentCloseForm(forms.Form):
    done = forms.TypedChoiceField(
        label="服务情况", choices=[("1", "已服务"), ("0", "取消")], coerce=lambda value: value == "1"
    )


class ReportedUpForm(forms.Form):
    external_deadline = forms.DateField(
        label="上级规定办结日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DecisionForm(forms.Form):
    violation = forms.ChoiceField(label="违规情形", choices=Violation.choices)
    sanctions = forms.MultipleChoiceField(
        label="追究方式（可单处或并处）", choices=Sanction.choices, widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(
        label="调查情况", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["complainant_name", "complainant_contact", "channel", "against_staff", "matter", "content"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_staff(self.fields["against_staff"])
        self.fields["matter"].queryset = self.fields["matter"].queryset.order_by("-registered_at")


class AppointmentForm(forms.ModelForm):
    scheduled_at = forms.DateTimeField(
        label="预约时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Appointment
        fields = [
            "name",
            "phone",
            "service",
            "topic",
            "scheduled_at",
            "group",
            "door_to_door",
            "address",
            "assigned_staff",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_staff(self.fields["assigned_staff"], desk_workers())
        self.fields["phone"].validators.append(validate_phone)  # a mobile, or a landline with its area code


class LookupForm(forms.Form):
    receipt_number = CodeFormField(
        label="受理编号",
        max_length=40,
        help_text="按受理通知书填写，括号可用任意写法；也可只填数字，如2026031，或今年的序号031",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "如 便民〔2026〕031号 或 2026031"}
        ),
    )
    phone_suffix = CodeRegexField(
        label="联系电话后四位",
        regex=r"^[0-9]{4}$",
        max_length=4,
        error_messages={"invalid": "请输入4位数字"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
