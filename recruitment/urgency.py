"""Which candidates need attention first: the pipeline board's order and its overdue counts.

Per stage, the date that matters next (``due``) and whether it is over or a reminder stands (``overdue``):

* applicant — the talk, within 1 month of the application (R-RC-02), while no talk is on file;
* activist — the next assessment, at least every ``activist_assessment_months`` months (R-RC-06), counted from
  the last assessment, or from the branch committee's decision before the first;
* development target — the committee's approval, within 3 months of the branch meeting (R-RC-16), while a
  passed admission resolution awaits it;
* probationary member — the end of probation (R-RC-17, with an extension R-RC-21); overdue while a reminder
  of ``recruitment.stages.reminders`` stands (filing R-RC-16, conversion application R-RC-19).

``urgency`` decides for one candidate in Python, from recruitment.rules and core.dates. ``ranked`` is its SQL
twin (the dates counted with core.dates' SQL expressions): it orders and counts thousands of candidates in one
query, and the guards run only for the cards shown. tests/recruitment/test_urgency.py proves the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet, prefetch_related_objects

from core.dates import last_working_day_before, last_working_day_before_sql, period_end_sql
from core.models import RuleProfile
from recruitment import guards, stages
from recruitment.models import (
    Approval,
    Assessment,
    BranchMeeting,
    Candidate,
    CandidateVote,
    ConversionApplication,
    Stage,
    Talk,
    file_prefetches,
)
from recruitment.rules import (
    approval_deadline,
    approval_of,
    assessment_due,
    decision_profile,
    first_talk,
    latest_assessment,
    latest_vote,
    probation_end,
    stage_since,
    talk_deadline,
)

LABELS: dict[str, str] = {
    Stage.APPLICANT: "入党谈话期限",
    Stage.ACTIVIST: "培养考察期限",
    Stage.TARGET: "上级党委审批期限",
    Stage.PROBATIONARY: "预备期满",
}

# What a card reads of the file (recruitment.guards for the stage's next steps, stages.reminders and
# ``urgency``), so a board fetches no more; tests/recruitment/test_queries.py fails if one is missing.
FILE_READ = {
    Stage.APPLICANT: ("stage_changes", "talks", "recommendations"),
    Stage.ACTIVIST: ("stage_changes", "assessments", "contacts", "thoughtreports", "recommendations"),
    Stage.TARGET: (
        "stage_changes", "votes", "introducers", "politicalreviews", "trainings", "publicnotices", "prereviews",
        "uppertalks",
    ),
    Stage.PROBATIONARY: ("stage_changes", "votes", "conversionapplications", "oaths", "thoughtreports"),
}  # fmt: skip


@dataclass(frozen=True)
class Urgency:
    due: date | None
    late: bool  # ``due`` is a deadline and it is over
    overdue: bool  # late, or a reminder stands
    days_late: int = 0  # calendar days since ``due`` when late (the card says by how much)

    def label(self, stage: str) -> str:
        return LABELS.get(stage, "")


def profile_for(on: date, shared: dict) -> RuleProfile:
    """The rule profile in force on ``on``, read once per page (the same memo as recruitment.stages)."""
    if ("profile", on) not in shared:
        shared[("profile", on)] = decision_profile(on)
    return shared[("profile", on)]


def urgency(candidate, on: date, *, shared: dict | None = None, reminders: list | None = None) -> Urgency:
    """Where ``candidate`` stands on ``on``. Reads the file through ``.all()`` (fetch with ``with_file()``);
    ``reminders``: ``stages.reminders(candidate, on)`` when the caller has them already."""
    shared = {} if shared is None else shared
    due, late = None, False
    if candidate.stage == Stage.APPLICANT:
        if first_talk(candidate) is None:
            due = talk_deadline(candidate).date
            late = on > due
    elif candidate.stage == Stage.ACTIVIST:
        last = latest_assessment(candidate, on)
        since = last.assessed_on if last else stage_since(candidate, Stage.ACTIVIST)
        if since:
            due = assessment_due(since, profile_for(on, shared).activist_assessment_months)
            late = on > due
    elif candidate.stage == Stage.TARGET:
        vote = latest_vote(candidate, CandidateVote.Proposal.ADMIT)
        if vote and vote.passed and approval_of(vote) is None:
            due = approval_deadline(vote.meeting.held_on)
            late = on > due
    elif candidate.stage == Stage.PROBATIONARY:
        due = probation_end(candidate)
    if reminders is None:
        reminders = stages.reminders(candidate, on, shared=shared)
    return Urgency(due, late, late or bool(reminders), (on - due).days if late and due else 0)


# --- the same in SQL --------------------------------------------------------------------------------------


class _Params(list):
    """Parameters collected in the order their placeholders appear in an f-string."""

    def __call__(self, value) -> str:
        self.append(value)
        return "%s"

    def sql(self, sql: str, params) -> str:
        self.extend(params)
        return sql


def _urgency_sql(candidates: QuerySet, *, on: date, profile: RuleProfile) -> tuple[str, list] | None:
    """``WITH … urgency``: id, stage, applied_on, due_on (for a deadline its period end, which sorts as the
    deadline does) and overdue of every candidate in ``candidates`` — the SQL twin of ``urgency``.

    ``c`` is the candidates, read once; the records each stage needs are joined to them per stage (the latest
    of each kind, as recruitment.rules picks it); ``dated`` counts the periods with core.dates; ``urgency``
    compares: a deadline (applicant, target, filing) is over once its period end is on or before the last
    working day before the day (core.dates.last_working_day_before, R-GN-02); the activist's assessment
    interval is a period, over the day after it ends; a probationary member is overdue while a reminder stands.
    """
    try:
        scoped = (
            candidates.order_by()
            .values("id", "stage", "applied_on", "member_joined_on", "activist_since")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # candidates.none(): an invalid filter
        return None
    p = _Params()
    t = {model.__name__: model._meta.db_table for model in (Talk, Assessment, CandidateVote)}
    t |= {"Meeting": BranchMeeting._meta.db_table, "Approval": Approval._meta.db_table}
    t |= {"Application": ConversionApplication._meta.db_table}
    applicant, activist, target, probationary = (
        f"'{s.value}'" for s in (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY)
    )
    admit, extend = (f"'{v.value}'" for v in (CandidateVote.Proposal.ADMIT, CandidateVote.Proposal.EXTEND))
    cutoff = last_working_day_before(on)
    votes = (
        f"{t['CandidateVote']} v JOIN {t['Meeting']} m ON m.id = v.meeting_id "
        f"LEFT JOIN {t['Approval']} ap ON ap.vote_id = v.id"
    )
    sql = f"""
