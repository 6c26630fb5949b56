"""Member figures for statistics and the quarterly analysis of member education and management (R-MB-10).

Every figure is one SQL aggregation (``aggregate`` / ``annotate`` with ``Count(filter=…)``); nothing loads member
rows into Python, so the number of queries does not grow with the data. ``org_ids`` is the scope: ``None`` for
the whole town, otherwise the organisation ids to count (see ``core.access.scoped_organization_ids``).

The roll (在册党员) is the members whose status is probationary or full *now*; ages and party ages are counted
on the last day of the period (or today, if the period has not ended).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from core.counting import side_by_side
from core.dates import local_today, month_bounds, quarter_bounds
from core.models import Organization
from core.sqlreuse import reused_rows
from members.dues import OrganizationArrears, arrears_from, arrears_parts, period_due_range
from members.meetings import MEETING_EVERY_MONTHS
from members.models import (
    Attendance,
    DuesMonthTally,
    FloatingCertificate,
    FloatingMember,
    FlowTally,
    Meeting,
    MeetingTally,
    Member,
    MemberStatusEvent,
    RelationTransfer,
    RollDateTally,
    RollFacetTally,
)

OrgIds = frozenset[int] | None
Pairs = list[tuple[str, int]]

# (label, lowest age, highest age) — completed years on the counting day; None is open-ended.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("30岁及以下", 0, 30),
    ("31至40岁", 31, 40),
    ("41至50岁", 41, 50),
    ("51至60岁", 51, 60),
    ("61至70岁", 61, 70),
    ("71岁及以上", 71, None),
)
# R-MB-03: party age counts from full_member_on (the end of probation); probationary members have none yet.
PARTY_AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("不满5年", 0, 4),
    ("5至9年", 5, 9),
    ("10至19年", 10, 19),
    ("20至29年", 20, 29),
    ("30至49年", 30, 49),
    ("50年及以上", 50, None),
)
NO_PARTY_AGE = "预备党员（尚无党龄）"

LEAVING_STATUSES = (Member.Status.DECEASED, Member.Status.EXPELLED, Member.Status.REMOVED)


def scoped(queryset: QuerySet, org_ids: OrgIds, field_name: str = "organization") -> QuerySet:
    if org_ids is None:
        return queryset
    return queryset.filter(**{f"{field_name}__in": org_ids})


def _in_scope(org_ids: OrgIds, field_name: str) -> Q:
    return Q() if org_ids is None else Q(**{f"{field_name}__in": org_ids})


def years_before(day: date, years: int) -> date:
    """The day ``years`` earlier (28 Feb where that year has no 29 Feb), matching ``core.dates.age_on``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _band_filter(field_name: str, on: date, low: int, high: int | None) -> Q:
    """Whole years since ``field_name`` on day ``on`` lie in [low, high]."""
    q = Q(**{f"{field_name}__lte": years_before(on, low)})
    if high is not None:
        q &= Q(**{f"{field_name}__gt": years_before(on, high + 1)})
    return q


def roll(org_ids: OrgIds) -> QuerySet:
    """The members on the roll (probationary or full) in scope."""
    return scoped(Member.objects.filter(status__in=Member.ACTIVE_STATUSES), org_ids)


def branches(org_ids: OrgIds) -> QuerySet:
    return scoped(Organization.objects.branches().filter(is_active=True), org_ids, "pk").order_by(
        "sort_order", "code"
    )


def branch_names(org_ids: OrgIds) -> list[tuple[int, str]]:
    """(pk, name) of ``branches``, in their order; the statement compiled once per scope (core.sqlreuse)."""
    return reused_rows(
        ("members.analysis.branch_names", org_ids), lambda: branches(org_ids).values_list("pk", "name")
    )


# --- composition ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Composition:
    on: date
    total: int
    by_status: Pairs
    by_gender: Pairs
    by_age: Pairs
    by_education: Pairs
    by_ethnicity: Pairs
    by_party_age: Pairs
    by_branch: Pairs


def composition(*, org_ids: OrgIds, on: date) -> Composition:
    """Members on the roll by status, gender, age band, education, ethnicity, party age band and branch.

    The whole town is counted from the tallies the database keeps (members.RollFacetTally, RollDateTally: a
    few hundred and a few thousand rows whatever the number of members) and the members born — or made full members — in the one
    month each band's edge falls in; an organisation and those below it are counted from their members."""
    if org_ids is None:
        return _composition_from_tallies(on)
    return _composition_from_rows(org_ids, on)


