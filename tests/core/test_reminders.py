"""Reminders that reach people (core/reminders.py): each source makes its reminder exactly on the day its
工作台 predicate becomes true (the day before: none), for the people whose scope holds the record, once however
often the round runs; sent once by email (Django's backend, locmem in tests) and, only when an adapter is
configured, by text message; each person's choices respected.
"""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings

from conversion.models import ConversionCase
from core import reminders
from core.access import Role
from core.dates import SHANGHAI, period_end
from core.models import Reminder, ReminderPreference, StaffProfile
from members.floating import floating_register
from members.models import FloatingMember
from recruitment import votes
from recruitment.models import ThoughtReport
from tests import factories
from tests.clock import frozen_at
from tests.factories import recruitment as b
from tests.factories.conversion import bring_to, enrolled_case
from tests.factories.services import at, register

pytestmark = pytest.mark.django_db


def made(user, kind: str, day: date | datetime) -> list[Reminder]:
    """Run the round's first step at ``day`` (10:00, or the moment given) and return ``user``'s reminders."""
    with frozen_at(day) as now:
        reminders.collect(now)
    return list(Reminder.objects.filter(user=user, kind=kind))


def boundary(user, kind, before, on):
    """None the day before; exactly one on the day, and still one the day after (not made twice)."""
    assert made(user, kind, before) == [], before
    [reminder] = made(user, kind, on)
    after = on if isinstance(on, datetime) else period_end(on, days=1)
    assert made(user, kind, after) == [reminder]
    return reminder


# --- each source, on both sides of its day ----------------------------------------------------------------


def test_a_talk_due_is_reminded_on_its_deadline_moved_past_national_day_to_the_branch_only_R_RC_02(
    branch_a, secretary_a, secretary_b
):
    national = b.candidate(branch_a, applied_on=date(2026, 9, 1), name="陈小明")
    reminder = boundary(secretary_a, "recruitment.talk_due", date(2026, 10, 7), date(2026, 10, 8))
    assert reminder.occasion == date(2026, 10, 8)
    assert reminder.text == "陈小明的入党谈话今天到期，尚未谈话"
    assert reminder.url == f"/recruitment/{national.pk}/"
    assert not Reminder.objects.filter(user=secretary_b).exists()  # another branch's secretary gets none


def test_a_missing_thought_report_is_reminded_once_the_quarter_is_complete_R_RC_05(branch_a, secretary_a):
    march = b.activist(branch_a, since=date(2026, 3, 31), applied_on=date(2026, 1, 5), name="刘芳")
    reported = b.activist(branch_a, since=date(2026, 3, 31), applied_on=date(2026, 1, 5))
    b.add(ThoughtReport(candidate=reported, submitted_on=date(2026, 6, 30)))
    reminder = boundary(secretary_a, "recruitment.report_missing", date(2026, 6, 30), date(2026, 7, 1))
    assert (reminder.subject, reminder.occasion) == (f"recruitment.candidate:{march.pk}", date(2026, 7, 1))
    assert reminder.text == "刘芳上季度没有思想汇报"


def test_a_probation_ending_is_reminded_a_month_before_its_end_R_RC_17(branch_a, secretary_a):
    b.admitted(branch_a, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10), name="周强")
    reminder = boundary(secretary_a, "recruitment.probation_ending", date(2026, 5, 26), date(2026, 5, 27))
    assert reminder.occasion == date(2026, 6, 27)
    assert reminder.text == "周强的预备期将于2026年6月27日期满，请及时讨论转正"


def test_an_approval_is_reminded_two_weeks_before_its_three_months_R_RC_16(branch_a, secretary_a, clerk):
    waiting = b.target(branch_a, since=date(2024, 4, 10), decided_on=date(2025, 4, 10), name="吴磊")
    b.pre_meeting_file(waiting, meeting_on=date(2026, 7, 1))
    people = list(branch_a.members.filter(status="full"))
    votes.vote_record(
        meeting=b.meeting(branch_a, date(2026, 7, 1), present=people),
        candidate=waiting,
        proposal="admit",
        yes=len(people),
        no=0,
        abstain=0,
        recorded_by=None,
    )
    reminder = boundary(secretary_a, "recruitment.approval_nearly_due", date(2026, 9, 16), date(2026, 9, 17))
    assert reminder.occasion == date(2026, 10, 8)  # 1 October is National Day: the deadline moves on
    assert "须在2026年10月8日前审批" in reminder.text
    assert Reminder.objects.filter(user=clerk, kind="recruitment.approval_nearly_due").count() == 1


