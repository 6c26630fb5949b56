"""Demo data: a few realistic conversion cases (registered with core.registry.register_demo; idempotent)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from conversion.enrolment import case_enrol
from conversion.ledger import ledger_record_task, task_assign
from conversion.models import ConversionCase, ReviewParticipant
from conversion.review import (
    ParticipantData,
    review_conclude,
    review_record_scores,
    review_schedule,
    review_set_roster,
)
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


def generate(*, size: int = 0, rng, stdout=None) -> str:
    if ConversionCase.objects.exists():
        return "转化管理：已有案件，跳过"
    if not Organization.objects.filter(is_center=True).exists():
        return "转化管理：没有中心党支部，跳过"
    candidates = list(
        Member.objects.filter(status=Member.Status.FULL, organization__is_center=False)
        .exclude(village="")
        .exclude(transfers__state="pending")
        .order_by("pk")[:50]
    )
    if len(candidates) < 3:
        return "转化管理：党员不足，跳过"
    clerk = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    picked = rng.sample(candidates, 3)
    today = local_today()
    with transaction.atomic():
        _case_with_tasks(picked[0], clerk, today, completed=[True, True, False, True])
        _case_with_tasks(picked[1], clerk, today, completed=[False, False, False, False, False])
        case = _case_with_tasks(picked[2], clerk, today, completed=[True] * 20, months_ago=10)
        review = review_schedule(case=case, scheduled_on=add_months(today, -1), scheduled_by=clerk)
        other = "镇区" if case.member.village != "镇区" else "城东村"
        roster = [
            ParticipantData("王主任", ReviewParticipant.Category.CENTER_STAFF, other),
            ParticipantData("李书记", ReviewParticipant.Category.VILLAGE_CADRE, case.member.village),
            ParticipantData("赵代表", ReviewParticipant.Category.PEOPLES_DEPUTY, other),
            ParticipantData(
                "钱大爷", ReviewParticipant.Category.VILLAGER_REPRESENTATIVE, case.member.village
            ),
        ]
        participants = review_set_roster(review=review, participants=roster, recorded_by=clerk)
        scores = {p.pk: Decimal(rng.choice(["82", "85", "88", "90"])) for p in participants}
        review_record_scores(review=review, scores=scores, recorded_by=clerk)
        review_conclude(review=review, concluded_on=add_months(today, -1), concluded_by=clerk)
    return "转化管理：3个转化案件（积分记录、低分上报、评议合格过渡期）"


def _case_with_tasks(member, clerk, today, *, completed: list[bool], months_ago: int = 4) -> ConversionCase:
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
    task_assign(
        case=case,
        title="参加主题党日活动",
        assigned_on=today,
        due_on=period_end(today, days=20),
        assigned_by=clerk,
    )
    case.refresh_from_db()
    return case