WITH c AS MATERIALIZED ({p.sql(*scoped)}),
last_assessed AS (  -- R-RC-06: rules.latest_assessment, on or before the day
    SELECT a.candidate_id, max(a.assessed_on) AS assessed_on FROM {t["Assessment"]} a
    WHERE a.candidate_id IN (SELECT id FROM c WHERE stage = {activist}) AND a.assessed_on <= {p(on)}::date
    GROUP BY a.candidate_id),
admission AS (  -- rules.latest_vote(…, ADMIT) and its approval (R-RC-14, R-RC-16)
    SELECT DISTINCT ON (v.candidate_id) v.candidate_id, v.passed, m.held_on, ap.id AS approval_id,
        ap.approved, ap.decided_on, ap.filed_on
    FROM {votes}
    WHERE v.candidate_id IN (SELECT id FROM c WHERE stage IN ({target}, {probationary})) AND v.proposal = {
        admit
    }
    ORDER BY v.candidate_id, m.held_on DESC, v.id DESC),
extension AS (  -- rules.probation_end: the first approved extension (R-RC-21)
    SELECT DISTINCT ON (v.candidate_id) v.candidate_id, v.extension_months FROM {votes}
    WHERE v.candidate_id IN (SELECT id FROM c WHERE stage = {probationary}) AND v.proposal = {extend}
        AND v.passed AND ap.approved
    ORDER BY v.candidate_id, m.held_on, v.id),
