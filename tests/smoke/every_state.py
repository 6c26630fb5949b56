"""One record of each kind in each state of the demo town, as the page that shows it (for the crawl).

Bounded on purpose: one object per kind per state (DISTINCT ON the state fields), not every object.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from conversion.models import CommitteeReferral, ConversionCase, DemocraticReview
from core.models import Organization
from members.models import Discipline, FloatingMember, Meeting, Member, RelationTransfer
from recruitment.models import Approval, Candidate, CandidateVote
from recruitment.views import BOARD_STAGES
from services.models import OPEN_STATES, AccountabilityCase, Complaint, Matter


def _each(queryset: QuerySet, *fields: str) -> list:
    """The first record (by pk) of every combination of ``fields``."""
    return list(queryset.order_by(*fields, "pk").distinct(*fields))


def _first(queryset: QuerySet) -> list:
    return list(queryset.order_by("pk")[:1])


def member_pages() -> list[str]:
    members = [
        *_each(Member.objects.all(), "status"),
        *(d.member for d in _each(Discipline.objects.select_related("member"), "kind", "rights_restored_on")),
        *(t.member for t in _each(RelationTransfer.objects.select_related("member"), "state", "direction")),
        *(f.member for f in _first(FloatingMember.objects.filter(lost_contact_since__isnull=False))),
        *(f.member for f in _first(FloatingMember.objects.filter(lost_contact_since__isnull=True))),
        *(f.member for f in _first(FloatingMember.objects.filter(returned_on__isnull=False))),
    ]
    return [reverse("members:detail", args=[m.pk]) for m in members]


def organisation_pages() -> list[str]:
    return [
        *(reverse("members:organization", args=[o.pk]) for o in _each(Organization.objects.all(), "kind")),
        *(reverse("members:meeting", args=[m.pk]) for m in _each(Meeting.objects.all(), "kind")),
    ]


def conversion_pages() -> list[str]:
    cases = [
        *_each(ConversionCase.objects.all(), "state"),
        *(r.case for r in _each(CommitteeReferral.objects.select_related("case"), "state")),
        *(r.case for r in _each(DemocraticReview.objects.select_related("case"), "state")),
    ]
    return [reverse("conversion:case_detail", args=[c.pk]) for c in cases]


def recruitment_pages() -> list[str]:
    candidates = [
        *_each(Candidate.objects.all(), "stage"),
        *(v.candidate for v in _each(CandidateVote.objects.select_related("candidate"), "proposal")),
        *(a.vote.candidate for a in _each(Approval.objects.select_related("vote__candidate"), "approved")),
    ]
    return [
        *(reverse("recruitment:candidate", args=[c.pk]) for c in candidates),
        *(reverse("recruitment:stage_list", args=[stage]) for stage in BOARD_STAGES),
    ]


def services_pages() -> list[str]:
    matters = [
        *_each(Matter.objects.all(), "kind", "state"),
        *_first(Matter.objects.filter(overdue_at__isnull=False)),
        *_first(Matter.objects.exclude(delay_reason="")),
    ]
    queue = reverse("services:queue")
    return [
        *(reverse("services:matter", args=[m.pk]) for m in matters),
        *(reverse("services:case", args=[c.pk]) for c in _each(AccountabilityCase.objects.all(), "state")),
        *(reverse("services:complaint", args=[c.pk]) for c in _each(Complaint.objects.all(), "state")),
        *(
            f"{queue}?scope={scope}&state={state}"
            for scope in ("mine", "window", "all")
            for state in OPEN_STATES
        ),
    ]


def every_state_pages() -> list[str]:
    """Detail pages of one record per kind and state, in a stable order, without repeats."""
    pages = [
        *member_pages(),
        *organisation_pages(),
        *conversion_pages(),
        *recruitment_pages(),
        *services_pages(),
    ]
    return list(dict.fromkeys(pages))
