"""Every text field of every staff form has a length limit, never larger than the column it is written to.

A ModelForm field is checked against its model field automatically; a plain Form's fields are mapped below to
the model field the operation writes them to. A new CharField that is in neither fails the test, so it has to
be mapped (or listed as never stored) when it is added.
"""

import inspect

import pytest
from django import forms
from django.apps import apps

import conversion.forms
import members.forms
import recruitment.forms
import services.forms

FORM_MODULES = [members.forms, conversion.forms, recruitment.forms, services.forms]

# form class name (module-qualified) -> {form field: "app_label.Model.field"}
WRITES_TO = {
    "members.CertificateRevokeForm": {"reason": "members.FloatingCertificate.revoke_reason"},
    "members.DisciplineForm": {
        "decided_by": "members.Discipline.decided_by",
        "reason": "members.Discipline.reason",
    },
    "members.FloatingContactForm": {"note": "members.FloatingContact.note"},
    "members.FloatingRegisterForm": {
        f: f"members.FloatingMember.{f}"
        for f in [
            "destination",
            "current_work",
            "home_address",
            "contact_phone",
            "activity_participation",
            "dues_paid_where",
        ]
    },
    "members.DuesForm": {"paid_by": "members.DuesReceipt.paid_by"},
    "members.DuesLapseForm": {"note": "members.DuesLapseHandling.note"},
    "members.DuesReductionForm": {
        "branch_decision": "members.DuesBase.branch_decision",
        "committee_approval": "members.DuesBase.committee_approval",
    },
    "members.FloatingReturnForm": {"note": "members.FloatingMember.activity_participation"},
    "members.MeetingForm": {f: f"members.Meeting.{f}" for f in ["topic", "location", "host", "minutes"]},
    "members.StatusChangeForm": {"reason": "members.MemberStatusEvent.note"},
    "members.TransferCancelForm": {"reason": "members.RelationTransfer.reason"},
    "members.TransferStartForm": {
        "to_unit": "members.RelationTransfer.to_unit",
        "reason": "members.RelationTransfer.reason",
    },
    "conversion.ConcludeForm": {"note": "conversion.DemocraticReview.note"},
    "conversion.DisciplineReferralForm": {"matter": "conversion.DisciplineReferral.matter"},
    "conversion.EnrolForm": {"reason": "conversion.ConversionCase.reason"},
    "conversion.ObservationForm": {"note": "conversion.TransitionObservation.note"},
    "conversion.ParticipantForm": {
        "name": "conversion.ReviewParticipant.name",
        "village": "conversion.ReviewParticipant.village",
    },
    "conversion.ReferralDecisionForm": {"decision": "conversion.CommitteeReferral.decision"},
    "conversion.ReverseForm": {"reason": "conversion.LedgerEntry.reason"},
    "conversion.TaskForm": {
        "title": "conversion.ConversionTask.title",
        "description": "conversion.ConversionTask.description",
    },
    "recruitment.ApprovalForm": {"late_reason": "recruitment.Approval.late_reason"},
    "recruitment.MeetingForm": {"host": "recruitment.BranchMeeting.host"},
    "recruitment.PlanForm": {"note": "recruitment.DevelopmentPlan.note"},
    "recruitment.TransitionForm": {
        "decided_by": "recruitment.StageChange.decided_by",
        "reason": "recruitment.StageChange.note",
    },
    "services.CompleteForm": {
        "text": "services.Matter.result",
        "public_result": "services.Matter.public_result",
    },
    "services.DecisionForm": {"findings": "services.AccountabilityCase.findings"},
    "services.FeeForm": {"legal_basis": "services.Fee.legal_basis"},
    "services.HandoverForm": {f: f"services.Handover.{f}" for f in ["to_window", "to_unit", "reason"]},
    "services.IntakeForm": {
        f: f"services.Matter.{f}"
        for f in [
            "applicant_name",
            "applicant_phone",
            "applicant_id_number",
            "applicant_address",
            "request",
            "proposed_handling",
            "referred_unit",
        ]
    },
    "services.ReferForm": {"unit": "services.Matter.referred_unit"},
    "services.TextForm": {"text": "services.MatterChange.note"},
}
# Fields that are only read (search, lookup) or split before storing: they need a limit, no column to match.
NOT_STORED_AS_IS = {
    "members.MemberSearchForm.q",
    "recruitment.CandidateFilterForm.q",  # a search term on the stage list, not stored
    "services.LookupForm.receipt_number",
    "services.LookupForm.phone_suffix",
    "services.SupplementForm.other",
}


def staff_forms():
    for module in FORM_MODULES:
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{module.__name__.split('.')[0]}.{name}", cls


def char_fields():
    for label, cls in staff_forms():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
                yield label, cls, name, field


def model_field(label: str, cls, name: str):
    if issubclass(cls, forms.ModelForm):
        return cls._meta.model._meta.get_field(name)
    target = WRITES_TO.get(label, {}).get(name)
    if target is None:
        return None
    app_label, model_name, field_name = target.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name)


CASES = list(char_fields())


def test_the_walk_finds_the_forms_of_every_app():
    apps_seen = {label.split(".")[0] for label, *_ in CASES}
    assert apps_seen == {"members", "conversion", "recruitment", "services"}
    assert len(CASES) > 40


@pytest.mark.parametrize(("label", "cls", "name", "field"), CASES, ids=[f"{c[0]}.{c[2]}" for c in CASES])
def test_every_form_text_field_has_a_limit_no_larger_than_its_column(label, cls, name, field):
    assert field.max_length is not None, f"{label}.{name} 没有长度限制"
    if f"{label}.{name}" in NOT_STORED_AS_IS:
        return
    target = model_field(label, cls, name)
    assert target is not None, f"{label}.{name}: 写入哪个模型字段？请在 WRITES_TO 中登记"
    assert target.max_length is not None, f"{label}.{name} → {target}: 模型字段没有长度限制"
    assert field.max_length <= target.max_length, (
        f"{label}.{name}: 表单 {field.max_length} > 模型 {target.max_length}"
    )


def test_a_supplement_line_longer_than_its_column_is_refused_in_chinese():
    form = services.forms.SupplementForm({"other": "户口本\n" + "材" * 201}, materials=())
    assert not form.is_valid()
    assert "200个字" in form.errors["other"][0]
