"""Conversion, recruitment and service-desk figures against hand-built 2026 Q1 data with known answers
(issue 8; R-CV-06, R-CV-07, R-CV-10, R-CV-11, R-RC-24, R-SV-05, R-SV-10, R-SV-12)."""

from datetime import date
from decimal import Decimal
from io import BytesIO
from itertools import count

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conversion.models import ConversionCase, ConversionTask, DemocraticReview, LedgerEntry
from core.dates import SHANGHAI, working_days_between
from core.idnumbers import make_id_number
from core.rules import cite
from recruitment.models import Candidate, DevelopmentPlan, Stage, StageChange
from reports.blocks import Scope
from reports.conversion_blocks import conversion_block
from reports.periods import Period
from reports.recruitment_blocks import recruitment_block
from reports.service_blocks import services_block
from services.models import AccountabilityCase, Complaint, Matter, MatterKind, Service
from tests import factories
from tests.factories.members import transfer_row
from tests.factories.services import at

Q1 = Period("quarter", 2026, 1)
URL = reverse("reports:statistics")
_n = count(1)


def rows(block, title):
    return next(t for t in block.tables if t.title.startswith(title)).rows


# --- conversion -----------------------------------------------------------------------------------------


def make_case(center, branch_a, *, opened_on, returned_on=None, closed_on=None):
    member = factories.make_member(center)
    state = "closed" if closed_on else "transition" if returned_on else "active"
    return ConversionCase.objects.create(
        member=member,
        original_organization=branch_a,
        enrolment_transfer=transfer_row(member, "in", to=center, accepted_on=opened_on),
        state=state,
        opened_on=opened_on,
        reason="镇党委决定",
        base_points=Decimal("5"),
        balance=Decimal("5"),
        returned_on=returned_on,
        transition_ends_on=date(2026, 8, 20) if returned_on else None,
        closed_on=closed_on,
    )


def entry(case, balance_after, recorded_at):
    task = ConversionTask.objects.create(
        case=case,
        title="任务",
        assigned_on=recorded_at.date(),
        due_on=recorded_at.date(),
        status="completed",
        closed_on=recorded_at.date(),
    )
    LedgerEntry.objects.create(
        case=case,
        amount=Decimal("0.5"),
        reason="测试",
        source="task",
        task=task,
        balance_after=balance_after,
        recorded_at=recorded_at,
    )


def review(case, state, concluded_on, score):
    DemocraticReview.objects.create(
        case=case, scheduled_on=concluded_on, state=state, mean_score=score, concluded_on=concluded_on
    )


@pytest.fixture
def cases(db, center, branch_a):
    c1 = make_case(center, branch_a, opened_on=date(2026, 1, 5))
    entry(c1, Decimal("2.5"), at(2026, 2, 10))  # below 3 at the end of the quarter …
    entry(c1, Decimal("3.0"), at(2026, 4, 10))  # … recovered only after it
    c2 = make_case(center, branch_a, opened_on=date(2026, 1, 6))
    entry(c2, Decimal("15.0"), at(2026, 3, 1))
    review(c2, "failed", date(2026, 3, 20), Decimal("70"))
    c3 = make_case(center, branch_a, opened_on=date(2025, 6, 1), returned_on=date(2026, 2, 20))
    review(c3, "passed", date(2026, 2, 15), Decimal("85"))
    make_case(
        center,
        branch_a,
        opened_on=date(2024, 1, 1),
        returned_on=date(2025, 3, 1),
        closed_on=date(2026, 3, 10),
    )
    make_case(center, branch_a, opened_on=date(2026, 4, 2))  # after the quarter
    return c1, c2


def test_conversion_figures_of_the_quarter_R_CV_06_R_CV_07_R_CV_10_R_CV_11(cases):
    block = conversion_block(Scope(None), Q1)
    assert dict(rows(block, "转化对象")) == {
        "在管转化对象（3月31日）": 2,
        "过渡期内（3月31日）": 1,
        "本期纳入转化管理": 2,
        "本期转回原支部": 1,
        "本期过渡期届满结案": 1,
    }
    assert rows(block, "在管转化对象积分分布") == [
        ("低于3分", 1),
        ("3至5分以下", 0),
        ("5至10分以下", 0),
        ("10至15分以下", 0),
        ("15分及以上", 1),
    ]
    flags = dict(rows(block, "积分预警与民主评议"))
    assert flags[cite("积分低于3分（R-CV-06）")] == 1 and flags[cite("积分达到15分（R-CV-07）")] == 1
    assert flags["本期民主评议合格"] == 1 and flags["本期民主评议不合格"] == 1


