"""Training rotations through the center and one-to-one pairings (R-MB-11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from core.dates import age_on
from core.models import Organization
from members.exceptions import MemberError
from members.models import Member, TrainingPairing, TrainingRotation
from members.pairings import active_member_for_update, end_period

# R-MB-11: 10–15 outstanding young members or reserve cadres a year; each center-branch member mentors 1–2.
ROTATION_MIN_PER_YEAR = 10
ROTATION_MAX_PER_YEAR = 15
MENTOR_MAX_TRAINEES = 2
YOUNG_MAX_AGE = 35


@dataclass(frozen=True)
class RotationYear:
    year: int
    count: int

    @property
    def below_minimum(self) -> bool:
        return self.count < ROTATION_MIN_PER_YEAR

    @property
    def message(self) -> str:
        if self.below_minimum:
            return (
                f"{self.year}年轮训培养{self.count}人，少于规定的{ROTATION_MIN_PER_YEAR}人，"
                f"请补充人选（R-MB-11）。"
            )
        return f"{self.year}年轮训培养{self.count}人（R-MB-11：每年{ROTATION_MIN_PER_YEAR}至{ROTATION_MAX_PER_YEAR}人）。"


def rotation_year(year: int) -> RotationYear:
    """How many trainees ``year`` has, and whether it is below the R-MB-11 minimum of 10."""
    return RotationYear(year, TrainingRotation.objects.filter(year=year).count())


@transaction.atomic
def rotation_enroll(*, member: Member, year: int, started_on: date, note: str = "") -> TrainingRotation:
    """R-MB-11: enrol an outstanding young member or reserve cadre; a 16th trainee in a year is refused."""
    # Lock the year's rows (and serialise enrolments of the year) so two clerks cannot both add the 15th.
    Organization.objects.select_for_update().filter(is_center=True).first()
    member = active_member_for_update(member, doing="参加轮训", rule="R-MB-11")
    if member.organization.is_center:
        raise MemberError("中心党支部党员是带教人，不作为轮训对象（R-MB-11）。", rule="R-MB-11")
    if not member.is_reserve_cadre and age_on(member.birth_date, started_on) > YOUNG_MAX_AGE:
        raise MemberError(
            f"轮训对象应为优秀年轻党员（{YOUNG_MAX_AGE}周岁以下）或后备干部，{member.name}不符合（R-MB-11）。",
            rule="R-MB-11",
        )
    if started_on.year != year:
        raise MemberError("开始日期应在轮训年度内（R-MB-11）。", rule="R-MB-11")
    if TrainingRotation.objects.filter(member=member, year=year).exists():
        raise MemberError(f"{member.name}已在{year}年轮训名单中（R-MB-11）。", rule="R-MB-11")
    count = TrainingRotation.objects.filter(year=year).count()
    if count >= ROTATION_MAX_PER_YEAR:
        raise MemberError(
            f"{year}年已有{count}名轮训对象，每年最多{ROTATION_MAX_PER_YEAR}人（R-MB-11）。", rule="R-MB-11"
        )
    return TrainingRotation.objects.create(member=member, year=year, started_on=started_on, note=note)


@transaction.atomic
def pairing_create(*, mentor: Member, rotation: TrainingRotation, started_on: date) -> TrainingPairing:
    """R-MB-11: pair a center-branch member one-to-one with a trainee; a mentor has at most 2 at a time."""
    mentor = Member.objects.select_for_update().get(pk=mentor.pk)
    rotation = TrainingRotation.objects.select_for_update().get(pk=rotation.pk)
    if not mentor.organization.is_center or not mentor.is_active_member:
        raise MemberError(f"带教人须为中心党支部的在册党员，{mentor.name}不是（R-MB-11）。", rule="R-MB-11")
    if rotation.ended_on is not None:
        raise MemberError("该轮训已结束，不能再结对（R-MB-11）。", rule="R-MB-11")
    if rotation.pairings.filter(ended_on__isnull=True).exists():
        raise MemberError(
            f"{rotation.member.name}已有带教人，一对一结对期间不能再安排（R-MB-11）。", rule="R-MB-11"
        )
    current = TrainingPairing.objects.filter(mentor=mentor, ended_on__isnull=True).count()
    if current >= MENTOR_MAX_TRAINEES:
        raise MemberError(
            f"{mentor.name}正在带教{current}名轮训对象，同时最多{MENTOR_MAX_TRAINEES}名（R-MB-11）。",
            rule="R-MB-11",
        )
    if started_on < rotation.started_on:
        raise MemberError("结对日期不能早于轮训开始日期（R-MB-11）。", rule="R-MB-11")
    return TrainingPairing.objects.create(mentor=mentor, rotation=rotation, started_on=started_on)


@transaction.atomic
def pairing_end(*, pairing: TrainingPairing, ended_on: date) -> TrainingPairing:
    return end_period(
        pairing,
        ended_on=ended_on,
        rule="R-MB-11",
        already_ended="该结对已解除。",
        too_early="解除日期不能早于结对日期（R-MB-11）。",
    )


@transaction.atomic
def rotation_end(*, rotation: TrainingRotation, ended_on: date) -> TrainingRotation:
    """End a trainee's rotation and any pairing still open."""

    def end_open_pairings(rotation: TrainingRotation) -> None:
        for pairing in rotation.pairings.filter(ended_on__isnull=True):
            pairing_end(pairing=pairing, ended_on=ended_on)

    return end_period(
        rotation,
        ended_on=ended_on,
        rule="R-MB-11",
        already_ended="该轮训已结束。",
        too_early="结束日期不能早于开始日期（R-MB-11）。",
        then=end_open_pairings,
    )
