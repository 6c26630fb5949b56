"""A new member record's first status event (R-MB-02) is effective on the joining day or, without one, on the
local day (Asia/Shanghai) the record was made — at 00:30 in Shanghai it is still yesterday in UTC — whether the
record comes from a staff operation, the admin or an import."""

from datetime import UTC, date, datetime

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.dates import SHANGHAI
from core.idnumbers import make_id_number
from members.importing import import_members
from members.models import Member, MemberStatusEvent
from members.records import member_create
from tests.clock import frozen_at

pytestmark = pytest.mark.django_db

# 00:30 on 2 March in Shanghai, as timezone.now() gives it: 16:30 on 1 March, UTC
JUST_AFTER_MIDNIGHT = datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI).astimezone(UTC)
BORN = date(1980, 5, 17)


def _event(member: Member) -> MemberStatusEvent:
    (event,) = MemberStatusEvent.objects.filter(member=member)
    return event


def test_an_imported_member_without_a_joining_date_has_the_local_day_of_the_import_R_MB_02(branch_a, clerk):
    headers = ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "党员状态", "入党日期", "转正日期"]
    data = tablib.Dataset(headers=headers)
    data.append(
        [
            "李娜",
            "女",
            BORN.isoformat(),
            make_id_number("320102", BORN, 12),
            branch_a.name,
            "正式党员",
            "",
            "",
        ]
    )
    data.append(["张伟", "男", BORN.isoformat(), make_id_number("320102", BORN, 13), branch_a.name, "正式党员"] + [
        "2005-07-01", "2006-07-01",
    ])  # fmt: skip
    upload = SimpleUploadedFile("members.csv", data.export("csv").encode("utf-8-sig"))
    with frozen_at(JUST_AFTER_MIDNIGHT):
        result = import_members(file=upload, file_format="csv", user=clerk)
    assert result.errors == [] and result.created == 2
    assert _event(Member.objects.get(name="李娜")).effective_on == date(2026, 3, 2)
    assert _event(Member.objects.get(name="张伟")).effective_on == date(2005, 7, 1)


def test_a_member_created_without_a_joining_date_has_the_local_day_it_was_made_R_MB_02(branch_a, clerk):
    with frozen_at(JUST_AFTER_MIDNIGHT):
        member = member_create(
            recorded_by=clerk,
            name="王芳",
            gender=Member.Gender.FEMALE,
            birth_date=BORN,
            id_number=make_id_number("320102", BORN, 14),
            organization=branch_a,
        )
    assert _event(member).effective_on == date(2026, 3, 2)


def test_a_member_added_in_the_admin_without_a_joining_date_has_the_local_day_it_was_made_R_MB_02(
    client, admin_user, branch_a
):
    client.force_login(admin_user)
    data = {
        "name": "赵强",
        "gender": Member.Gender.MALE,
        "ethnicity": "汉族",
        "birth_date": BORN.isoformat(),
        "id_number": make_id_number("320102", BORN, 15),
        "organization": branch_a.pk,
        "status": Member.Status.FULL,
        "monthly_dues": "2.00",
        "status_events-TOTAL_FORMS": "0",
        "status_events-INITIAL_FORMS": "0",
    }
    with frozen_at(JUST_AFTER_MIDNIGHT):
        response = client.post(reverse("admin:members_member_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _event(Member.objects.get(name="赵强")).effective_on == date(2026, 3, 2)
