"""Core admin: calendar notice import, versioned rule profile, load_calendar command (R-SV-07)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.models import CalendarDay, CalendarYear, RuleProfile
from core.profile import rule_profile

pytestmark = pytest.mark.django_db


# The notice that passes is loaded by a background job (deadlines recomputed): tests/jobs/test_user_jobs.py.


def test_notice_with_a_bad_row_loads_nothing_R_SV_07(client, admin_user):
    client.force_login(admin_user)
    csv = "日期,类型,名称\n2030-01-01,节假日,元旦\n2030-02-30,节假日,错\n2031-01-01,放假,错\n".encode()
    response = client.post(
        "/admin/core/calendaryear/import-notice/",
        {"year": 2030, "source": "x", "file": SimpleUploadedFile("n.csv", csv)},
    )
    assert response.status_code == 200
    assert "第3行" in response.content.decode() and "第4行" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_saving_the_rule_profile_in_admin_adds_a_new_version(client, admin_user):
    original = rule_profile()
    client.force_login(admin_user)
    url = f"/admin/core/ruleprofile/{original.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"meeting_quorum": "two_thirds", "note": "本镇从严"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert RuleProfile.objects.count() == 2
    original.refresh_from_db()
    assert original.meeting_quorum == "half"
    newest = rule_profile()
    assert newest.meeting_quorum == "two_thirds" and newest.changed_by == admin_user


def test_load_calendar_command_loads_a_known_year_and_refuses_an_unknown_one_R_SV_07():
    call_command("load_calendar", "--year", "2026")
    assert CalendarDay.objects.filter(date=date(2026, 10, 1), kind="holiday").exists()
    with pytest.raises(CommandError, match="2099"):
        call_command("load_calendar", "--year", "2099")
