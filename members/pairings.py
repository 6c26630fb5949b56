"""What pairing aid (R-MB-12) and training rotations and pairings (R-MB-11) share: starting with an active
member, and ending a dated period (``started_on`` … ``ended_on``) once, not before it began."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from members.exceptions import MemberError
from members.models import AidPairing, Member, TrainingPairing, TrainingRotation

Period = TypeVar("Period", AidPairing, TrainingPairing, TrainingRotation)


def active_member_for_update(member: Member, *, doing: str, rule: str) -> Member:
    """Lock the member's row; refuse one who is not an active member. Call inside a transaction."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.is_active_member:
        raise MemberError(f"{member.name}不是在册党员，不能{doing}（{rule}）。", rule=rule)
    return member


def end_period(
    period: Period,
    *,
    ended_on: date,
    rule: str,
    already_ended: str,
    too_early: str,
    then: Callable[[Period], None] | None = None,
) -> Period:
    """Lock ``period`` and end it on ``ended_on``; ``then`` runs on the locked row before it is saved (a
    rotation ends its open pairings). Call inside a transaction."""
    period = type(period)._default_manager.select_for_update().get(pk=period.pk)
    if period.ended_on is not None:
        raise MemberError(already_ended, rule=rule)
    if ended_on < period.started_on:
        raise MemberError(too_early, rule=rule)
    if then is not None:
        then(period)
    period.ended_on = ended_on
    period.save(update_fields=["ended_on"])
    return period
