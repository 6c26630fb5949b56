"""A hand-built quarter (2026 Q1) with known answers for every member block.

Branch A (东村) on 31 March 2026: m1 full male 35 (party age 5, dues 10/month, floating out, lost contact);
m2 probationary female 25, 回族, joined 10 Feb 2026 (dues 2); m3 full female exactly 70 with party age
exactly 50 (dues 5); m4 died 15 Jan 2026. A party group in A. Branch B (西村): m5 full male (dues 3), became
full on 1 Mar 2026, transferred within the town to A (accepted 5 Feb).
"""

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from members.models import FloatingMember, Meeting, Member, MemberStatusEvent
from tests import factories
from tests.factories.members import dues_row, meeting_row, transfer_row

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture
def quarter(db, branch_a, branch_b):
    make = factories.make_member
    m1 = make(
        branch_a,
        name="甲一",
        birth_date=date(1990, 6, 1),
        education=Member.Education.BACHELOR,
        joined_on=date(2019, 7, 1),
        full_member_on=date(2020, 7, 1),
        monthly_dues=Decimal("10.00"),
    )
    m2 = make(
        branch_a,
        name="甲二",
        gender=Member.Gender.FEMALE,
        birth_date=date(2000, 4, 1),
        education=Member.Education.COLLEGE,
        ethnicity="回族",
        status=Member.Status.PROBATIONARY,
        joined_on=date(2026, 2, 10),
        monthly_dues=Decimal("2.00"),
    )
    m3 = make(
        branch_a,
        name="甲三",
        gender=Member.Gender.FEMALE,
        birth_date=date(1956, 3, 31),
        joined_on=date(1975, 3, 31),
        full_member_on=date(1976, 3, 31),
        monthly_dues=Decimal("5.00"),
    )
    m4 = make(branch_a, name="甲四", status=Member.Status.DECEASED, monthly_dues=Decimal("2.00"))
    m5 = make(branch_b, name="乙五", birth_date=date(1980, 5, 5), monthly_dues=Decimal("3.00"))
    group = factories.make_party_group(branch_a, "东村第一党小组")

    MemberStatusEvent.objects.create(
        member=m4, from_state="full", to_state="deceased", effective_on=date(2026, 1, 15), note="病故"
    )
    MemberStatusEvent.objects.create(
        member=m5, from_state="probationary", to_state="full", effective_on=date(2026, 3, 1), note="转正"
    )
    MemberStatusEvent.objects.create(
        member=m1, from_state="full", to_state="removed", effective_on=date(2026, 4, 2), note="不在期内"
    )

    transfer_row(m1, "in", to=branch_a, accepted_on=date(2026, 1, 20))
    transfer_row(m5, "internal", frm=branch_b, to=branch_a, accepted_on=date(2026, 2, 5))
    transfer_row(m3, "out", frm=branch_a, accepted_on=date(2026, 3, 10))
    transfer_row(m2, "in", to=branch_a)  # pending: not counted
    transfer_row(m4, "in", to=branch_a, accepted_on=date(2026, 4, 1))  # after the quarter

    FloatingMember.objects.create(
        member=m1,
        flowed_out_on=date(2025, 5, 1),
        destination="苏州",
        current_work="工厂",
        home_address="东村1号",
        contact_phone="1",
        lost_contact_since=date(2026, 2, 1),
    )
    FloatingMember.objects.create(
        member=m5,
        flowed_out_on=date(2025, 5, 1),
        returned_on=date(2026, 1, 10),
        destination="上海",
        current_work="店员",
        home_address="西村1号",
        contact_phone="1",
    )

    K = Meeting.Kind
    meeting_row(branch_a, K.MEMBER_MEETING, date(2026, 1, 8), {m1: True, m2: False, m3: True})
    for month in (1, 2, 3):
        meeting_row(branch_a, K.COMMITTEE_MEETING, date(2026, month, 5))
    meeting_row(branch_a, K.PARTY_DAY, date(2026, 1, 7))
    meeting_row(branch_a, K.PARTY_DAY, date(2026, 2, 4))
    meeting_row(group, K.GROUP_MEETING, date(2026, 1, 9), {m1: True, m3: False})
    meeting_row(group, K.GROUP_MEETING, date(2026, 2, 9))
    meeting_row(branch_a, K.PARTY_LECTURE, date(2026, 4, 9))  # next quarter
    meeting_row(branch_b, K.COMMITTEE_MEETING, date(2026, 3, 6), {m5: True})

    for month in (1, 2, 3):
        dues_row(m1, month, "10")
    dues_row(m2, 2, "2")
    dues_row(m3, 1, "5")
    dues_row(m4, 1, "2")  # a member who has since died: collected, but owes nothing now
    dues_row(m5, 1, "3")
    dues_row(m1, 4, "10")  # next quarter
    return {"m1": m1, "m2": m2, "m3": m3, "m4": m4, "m5": m5, "group": group}


@pytest.fixture
def print_analysis(client, monkeypatch):
    """The statistics page's 打印…分析（PDF） as the logged-in user: the job typesets it (run here, in the
    test's transaction), 我的任务 hands over the file."""
    from django.urls import reverse

    from core.models import TaskRun
    from tests.jobs.inline import file_of, run_started

    def printed(query: dict) -> bytes:
        response = client.post(reverse("reports:analysis_job") + "?" + urlencode(query))
        run = run_started(response, monkeypatch)
        assert run.state == TaskRun.State.SUCCEEDED, run.error
        assert run.output_name.endswith(".pdf")
        return file_of(client, run)

    return printed
