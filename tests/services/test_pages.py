"""Staff pages and permissions of the service desk (R-SV-01 … R-SV-17)."""

from datetime import date

import pytest
from django.urls import reverse

from core.models import TaskRun
from services.models import AccountabilityCase, Appointment, Complaint, Matter, MatterState, Sanction
from tests.factories.services import at, register
from tests.jobs.inline import job_file


def _post(client, user, name, data=None, **kwargs):
    client.force_login(user)
    return client.post(reverse(name, kwargs=kwargs or None), data or {})


def test_clerk_takes_a_matter_from_intake_through_supplement_to_completion_R_SV_01_R_SV_08(
    client, clerk, service
):
    client.force_login(clerk)
    response = client.post(
        reverse("services:intake"),
        {
            "kind": "promised",
            "channel": "visit",
            "service": service.pk,
            "applicant_name": "王建国",
            "applicant_phone": "13812345678",
            "request": "转入组织关系",
        },
    )
    matter = Matter.objects.get()
    assert response.status_code == 302 and matter.first_contact == clerk
    assert client.get(reverse("services:matter", args=[matter.pk])).status_code == 200
    client.post(
        reverse("services:matter_action", args=[matter.pk, "request_supplement"]),
        {"items": ["介绍信"], "other": "村委会证明"},
    )
    matter.refresh_from_db()
    assert matter.state == MatterState.AWAITING_MATERIALS
    assert matter.supplement_notice.items == ["介绍信", "村委会证明"]
    client.post(reverse("services:matter_action", args=[matter.pk, "materials_complete"]))
    client.post(
        reverse("services:matter_action", args=[matter.pk, "complete"]),
        {"text": "已转入", "is_public": "on", "public_result": "已办结"},
    )
    matter.refresh_from_db()
    assert matter.state == MatterState.COMPLETED and matter.is_public


def test_outside_scope_intake_records_the_referral_R_SV_01(client, clerk):
    client.force_login(clerk)
    client.post(
        reverse("services:intake"),
        {
            "kind": "consultation",
            "channel": "phone",
            "applicant_name": "赵六",
            "request": "办理房产证",
            "referred_unit": "县不动产登记中心",
        },
    )
    matter = Matter.objects.get()
    assert matter.state == MatterState.REFERRED and matter.referred_unit == "县不动产登记中心"


def test_queue_marks_overdue_red_due_soon_orange_and_provisional_R_SV_07_R_SV_10(client, clerk, monkeypatch):
    from services import views

    monkeypatch.setattr(views, "local_today", lambda: date(2026, 12, 28))
    register(clerk, when=at(2026, 1, 5), applicant_name="超期")
    register(clerk, when=at(2026, 12, 24), applicant_name="跨年")
    client.force_login(clerk)
    html = client.get(reverse("services:queue") + "?scope=all").content.decode()
    assert "row-danger" in html and "暂定" in html


@pytest.mark.parametrize("state", ["", "&state=accepted"])
def test_window_tab_of_a_clerk_without_a_window_lists_nothing_and_says_why(client, clerk, state):
    """The 本窗口 tab used to filter on a NUL character PostgreSQL refuses (HTTP 500)."""
    register(clerk, applicant_name="窗口外")
    client.force_login(clerk)
    response = client.get(reverse("services:queue") + "?scope=window" + state)
    html = response.content.decode()
    assert response.status_code == 200
    assert "窗口外" not in html and "您未分配服务窗口" in html


def test_window_tab_lists_the_matters_of_the_clerks_window(client, clerk):
    from core.models import StaffProfile

    StaffProfile.objects.update_or_create(user=clerk, defaults={"window": "2号窗口"})
    register(clerk, applicant_name="本窗口办件", window="2号窗口")
    register(clerk, applicant_name="别的窗口", window="3号窗口")
    client.force_login(clerk)
    html = client.get(reverse("services:queue") + "?scope=window").content.decode()
    assert "本窗口办件" in html and "别的窗口" not in html


def test_branch_secretary_has_no_access_to_the_desk(client, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("services:queue")).status_code == 403
    assert client.get(reverse("services:intake")).status_code == 403


def test_auditor_reads_but_cannot_change_R_SV_10(client, auditor, clerk):
    matter = register(clerk)
    client.force_login(auditor)
    assert client.get(reverse("services:matter", args=[matter.pk])).status_code == 200
    assert client.get(reverse("services:stats")).status_code == 200
    response = client.post(reverse("services:matter_action", args=[matter.pk, "complete"]), {"text": "x"})
    assert response.status_code == 403
    assert client.post(reverse("services:intake"), {}).status_code == 403


def test_anonymous_user_is_sent_to_login_from_staff_pages(client):
    assert client.get(reverse("services:queue")).status_code == 302


