"""Demo data: one conversion case in every state the pages show (core.registry.register_demo; idempotent).

Through the real operations, on fixed dates relative to today, so the same seed gives the same town:
points normal; below the low mark and referred to the committee (awaiting, decided, recovered with a
correction); at the high mark awaiting a review; a failed review and the next one scheduled; in the transition
period with an observation and a discipline referral; and one whose transition period has ended — the
scheduled `close_transitions` (run by `make run`) closes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from conversion.enrolment import case_enrol
from conversion.ledger import ledger_record_task, ledger_reverse, referral_decide, task_assign
from conversion.models import CommitteeReferral, ConversionCase, ReviewParticipant
from conversion.review import (
    ParticipantData,
    review_conclude,
    review_record_scores,
    review_schedule,
    review_set_roster,
)
from conversion.transition import discipline_referral_record, observation_record
from core.dates import add_months, local_today, period_end
from core.models import Organization
from members.models import Member

TASKS = [
    "参加村环境整治义务劳动",
    "走访结对困难户并写走访记录",
    "学习党章并撰写心得",
    "参与防汛值守",
    "调解邻里纠纷一次",
]
PASSING = ["82", "85", "88", "90"]
FAILING = ["52", "58", "61", "55"]


@dataclass(frozen=True)
class Plan:
    """One demo case: its task results in order, how long ago it was enrolled, and what follows."""

    completed: tuple[bool, ...]
    months_ago: int = 4
    then: str = ""  # a FOLLOW_UPS key


PLANS = (
    Plan((True, True, False, True)),
    Plan((False,) * 5),
    Plan((False,) * 5, then="decide_referral"),
    Plan((False,) * 5 + (True, True), then="recover"),
    Plan((True,) * 20, months_ago=8),
    Plan((True,) * 20, months_ago=8, then="review_failed"),
    Plan((True,) * 20, months_ago=10, then="transition"),
    Plan((True,) * 20, months_ago=14, then="ended"),
)


def generate(*, size: int = 0, rng, stdout=None) -> str:
    if ConversionCase.objects.exists():
        return "转化管理：已有案件，跳过"
    if not Organization.objects.filter(is_center=True).exists():
        return "转化管理：没有中心党支部，跳过"
    candidates = list(
        Member.objects.filter(status=Member.Status.FULL, organization__is_center=False, disciplines=None)
        .exclude(village="")
        .exclude(transfers__state="pending")
        .exclude(floating__isnull=False)
        .order_by("pk")[:60]
    )
    if len(candidates) < len(PLANS):
        return "转化管理：党员不足，跳过"
    clerk = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    picked = rng.sample(candidates, len(PLANS))
    today = local_today()
    with transaction.atomic():
        for member, plan in zip(picked, PLANS, strict=True):
            case = _case_with_tasks(
                member, clerk, today, completed=plan.completed, months_ago=plan.months_ago
            )
            if plan.then:
                FOLLOW_UPS[plan.then](case, clerk, today, rng)
    return (
        f"转化管理：{len(PLANS)}个转化案件（积分正常、低于3分上报待处理/已决定/已回升、"
        "达到15分待评议、评议不合格后再次安排、过渡期、过渡期届满待结案）"
    )


def _case_with_tasks(member, clerk, today, *, completed, months_ago: int) -> ConversionCase:
    opened = add_months(today, -months_ago)
    case = case_enrol(
        member=member, opened_on=opened, reason="长期不参加组织生活，镇党委决定纳入转化管理", decided_by=clerk
    )
    for i, done in enumerate(completed):
        assigned = period_end(opened, days=7 * i)
        task = task_assign(
            case=case,
            title=TASKS[i % len(TASKS)],
            assigned_on=assigned,
            due_on=period_end(assigned, days=14),
            assigned_by=clerk,
        )
        ledger_record_task(
            task=task, completed=done, recorded_by=clerk, closed_on=period_end(assigned, days=10)
        )
    if months_ago < 10:
        task_assign(
            case=case,
            title="参加主题党日活动",
            assigned_on=today,
            due_on=period_end(today, days=20),
            assigned_by=clerk,
        )
    case.refresh_from_db()
    return case


def _decide_referral(case, clerk, today, rng) -> None:
    referral = CommitteeReferral.objects.filter(case=case, state=CommitteeReferral.State.AWAITING).first()
    referral_decide(
        referral=referral,
        decision="由镇党委组织委员约谈，责令限期改正，继续转化管理",
        decided_on=period_end(today, days=-7),
        decided_by=clerk,
    )


def _recover(case, clerk, today, rng) -> None:
    # A wrong assessment corrected: the last "not completed" entry is reversed (R-CV-05).
    wrong = case.entries.filter(amount__lt=0).order_by("-pk").first()
    ledger_reverse(entry=wrong, reason="任务评定有误，经核实已按期完成", recorded_by=clerk)


def _review(case, clerk, today, rng, *, months_ago: int, scores: list[str] | None):
    review = review_schedule(case=case, scheduled_on=add_months(today, -months_ago), scheduled_by=clerk)
    other = "镇区" if case.member.village != "镇区" else "城东村"
    roster = [
        ParticipantData("王主任", ReviewParticipant.Category.CENTER_STAFF, other),
        ParticipantData("李书记", ReviewParticipant.Category.VILLAGE_CADRE, case.member.village),
        ParticipantData("赵代表", ReviewParticipant.Category.PEOPLES_DEPUTY, other),
        ParticipantData("钱大爷", ReviewParticipant.Category.VILLAGER_REPRESENTATIVE, case.member.village),
    ]
    participants = review_set_roster(review=review, participants=roster, recorded_by=clerk)
    if scores is None:
        return review
    marks = {p.pk: Decimal(rng.choice(scores)) for p in participants}
    review_record_scores(review=review, scores=marks, recorded_by=clerk)
    return review_conclude(review=review, concluded_on=add_months(today, -months_ago), concluded_by=clerk)


def _review_failed(case, clerk, today, rng) -> None:
    """A failed review, and the next one scheduled with its roster, not yet scored (R-CV-10)."""
    _review(case, clerk, today, rng, months_ago=1, scores=FAILING)
    _review(case, clerk, today, rng, months_ago=0, scores=None)


def _transition(case, clerk, today, rng) -> None:
    review = _review(case, clerk, today, rng, months_ago=2, scores=PASSING)
    observed = period_end(review.concluded_on, days=30)
    observation = observation_record(
        case=case,
        observed_on=observed,
        note="未按时参加主题党日，经提醒后补学",
        misconduct=True,
        recorded_by=clerk,
    )
    observation_record(
        case=case,
        observed_on=period_end(observed, days=14),
        note="按时参加组织生活，表现良好",
        misconduct=False,
        recorded_by=clerk,
    )
    discipline_referral_record(
        case=case,
        referred_on=period_end(observed, days=2),
        matter="过渡期内无故缺席组织生活，移交镇党委组织办和纪委",
        recorded_by=clerk,
        observation=observation,
    )


def _ended(case, clerk, today, rng) -> None:
    review = _review(case, clerk, today, rng, months_ago=7, scores=PASSING)
    observation_record(
        case=case,
        observed_on=period_end(review.concluded_on, days=60),
        note="表现良好",
        misconduct=False,
        recorded_by=clerk,
    )


FOLLOW_UPS = {
    "decide_referral": _decide_referral,
    "recover": _recover,
    "review_failed": _review_failed,
    "transition": _transition,
    "ended": _ended,
}