file AS (
    SELECT c.id, c.stage, c.applied_on,
        NOT EXISTS (SELECT 1 FROM {t["Talk"]} tk WHERE tk.candidate_id = c.id) AS talk_missing,
        -- the latest change into the stage: rules.stage_since, kept on the candidate (activist_since)
        COALESCE(la.assessed_on, c.activist_since) AS assessed_since,
        CASE WHEN ad.passed AND ad.approval_id IS NULL THEN ad.held_on END AS awaiting_since,
        -- the member record's joining date, kept on the candidate (member_joined_on, migration 0007)
        CASE WHEN c.stage = {probationary} THEN c.member_joined_on END AS joined_on,
        ex.extension_months,
        EXISTS (SELECT 1 FROM {t["Application"]} ca WHERE ca.candidate_id = c.id) AS applied_for_conversion,
        CASE WHEN ad.approved THEN {
        period_end_sql("ad.decided_on", months=1)
    } <= CASE WHEN ad.filed_on IS NULL
            THEN {p(cutoff)}::date ELSE {last_working_day_before_sql("ad.filed_on")} END END AS filing_late
    FROM c
    LEFT JOIN last_assessed la ON la.candidate_id = c.id
    LEFT JOIN admission ad ON ad.candidate_id = c.id
    LEFT JOIN extension ex ON ex.candidate_id = c.id
),
dated AS (
    SELECT id, stage, applied_on, applied_for_conversion, filing_late, CASE stage
        WHEN {applicant} THEN CASE WHEN talk_missing THEN {period_end_sql("applied_on", months=1)} END
        WHEN {activist} THEN {period_end_sql("assessed_since", months=p(profile.activist_assessment_months))}
        WHEN {target} THEN {period_end_sql("awaiting_since", months=3)}
        WHEN {probationary} THEN {
        period_end_sql(period_end_sql("joined_on", years=1), months="COALESCE(extension_months, 0)")
    }
        END AS due_on
    FROM file
),
urgency AS (
    SELECT id, stage, applied_on, due_on, COALESCE(CASE stage
        WHEN {applicant} THEN due_on <= {p(cutoff)}::date
        WHEN {target} THEN due_on <= {p(cutoff)}::date
        WHEN {activist} THEN due_on < {p(on)}::date
        WHEN {probationary} THEN filing_late
            OR (NOT applied_for_conversion AND {period_end_sql("due_on", days=-7)} <= {p(on)}::date)
        END, false) AS overdue
    FROM dated
)"""
    return sql, list(p)


URGENT_FIRST_SQL = "overdue DESC, due_on ASC NULLS LAST, applied_on, id"


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def urgency_by_id(
    candidates: QuerySet, *, on: date, profile: RuleProfile
) -> dict[int, tuple[date | None, bool]]:
    """(due_on, overdue) of every candidate, as the board and the stage list order and count them."""
    found = _urgency_sql(candidates, on=on, profile=profile)
    if found is None:
        return {}
    sql, params = found
    rows = _rows(sql + " SELECT id, due_on, overdue FROM urgency", params)
    return {pk: (due, overdue) for pk, due, overdue in rows}


def ranked(candidates: QuerySet, *, on: date, profile: RuleProfile, per_stage: int):
    """The ids of the ``per_stage`` most urgent candidates of each stage, and each stage's (total, overdue)
    counts — one query."""
    found = _urgency_sql(candidates, on=on, profile=profile)
    if found is None:
        return [], {}
    sql, params = found
    rows = _rows(
        sql
        + f"""
