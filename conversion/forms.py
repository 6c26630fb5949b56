"""Forms for the conversion pages. They collect input only; every rule lives in the operation modules.

Fields are named after the operation's arguments, so a refusal naming an argument shows beside its field.
"""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef

from conversion.models import ConversionCase, ReviewParticipant, TransitionObservation
from core.dates import local_today
from core.fields import name_bare_fields
from members.models import Member

# <input type="date"> only accepts ISO dates; the zh-hans display format would leave it empty in a browser.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, initial=local_today)


class EnrolForm(forms.Form):
    member = forms.ModelChoiceField(label="转化党员", queryset=Member.objects.none())
    opened_on = _date("纳入日期（镇党委决定）")
    reason = forms.CharField(label="纳入原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        open_case = ConversionCase.objects.filter(member=OuterRef("pk")).exclude(
            state=ConversionCase.State.CLOSED
        )
        self.fields["member"].queryset = (
            Member.objects.filter(status__in=Member.ACTIVE_STATUSES, organization__is_center=False)
            .exclude(Exists(open_case))
            .select_related("organization")
            .order_by("organization__sort_order", "name")
        )
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.organization.name}）"


class TaskForm(forms.Form):
    title = forms.CharField(label="任务", max_length=200)
    description = forms.CharField(
        label="任务要求", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    assigned_on = _date("布置日期")
    due_on = forms.DateField(label="完成期限", widget=DATE)


class TaskCloseForm(forms.Form):
    completed = forms.TypedChoiceField(
        label="完成情况",
        choices=[("1", "已完成（+0.5分）"), ("0", "未完成（−0.5分）")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    closed_on = _date("评定日期")


class ReverseForm(forms.Form):
    reason = forms.CharField(label="冲正原因", max_length=250)


class ReferralDecisionForm(forms.Form):
    decision = forms.CharField(
        label="镇党委处理决定", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    decided_on = _date("决定日期")


class ReviewScheduleForm(forms.Form):
    scheduled_on = _date("评议日期")


class ParticipantForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30, required=False)
    category = forms.ChoiceField(
        label="类别", choices=[("", "—")] + ReviewParticipant.Category.choices, required=False
    )
    village = forms.CharField(label="所在村（社区）", max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_bare_fields(self)  # a row of the roster table: the column heading is the only label


# R-CV-08 lists eight categories; a roster of 7–12 people is usual, so leave room without JavaScript.
RosterFormSet = forms.formset_factory(ParticipantForm, extra=12)


class ScoresForm(forms.Form):
    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        for p in participants:
            self.fields[f"score_{p.pk}"] = forms.DecimalField(
                label=f"{p.name}（{p.get_category_display()}，{p.village}）",
                max_digits=5,
                decimal_places=2,
                required=False,
                initial=p.score,
            )

    def scores(self) -> dict:
        return {int(name.removeprefix("score_")): value for name, value in self.cleaned_data.items()}


class ConcludeForm(forms.Form):
    concluded_on = _date("结论日期")
    note = forms.CharField(label="说明", max_length=500, required=False)


class ObservationForm(forms.Form):
    observed_on = _date("日期")
    note = forms.CharField(label="跟踪情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    misconduct = forms.BooleanField(label="有违纪违规行为", required=False)


class DisciplineReferralForm(forms.Form):
    referred_on = _date("移交日期")
    matter = forms.CharField(label="移交事由", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    observation = forms.ModelChoiceField(
        label="依据的跟踪记录", queryset=TransitionObservation.objects.none(), required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observation"].queryset = case.observations.filter(misconduct=True)


class CloseForm(forms.Form):
    closed_on = _date("结案日期")