def _composition(on: date, row: dict, by_branch: Pairs, ethnicity: Pairs) -> Composition:
    education = [(e.label, row[f"edu_{e}"]) for e in Member.Education]
    if row["edu_none"]:
        education.append(("未填写", row["edu_none"]))
    return Composition(
        on=on,
        total=row["total"],
        by_status=[(s.label, row[f"status_{s}"]) for s in Member.ACTIVE_STATUSES],
        by_gender=[(g.label, row[f"gender_{g}"]) for g in Member.Gender],
        by_age=[(label, row[f"age_{i}"]) for i, (label, _, _) in enumerate(AGE_BANDS)],
        by_education=education,
        by_ethnicity=[(name or "未填写", n) for name, n in ethnicity],
        by_party_age=[(label, row[f"party_{i}"]) for i, (label, _, _) in enumerate(PARTY_AGE_BANDS)]
        + [(NO_PARTY_AGE, row["party_none"])],
        by_branch=by_branch,
    )


def _composition_from_rows(org_ids: OrgIds, on: date) -> Composition:
    """``composition`` counted over the members themselves (one pass per organisation)."""
    counts: dict[str, Count] = {"total": Count("pk")}
    for status in Member.ACTIVE_STATUSES:
        counts[f"status_{status}"] = Count("pk", filter=Q(status=status))
    for gender in Member.Gender:
        counts[f"gender_{gender}"] = Count("pk", filter=Q(gender=gender))
    for i, (_, low, high) in enumerate(AGE_BANDS):
        counts[f"age_{i}"] = Count("pk", filter=_band_filter("birth_date", on, low, high))
    for level in Member.Education:
        counts[f"edu_{level}"] = Count("pk", filter=Q(education=level))
    counts["edu_none"] = Count("pk", filter=Q(education=""))
    full = Q(full_member_on__isnull=False, status=Member.Status.FULL)
    for i, (_, low, high) in enumerate(PARTY_AGE_BANDS):
        counts[f"party_{i}"] = Count("pk", filter=full & _band_filter("full_member_on", on, low, high))
    counts["party_none"] = Count("pk", filter=~full)
    # One pass over the roll, per organisation: the branch column, and the town's figures as their sums.
    per_organization = {
        r["organization_id"]: r for r in roll(org_ids).values("organization_id").annotate(**counts).order_by()
    }
    row = {key: sum(r[key] for r in per_organization.values()) for key in counts}
    by_branch = [
        (name, per_organization[pk]["total"] if pk in per_organization else 0)
        for pk, name in branch_names(org_ids)
    ]
    ethnicity = list(
        roll(org_ids).values_list("ethnicity").annotate(n=Count("pk")).order_by("-n", "ethnicity")
    )
    return _composition(on, row, by_branch, ethnicity)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _is_month_end(day: date) -> bool:
    return day == month_bounds(day.year, day.month)[1]


