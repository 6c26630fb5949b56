"""The reminders sent, in the admin (issue 17): read only, in Chinese — the recipient by name, the kind by its
label, dates as 2026年10月8日 —, filtered by kind and by read or unread, scoped by the recipient's organisation."""

from datetime import date, datetime, time

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core import reminders
from core.dates import SHANGHAI
from core.models import Reminder
from core.registry import reminder_sources
from tests.clock import frozen_at
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:core_reminder_changelist"


@pytest.fixture
def sent(branch_a, branch_b, secretary_a, secretary_b):
    """The hourly round on 8 October 2026: a talk due in each branch, reminded to each branch's secretary;
    the secretary of branch A has read hers."""
    secretary_a.last_name, secretary_a.first_name = "张", "丽"
    secretary_a.save(update_fields=["last_name", "first_name"])
    b.candidate(branch_a, applied_on=date(2026, 9, 1), name="陈小明")
    b.candidate(branch_b, applied_on=date(2026, 9, 1), name="刘强")
    with frozen_at(datetime.combine(date(2026, 10, 8), time(10), tzinfo=SHANGHAI)) as now:
        reminders.run_round(now)
        reminders.mark_read(user=secretary_a, pk=None)
    return Reminder.objects.get(user=secretary_a), Reminder.objects.get(user=secretary_b)


def test_the_administrator_reads_who_was_reminded_of_what_and_when_in_chinese(client, admin_user, sent):
    mine, theirs = sent
    client.force_login(admin_user)

    page = client.get(reverse(CHANGELIST)).content.decode()

    for heading in ("接收人", "提醒类别", "内容", "事由日期", "提醒时间", "已读时间", "邮件发送时间"):
        assert heading in page
    assert "张丽" in page and ">张丽<" in page and mine.user.username not in page
    assert reminder_sources[mine.kind].label in page and f">{mine.kind}<" not in page
    assert "2026年10月8日" in page and "2026年10月8日 10:00" in page and "未读" in page
    assert "陈小明" in page and "刘强" in page
    assert "阅读状态" in page and "提醒类别" in page  # the filters


def test_the_list_filters_by_kind_and_by_read_or_unread(client, admin_user, sent):
    mine, theirs = sent
    client.force_login(admin_user)
    url = reverse(CHANGELIST)

    def listed(**query) -> set[int]:
        return {r.pk for r in client.get(url, query).context["cl"].result_list}

    assert listed(read="no") == {theirs.pk} and listed(read="yes") == {mine.pk}
    assert listed(kind=mine.kind) == {mine.pk, theirs.pk} and listed(kind="core.calendar") == set()
    assert listed(kind="x\x00" * 40) == set() and client.get(url, {"read": "\x00"}).status_code == 200


def test_reminders_are_read_only_in_the_admin(client, admin_user, sent):
    mine, _ = sent
    client.force_login(admin_user)

    page = client.get(reverse("admin:core_reminder_change", args=[mine.pk])).content.decode()

    assert "陈小明" in page and "张丽" in page and 'name="_save"' not in page
    assert client.get(reverse("admin:core_reminder_add")).status_code == 403
    assert (
        client.post(reverse("admin:core_reminder_delete", args=[mine.pk]), {"post": "yes"}).status_code == 403
    )
    assert Reminder.objects.filter(pk=mine.pk, read_at__isnull=False).exists()


def test_a_scoped_account_sees_only_the_reminders_of_its_organisation(secretary_a, sent):
    mine, _ = sent
    request = RequestFactory().get("/admin/")
    request.user = secretary_a

    assert list(admin.site._registry[Reminder].get_queryset(request)) == [mine]
