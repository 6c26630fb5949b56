"""The points ledger (R-CV-02 … R-CV-07).

R-CV-05: entries are only ever appended. The case row is locked first (``select_for_update``), the cached
balance moves with an ``F()`` update, the entry stores the balance after it, and the thresholds are evaluated
in one place (``evaluate_thresholds``) after every entry. ``balance_from_entries`` is the proof: base + sum.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, DecimalField, F, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from conversion.cases import case_for_update
from conversion.exceptions import ConversionError
from conversion.models import (
    CommitteeReferral,
    ConversionCase,
    ConversionTask,
    LedgerEntry,
    ThresholdCrossing,
)
from core.dates import day_end

Source = LedgerEntry.Source


def balance_from_entries(case: ConversionCase) -> Decimal:
    """R-CV-05: the balance is the base plus the sum of all entries, always."""
    total = LedgerEntry.objects.filter(case_id=case.pk).aggregate(total=Sum("amount"))["total"]
    return case.base_points + (total or Decimal("0"))


def balance_on(on: date):
    """R-CV-05: a case's balance at the end of ``on`` (an expression over ``ConversionCase``): the
    ``balance_after`` of its last entry recorded by then, by (recorded_at, id), or its base before any entry.

    Read from the kept latest entry (``CaseLastEntry``) when that was recorded by then — always on a day at or
    after the latest entry, the current period; a case whose latest entry is later (a past day) looks its last
    entry by then up in the index (case, recorded_at, id). Both give the same balance (issue 21, proven in
    tests/reports/test_conversion_block_equivalence.py)."""
    end = day_end(on)  # a range on recorded_at, not its date, so that the index answers
    looked_up = (
        LedgerEntry.objects.filter(case=OuterRef("pk"), recorded_at__lt=end)
        .order_by("-recorded_at", "-pk")
        .values("balance_after")[:1]
    )
    return Case(
        When(last_entry__isnull=True, then=F("base_points")),
        When(last_entry__recorded_at__lt=end, then=F("last_entry__balance_after")),
        default=Coalesce(Subquery(looked_up), F("base_points")),
        output_field=DecimalField(max_digits=6, decimal_places=1),
    )


def _append(
    case: ConversionCase, *, amount: Decimal, reason: str, source: str, recorded_by, **refs
) -> LedgerEntry:
    """Append one entry to a case the caller has locked; move the cached balance; evaluate thresholds."""
    previous = case.balance
    ConversionCase.objects.filter(pk=case.pk).update(balance=F("balance") + amount)
    case.refresh_from_db(fields=["balance"])
    entry = LedgerEntry.objects.create(
        case=case,
        amount=amount,
        reason=reason[:300],
        source=source,
        balance_after=case.balance,
        recorded_by=recorded_by,
        **refs,
    )
    evaluate_thresholds(case=case, entry=entry, previous=previous)
    return entry


def case_profile(case: ConversionCase):
    """The rule profile that governs a case: ``ConversionCase.profile`` (the version in force at enrolment)."""
    return case.profile


def is_below_low(case: ConversionCase, balance: Decimal) -> bool:
    """R-CV-06: strictly below the case's low mark (2.5 is below 3, 3.0 is not)."""
    return balance < case_profile(case).points_low


def evaluate_thresholds(*, case: ConversionCase, entry: LedgerEntry, previous: Decimal) -> None:
    """The one place for R-CV-06 (strictly below ``points_low``) and R-CV-07 (``points_high`` or more).

    A fall below the low mark raises the case to the town committee; recovering before a decision withdraws it
    from the committee's list (status ``recovered``); a decision already recorded stays. Every crossing, both
    ways, is kept as a ``ThresholdCrossing`` so the committee sees the history that led there.
    """
    profile = case_profile(case)
    low, high, now = profile.points_low, profile.points_high, case.balance
    kind = ThresholdCrossing.Kind

    def cross(k: str, threshold: Decimal) -> ThresholdCrossing:
        return ThresholdCrossing.objects.create(
            case=case, entry=entry, kind=k, balance=now, threshold=threshold
        )

    if previous >= low > now:  # R-CV-06: 2.5 is below 3, 3.0 is not
        crossing = cross(kind.FELL_BELOW_LOW, low)
        CommitteeReferral.objects.create(case=case, crossing=crossing)
    elif previous < low <= now:
        cross(kind.RECOVERED_LOW, low)
        CommitteeReferral.objects.filter(case=case, state=CommitteeReferral.State.AWAITING).update(
            state=CommitteeReferral.State.RECOVERED, recovered_at=timezone.now()
        )
    if previous < high <= now:  # R-CV-07: reaching 15 makes a democratic review due
        cross(kind.REACHED_HIGH, high)
    elif previous >= high > now:
        cross(kind.FELL_FROM_HIGH, high)