def _composition_from_tallies(on: date) -> Composition:
    """``composition`` of the whole town from members.RollFacetTally and RollDateTally (3 queries).

    A band counts the members whose date lies between two edges (``_band_filter``); the members up to an edge
    are the monthly tallies of every month before the edge's, plus — unless the edge is the last day of its
    month, which takes that month's whole tally — those of the edge's month up to the edge, counted through
    the partial indexes member_roll_birth / member_roll_full_member_on (about one month of births). The
    database sums the tallies (issue 21): a few hundred rows and one row of edges reach Python, not the
    thousands of tally rows."""
    active = [str(s) for s in Member.ACTIVE_STATUSES]
    row: dict[str, int] = {"total": 0, "edu_none": 0}
    row.update({f"status_{s}": 0 for s in Member.ACTIVE_STATUSES})
    row.update({f"gender_{g}": 0 for g in Member.Gender})
    row.update({f"edu_{e}": 0 for e in Member.Education})
    per_organization: dict[int, int] = {}
    ethnicity: dict[str, int] = {}
    for dimension, value, n in _roll_sums(active):
        if dimension == "status":
            row["total"] += n
            row[f"status_{value}"] += n
        elif dimension == "organization":
            per_organization[int(value)] = n
        elif dimension == "ethnicity":
            ethnicity[value] = n
        else:
            key = f"gender_{value}" if dimension == "gender" else f"edu_{value}" if value else "edu_none"
            if key in row:  # (a value outside the choices is counted in no column, as over the members)
                row[key] += n
    by_branch = [(name, per_organization.get(pk, 0)) for pk, name in branch_names(None)]

    # Edges: ("birth", day) for the age bands over the roll, ("full", day) for party age over full members.
    def edges(bands) -> list[date]:
        years = {low for _, low, _ in bands} | {high + 1 for _, _, high in bands if high is not None}
        return sorted(years_before(on, n) for n in years)

    wanted = [("birth", day) for day in edges(AGE_BANDS)] + [("full", day) for day in edges(PARTY_AGE_BANDS)]
    up_to, with_date = _members_up_to(active, wanted)

    for i, (_, low, high) in enumerate(AGE_BANDS):
        older = up_to[("birth", years_before(on, low))]
        row[f"age_{i}"] = older - (up_to[("birth", years_before(on, high + 1))] if high is not None else 0)
    for i, (_, low, high) in enumerate(PARTY_AGE_BANDS):
        older = up_to[("full", years_before(on, low))]
        row[f"party_{i}"] = older - (up_to[("full", years_before(on, high + 1))] if high is not None else 0)
    row["party_none"] = row["total"] - with_date
    # By count, then name, as the database's C collation orders them (code points).
    by_ethnicity = sorted(((name, n) for name, n in ethnicity.items() if n), key=lambda p: (-p[1], p[0]))
    return _composition(on, row, by_branch, by_ethnicity)


