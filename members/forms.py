"""Forms of the member pages. They check input shape only; the rules live in the operations they feed."""

from __future__ import annotations

from django import forms

from core.dates import local_today
from members.models import DuesPayment, FloatingContact, Meeting, Member, Organization, RelationTransfer


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberSearchForm(forms.Form):
    q = forms.CharField(label="查找", required=False, max_length=50)
    organization = forms.ModelChoiceField(
        label="党组织", queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = "全部党组织"
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": "姓名、拼音首字母、身份证号或电话", "autofocus": True}
        )


class MeetingForm(forms.Form):
    organization = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    kind = forms.ChoiceField(label="会议类型", choices=Meeting.Kind.choices)
    held_on = forms.DateField(label="召开日期", widget=DateInput())
    topic = forms.CharField(label="主题", max_length=200)
    location = forms.CharField(label="地点", max_length=100, required=False)
    host = forms.CharField(label="主持人", max_length=30, required=False)
    minutes = forms.CharField(label="会议记录", max_length=10000, required=False, widget=forms.Textarea)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first()

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > local_today():
            raise forms.ValidationError("召开日期不能晚于今天：请在会议召开后登记。")
        return held_on


class AttendanceForm(forms.Form):
    """The roll: one tick box per expected attendee (checked = present)."""

    present = forms.MultipleChoiceField(label="出席党员", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(m.pk), m.name) for m in members]
        self.fields["present"].help_text = "勾选出席的党员；未勾选的记为缺席。"

    def present_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["present"]}


class DuesForm(forms.Form):
    month = forms.DateField(label="所属月份", widget=DateInput(), help_text="选择该月任意一天即可")
    amount = forms.DecimalField(label="金额（元）", max_digits=8, decimal_places=2, min_value=0.01)
    paid_on = forms.DateField(label="交纳日期", widget=DateInput())

    def __init__(self, *args, member: Member, **kwargs):
        today = local_today()
        kwargs.setdefault(
            "initial", {"month": today.replace(day=1), "amount": member.monthly_dues, "paid_on": today}
        )
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if DuesPayment.objects.filter(member=self.member, month=month).exists():
            raise forms.ValidationError(f"{month:%Y年%-m月}的党费已登记，不能重复登记。")
        return month

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > local_today():
            raise forms.ValidationError("交纳日期不能晚于今天。")
        return paid_on


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
