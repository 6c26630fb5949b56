"""Adding records to a candidate's file (一人一档, R-RC-23), each rule checked in one place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.dates import age_on, deadline, local_today
from core.idnumbers import id_number_problem, normalize_id_number
from core.models import Organization
from core.numbering import format_number, next_number
from members.models import Member
from members.status import has_full_rights
from recruitment import guards
from recruitment.document_numbers import issue_document_number, number_record
from recruitment.exceptions import RecruitmentError
from recruitment.models import (
    Approval,
    Candidate,
    CandidateRecord,
    CandidateTransfer,
    CandidateVote,
    Contact,
    DevelopmentPlan,
    Introducer,
    Postponement,
    PreReview,
    Stage,
    StageChange,
    Talk,
)
from recruitment.rules import approval_deadline, decision_profile, first_talk, fmt, talk_deadline

APPLICATION_FORM_SERIES = "application_form"
APPLICATION_FORM_PREFIX = "入党志愿书"


def validate_candidate(candidate: Candidate) -> None:
    """R-RC-01: at least 18 years old on the application date; R-MB-04: a valid ID number matching the birth date."""
    errors = {}
    candidate.id_number = normalize_id_number(candidate.id_number)
    if candidate.id_number:
        problem = id_number_problem(candidate.id_number, candidate.birth_date)
        if problem:
            errors["id_number"] = problem
    if (
        candidate.birth_date
        and candidate.applied_on
        and age_on(candidate.birth_date, candidate.applied_on) < 18
    ):
        errors["applied_on"] = (
            f"递交入党申请时须年满18周岁，申请人于{fmt(candidate.applied_on)}未满18周岁（R-RC-01）。"
        )
    if candidate.organization_id and not candidate.organization.is_branch:
        errors["organization"] = "发展对象应登记在党支部（或党总支）（R-MB-01）。"
    if errors:
        raise ValidationError(errors)


def candidate_create(*, recorded_by, **fields) -> Candidate:
    """Register an applicant from the dated written application (R-RC-01) with the first stage-change row."""
    with transaction.atomic():
        candidate = Candidate(created_by=recorded_by, **fields)
        candidate.full_clean(exclude=["created_by"])
        candidate.save()
        StageChange.objects.create(
            candidate=candidate,
            action="apply",
            from_state="",
            to_state=Stage.APPLICANT,
            decided_on=candidate.applied_on,
            decided_by=str(candidate.organization),
            note="递交入党申请书",
            by=recorded_by,
        )
    return candidate


# --- per-record rules -----------------------------------------------------------------------------------------


def _check_talk(record: Talk) -> None:
    if record.talked_on < record.candidate.applied_on:
        raise RecruitmentError("谈话日期不能早于递交申请日期（R-RC-02）。", rule="R-RC-02")


def _check_contact(record: Contact) -> None:
    """R-RC-04: 1–2 full members as contacts (the same member once: a second row is no second contact)."""
    if record.candidate.contacts.filter(member=record.member_id).exists():
        raise RecruitmentError(
            f"{record.member.name}已是{record.candidate.name}的培养联系人，请勿重复登记（R-RC-04）。",
            rule="R-RC-04",
        )
    if record.candidate.contacts.count() >= 2:
        raise RecruitmentError("培养联系人为1至2名，已有2名（R-RC-04）。", rule="R-RC-04")
    if record.member.status != Member.Status.FULL:
        raise RecruitmentError(
            f"{record.member.name}不是正式党员，不能担任培养联系人（R-RC-04）。", rule="R-RC-04"
        )


def _check_introducer(record: Introducer) -> None:
    """R-RC-09: 2 introducers, full members not under 留党察看 (two different members)."""
    if record.candidate.introducers.filter(member=record.member_id).exists():
        raise RecruitmentError(
            f"{record.member.name}已是{record.candidate.name}的入党介绍人，请勿重复登记（R-RC-09）。",
            rule="R-RC-09",
        )
    if record.candidate.introducers.count() >= 2:
        raise RecruitmentError("入党介绍人为2名，已有2名（R-RC-09）。", rule="R-RC-09")
    if record.member.status != Member.Status.FULL:
        raise RecruitmentError(
            f"{record.member.name}不是正式党员，不能担任入党介绍人（R-RC-09）。", rule="R-RC-09"
        )
    if not has_full_rights(record.member, record.assigned_on):
        raise RecruitmentError(
            f"{record.member.name}正在留党察看期间，不能担任入党介绍人（R-RC-09、R-MB-02）。", rule="R-RC-09"
        )


def _check_pre_review(record: PreReview) -> None:
    """R-RC-13: the numbered 志愿书 is issued after a passed pre-review (gap-free per year)."""
    if record.passed and not record.leaving_within_3_months:
        year = record.reviewed_on.year
        record.form_year, record.form_sequence = year, next_number(APPLICATION_FORM_SERIES, year)
        record.form_number = format_number(APPLICATION_FORM_PREFIX, year, record.form_sequence)


def _check_postponement(record: Postponement) -> None:
    """R-RC-22: only for a transferred-in probationary member, at most 6 months in all."""
    c = record.candidate
    if c.stage != Stage.PROBATIONARY or not c.transferred_in:
        raise RecruitmentError("只有从其他单位转入的预备党员才能推迟讨论转正（R-RC-22）。", rule="R-RC-22")
    used = sum(c.postponements.values_list("months", flat=True))
    if used + record.months > 6:
        raise RecruitmentError(
            f"推迟讨论转正累计不能超过6个月，已推迟{used}个月（R-RC-22）。", rule="R-RC-22"
        )


_CHECKS: dict[type, Callable[[Any], None]] = {
    Talk: _check_talk,
    Contact: _check_contact,
    Introducer: _check_introducer,
    PreReview: _check_pre_review,
    Postponement: _check_postponement,
}

# Which stages may add which record (the file of the stage, R-RC-23).
_OPEN = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY)


def record_add(*, record: CandidateRecord, recorded_by) -> CandidateRecord:
    """Add ``record`` (an unsaved file record) to its candidate's file after its rule checks."""
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=record.candidate_id)
        record.candidate = candidate
        if candidate.stage not in _OPEN:
            raise RecruitmentError(f"{candidate.name}已{candidate.get_stage_display()}，档案不能再增加记录。")
        record.recorded_by = recorded_by
        record.full_clean(exclude=["candidate", "recorded_by"])
        check = _CHECKS.get(type(record))
        if check:
            check(record)
        number_record(record)
        record.save()
    return record


