"""Full-width digits and letters typed into a code are the same code (R-MB-04 uniqueness, issue 15).

An input method types ０-９ and Ｘ as readily as 0-9 and X; a full-width copy of an existing ID number must be
recognised as that person through every door — the staff form, the admin form, the import — and phones and
numbers are stored in ASCII. Names keep their full-width punctuation."""

from datetime import date

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.idnumbers import id_number_problem, make_id_number
from core.text import normalize_code
from members.importing import import_members
from members.models import Member
from recruitment.models import Candidate
from tests import factories

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


@pytest.fixture
def member(branch_a):
    born = date(1985, 3, 9)
    return factories.make_member(branch_a, birth_date=born, id_number=make_id_number("320102", born, 9))


def test_normalising_folds_full_width_digits_and_letters_and_trims():
    assert normalize_code("  １３９１２３４５６７８　") == "13912345678"
    assert normalize_code("ＡＢ－１２") == "AB-12"


def test_an_id_number_in_another_scripts_digits_is_refused_R_MB_04():
    arabic_indic = "٣٢٠١٠٢١٩٨٥٠٣٠٩٠٠٩٥"  # str.isdigit() accepts these; they are not an ID number
    assert id_number_problem(arabic_indic) is not None


def test_staff_candidate_form_refuses_a_full_width_copy_of_a_taken_id_number_R_MB_04(client, clerk, branch_a):
    client.force_login(clerk)
    born = date(1990, 6, 1)
    number = make_id_number("320102", born, 11)
    data = {
        "name": "李（小）华",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "1990-06-01",
        "id_number": full_width(number),
        "phone": "１３９００００１１１１",
        "organization": branch_a.pk,
        "applied_on": "2026-06-01",
    }
    assert client.post(reverse("recruitment:candidate_create"), data).status_code == 302
    candidate = Candidate.objects.get()
    assert (candidate.id_number, candidate.phone, candidate.name) == (number, "13900001111", "李（小）华")

    data["id_number"] = number  # the same person typed in half width: refused as a duplicate
    response = client.post(reverse("recruitment:candidate_create"), data)
    assert response.status_code == 200
    assert Candidate.objects.count() == 1


def test_admin_member_form_refuses_a_full_width_copy_of_a_members_id_number_R_MB_04(
    client, admin_user, member, branch_a
):
    client.force_login(admin_user)
    data = {
        "name": "冒名",
        "gender": Member.Gender.MALE,
        "ethnicity": "汉族",
        "birth_date": member.birth_date.isoformat(),
        "id_number": full_width(member.id_number),
        "organization": branch_a.pk,
        "status": Member.Status.FULL,
        "joined_on": "2005-07-01",
        "full_member_on": "2006-07-01",
        "monthly_dues": "2.00",
        "phone": "１３９１２３４５６７８",
    }
    response = client.post(reverse("admin:members_member_add"), data)
    assert response.status_code == 200
    assert "已存在" in response.content.decode()
    assert Member.objects.count() == 1


def test_import_row_with_a_full_width_id_number_is_the_same_member_R_MB_04(clerk, member):
    headers = [
        "姓名",
        "性别",
        "出生日期",
        "公民身份号码",
        "所在党组织",
        "党员状态",
        "入党日期",
        "转正日期",
        "联系电话",
    ]
    data = tablib.Dataset(headers=headers)
    data.append(
        [
            member.name,
            "男",
            member.birth_date.isoformat(),
            full_width(member.id_number),
            member.organization.name,
            "正式党员",
            "2005-07-01",
            "2006-07-01",
            "１３７００００２２２２",
        ]
    )
    upload = SimpleUploadedFile("members.csv", data.export("csv").encode("utf-8-sig"))
    result = import_members(file=upload, file_format="csv", user=clerk)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    member.refresh_from_db()
    assert member.phone == "13700002222"
    assert Member.objects.count() == 1


def test_desk_intake_stores_the_applicants_numbers_in_ascii(client, clerk, center):
    from services.models import Matter

    client.force_login(clerk)
    response = client.post(
        reverse("services:intake"),
        {
            "kind": "immediate",
            "channel": "visit",
            "applicant_name": "张三",
            "applicant_phone": "１３９１１１１２２２２",
            "applicant_id_number": "３２０１０２１９８５０３０９００９Ｘ",
            "request": "开具证明",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    matter = Matter.objects.get()
    assert (matter.applicant_phone, matter.applicant_id_number) == ("13911112222", "32010219850309009X")