def _roll_sums(active: list[str]) -> list[tuple[str, str, int]]:
    """One query: the roll's members (members.RollFacetTally) summed by organisation, gender, education and
    ethnicity, and by status (over the organisations: each member has one), as (dimension, value, members)."""
    from django.db import connection

    table = RollFacetTally._meta.db_table
    sql = (
        f"SELECT facet, value, sum(members) FROM {table} WHERE status = ANY(%s) AND members > 0 GROUP BY 1, 2"
        f" UNION ALL SELECT 'status', status, sum(members) FROM {table}"
        " WHERE facet = 'organization' AND status = ANY(%s) AND members > 0 GROUP BY 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [active, active])
        return [(dimension, value, int(n)) for dimension, value, n in cursor.fetchall()]


def _members_up_to(
    active: list[str], wanted: list[tuple[str, date]]
) -> tuple[dict[tuple[str, date], int], int]:
    """One query, one row: for each edge (field, day) of ``wanted``, the members on the roll ("birth") or full
    members ("full") whose date is on or before the day — the monthly tallies (members.RollDateTally) of the
    months before the day's, plus the day's month: its whole tally if the day ends it, else its members up to
    the day; and the full members with a date (party age) in all."""
    from django.db import connection

    columns: list[str] = []
    params: list = []
    for field_name, day in wanted:
        columns.append("coalesce(sum(members) FILTER (WHERE field = %s AND month < %s), 0)")
        params += [field_name, _month_start(day)]
        if _is_month_end(day):
            columns.append("coalesce(sum(members) FILTER (WHERE field = %s AND month = %s), 0)")
            params += [field_name, _month_start(day)]
        elif field_name == "birth":
            columns.append(
                "(SELECT count(*) FROM members_member WHERE status = ANY(%s) AND birth_date BETWEEN %s AND %s)"
            )
            params += [active, _month_start(day), day]
        else:
            columns.append(
                "(SELECT count(*) FROM members_member WHERE status = 'full' AND full_member_on BETWEEN %s AND %s)"
            )
            params += [_month_start(day), day]
    columns.append("coalesce(sum(members) FILTER (WHERE field = 'full' AND month IS NOT NULL), 0)")
    sql = (
        f"SELECT {', '.join(columns)} FROM {RollDateTally._meta.db_table}"
        " WHERE (field = 'birth' AND status = ANY(%s)) OR (field = 'full' AND status = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, active, str(Member.Status.FULL)])
        figures = [int(n) for n in cursor.fetchone()]
    up_to = {edge: figures[2 * i] + figures[2 * i + 1] for i, edge in enumerate(wanted)}
    return up_to, figures[-1]


# --- flows ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flows:
    joined: int  # admitted as probationary members (joined_on in the period)
    became_full: int  # conversion to full membership (R-RC-20)
    transferred_in: int  # from outside the town
    transferred_out: int  # to outside the town
    moved_in: int  # from another organisation in the town
    moved_out: int  # to another organisation in the town
    left: int  # deceased, expelled, removed

    def as_pairs(self) -> Pairs:
        return [
            ("新发展党员", self.joined),
            ("预备党员转正", self.became_full),
            ("从镇外转入", self.transferred_in),
            ("镇内转入", self.moved_in),
            ("转往镇外", self.transferred_out),
            ("镇内转出", self.moved_out),
            ("去世、开除、除名", self.left),
        ]


def flows(*, org_ids: OrgIds, start: date, end: date) -> Flows:
    """Movements in [start, end] from member records, status events (R-MB-02) and accepted transfers (R-MB-05).

    The whole town over whole months (every period the statistics offer) is read from the monthly tally the
    database keeps (members.FlowTally: a few rows a month whatever the number of members); an organisation and
    those below it, or a span that cuts a month, are counted from the rows (``_flows_from_rows``)."""
    if org_ids is None and start.day == 1 and end == month_bounds(end.year, end.month)[1]:
        return _flows_from_tally(start, end)
    return _flows_from_rows(org_ids, start, end)


def _flows_from_tally(start: date, end: date) -> Flows:
    """``flows`` of the whole town for the months [start, end], from members.FlowTally (one query). Within the
    town an internal move is both a move in and a move out."""
    kind = FlowTally.Kind
    number = dict(
        reused_rows(
            ("members.analysis.flows.tally", start, end),
            lambda: (
                FlowTally.objects.filter(month__range=(start, end))
                .values_list("kind")
                .annotate(n=Sum("number"))
                .order_by()
            ),
        )
    )
    return Flows(
        joined=number.get(kind.JOINED, 0),
        became_full=number.get(kind.BECAME_FULL, 0),
        transferred_in=number.get(kind.TRANSFERRED_IN, 0),
        transferred_out=number.get(kind.TRANSFERRED_OUT, 0),
        moved_in=number.get(kind.MOVED, 0),
        moved_out=number.get(kind.MOVED, 0),
        left=number.get(kind.LEFT, 0),
    )


def _flows_from_rows(org_ids: OrgIds, start: date, end: date) -> Flows:
    """``flows`` counted from the rows, for any scope and span of days: one statement of three scalar subqueries
    (issue 21: was three queries) — members joined; status events, scoped by their member's organisation;
    accepted transfers, scoped by the organisation they go to or come from (an internal move within the scope
    counts both ways)."""
    from django.db import connection

    status, direction = Member.Status, RelationTransfer.Direction
    params: dict = {
        "start": start,
        "end": end,
        "ids": list(org_ids or ()),
        "probationary": status.PROBATIONARY,
        "full": status.FULL,
        "leaving": [str(s) for s in LEAVING_STATUSES],
        "accepted": RelationTransfer.State.ACCEPTED,
        "in": direction.IN,
        "out": direction.OUT,
        "internal": direction.INTERNAL,
    }

    def within(column: str) -> str:
        return "" if org_ids is None else f" AND {column} = ANY(%(ids)s)"

    member, event = Member._meta.db_table, MemberStatusEvent._meta.db_table
    events_from = event if org_ids is None else f"{event} JOIN {member} ON {member}.id = {event}.member_id"
    sql = f"""
        SELECT
          (SELECT count(*) FROM {member}
            WHERE joined_on BETWEEN %(start)s AND %(end)s{within("organization_id")}),
          events.became_full, events.leaving, transfers.*
        FROM (
          SELECT count(*) FILTER (WHERE from_state = %(probationary)s AND to_state = %(full)s) AS became_full,
                 count(*) FILTER (WHERE to_state = ANY(%(leaving)s)) AS leaving
          FROM {events_from}
          WHERE effective_on BETWEEN %(start)s AND %(end)s{within(f"{member}.organization_id")}
        ) AS events, (
          SELECT count(*) FILTER (WHERE direction = %(in)s{within("to_organization_id")}),
                 count(*) FILTER (WHERE direction = %(out)s{within("from_organization_id")}),
                 count(*) FILTER (WHERE direction = %(internal)s{within("to_organization_id")}),
                 count(*) FILTER (WHERE direction = %(internal)s{within("from_organization_id")})
          FROM {RelationTransfer._meta.db_table}
          WHERE state = %(accepted)s AND accepted_on BETWEEN %(start)s AND %(end)s
        ) AS transfers
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        joined, became_full, left, transferred_in, transferred_out, moved_in, moved_out = cursor.fetchone()
    return Flows(
        joined=joined,
        became_full=became_full,
        transferred_in=transferred_in,
        transferred_out=transferred_out,
        moved_in=moved_in,
        moved_out=moved_out,
        left=left,
    )


# --- floating members -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Floating:
    out: int
    came_in: int
    lost_contact: int
    certificates_valid: int

    def as_pairs(self) -> Pairs:
        return [
            ("外出流动党员", self.out),
            ("流入本镇党员", self.came_in),
            ("其中失联", self.lost_contact),
            ("持有效活动证", self.certificates_valid),
        ]


def floating(*, org_ids: OrgIds, on: date) -> Floating:
    """R-MB-06: floating members away on ``on`` (not yet returned) and those flagged as lost contact: one
    aggregate row (``core.counting.side_by_side``, compiled once per scope and day)."""
    return Floating(
        **side_by_side(
            lambda: {"floating": _floating_figures(org_ids, on)},
            reuse=("members.analysis.floating", org_ids, on),
        )
    )


def _floating_figures(org_ids: OrgIds, on: date) -> tuple[QuerySet, dict]:
    """The floating members in scope and the aggregates of ``floating`` over them."""
    away = Q(flowed_out_on__lte=on) & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))
    # One row per floating member: holding a valid certificate is membership of the set of their holders (a
    # hashed subplan), not a join counted DISTINCT (issue 21).
    valid = Q(
        pk__in=FloatingCertificate.objects.filter(
            issued_on__lte=on, valid_until__gte=on, revoked_on__isnull=True
        ).values("floating_id")
    )
    return scoped(FloatingMember.objects.all(), org_ids, "member__organization"), {
        "out": Count("pk", filter=away & Q(direction=FloatingMember.Direction.OUT)),
        "came_in": Count("pk", filter=away & Q(direction=FloatingMember.Direction.IN)),
        "lost_contact": Count("pk", filter=away & Q(lost_contact_since__lte=on)),
        "certificates_valid": Count("pk", filter=away & valid),
    }


# --- meetings (三会一课, R-MB-08) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchMeetings:
    branch: str
    held: dict[str, int]  # Meeting.Kind value -> meetings held in the period
    required: dict[str, int]  # Meeting.Kind value -> meetings due in the period
    present: int
    on_roll: int

    @property
    def held_total(self) -> int:
        return sum(self.held.values())

    @property
    def required_total(self) -> int:
        return sum(self.required.values())

    @property
    def kinds_short(self) -> int:
        """How many kinds of meeting fell short of what was due (missing meetings, R-MB-08)."""
        return sum(1 for kind, due in self.required.items() if self.held.get(kind, 0) < due)

    @property
    def meetings_missed(self) -> int:
        """Meetings due in the period and not held, kind by kind (more of one kind makes up for no other)."""
        return sum(max(due - self.held.get(kind, 0), 0) for kind, due in self.required.items())

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.on_roll if self.on_roll else None


def meetings_required(kind: str, months: int, party_groups: int = 0) -> int:
    """R-MB-08: meetings of ``kind`` due in a period of ``months`` whole calendar months."""
    per_unit = months // MEETING_EVERY_MONTHS[kind]
    return per_unit * party_groups if kind == Meeting.Kind.GROUP_MEETING else per_unit


def meetings(*, org_ids: OrgIds, start: date, end: date) -> list[BranchMeetings]:
    """Held vs due per branch and kind in [start, end], with the attendance rate of the rolls (R-MB-08).

    A party-group meeting counts for the branch above the group. Whole months (every period the statistics
    offer) are read from the tallies the database keeps (members.MeetingTally): a month, a quarter or a year
    is one row per organisation and kind, whatever the number of meetings and attendance rows and the length
    of the period; a span that cuts a month is counted from the meetings themselves.
    """
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    branch_rows = reused_rows(
        ("members.analysis.meetings.branches", org_ids),
        lambda: (
            branches(org_ids)
            .annotate(groups=Count("children", filter=Q(children__kind=Organization.Kind.PARTY_GROUP)))
            .values_list("pk", "name", "groups")
        ),
    )
    whole_months = start.day == 1 and end == month_bounds(end.year, end.month)[1]
    held, attendance = _meetings_from_tallies(start, end) if whole_months else _meetings_from_rows(start, end)
    required: dict[int, dict[str, int]] = {}  # per number of party groups (shared, read only)
    rows = []
    for pk, name, groups in branch_rows:
        if groups not in required:
            required[groups] = {
                kind: meetings_required(kind, months, groups) for kind in MEETING_EVERY_MONTHS
            }
        present, on_roll = attendance.get(pk, (0, 0))
        rows.append(BranchMeetings(name, held.get(pk, {}), required[groups], present, on_roll))
    return rows


def _branch_of(organization: str) -> Case:
    """The branch an organisation's meetings count for: a party group's parent, else the organisation."""
    return Case(
        When(**{f"{organization}__kind": Organization.Kind.PARTY_GROUP}, then=f"{organization}__parent_id"),
        default=f"{organization}_id",
        output_field=IntegerField(),
    )


MeetingCounts = tuple[dict[int, dict[str, int]], dict[int, tuple[int, int]]]


def tally_spans(start: date, end: date) -> list[tuple[date, int]]:
    """The whole months [start, end] as the fewest spans members.MeetingTally keeps — whole years, whole
    quarters, single months — as (first day, months): a year or a quarter of the statistics is one span."""
    spans: list[tuple[date, int]] = []
    first = start.replace(day=1)
    while first <= end:
        # the longest span that starts here and whose last month is still in [start, end]
        months = next(
            n for n in (12, 3, 1) if (first.month - 1) % n == 0 and _months_later(first, n - 1) <= end
        )
        spans.append((first, months))
        first = _months_later(first, months)
    return spans


def _months_later(first: date, months: int) -> date:
    """The first day of the month ``months`` after the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _meetings_from_tallies(start: date, end: date) -> MeetingCounts:
    """(held per branch and kind, (present, roll rows) per branch) of the months [start, end], from
    members.MeetingTally: one row per organisation and kind and span (a quarter or a year is one span),
    summed per branch in SQL — one row per branch."""
    kinds = list(MEETING_EVERY_MONTHS)
    spans = Q()
    for first, months in tally_spans(start, end):
        spans |= Q(month=first, months=months)
    rows = reused_rows(
        ("members.analysis.meetings.tallies", start, end),
        lambda: (
            MeetingTally.objects.filter(spans)
            .annotate(branch=_branch_of("organization"))
            .values("branch")
            .annotate(
                present_sum=Sum("present"),
                attended_sum=Sum("attended"),
                **{f"held_{kind}": Sum("held", filter=Q(kind=kind)) for kind in kinds},
            )
            .values_list("branch", "present_sum", "attended_sum", *(f"held_{kind}" for kind in kinds))
            .order_by()
        ),
    )
    held: dict[int, dict[str, int]] = {}
    attendance: dict[int, tuple[int, int]] = {}
    for branch_id, present, attended, *numbers in rows:
        held[branch_id] = {kind: n for kind, n in zip(kinds, numbers, strict=True) if n}
        if attended:
            attendance[branch_id] = (present, attended)
    return held, attendance


def _meetings_from_rows(start: date, end: date) -> MeetingCounts:
    """The same counts from the meetings and attendance rows of [start, end] (any span of days)."""
    held: dict[int, dict[str, int]] = {}
    in_period = Meeting.objects.filter(held_on__range=(start, end))
    for branch_id, kind, n in (
        in_period.annotate(branch=_branch_of("organization"))
        .values_list("branch", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        held.setdefault(branch_id, {})[kind] = n
    attendance = {
        branch_id: (present, total)
        for branch_id, present, total in Attendance.objects.filter(meeting__held_on__range=(start, end))
        .annotate(branch=_branch_of("meeting__organization"))
        .values_list("branch")
        .annotate(present=Count("pk", filter=Q(present=True)), total=Count("pk"))
        .values_list("branch", "present", "total")
        .order_by()
    }
    return held, attendance


# --- dues (R-MB-07) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchDues:
    branch: str
    expected: Decimal
    collected: Decimal
    arrears: Decimal
    members_in_arrears: int


COLLECTED = 3  # the part of the rows of ``dues`` with the payments' sums, beside members.dues.arrears_parts


def dues(*, org_ids: OrgIds, start: date, end: date, today: date | None = None) -> list[BranchDues]:
    """Expected (the amount due of each month owed), collected and arrears per branch for [start, end]
    (R-MB-07, R-MB-13).

    The months owed and their amounts follow ``members.dues`` (from the joining month, up to the month before
    ``today``; the current month is not owed yet; the standard's amount of the year's base, last year's while
    provisional, R-MB-14); arrears are the owed months without a payment, at their amount due. Collected is
    every payment recorded for a month in the period (voluntary extra is on the receipts, not here).
    """
    first, last = period_due_range(start, end, today or local_today())

    # Expected, arrears and members in arrears from the tallies the database keeps (members.dues.arrears_parts:
    # the steps of the months owed, members.DuesDueTally, and the months owed and paid, members.DuesPaidPattern),
    # and collected from the payments' sums per organisation and month (members.DuesMonthTally): one query.
    def figures() -> QuerySet:
        collected_rows = (
            scoped(DuesMonthTally.objects.filter(month__range=(start, end)), org_ids)
            .values("organization_id")
            .annotate(part=Value(COLLECTED), s=Sum("amount"), n=Value(0))
            .values_list("organization_id", "part", "s", "n")
            .order_by()
        )
        return collected_rows.union(*arrears_parts(first=first, last=last, org_ids=org_ids), all=True)

    # Compiled once per scope and period (core.sqlreuse), run every time.
    rows = reused_rows(("members.analysis.dues", org_ids, start, end, first, last), figures)
    collected = {org_id: amount or Decimal("0") for org_id, part, amount, _ in rows if part == COLLECTED}
    owing = arrears_from(rows)
    none = OrganizationArrears(Decimal("0"), Decimal("0"), 0)
    return [
        BranchDues(
            branch=name,
            expected=owing.get(pk, none).expected,
            collected=collected.get(pk, Decimal("0")),
            arrears=owing.get(pk, none).arrears,
            members_in_arrears=owing.get(pk, none).members,
        )
        for pk, name in branch_names(org_ids)
    ]


# --- the quarterly analysis (R-MB-10) -------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterlyAnalysis:
    """R-MB-10: the quarter's figures of member education and management, reported to the town committee."""

    year: int
    quarter: int
    start: date
    end: date
    organization: Organization | None
    composition: Composition
    flows: Flows
    floating: Floating
    meetings: list[BranchMeetings]
    dues: list[BranchDues]
    generated_on: date = field(default_factory=local_today)

    @property
    def scope_name(self) -> str:
        return self.organization.name if self.organization else "全镇"

    @property
    def meetings_held(self) -> int:
        return sum(b.held_total for b in self.meetings)

    @property
    def meetings_required(self) -> int:
        return sum(b.required_total for b in self.meetings)

    @property
    def branches_short(self) -> list[str]:
        return [b.branch for b in self.meetings if b.kinds_short]

    @property
    def attendance_rate(self) -> float | None:
        on_roll = sum(b.on_roll for b in self.meetings)
        return sum(b.present for b in self.meetings) / on_roll if on_roll else None

    @property
    def attendance_percent(self) -> float | None:
        rate = self.attendance_rate
        return None if rate is None else rate * 100

    @property
    def dues_expected(self) -> Decimal:
        return sum((b.expected for b in self.dues), Decimal("0"))

    @property
    def dues_collected(self) -> Decimal:
        return sum((b.collected for b in self.dues), Decimal("0"))

    @property
    def dues_arrears(self) -> Decimal:
        return sum((b.arrears for b in self.dues), Decimal("0"))

    @property
    def members_in_arrears(self) -> int:
        return sum(b.members_in_arrears for b in self.dues)


def counting_day(end: date, today: date | None = None) -> date:
    """The day ages and the roll are counted on: the period's last day, or today while it is still running."""
    return min(end, today or local_today())


def quarterly_analysis(
    *, year: int, quarter: int, organization: Organization | None = None
) -> QuarterlyAnalysis:
    """R-MB-10: the figures of one quarter for the town (``organization=None``) or one organisation and below."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1–4")
    start, end = quarter_bounds(year, quarter)
    org_ids = frozenset(Organization.objects.descendant_ids(organization.pk)) if organization else None
    on = counting_day(end)
    return QuarterlyAnalysis(
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        organization=organization,
        composition=composition(org_ids=org_ids, on=on),
        flows=flows(org_ids=org_ids, start=start, end=end),
        floating=floating(org_ids=org_ids, on=on),
        meetings=meetings(org_ids=org_ids, start=start, end=end),
        dues=dues(org_ids=org_ids, start=start, end=end),
    )
