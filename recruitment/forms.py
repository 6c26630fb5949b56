"""Forms for every record; rules are checked by the operations they call, never here."""

from django import forms
from django.db.models import Q

from core.fields import name_bare_fields
from core.models import Organization
from members.models import Member
from recruitment import models as m

PLAN_YEARS = (2000, 2100)  # R-RC-24: the years a development plan can be set or looked at for


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _dates(model, *names):
    return {n: DateInput() for n in names}


class CandidateForm(forms.ModelForm):
    class Meta:
        model = m.Candidate
        fields = [
            "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "work_unit",
            "address", "is_league_member", "organization", "applied_on", "transferred_in",
        ]  # fmt: skip
        widgets = _dates(m.Candidate, "birth_date", "applied_on")

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        # An empty scope (no branch, or a party group) offers nothing — never every branch.
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.branches()
        )


def _record_form(model, fields, dates):
    meta = type("Meta", (), {"model": model, "fields": fields, "widgets": {d: DateInput() for d in dates}})
    return type(f"{model.__name__}Form", (forms.ModelForm,), {"Meta": meta})


# kind (URL part) → (form, Chinese title, rule)
RECORD_FORMS = {
    "talk": (_record_form(m.Talk, ["talked_on", "talker", "summary"], ["talked_on"]), "R-RC-02"),
    "recommendation": (
        _record_form(m.Recommendation, ["purpose", "kind", "recommended_on", "note"], ["recommended_on"]),
        "R-RC-03",
    ),
    "contact": (_record_form(m.Contact, ["member", "assigned_on"], ["assigned_on"]), "R-RC-04"),
    "thought-report": (
        _record_form(m.ThoughtReport, ["submitted_on", "summary"], ["submitted_on"]),
        "R-RC-05",
    ),
    "assessment": (_record_form(m.Assessment, ["assessed_on", "conclusion"], ["assessed_on"]), "R-RC-06"),
    "introducer": (_record_form(m.Introducer, ["member", "assigned_on"], ["assigned_on"]), "R-RC-09"),
    "political-review": (
        _record_form(m.PoliticalReview, ["concluded_on", "conclusion", "passed"], ["concluded_on"]),
        "R-RC-10",
    ),
    "training": (_record_form(m.Training, ["course", "finished_on", "hours"], ["finished_on"]), "R-RC-11"),
    "public-notice": (
        _record_form(
            m.PublicNotice,
            ["starts_on", "ends_on", "objections", "objections_resolved_on", "resolution"],
            ["starts_on", "ends_on", "objections_resolved_on"],
        ),
        "R-RC-12",
    ),
    "pre-review": (
        _record_form(m.PreReview, ["reviewed_on", "passed", "leaving_within_3_months"], ["reviewed_on"]),
        "R-RC-13",
    ),
    "upper-talk": (_record_form(m.UpperTalk, ["talked_on", "talker", "summary"], ["talked_on"]), "R-RC-15"),
    "oath": (_record_form(m.Oath, ["taken_on", "place"], ["taken_on"]), "R-RC-18"),
    "conversion-application": (
        _record_form(m.ConversionApplication, ["submitted_on"], ["submitted_on"]),
        "R-RC-19",
    ),
    "postponement": (
        _record_form(m.Postponement, ["decided_on", "months", "reason"], ["decided_on"]),
        "R-RC-22",
    ),
}


def record_form(kind: str, candidate, data=None):
    form_class, _rule = RECORD_FORMS[kind]
    form = form_class(data)
    if "member" in form.fields:
        # R-RC-04 / R-RC-09: contacts and introducers are full members of the candidate's branch.
        form.fields["member"].queryset = Member.objects.filter(
            organization=candidate.organization, status=Member.Status.FULL
        )
    return form


