"""Annual democratic review of members, 民主评议党员 (R-MB-09, record)."""

from __future__ import annotations

from django.db import transaction

from members.exceptions import MemberError
from members.models import AnnualReview, Member


@transaction.atomic
def review_record(*, member: Member, year: int, result: str, recorded_by, note: str = "") -> AnnualReview:
    """R-MB-09: one review per member per year; a correction goes through the admin (with history)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if result not in AnnualReview.Result.values:
        raise MemberError("评议结果无效（R-MB-09）。", rule="R-MB-09")
    if member.joined_on and year < member.joined_on.year:
        raise MemberError(f"{member.name}{year}年尚未入党，不能评议（R-MB-09）。", rule="R-MB-09")
    if AnnualReview.objects.filter(member=member, year=year).exists():
        raise MemberError(f"{member.name}{year}年度的民主评议已记录（R-MB-09）。", rule="R-MB-09")
    return AnnualReview.objects.create(
        member=member, year=year, result=result, note=note, recorded_by=recorded_by
    )