SELECT id, stage, total, overdue_count FROM (
    SELECT id, stage, count(*) OVER per_stage AS total,
        count(*) FILTER (WHERE overdue) OVER per_stage AS overdue_count,
        row_number() OVER (PARTITION BY stage ORDER BY {URGENT_FIRST_SQL}) AS rank
    FROM urgency WINDOW per_stage AS (PARTITION BY stage)
) AS ranked WHERE rank <= %s ORDER BY stage, rank""",
        [*params, per_stage],
    )
    counts = {stage: (total, overdue) for _, stage, total, overdue in rows}
    return [(pk, stage) for pk, stage, _, _ in rows], counts


# --- what the pages show ------------------------------------------------------------------------------------


@dataclass
class Card:
    candidate: Candidate
    step: dict | None  # the first of recruitment.stages.next_steps
    reminders: list
    urgency: Urgency
    url: str = ""  # the candidate's page, set by the page that shows the card (recruitment.views)

    @property
    def due_label(self) -> str:
        return self.urgency.label(self.candidate.stage)


@dataclass
class Column:
    stage: str
    total: int
    overdue: int
    cards: list[Card]

    @property
    def label(self) -> str:
        return Stage(self.stage).label


def with_files(ids: list[int], stages_shown) -> list:
    """The candidates ``ids`` in that order, with what their cards read of the file: each kind of record
    fetched once (one query), for the candidates whose stage reads it (``FILE_READ``) — not installed on the
    cards that never read it, which costs Django a queryset per candidate and kind."""
    if not ids:
        return []
    found = Candidate.objects.filter(pk__in=ids).with_file(()).in_bulk()
    shown = [found[pk] for pk in ids if pk in found]
    lookups = file_prefetches()
    for part in dict.fromkeys(part for stage in stages_shown for part in FILE_READ.get(stage, ())):
        readers = [c for c in shown if part in FILE_READ.get(c.stage, ())]
        prefetch_related_objects(readers, lookups[part])
    return shown


def cards(candidates, on: date, *, shared: dict) -> list[Card]:
    """The full guard evaluation, for the candidates shown."""
    guards.preload(candidates, on, profile_for(on, shared), shared)
    out = []
    for candidate in candidates:
        steps = stages.next_steps(candidate, on, shared=shared)
        reminders = stages.reminders(candidate, on, shared=shared)
        out.append(
            Card(
                candidate=candidate,
                step=steps[0] if steps else None,
                reminders=reminders,
                urgency=urgency(candidate, on, shared=shared, reminders=reminders),
            )
        )
    return out


def board_columns(candidates: QuerySet, stages_shown, *, on: date, per_stage: int) -> list[Column]:
    """Every candidate of ``candidates`` (already scoped and filtered) ranked in its stage and counted in one
    query; the ``per_stage`` most urgent of each stage fetched with their files and evaluated."""
    shared: dict = {}
    shown, counts = ranked(
        candidates.filter(stage__in=stages_shown), on=on, profile=profile_for(on, shared), per_stage=per_stage
    )
    files = with_files([pk for pk, _ in shown], {stage for _, stage in shown})
    columns = []
    for stage in stages_shown:
        total, overdue = counts.get(stage, (0, 0))
        members = [c for c in files if c.stage == stage]
        columns.append(
            Column(stage=stage, total=total, overdue=overdue, cards=cards(members, on, shared=shared))
        )
    return columns


class StageList:
    """The candidates of one stage, most urgent first, as a sequence a Paginator can page through: a count
    query, then one query for the ids of a page."""

    def __init__(self, candidates: QuerySet, stage: str, *, on: date, shared: dict):
        self.candidates = candidates.filter(stage=stage)
        self.stage, self.on, self.shared = stage, on, shared

    def count(self) -> int:
        return self.candidates.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[Card]:
        limit = page.stop - page.start
        found = (
            None
            if limit <= 0
            else _urgency_sql(self.candidates, on=self.on, profile=profile_for(self.on, self.shared))
        )
        if found is None:
            return []
        sql, params = found
        rows = _rows(
            sql + f" SELECT id FROM urgency ORDER BY {URGENT_FIRST_SQL} LIMIT %s OFFSET %s",
            [*params, limit, page.start],
        )
        shown = with_files([pk for (pk,) in rows], [self.stage])
        return cards(shown, self.on, shared=self.shared)