def test_balance_distribution_matches_the_ledger_of_the_open_cases_R_CV_05(cases):
    c1, c2 = cases
    block = conversion_block(Scope(None), Period("year", 2026))  # counted today: c1 recovered to 3.0
    bands = dict(rows(block, "在管转化对象积分分布"))
    assert bands["低于3分"] == 0 and bands["3至5分以下"] == 1
    assert sum(bands.values()) == ConversionCase.objects.filter(state="active").count() == 3
    assert bands["5至10分以下"] == 1  # the case opened in April has its base of 5


def test_secretary_sees_no_conversion_or_service_figures(cases, branch_a):
    scope = Scope.for_organization(branch_a)
    assert conversion_block(scope, Q1).tables == []
    assert services_block(scope, Q1).tables == []
    assert "镇党委" in conversion_block(scope, Q1).note


# --- recruitment ----------------------------------------------------------------------------------------


def candidate(org, stage, applied_on, changes):
    n = next(_n)
    born = date(1995, 1, 1 + n % 28)
    c = Candidate.objects.create(
        name=f"申请人{n}",
        gender="M",
        birth_date=born,
        id_number=make_id_number("320103", born, 500 + n),
        organization=org,
        applied_on=applied_on,
        stage=stage,
    )
    previous = ""
    for action, to_stage, day in changes:
        StageChange.objects.create(
            candidate=c,
            action=action,
            from_state=previous,
            to_state=to_stage,
            decided_on=day,
            decided_by="支委会",
        )
        previous = to_stage
    return c


@pytest.fixture
def pipeline(db, branch_a, branch_b):
    S = Stage
    candidate(branch_a, S.APPLICANT, date(2026, 1, 10), [("apply", S.APPLICANT, date(2026, 1, 10))])
    candidate(
        branch_a,
        S.ACTIVIST,
        date(2025, 1, 1),
        [("apply", S.APPLICANT, date(2025, 1, 1)), ("activist", S.ACTIVIST, date(2026, 2, 1))],
    )
    candidate(
        branch_a,
        S.PROBATIONARY,
        date(2024, 1, 1),
        [
            ("apply", S.APPLICANT, date(2024, 1, 1)),
            ("activist", S.ACTIVIST, date(2024, 3, 1)),
            ("target", S.TARGET, date(2025, 3, 1)),
            ("admit", S.PROBATIONARY, date(2026, 3, 1)),
        ],
    )
    candidate(
        branch_b,
        S.PROBATIONARY,
        date(2023, 1, 1),
        [("target", S.TARGET, date(2025, 1, 15)), ("admit", S.PROBATIONARY, date(2026, 1, 15))],
    )
    DevelopmentPlan.objects.create(organization=branch_a, year=2026, quota=1)


def test_recruitment_funnel_time_per_stage_and_plan_of_the_town_R_RC_24(pipeline):
    block = recruitment_block(Scope(None), Q1)
    funnel = {label: (now, entered) for label, now, entered in rows(block, "发展流程各阶段人数")}
    assert funnel["入党申请人"] == (1, 1)
    assert funnel["入党积极分子"] == (1, 1)
    assert funnel["发展对象"] == (0, 0)
    assert funnel["预备党员"] == (2, 2)
    times = {label: (days, n) for label, days, n in rows(block, "各阶段平均停留天数")}
    assert times["入党申请人"] == (396.0, 1)  # 1 Jan 2025 → 1 Feb 2026
    assert times["发展对象"] == (365.0, 2)
    assert times["入党积极分子"] == (None, 0)
    assert rows(block, "2026年度发展计划") == [("东村党支部", 1, 1, 1, 0), ("西村党支部", None, 1, 1, 1)]
    overdue = dict(rows(block, "逾期及临期事项"))
    assert overdue[cite("入党谈话到期或超期（R-RC-02）")] == 1
    assert overdue[cite("尚未入党宣誓（R-RC-18）")] == 2


def test_recruitment_funnel_matches_candidate_counts_per_stage(pipeline, branch_a):
    for scope in (Scope(None), Scope.for_organization(branch_a)):
        funnel = {label: now for label, now, _ in rows(recruitment_block(scope, Q1), "发展流程各阶段人数")}
        candidates = scope.filter(Candidate.objects.all())
        for stage in Stage:
            assert funnel[stage.label] == candidates.filter(stage=stage).count()


def test_secretary_recruitment_figures_count_only_their_branch(pipeline, branch_a):
    block = recruitment_block(Scope.for_organization(branch_a), Q1)
    assert dict((label, now) for label, now, _ in rows(block, "发展流程各阶段人数"))["预备党员"] == 1
    assert rows(block, "2026年度发展计划") == [("东村党支部", 1, 1, 1, 0)]
    assert dict(rows(block, "逾期及临期事项"))[cite("尚未入党宣誓（R-RC-18）")] == 1