def test_a_matter_is_reminded_to_its_handler_two_working_days_before_and_when_overdue_R_SV_10(clerk):
    other_clerk = factories.make_user(Role.CLERK)
    matter = register(clerk, when=at(2026, 11, 2), applicant_name="孙丽")  # last day Monday 16 November
    soon = boundary(clerk, "services.due_soon", date(2026, 11, 11), date(2026, 11, 12))
    assert soon.text.startswith(f"办件{matter.receipt_number}（孙丽：") and soon.text.endswith(
        "将于2026年11月16日到期"
    )
    late = boundary(clerk, "services.overdue", at(2026, 11, 16, 23, 59), at(2026, 11, 17, 0, 0))
    assert (late.occasion, late.url) == (date(2026, 11, 16), f"/services/matters/{matter.pk}/")
    assert not Reminder.objects.filter(user=other_clerk).exists()  # not the matter they hold


def test_a_floating_member_is_reminded_the_day_they_count_as_lost_contact_R_MB_06(
    branch_a, secretary_a, secretary_b, clerk
):
    member = factories.make_member(branch_a, name="郑海")
    away = floating_register(
        member=member,
        direction="out",
        flowed_out_on=date(2025, 1, 1),
        destination="江苏省苏州市",
        current_work="某电子厂",
        home_address="东村",
        contact_phone="139",
        recorded_by=clerk,
    )
    FloatingMember.objects.filter(pk=away.pk).update(last_contacted_on=date(2026, 5, 1))
    last = date(2026, 5, 1)
    reminder = boundary(
        secretary_a, "members.lost_contact", period_end(last, days=180), period_end(last, days=181)
    )
    assert reminder.text == "流动党员郑海已失联（最后联系：2026年5月1日），请设法联系"
    assert Reminder.objects.filter(user=clerk, kind="members.lost_contact").count() == 1
    assert not Reminder.objects.filter(user=secretary_b).exists()


def test_a_transition_period_is_reminded_thirty_days_before_it_ends_R_CV_11(center, clerk, secretary_a):
    case = bring_to(enrolled_case(center, by=clerk), Decimal("10"), by=clerk)
    ConversionCase.objects.filter(pk=case.pk).update(
        state=ConversionCase.State.TRANSITION,
        returned_on=date(2026, 6, 1),
        transition_ends_on=date(2026, 12, 1),
    )
    reminder = boundary(clerk, "conversion.transition_ending", date(2026, 10, 31), date(2026, 11, 1))
    assert reminder.text == f"{case.member.name}的转化过渡期将于2026年12月1日届满"
    assert not Reminder.objects.filter(user=secretary_a).exists()  # the center handles conversion


def test_next_years_calendar_is_reminded_to_the_administrators_from_november_R_SV_07(admin_user, clerk):
    """The package does not know 2027 yet: from 1 November 2026 the administrators must load the notice."""
    reminder = boundary(admin_user, "core.calendar", date(2026, 10, 31), date(2026, 11, 1))
    assert reminder.text.startswith("2027年节假日安排尚未载入")
    assert not Reminder.objects.filter(user=clerk).exists()


# --- once, by which channel, by whose choice --------------------------------------------------------------


