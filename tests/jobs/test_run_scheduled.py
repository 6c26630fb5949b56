"""The nightly round has one list: ``manage.py run_scheduled`` runs the registered scheduled jobs (the functions
the workers run), each recorded as a TaskRun; one job can be run by hand by its name; the administrators' page
shows each job's last run and its next one."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import jobs
from core.models import Reminder, TaskRun
from tests.clock import frozen_at
from tests.factories.services import at

pytestmark = pytest.mark.django_db


def test_run_scheduled_runs_every_registered_scheduled_job_once_reminders_last(admin_user):
    out = StringIO()
    call_command("run_scheduled", stdout=out)
    runs = list(TaskRun.objects.order_by("pk"))
    assert [r.task_name for r in runs] == list(jobs.scheduled_jobs)
    assert {r.task_name for r in runs} >= {
        "services.mark_overdue",
        "conversion.close_transitions",
        "members.mark_lost_contact",
        "members.overdue_letters",
        "core.next_year_calendar",
        "core.reminders",
    }
    assert runs[-1].task_name == "core.reminders"  # after the marks it reads
    assert all(r.state == TaskRun.State.SUCCEEDED and r.summary for r in runs)
    assert "— 认定超期办件：没有新的超期办件。" in out.getvalue()


def test_one_nightly_job_runs_by_hand_by_its_name_R_MB_06():
    call_command("run_scheduled", "members.mark_lost_contact", stdout=StringIO())
    run = TaskRun.objects.get()
    assert (run.task_name, run.summary) == ("members.mark_lost_contact", "没有新失联的流动党员。")
    with pytest.raises(CommandError, match="没有这些定时任务：members.nothing"):
        call_command("run_scheduled", "members.nothing", stdout=StringIO())
    listing = StringIO()
    call_command("run_scheduled", "--list", stdout=listing)
    assert "members.mark_lost_contact\t标记失联流动党员\t每天0:10" in listing.getvalue()


def test_the_tasks_page_shows_each_jobs_last_run_its_result_and_its_next_run(client, admin_user):
    with frozen_at(at(2026, 12, 1, 10, 3)):
        call_command("run_scheduled", "services.mark_overdue", stdout=StringIO())
        client.force_login(admin_user)
        html = client.get("/tasks/").content.decode()
    assert "下次执行" in html
    assert "2026年12月1日 10:15" in html  # every 15 minutes: mark overdue (R-SV-10)
    assert "2026年12月2日 00:10" in html  # lost contact, at 0:10
    assert "2026年12月1日 10:05" in html  # the reminders, hourly at :05
    assert "没有新的超期办件。" in html  # what its last run did


def test_the_november_calendar_check_reaches_the_administrators_as_a_reminder_at_once_R_SV_07(
    admin_user, clerk
):
    """The package does not know 2027: the check does not wait for the hourly round to remind them."""
    with frozen_at(at(2026, 11, 2, 6, 30)):
        call_command("run_scheduled", "core.next_year_calendar", stdout=StringIO())
    assert TaskRun.objects.get().summary.startswith("已提醒管理员：2027年节假日安排尚未载入")
    [reminder] = Reminder.objects.all()
    assert (reminder.user, reminder.kind) == (admin_user, "core.calendar")