def review_is_due(case: ConversionCase) -> bool:
    """R-CV-07: an active case at or above the high mark with no review scheduled — for one case what
    ``ConversionCase.objects.review_due()`` selects (tests/conversion/test_agreement.py proves them equal)."""
    return (
        case.state == ConversionCase.State.ACTIVE
        and case.balance >= case_profile(case).points_high
        and not case.reviews.filter(state="scheduled").exists()
    )


def _require_state(case: ConversionCase, *states: str, rule: str) -> None:
    if case.state not in states:
        raise ConversionError(
            f"转化案件当前为“{case.get_state_display()}”，不能再记分（{rule}）。", rule=rule
        )


@transaction.atomic
def task_assign(
    *,
    case: ConversionCase,
    title: str,
    due_on: date,
    assigned_by,
    assigned_on: date | None = None,
    description="",
) -> ConversionTask:
    """R-CV-03: a task with a due date for an active case."""
    case = case_for_update(case)
    _require_state(case, ConversionCase.State.ACTIVE, rule="R-CV-03")
    assigned_on = assigned_on or timezone.localdate()
    if not title.strip():
        raise ConversionError("请填写任务内容（R-CV-03）。", rule="R-CV-03", field="title")
    if due_on < assigned_on:
        raise ConversionError("完成期限不能早于布置日期（R-CV-03）。", rule="R-CV-03", field="due_on")
    return ConversionTask.objects.create(
        case=case,
        title=title.strip(),
        description=description,
        assigned_on=assigned_on,
        due_on=due_on,
        assigned_by=assigned_by,
    )


@transaction.atomic
def ledger_record_task(
    *, task: ConversionTask, completed: bool, recorded_by, closed_on: date | None = None
) -> LedgerEntry:
    """R-CV-03: a task closed as completed gives +step, not completed −step (0.5 by default)."""
    case = case_for_update(task.case_id)
    task = ConversionTask.objects.select_for_update().get(pk=task.pk)
    _require_state(case, ConversionCase.State.ACTIVE, rule="R-CV-03")
    if task.status != ConversionTask.Status.OPEN:
        raise ConversionError(
            f"任务“{task.title}”已评定为{task.get_status_display()}（R-CV-03）。", rule="R-CV-03"
        )
    closed_on = closed_on or timezone.localdate()
    if closed_on < task.assigned_on:
        raise ConversionError("评定日期不能早于布置日期（R-CV-03）。", rule="R-CV-03", field="closed_on")
    step = case_profile(case).points_step  # the case's own profile, not today's
    task.status = ConversionTask.Status.COMPLETED if completed else ConversionTask.Status.NOT_COMPLETED
    task.closed_on, task.closed_by = closed_on, recorded_by
    task.save(update_fields=["status", "closed_on", "closed_by"])
    return _append(
        case,
        amount=step if completed else -step,
        reason=f"任务“{task.title}”{task.get_status_display()}",
        source=Source.TASK,
        recorded_by=recorded_by,
        task=task,
        source_round=task.entries.filter(reversed_by__isnull=False).count(),
    )


def _live_absence(attendance_id: int) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(
        attendance_id=attendance_id, source=Source.ABSENCE, reversed_by__isnull=True
    ).first()


def active_case_for_attendance(attendance) -> ConversionCase | None:
    """The case an attendance row counts for: a center-branch meeting held while the case was active."""
    meeting = attendance.meeting
    if not meeting.organization.is_center:
        return None
    return (
        ConversionCase.objects.filter(member_id=attendance.member_id, opened_on__lte=meeting.held_on)
        .exclude(state=ConversionCase.State.CLOSED)
        .first()
    )


