"""Meeting rolls list who should attend, with absence reasons (issue 18 point 7, R-MB-08)."""

from datetime import date

import pytest
from django.urls import reverse

from conversion.models import LedgerEntry
from core.access import Role
from members.meetings import expected_attendees, meeting_create
from members.models import Meeting, Member
from tests import factories
from tests.factories.conversion import enrolled_case

pytestmark = pytest.mark.django_db


def _hold(org, kind, user, held_on=date(2026, 4, 8)):
    return meeting_create(organization=org, kind=kind, held_on=held_on, topic="学习", recorded_by=user)


@pytest.fixture
def branch_people(branch_a):
    group = factories.make_party_group(branch_a, "一组")
    secretary = factories.make_named_member(branch_a, "书记甲", committee_role=Member.CommitteeRole.SECRETARY)
    organizer = factories.make_named_member(
        branch_a, "委员乙", committee_role=Member.CommitteeRole.ORGANIZATION, party_group=group
    )
    plain = [factories.make_named_member(branch_a, f"党员{n}", party_group=group) for n in range(3)]
    return group, [secretary, organizer], plain


@pytest.mark.parametrize(
    ("kind", "who"),
    [
        (Meeting.Kind.COMMITTEE_MEETING, "committee"),
        (Meeting.Kind.MEMBER_MEETING, "all"),
        (Meeting.Kind.PARTY_LECTURE, "all"),
        (Meeting.Kind.PARTY_DAY, "all"),
    ],
)
def test_each_kind_of_meeting_expects_its_own_people_R_MB_08(branch_a, clerk, branch_people, kind, who):
    _, committee, plain = branch_people
    meeting = _hold(branch_a, kind, clerk)
    expected = set(expected_attendees(meeting))
    assert expected == (set(committee) if who == "committee" else set(committee + plain))


def test_a_group_meeting_expects_the_group_R_MB_08(clerk, branch_people):
    group, committee, plain = branch_people
    meeting = _hold(group, Meeting.Kind.GROUP_MEETING, clerk)
    assert set(expected_attendees(meeting)) == {committee[1], *plain}


def test_the_committee_roll_ticks_only_the_committee_and_records_reasons_R_MB_08(
    client, branch_a, clerk, branch_people
):
    _, committee, plain = branch_people
    meeting = _hold(branch_a, Meeting.Kind.COMMITTEE_MEETING, clerk)
    client.force_login(clerk)
    url = reverse("members:meeting", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert "应到：支部委员会成员" in html and "书记甲" in html and "党员0" not in html
    assert html.count('name="present"') == 2
    for reason in ("病假", "事假", "公差", "无故"):
        assert f'<option value="{reason}">{reason}</option>' in html
    client.post(url, {"present": [committee[0].pk], f"reason_{committee[1].pk}": "公差"})
    rows = {a.member_id: a for a in meeting.attendance.all()}
    assert set(rows) == {m.pk for m in committee}
    assert rows[committee[1].pk].absence_reason == "公差" and not rows[committee[1].pk].present
    again = client.get(url).content.decode()
    assert '<option value="公差" selected>公差</option>' in again


def test_the_minutes_print_the_reason_entered_on_the_roll_R_MB_08(client, branch_a, clerk, branch_people):
    from core.pdf import render_document
    from members import documents
    from tests.pdfutils import pdf_compact_text

    _, committee, _ = branch_people
    meeting = _hold(branch_a, Meeting.Kind.COMMITTEE_MEETING, clerk)
    client.force_login(clerk)
    client.post(reverse("members:meeting", args=[meeting.pk]), {f"reason_{committee[0].pk}": "病假"})
    text = pdf_compact_text(render_document(documents.meeting_minutes(meeting)))
    assert "书记甲" in text and "病假" in text and "应到人数2人" in text and "2026-04-08" not in text


def test_a_committee_without_members_says_what_to_do(client, branch_a, clerk):
    meeting = _hold(branch_a, Meeting.Kind.COMMITTEE_MEETING, clerk)
    client.force_login(clerk)
    html = client.get(reverse("members:meeting", args=[meeting.pk])).content.decode()
    assert "尚未登记支部委员会成员" in html and "支部委员会职务" in html


def test_the_secretary_finds_the_branch_preselected_and_the_clerk_gets_a_search_box(
    client, branch_a, secretary_a, clerk
):
    factories.make_party_group(branch_a, "一组")
    client.force_login(secretary_a)
    html = client.get(reverse("members:meeting_create")).content.decode()
    assert f'<option value="{branch_a.pk}" selected>' in html and "data-searchable" not in html
    for _ in range(12):
        factories.make_branch()
    client.force_login(clerk)
    html = client.get(reverse("members:meeting_create")).content.decode()
    assert 'data-searchable="输入名称筛选党组织"' in html and "js/select-filter.js" in html


def test_the_ledger_names_the_absence_by_its_date_R_CV_04(center, branch_a, clerk):
    case = enrolled_case(center, branch=branch_a, by=clerk)
    meeting = _hold(center, Meeting.Kind.PARTY_DAY, clerk, held_on=date(2026, 12, 1))
    from members.meetings import record_attendance

    record_attendance(meeting=meeting, present_ids=[], recorded_by=clerk)
    entry = LedgerEntry.objects.get(case=case)
    assert entry.reason.startswith("缺席2026年12月1日主题党日")


def test_the_meeting_list_filters_by_organisation(client, branch_a, branch_b, clerk):
    _hold(branch_a, Meeting.Kind.PARTY_DAY, clerk)
    other = meeting_create(
        organization=branch_b,
        kind=Meeting.Kind.PARTY_DAY,
        held_on=date(2026, 4, 8),
        topic="西村学习",
        recorded_by=clerk,
    )
    client.force_login(factories.make_user(Role.CLERK))
    html = client.get(reverse("members:meetings") + f"?organization={branch_a.pk}").content.decode()
    assert "学习" in html and other.topic not in html and branch_a.name in html


def test_a_phone_on_the_member_page_is_a_tap_to_call_link_for_those_who_see_it_in_full(
    client, branch_a, clerk, secretary_a
):
    member = factories.make_member(branch_a, phone="138 1234 5678")
    client.force_login(clerk)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert '<a href="tel:13812345678" class="tel">' in html
    client.force_login(secretary_a)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "tel:" not in html  # masked (R-MB-04): nothing to dial