def talk_is_late(candidate: Candidate) -> bool:
    """R-RC-02: flagged when no talk was held within 1 month of the application."""
    talk = first_talk(candidate)
    due = talk_deadline(candidate).date
    return talk.talked_on > due if talk else local_today() > due


# --- approval (R-RC-16) -----------------------------------------------------------------------------------------


def approval_record(
    *,
    vote: CandidateVote,
    organization: Organization,
    decided_on: date,
    approved: bool,
    recorded_by,
    late_reason: str = "",
    filed_on: date | None = None,
) -> Approval:
    """R-RC-16: only a committee with approval authority approves, within 3 months of the branch resolution
    (a deadline); beyond 3 months only with a recorded special reason (flagged); never beyond 6 months."""
    held_on = vote.meeting.held_on
    if not organization.has_approval_authority:
        raise RecruitmentError(
            f"{organization}没有审批预备党员的权限，须由具有审批权限的党委审批（R-RC-16）。", rule="R-RC-16"
        )
    if not vote.passed:
        raise RecruitmentError("支部大会未通过的决议不能报批（R-RC-14）。", rule="R-RC-14")
    if decided_on < held_on:
        raise RecruitmentError(f"审批日期不能早于支部大会日期{fmt(held_on)}（R-RC-16）。", rule="R-RC-16")
    limit3, limit6 = approval_deadline(held_on), deadline(held_on, months=6).date
    if decided_on > limit6:
        raise RecruitmentError(
            f"审批期限最长不超过6个月（至{fmt(limit6)}），{fmt(decided_on)}已超期，不能再审批（R-RC-16）。",
            rule="R-RC-16",
        )
    is_late = decided_on > limit3
    if is_late and not late_reason.strip():
        raise RecruitmentError(
            f"审批超过3个月期限（{fmt(limit3)}），须写明延长审批的特殊情况（R-RC-16）。", rule="R-RC-16"
        )
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=vote.candidate_id)
        if Approval.objects.filter(vote=vote).exists():
            raise RecruitmentError("该决议已经审批（R-RC-16）。", rule="R-RC-16")
        return Approval.objects.create(
            vote=vote,
            organization=organization,
            decided_on=decided_on,
            approved=approved,
            is_late=is_late,
            late_reason=late_reason,
            filed_on=filed_on,
            recorded_by=recorded_by,
            document_number=issue_document_number(decided_on),
        )