@transaction.atomic
def ledger_record_absence(*, attendance, recorded_by) -> LedgerEntry:
    """R-CV-04: an absence from a center-branch meeting or activity gives −step, exactly once per absence.

    The unique constraint ``ledger_one_entry_per_absence`` on (attendance, source_round) makes a second live
    entry for the same absence impossible even if this check were bypassed.
    """
    found = active_case_for_attendance(attendance)
    if found is None:
        raise ConversionError(
            "该出勤记录不是转化党员参加中心党支部会议活动的记录（R-CV-04）。", rule="R-CV-04"
        )
    case = case_for_update(found)
    _require_state(case, ConversionCase.State.ACTIVE, rule="R-CV-04")
    if attendance.present:
        raise ConversionError("该党员出席了会议，不能记缺席扣分（R-CV-04）。", rule="R-CV-04")
    if _live_absence(attendance.pk):
        raise ConversionError("这次缺席已经扣过分，同一次缺席只扣一次（R-CV-04）。", rule="R-CV-04")
    meeting = attendance.meeting
    return _append(
        case,
        amount=-case_profile(case).points_step,
        reason=f"缺席{meeting.held_on:%Y年%-m月%-d日}{meeting.get_kind_display()}“{meeting.topic}”",
        source=Source.ABSENCE,
        recorded_by=recorded_by,
        attendance=attendance,
        source_round=LedgerEntry.objects.filter(
            attendance_id=attendance.pk, source=Source.ABSENCE, reversed_by__isnull=False
        ).count(),
    )


@transaction.atomic
def ledger_sync_attendance(*, attendance, recorded_by) -> LedgerEntry | None:
    """R-CV-04: bring the ledger in line with the live state of one attendance row (the signal receiver).

    Absent with no live absence entry → −step; present with a live absence entry → its reversing entry.
    Anything else (already in line, not a center meeting, no case) changes nothing.
    """
    found = active_case_for_attendance(attendance)
    if found is None:
        return None
    case_for_update(found)
    live = _live_absence(attendance.pk)
    if not attendance.present and live is None and found.state == ConversionCase.State.ACTIVE:
        return ledger_record_absence(attendance=attendance, recorded_by=recorded_by)
    if attendance.present and live is not None:
        return ledger_reverse(entry=live, reason="出勤记录更正为出席", recorded_by=recorded_by)
    return None


@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, reason: str, recorded_by) -> LedgerEntry:
    """R-CV-05: correct a wrong entry by appending its exact opposite, pointing at it. A reversed task is open
    again so it can be assessed anew."""
    case = case_for_update(entry.case_id)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if case.state == ConversionCase.State.CLOSED:
        raise ConversionError("转化案件已结案，积分不能再更正（R-CV-05）。", rule="R-CV-05")
    if not reason.strip():
        raise ConversionError("请填写冲正原因（R-CV-05）。", rule="R-CV-05", field="reason")
    if entry.source == Source.CORRECTION:
        raise ConversionError(
            "冲正分录不能再冲正；如需恢复，请重新评定或更正出勤（R-CV-05）。", rule="R-CV-05"
        )
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ConversionError("该分录已经冲正过（R-CV-05）。", rule="R-CV-05")
    if entry.task_id:
        ConversionTask.objects.filter(pk=entry.task_id).update(
            status=ConversionTask.Status.OPEN, closed_on=None, closed_by=None
        )
    return _append(
        case,
        amount=-entry.amount,
        reason=f"冲正：{reason.strip()}",
        source=Source.CORRECTION,
        recorded_by=recorded_by,
        reverses=entry,
    )


@transaction.atomic
def referral_decide(
    *, referral: CommitteeReferral, decision: str, decided_on: date, decided_by
) -> CommitteeReferral:
    """R-CV-06: record the town committee's handling decision "according to the actual situation"."""
    case_for_update(referral.case_id)
    referral = CommitteeReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.state != CommitteeReferral.State.AWAITING:
        raise ConversionError(
            f"该上报事项当前为“{referral.get_state_display()}”（R-CV-06）。", rule="R-CV-06"
        )
    if not decision.strip():
        raise ConversionError("请填写镇党委的处理决定（R-CV-06）。", rule="R-CV-06", field="decision")
    referral.state = CommitteeReferral.State.DECIDED
    referral.decision, referral.decided_on, referral.decided_by = decision.strip(), decided_on, decided_by
    referral.save(update_fields=["state", "decision", "decided_on", "decided_by"])
    return referral