class TransitionForm(forms.Form):
    decided_on = forms.DateField(label="决定日期", widget=DateInput())
    decided_by = forms.CharField(label="决定机关", max_length=100)
    reason = forms.CharField(
        label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="召开日期", widget=DateInput())
    host = forms.CharField(label="主持人", max_length=30, required=False)
    present = forms.ModelMultipleChoiceField(
        label="到会党员", queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = Member.objects.filter(
            organization=organization, status__in=Member.ACTIVE_STATUSES
        )


def _written(label):
    return forms.ModelMultipleChoiceField(
        label=label, queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )


class VoteForm(forms.Form):
    proposal = forms.ChoiceField(label="表决事项", choices=m.CandidateVote.Proposal.choices)
    extension_months = forms.IntegerField(
        label="延长月数（延长预备期时填写）", required=False, min_value=6, max_value=12
    )
    yes = forms.IntegerField(label="到会赞成", min_value=0)
    no = forms.IntegerField(label="到会反对", min_value=0)
    abstain = forms.IntegerField(label="到会弃权", min_value=0)
    written_yes = _written("书面赞成（未到会党员）")
    written_no = _written("书面反对（未到会党员）")
    written_abstain = _written("书面弃权（未到会党员）")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        absent = Member.objects.filter(organization=meeting.organization, status=Member.Status.FULL).exclude(
            pk__in=meeting.present.values("pk")
        )
        for name in self.WRITTEN:
            self.fields[f"written_{name}"].queryset = absent

    WRITTEN = ("yes", "no", "abstain")  # WrittenOpinion.Vote values

    def clean(self):
        data = super().clean()
        seen: set = set()
        for name in self.WRITTEN:
            chosen = set(data.get(f"written_{name}") or [])
            if chosen & seen:
                raise forms.ValidationError("同一名党员只能提交一份书面意见（赞成、反对或弃权）。")
            seen |= chosen
        return data

    def written_opinions(self) -> dict:
        """R-RC-14: member → their written opinion (yes / no / abstain), for recruitment.votes.vote_record."""
        return {m: name for name in self.WRITTEN for m in self.cleaned_data[f"written_{name}"]}


class ApprovalForm(forms.Form):
    organization = forms.ModelChoiceField(label="审批党委", queryset=Organization.objects.all())
    decided_on = forms.DateField(label="审批日期", widget=DateInput())
    approved = forms.TypedChoiceField(
        label="审批意见", choices=[("1", "批准"), ("0", "不批准")], coerce=lambda v: v == "1"
    )
    late_reason = forms.CharField(label="超过3个月审批的特殊情况", max_length=500, required=False)
    filed_on = forms.DateField(label="报上级组织部门备案日期", required=False, widget=DateInput())


class PlanForm(forms.Form):
    organization = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.branches())
    year = forms.IntegerField(label="年度", min_value=PLAN_YEARS[0], max_value=PLAN_YEARS[1])
    quota = forms.IntegerField(label="计划发展人数", min_value=0, max_value=1000)
    note = forms.CharField(label="说明", max_length=200, required=False)


class FilingForm(forms.Form):
    filed_on = forms.DateField(label="报上级组织部门备案日期", widget=DateInput())


class TransferForm(forms.Form):
    to_organization = forms.ModelChoiceField(label="转入党支部", queryset=Organization.objects.branches())
    transferred_on = forms.DateField(label="转接日期", widget=DateInput())


class CandidateFilterForm(forms.Form):
    """The board's and the stage list's filter: a branch in the user's scope, and part of a name or ID number."""

    org = forms.ModelChoiceField(
        label="党支部",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="全部党支部",
        error_messages={"invalid_choice": "没有这个党支部，或它不在您的管辖范围内。"},
    )
    q = forms.CharField(label="查找", required=False, max_length=30)

    def __init__(self, *args, organizations, search=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = organizations
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": "姓名或身份证号的一部分"}
        )
        if not search:  # the board filters by branch only
            del self.fields["q"]
        name_bare_fields(self)

    def filter(self, candidates):
        """``candidates`` narrowed by the valid filter; none at all when the filter is not valid."""
        if not self.is_bound:
            return candidates
        if not self.is_valid():
            return candidates.none()
        if self.cleaned_data["org"]:
            candidates = candidates.filter(organization=self.cleaned_data["org"])
        q = self.cleaned_data.get("q", "").strip()
        if q:
            candidates = candidates.filter(Q(name__icontains=q) | Q(id_number__icontains=q.upper()))
        return candidates