def approval_file(*, approval: Approval, filed_on: date) -> Approval:
    """R-RC-16: record the filing (备案) of an approved admission; a filing later than a month stays flagged."""
    if filed_on < approval.decided_on:
        raise RecruitmentError(
            f"备案日期不能早于审批日期{fmt(approval.decided_on)}（R-RC-16）。", rule="R-RC-16"
        )
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=approval.vote.candidate_id)
        approval = Approval.objects.select_for_update().get(pk=approval.pk)
        if not approval.approved:
            raise RecruitmentError("不批准的决议无须备案（R-RC-16）。", rule="R-RC-16")
        if approval.filed_on:
            raise RecruitmentError(f"已于{fmt(approval.filed_on)}备案（R-RC-16）。", rule="R-RC-16")
        approval.filed_on = filed_on
        approval.save(update_fields=["filed_on"])
    return approval


def vote_prerequisites(*, candidate: Candidate, proposal: str, held_on: date) -> list[str]:
    """What must be in place before the branch meeting votes to admit (R-RC-09 … R-RC-13)."""
    if proposal != CandidateVote.Proposal.ADMIT:
        return []
    if candidate.stage != Stage.TARGET:
        return [f"{candidate.name}当前为“{candidate.get_stage_display()}”，不能表决接收为预备党员。"]
    ctx = guards.Context(candidate=candidate, on=held_on, profile=decision_profile(held_on))
    return [p.message for guard in guards.PRE_MEETING_GUARDS for p in guard(ctx) if p.blocking]


# --- annual development plan (R-RC-24) ----------------------------------------------------------------------


def plan_save(*, organization: Organization, year: int, quota: int, note: str = "") -> DevelopmentPlan:
    """R-RC-24: set an organisation's development plan for a year (one per organisation and year; history kept)."""
    with transaction.atomic():
        plan, _ = DevelopmentPlan.objects.select_for_update().update_or_create(
            organization=organization, year=year, defaults={"quota": quota, "note": note}
        )
    return plan


# --- transfer between branches (R-MB-05) ------------------------------------------------------------------------


def candidate_transfer(
    *, candidate: Candidate, to_organization: Organization, transferred_on: date, recorded_by
) -> CandidateTransfer:
    """R-MB-05: the candidate moves to another branch and keeps stage and elapsed time (stage changes stay)."""
    if not to_organization.is_branch:
        raise RecruitmentError("只能转接到党支部（或党总支）（R-MB-05）。", rule="R-MB-05")
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.organization_id == to_organization.pk:
            raise RecruitmentError("转入支部与原支部相同（R-MB-05）。", rule="R-MB-05")
        if not candidate.is_open:
            raise RecruitmentError("已结束发展程序的档案不能转接（R-MB-05）。", rule="R-MB-05")
        record = CandidateTransfer.objects.create(
            candidate=candidate,
            from_organization=candidate.organization,
            to_organization=to_organization,
            transferred_on=transferred_on,
            recorded_by=recorded_by,
        )
        candidate.organization = to_organization
        candidate.save(update_fields=["organization"])
    return record