# --- services -------------------------------------------------------------------------------------------


def matter(user, kind, registered_at, **extra):
    n = next(_n)
    return Matter.objects.create(
        receipt_number=f"测试{n}",
        year=registered_at.year,
        sequence=n,
        kind=kind,
        applicant_name="群众",
        request="办理",
        first_contact=user,
        handler=user,
        registered_at=registered_at,
        **extra,
    )


@pytest.fixture
def desk(db, clerk):
    proof = Service.objects.create(name="测试户籍证明", kind=MatterKind.PROMISED)
    done = {"state": "completed", "service": proof}
    matter(
        clerk,
        MatterKind.PROMISED,
        at(2026, 1, 5),
        clock_started_on=date(2026, 1, 5),
        completed_at=at(2026, 1, 9, 15),
        deadline_at=at(2026, 1, 20, 0),
        **done,
    )
    late = matter(
        clerk,
        MatterKind.PROMISED,
        at(2026, 3, 2),
        clock_started_on=date(2026, 3, 2),
        completed_at=at(2026, 3, 20, 15),
        deadline_at=at(2026, 3, 17, 0),
        **done,
    )
    matter(clerk, MatterKind.IMMEDIATE, at(2026, 3, 5))
    matter(clerk, MatterKind.CONSULTATION, at(2026, 4, 1))  # next quarter
    AccountabilityCase.objects.create(matter=late, responsible=clerk, opened_at=at(2026, 3, 17, 9))
    Complaint.objects.create(
        complainant_name="甲",
        content="态度",
        received_at=at(2026, 2, 10),
        received_by=clerk,
        state="replied",
        reply="已处理",
        replied_at=at(2026, 2, 20),
    )
    Complaint.objects.create(
        complainant_name="乙", content="等候", received_at=at(2026, 3, 1), received_by=clerk
    )
    return clerk


def test_service_figures_of_the_quarter_R_SV_05_R_SV_10_R_SV_12(desk):
    block = services_block(Scope(None), Q1)
    kinds = dict(rows(block, "按办件类型"))
    assert (kinds["承诺件"], kinds["即办件"], kinds["咨询件"]) == (2, 1, 0)
    assert rows(block, "按服务事项") == [("测试户籍证明", 2), ("未关联服务事项", 1)]
    assert rows(block, "按期办结") == [("本期办结", 2, 1, 0.5, 9.0)]  # 4 and 14 working days
    assert rows(block, "超期责任追究") == [(desk.username, 1)]
    assert dict(rows(block, "投诉")) == {"本期受理投诉": 2, "其中已答复": 1, "其中尚未答复": 1}


def test_on_time_rate_and_working_days_match_the_completed_matters_R_SV_07(desk):
    (row,) = rows(services_block(Scope(None), Q1), "按期办结")
    done = list(Matter.objects.filter(state="completed", completed_at__date__range=(Q1.start, Q1.end)))
    assert row[1] == len(done)
    assert row[2] == sum(m.completed_at <= m.deadline_at for m in done)
    spans = [
        working_days_between(m.clock_started_on, m.completed_at.astimezone(SHANGHAI).date()) for m in done
    ]
    assert row[4] == round(sum(spans) / len(spans), 1)


# --- the page and the downloads -------------------------------------------------------------------------


def sheet_rows(response):
    workbook = load_workbook(BytesIO(response.content))
    return [tuple(c for c in r if c is not None) for r in workbook.active.iter_rows(values_only=True)]


def test_xlsx_downloads_carry_the_new_figures(client, admin_user, cases, pipeline, desk):
    client.force_login(admin_user)
    q1 = {"year": 2026, "part": "q1"}
    services = sheet_rows(client.get(reverse("reports:block_xlsx", args=["services"]), q1))
    assert ("本期办结", 2, 1, 0.5, 9.0) in services
    recruitment = sheet_rows(client.get(reverse("reports:block_xlsx", args=["recruitment"]), q1))
    assert ("西村党支部", "—", 1, 1, 1) in recruitment
    conversion = sheet_rows(client.get(reverse("reports:block_xlsx", args=["conversion"]), q1))
    assert (cite("积分低于3分（R-CV-06）"), 1) in conversion


def test_secretary_page_has_no_other_branch_in_the_new_blocks(client, secretary_a, cases, pipeline, desk):
    client.force_login(secretary_a)
    response = client.get(URL, {"year": 2026, "part": "q1"})
    blocks = {block.key: block for block, _ in response.context["blocks"]}
    assert blocks["conversion"].tables == [] and blocks["services"].tables == []
    assert rows(blocks["recruitment"], "2026年度发展计划") == [("东村党支部", 1, 1, 1, 0)]
    assert "西村" not in response.content.decode()