class RecordingGateway:
    """A town's SMS adapter as core/sms.py describes it (SMS_ADAPTER names the class); here it keeps the texts."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


@pytest.fixture
def talk_due(branch_a, secretary_a):
    b.candidate(branch_a, applied_on=date(2026, 9, 1), name="陈小明")
    b.candidate(branch_a, applied_on=date(2026, 9, 9), name="黄丽")  # due Friday 9 October
    secretary_a.email = "zhang@example.cn"
    secretary_a.save(update_fields=["email"])
    StaffProfile.objects.filter(user=secretary_a).update(phone="13900001111")
    RecordingGateway.sent = []
    return secretary_a


def run_round(day: date) -> str:
    with frozen_at(datetime.combine(day, time(10), tzinfo=SHANGHAI)) as now:
        return reminders.run_round(now)


@override_settings(REMINDER_EMAIL=True, SMS_ADAPTER="")
def test_a_reminder_is_made_and_emailed_once_across_two_rounds_with_a_chinese_subject(talk_due):
    reminders.save_preferences(  # texts chosen, but no gateway configured
        user=talk_due, choices={"recruitment.talk_due": {"enabled": True, "by_email": True, "by_sms": True}}
    )
    assert run_round(date(2026, 10, 8)) == "新提醒1条；发送邮件1封、短信0条。"
    assert run_round(date(2026, 10, 8)) == "新提醒0条；发送邮件0封、短信0条。"
    assert run_round(date(2026, 10, 9)) == "新提醒1条；发送邮件1封、短信0条。"  # 黄丽's deadline
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"], ["zhang@example.cn"]]
    assert mail.outbox[0].subject.endswith("提醒：陈小明的入党谈话今天到期，尚未谈话")
    assert "陈小明的入党谈话今天到期" in mail.outbox[0].body and "/recruitment/" in mail.outbox[0].body
    assert Reminder.objects.filter(user=talk_due, emailed_at__isnull=False).count() == 2
    assert RecordingGateway.sent == []  # no adapter configured: nothing texted
    assert not Reminder.objects.filter(texted_at__isnull=False).exists()
    with pytest.raises(IntegrityError), transaction.atomic():  # the same reminder cannot be made twice
        first = Reminder.objects.first()
        Reminder.objects.create(
            user=first.user, kind=first.kind, subject=first.subject, occasion=first.occasion, text="again"
        )


@override_settings(REMINDER_EMAIL=False, SMS_ADAPTER="tests.core.test_reminders.RecordingGateway")
def test_a_text_message_goes_through_the_configured_adapter_only_to_those_who_chose_it(talk_due):
    run_round(date(2026, 10, 8))
    assert RecordingGateway.sent == []  # text messages are off by default
    assert mail.outbox == []  # no email configured
    reminders.save_preferences(
        user=talk_due, choices={"recruitment.talk_due": {"enabled": True, "by_email": True, "by_sms": True}}
    )
    run_round(date(2026, 10, 9))
    assert len(RecordingGateway.sent) == 1
    phone, text = RecordingGateway.sent[0]
    assert phone == "13900001111" and "黄丽的入党谈话今天到期" in text and len(text) <= 70


@override_settings(REMINDER_EMAIL=True)
def test_a_kind_switched_off_is_not_made_and_email_off_is_not_sent(talk_due, secretary_b):
    reminders.save_preferences(
        user=talk_due, choices={"recruitment.talk_due": {"enabled": False, "by_email": True, "by_sms": False}}
    )
    run_round(date(2026, 10, 9))
    assert not Reminder.objects.filter(user=talk_due).exists() and mail.outbox == []
    reminders.save_preferences(
        user=talk_due, choices={"recruitment.talk_due": {"enabled": True, "by_email": False, "by_sms": False}}
    )
    run_round(date(2026, 10, 9))
    assert Reminder.objects.filter(user=talk_due).count() == 2 and mail.outbox == []
    assert ReminderPreference.objects.get(user=talk_due).by_email is False


# --- the pages ---------------------------------------------------------------------------------------------


@override_settings(REMINDER_EMAIL=False, SMS_ADAPTER="")
def test_the_header_counts_unread_reminders_the_list_links_to_the_record_and_marks_read(client, talk_due):
    run_round(date(2026, 10, 9))
    with frozen_at(date(2026, 10, 9)):
        client.force_login(talk_due)
        html = client.get("/").content.decode()
        assert 'aria-label="2条未读"' in html
        page = client.get("/reminders/").content.decode()
        assert "陈小明的入党谈话已于2026年10月8日到期，尚未谈话" in page
        assert "2026年10月8日" in page and "/recruitment/" in page
        one = Reminder.objects.filter(user=talk_due).first()
        client.post(f"/reminders/{one.pk}/read/")
        assert 'aria-label="1条未读"' in client.get("/").content.decode()
        client.post("/reminders/read/")
        assert "条未读" not in client.get("/").content.decode()
        settings_page = client.get("/reminders/settings/").content.decode()
        assert "本系统未配置短信网关" in settings_page and "尚未配置邮件发送" in settings_page
        assert (
            "入党谈话到期" in settings_page and "转化过渡期" not in settings_page
        )  # only the kinds they get
        response = client.post(
            "/reminders/settings/",
            {"recruitment.talk_due:enabled": "on", "recruitment.talk_due:by_sms": "on"},
        )
        assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=talk_due, kind="recruitment.talk_due")
    assert (pref.enabled, pref.by_email, pref.by_sms) == (True, False, True)


def test_another_persons_reminder_cannot_be_marked_read(client, talk_due, secretary_b):
    run_round(date(2026, 10, 9))
    client.force_login(secretary_b)
    assert client.post(f"/reminders/{Reminder.objects.first().pk}/read/").status_code == 404
    assert Reminder.objects.filter(read_at__isnull=False).count() == 0