def test_only_the_administrator_decides_an_accountability_case_R_SV_11(client, clerk, admin_user):
    from services.accountability import mark_overdue

    register(clerk, when=at(2026, 1, 5))
    mark_overdue(now=at(2026, 3, 1))
    case = AccountabilityCase.objects.get()
    data = {"violation": "other", "sanctions": [Sanction.SELF_CRITICISM], "findings": "无故超期"}
    assert _post(client, clerk, "services:case", data, pk=case.pk).status_code == 403
    assert _post(client, admin_user, "services:case", data, pk=case.pk).status_code == 302
    case.refresh_from_db()
    assert case.state == AccountabilityCase.State.DECIDED


def test_complaint_is_registered_investigated_and_answered_R_SV_12(client, clerk):
    _post(
        client,
        clerk,
        "services:complaint_new",
        {"complainant_name": "匿名", "channel": "phone", "content": "窗口无人"},
    )
    complaint = Complaint.objects.get()
    _post(client, clerk, "services:complaint", {"text": "当班人员擅自离岗属实"}, pk=complaint.pk)
    _post(client, clerk, "services:complaint", {"text": "已批评教育，向您致歉"}, pk=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.REPLIED and complaint.reply.startswith("已批评教育")


def test_door_to_door_appointment_needs_assigned_staff_R_SV_13(client, clerk):
    """R-SV-13: door-to-door service needs an address and an assigned staff member."""
    data = {
        "name": "李大爷",
        "phone": "13900001111",
        "topic": "代办医保",
        "scheduled_at": "2026-11-04T09:30",
        "group": "elderly",
        "door_to_door": "on",
        "address": "东村3组",
    }
    response = _post(client, clerk, "services:appointment_new", data)
    assert response.status_code == 200 and not Appointment.objects.exists()
    data["assigned_staff"] = clerk.pk
    _post(client, clerk, "services:appointment_new", data)
    assert Appointment.objects.get().assigned_staff == clerk


def test_holiday_appointment_goes_to_staff_on_duty_R_SV_13(clerk):
    """R-SV-13: a booking on a holiday is routed to the staff member on duty."""
    from services.contact import appointment_book

    appointment = appointment_book(
        name="企业",
        phone="1",
        topic="急事",
        scheduled_at=at(2026, 10, 3),
        booked_by=clerk,
        assigned_staff=clerk,
    )
    assert appointment.on_duty is True


def test_monthly_statistics_show_kinds_on_time_rate_and_working_days(client, clerk):
    from services.desk import matter_complete
    from services.statistics import monthly_report

    matter = register(clerk, when=at(2026, 11, 2))
    matter_complete(matter=matter, result="已办结", by=clerk, at=at(2026, 11, 6))
    report = monthly_report(year=2026, month=11)
    assert dict(report.by_kind)["承诺件"] == 1
    assert report.completed == 1 and report.on_time_rate == 100.0 and report.average_working_days == 4.0
    client.force_login(clerk)
    assert "<svg" in client.get(reverse("services:stats") + "?month=2026-11").content.decode()


def test_records_export_and_archive_by_administrator_R_SV_17(client, clerk, admin_user, monkeypatch):
    from services.desk import matter_complete

    matter_complete(matter=register(clerk, when=at(2026, 3, 2)), result="已办结", by=clerk)
    client.force_login(clerk)
    csv = job_file(client, reverse("services:records_job", args=[2026]), monkeypatch).decode()
    assert "王建国" in csv and "已办结" in csv
    assert client.post(reverse("services:records_archive", args=[2026])).status_code == 403
    # The CSV's address (a bookmark) shows the button that queues the job: a GET writes nothing.
    page = client.get(reverse("services:records_csv", args=[2026])).content.decode()
    assert f'<form method="post" action="{reverse("services:records_job", args=[2026])}"' in page
    assert TaskRun.objects.count() == 1
    client.force_login(admin_user)
    client.post(reverse("services:records_archive", args=[2026]))
    from services.models import YearArchive

    assert YearArchive.objects.filter(year=2026).exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "services:queue",
        "services:complaints",
        "services:appointments",
        "services:cases",
        "services:records",
        "services:intake",
    ],
)
def test_staff_pages_render_for_the_clerk(client, clerk, url_name):
    client.force_login(clerk)
    assert client.get(reverse(url_name)).status_code == 200


def test_dashboard_counts_overdue_and_supplements(client, clerk):
    from services.dashboard import dashboard_items
    from services.desk import matter_request_supplement

    register(clerk, when=at(2026, 1, 5))
    matter_request_supplement(matter=register(clerk), items=["身份证"], by=clerk)
    items = {item.label: item.count for item in dashboard_items(clerk)}
    assert items["超期办件"] == 1 and items["待补充材料"] == 1


def test_intake_refuses_a_seven_digit_phone_beside_the_field(client, clerk):
    """Issue 18: a phone is a mobile or a landline with its area code (core.phones)."""
    client.force_login(clerk)
    data = {"kind": "promised", "channel": "visit", "applicant_name": "王建国", "request": "转入组织关系"}
    response = client.post(reverse("services:intake"), data | {"applicant_phone": "6512345"})
    assert response.status_code == 200 and "缺少区号" in response.content.decode()
    assert not Matter.objects.exists()
    assert (
        client.post(reverse("services:intake"), data | {"applicant_phone": "0512-65123456"}).status_code
        == 302
    )
