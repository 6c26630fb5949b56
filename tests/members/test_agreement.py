"""R-MB-05 / R-MB-06: the rule for one record, the queryset, the 工作台, the list marker and the member page agree
on a letter overdue (口袋党员) and on a floating member lost contact or not reached for long — on the days either
side of each limit, with the application's clock set to ``TODAY``."""

import re
from datetime import date

import pytest

from core.dates import period_end
from members.dashboard import lost_floating, stale_floating
from members.floating import floating_register, is_contact_stale, is_lost_contact
from members.models import FloatingMember, RelationTransfer
from members.transfers import overdue_letters, transfer_accept, transfer_start
from tests import factories
from tests.clock import dashboard_count, frozen_at

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
LETTER_LINE, LOST_LINE, STALE_LINE = (
    "介绍信超过有效期未接收（口袋党员）",
    "流动党员失联",
    "流动党员超过90天未联系",
)


def days_before(n: int) -> date:
    return period_end(TODAY, days=-n)


@pytest.fixture
def letters(branch_a, branch_b, admin_user):
    """Valid until yesterday (overdue), until today (not yet), and one accepted on its last day."""

    def letter(valid_until, accept=False):
        transfer = transfer_start(
            member=factories.make_member(branch_a),
            direction=RelationTransfer.Direction.INTERNAL,
            issued_on=days_before(60),
            created_by=admin_user,
            to_organization=branch_b,
        )
        RelationTransfer.objects.filter(pk=transfer.pk).update(valid_until=valid_until)
        transfer.refresh_from_db()
        if accept:
            transfer = transfer_accept(transfer=transfer, accepted_on=valid_until, accepted_by=admin_user)
        return transfer

    return {
        "overdue": letter(days_before(1)),
        "last_day": letter(TODAY),
        "accepted": letter(days_before(5), accept=True),
    }


def row_class(html: str, text: str) -> str:
    found = re.search(rf'<tr class="([^"]*)">\s*<td class="nowrap">{re.escape(text)}</td>', html)
    return found.group(1) if found else ""


def test_a_letter_is_overdue_from_the_day_after_its_validity_everywhere_R_MB_05(client, admin_user, letters):
    with frozen_at(TODAY):
        client.force_login(admin_user)
        by_query = set(overdue_letters(TODAY).values_list("pk", flat=True))
        listed = client.get("/members/transfers/").content.decode()
        filtered = client.get("/members/transfers/?overdue=1").content.decode()
        for name, transfer in letters.items():
            overdue = name == "overdue"
            transfer.refresh_from_db()
            assert transfer.is_overdue(TODAY) is overdue, name
            assert (transfer.pk in by_query) is overdue, name
            assert ("row-danger" in row_class(listed, transfer.letter_number)) is overdue, name
            assert (transfer.letter_number in filtered) is overdue, name
            page = client.get(f"/members/{transfer.member_id}/").content.decode()
            assert ("已超过有效期，尚未接收" in page) is overdue, name
        assert dashboard_count(admin_user, LETTER_LINE) == 1


@pytest.fixture
def away(branch_a, clerk):
    """Last reached 90, 91, 180 and 181 days ago, and one reached lately but stamped lost by the scheduled run."""

    def floating(last_reached, **extra):
        member = factories.make_member(branch_a)
        f = floating_register(
            member=member,
            direction="out",
            flowed_out_on=date(2025, 1, 1),
            destination="江苏省苏州市",
            current_work="某电子厂",
            home_address="东村",
            contact_phone="139",
            recorded_by=clerk,
        )
        FloatingMember.objects.filter(pk=f.pk).update(last_contacted_on=last_reached, **extra)
        f.refresh_from_db()
        return f

    return {
        "90": floating(days_before(90)),
        "91": floating(days_before(91)),
        "180": floating(days_before(180)),
        "181": floating(days_before(181)),
        "stamped": floating(days_before(3), lost_contact_since=days_before(2)),
    }


def test_lost_contact_and_long_unreached_agree_everywhere_R_MB_06(client, admin_user, away):
    lost, stale = {"181", "stamped"}, {"91", "180"}
    with frozen_at(TODAY):
        client.force_login(admin_user)
        lost_ids = set(lost_floating(admin_user, TODAY).values_list("pk", flat=True))
        stale_ids = set(stale_floating(admin_user, TODAY).values_list("pk", flat=True))
        lost_list = client.get("/members/?filter=lost").content.decode()
        stale_list = client.get("/members/?filter=stale").content.decode()
        for name, f in away.items():
            assert is_lost_contact(f, TODAY) is (name in lost), name
            assert is_contact_stale(f, TODAY) is (name in stale), name
            assert (f.pk in lost_ids) is (name in lost), name
            assert (f.pk in stale_ids) is (name in stale), name
            link = f'href="/members/{f.member_id}/"'
            assert (link in lost_list) is (name in lost), name
            assert (link in stale_list) is (name in stale), name
            page = client.get(f"/members/{f.member_id}/").content.decode()
            assert ('badge-danger">失联<' in page) is (name in lost), name
            assert ('badge-warning">长期未联系<' in page) is (name in stale), name
        assert dashboard_count(admin_user, LOST_LINE) == len(lost)
        assert dashboard_count(admin_user, STALE_LINE) == len(stale)
