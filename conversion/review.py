"""Democratic review (民主评议, R-CV-07 … R-CV-10)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from conversion.cases import case_for_update
from conversion.exceptions import ConversionError
from conversion.ledger import case_profile
from conversion.models import ConversionCase, DemocraticReview, ReviewParticipant


@dataclass(frozen=True)
class ParticipantData:
    name: str
    category: str
    village: str


def own_village(case: ConversionCase) -> str:
    """The member's own village: the household village, or the village of the original branch."""
    return (case.member.village or case.original_organization.village).strip()


@transaction.atomic
def review_schedule(*, case: ConversionCase, scheduled_on: date, scheduled_by) -> DemocraticReview:
    """R-CV-07: once the balance reaches the high mark (15), the town committee organises a review.
    R-CV-10: after a failed review a later one can be scheduled the same way."""
    case = case_for_update(case)
    if case.state != ConversionCase.State.ACTIVE:
        raise ConversionError("只有转化管理中的案件才能安排民主评议（R-CV-07）。", rule="R-CV-07")
    high = case_profile(case).points_high
    if case.balance < high:
        raise ConversionError(
            f"当前积分{case.balance}分，达到{high}分后才能组织民主评议（R-CV-07）。", rule="R-CV-07"
        )
    if case.reviews.filter(state=DemocraticReview.State.SCHEDULED).exists():
        raise ConversionError("已有一次尚未得出结论的民主评议（R-CV-07）。", rule="R-CV-07")
    return DemocraticReview.objects.create(case=case, scheduled_on=scheduled_on, scheduled_by=scheduled_by)


def check_own_village_share(*, villages: Iterable[str], own: str, share: Decimal) -> None:
    """R-CV-08: people from the member's own village are at most the profile share (50%) of participants;
    exactly 50% is allowed. ``share``: the case's profile's (``ConversionCase.profile``)."""
    villages = [v.strip() for v in villages]
    own_count = sum(1 for v in villages if own and v == own)
    if Decimal(own_count) > share * len(villages):
        raise ConversionError(
            f"本村（{own}）人员{own_count}人，占参加人员{len(villages)}人的比例超过{share:.0%}，"
            f"请增加其他村或其他类别的人员（R-CV-08）。",
            rule="R-CV-08",
        )


@transaction.atomic
def review_set_roster(
    *, review: DemocraticReview, participants: Iterable[ParticipantData], recorded_by
) -> list[ReviewParticipant]:
    """R-CV-08: save the roster (replacing an unscored one), checking categories and the own-village share."""
    case = case_for_update(review.case_id)
    review = DemocraticReview.objects.select_for_update().get(pk=review.pk)
    participants = [p for p in participants if p.name.strip()]
    if review.state != DemocraticReview.State.SCHEDULED:
        raise ConversionError("民主评议已有结论，参加人员不能再修改（R-CV-08）。", rule="R-CV-08")
    if review.participants.filter(score__isnull=False).exists():
        raise ConversionError("已开始录入评分，参加人员不能再修改（R-CV-08）。", rule="R-CV-08")
    if not participants:
        raise ConversionError("请至少填写一名参加人员（R-CV-08）。", rule="R-CV-08")
    problems = [
        f"{p.name}：请选择R-CV-08规定的人员类别并填写所在村。"
        for p in participants
        if p.category not in ReviewParticipant.Category.values or not p.village.strip()
    ]
    if problems:
        raise ConversionError(problems[0], rule="R-CV-08", problems=problems)
    check_own_village_share(
        villages=[p.village for p in participants],
        own=own_village(case),
        share=case_profile(case).own_village_max_share,
    )
    review.participants.all().delete()
    return ReviewParticipant.objects.bulk_create(
        ReviewParticipant(review=review, name=p.name.strip(), category=p.category, village=p.village.strip())
        for p in participants
    )


@transaction.atomic
def review_record_scores(
    *, review: DemocraticReview, scores: Mapping[int, Decimal], recorded_by
) -> DemocraticReview:
    """R-CV-09: each participant's score on a 100-point scale."""
    case_for_update(review.case_id)
    review = DemocraticReview.objects.select_for_update().get(pk=review.pk)
    if review.state != DemocraticReview.State.SCHEDULED:
        raise ConversionError("民主评议已有结论，评分不能再修改（R-CV-09）。", rule="R-CV-09")
    roster = {p.pk: p for p in review.participants.select_for_update()}
    for pk, score in scores.items():
        if pk not in roster:
            raise ConversionError("评分对应的参加人员不在名单中，请刷新后重试。", rule="R-CV-09")
        if score is not None and not Decimal("0") <= score <= Decimal("100"):
            raise ConversionError(f"{roster[pk].name}的评分应在0至100分之间（R-CV-09）。", rule="R-CV-09")
        roster[pk].score = score
    ReviewParticipant.objects.bulk_update(roster.values(), ["score"])
    return review


def review_outcome(scores: list[Decimal], pass_mark: Decimal) -> tuple[Decimal, bool]:
    """R-CV-09: the mean of the scores, and whether it reaches the pass mark (80 inclusive).

    Passing is decided on the exact mean (sum ≥ mark × n); the mean is stored rounded *down* to 0.01, so
    79.995 shows as 79.99 and fails rather than showing 80.00."""
    total = sum(scores, Decimal("0"))
    mean = (total / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return mean, total >= pass_mark * len(scores)


@transaction.atomic
def review_conclude(
    *, review: DemocraticReview, concluded_on: date, concluded_by, note: str = ""
) -> DemocraticReview:
    """R-CV-09 / R-CV-10: conclude with the mean score; pass → the relation goes back to the original branch
    and the transition period starts; fail → the case stays active and a later review can be scheduled."""
    from conversion.transition import case_return

    case = case_for_update(review.case_id)
    review = DemocraticReview.objects.select_for_update().get(pk=review.pk)
    if review.state != DemocraticReview.State.SCHEDULED:
        raise ConversionError("该次民主评议已有结论（R-CV-09）。", rule="R-CV-09")
    scores = list(review.participants.values_list("score", flat=True))
    if not scores:
        raise ConversionError("请先确定参加人员并录入评分（R-CV-09）。", rule="R-CV-09")
    if any(s is None for s in scores):
        raise ConversionError("还有参加人员未评分，请全部录入后再得出结论（R-CV-09）。", rule="R-CV-09")
    if concluded_on < review.scheduled_on:
        raise ConversionError("结论日期不能早于评议日期。", rule="R-CV-09", field="concluded_on")
    pass_mark = case_profile(case).review_pass_mark
    mean, passed = review_outcome([s for s in scores if s is not None], pass_mark)  # all scored (above)
    review.state = DemocraticReview.State.PASSED if passed else DemocraticReview.State.FAILED
    review.mean_score, review.pass_mark = mean, pass_mark
    review.concluded_on, review.concluded_by, review.note = concluded_on, concluded_by, note
    review.save(update_fields=["state", "mean_score", "pass_mark", "concluded_on", "concluded_by", "note"])
    if passed:
        case_return(case=case, returned_on=concluded_on, returned_by=concluded_by)
    return review
