"""The Django admin's member pages log full-ID viewing exactly like the staff pages, and mask ID numbers and phones
for roles that do not see them in full (R-MB-04, issue 10)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.access import Role
from core.idnumbers import make_id_number, mask_id_number, mask_phone
from core.models import IdNumberView
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(branch_a):
    return factories.make_member(branch_a, name="王小明", phone="13912345678")


@pytest.fixture
def corrected(member):
    """The member's ID number was corrected once, so the history page lists the old and new numbers."""
    old = member.id_number
    member.id_number = make_id_number("320583", member.birth_date, 7)
    member.save()
    return old, member.id_number


def _staff(role: Role, organization=None, *, username: str):
    """A role let into the admin (an administrator may tick 是否为职员) with view permission on members."""
    user = factories.make_user(role, organization=organization, username=username)
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_member", "view_historicalmember"])
    )
    return user


@pytest.fixture
def staff_secretary_a(branch_a):
    return _staff(Role.SECRETARY, branch_a, username="staff_secretary_a")


@pytest.fixture
def staff_secretary_b(branch_b):
    return _staff(Role.SECRETARY, branch_b, username="staff_secretary_b")


def test_admin_viewing_a_member_change_page_writes_one_log_row_R_MB_04(client, admin_user, member):
    client.force_login(admin_user)
    url = reverse("admin:members_member_change", args=[member.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert member.id_number in response.content.decode()
    view = IdNumberView.objects.get()
    assert (view.viewed_by, view.subject, view.path) == (admin_user, member, url)


def test_admin_changelist_logs_each_member_shown_in_full_once_R_MB_04(client, admin_user, member, branch_a):
    other = factories.make_member(branch_a)
    client.force_login(admin_user)
    response = client.get(reverse("admin:members_member_changelist"))
    html = response.content.decode()
    assert member.id_number in html and other.id_number in html
    logged = IdNumberView.objects.filter(viewed_by=admin_user).values_list("subject_id", flat=True)
    assert sorted(logged) == sorted([member.pk, other.pk])


def test_a_changelist_search_logs_only_the_members_it_shows_R_MB_04(client, admin_user, member, branch_a):
    factories.make_member(branch_a, name="李四")
    client.force_login(admin_user)
    client.get(reverse("admin:members_member_changelist"), {"q": "王小明"})
    assert list(IdNumberView.objects.values_list("subject_id", flat=True)) == [member.pk]


def test_a_masked_role_sees_masked_numbers_in_the_admin_and_logs_nothing_R_MB_04(
    client, staff_secretary_a, member
):
    client.force_login(staff_secretary_a)
    for url in (
        reverse("admin:members_member_changelist"),
        reverse("admin:members_member_change", args=[member.pk]),
    ):
        html = client.get(url).content.decode()
        assert member.id_number not in html and member.phone not in html, url
        assert mask_id_number(member.id_number) in html and mask_phone(member.phone) in html, url
    assert not IdNumberView.objects.exists()


def test_the_history_page_shows_a_corrected_id_number_in_full_and_logs_it_R_MB_04(
    client, admin_user, member, corrected
):
    client.force_login(admin_user)
    html = client.get(reverse("admin:members_member_history", args=[member.pk])).content.decode()
    assert corrected[0] in html and corrected[1] in html
    assert list(IdNumberView.objects.values_list("subject_id", "viewed_by_id")) == [
        (member.pk, admin_user.pk)
    ]


def test_the_history_page_masks_a_corrected_id_number_for_a_masked_role_R_MB_04(
    client, staff_secretary_a, member, corrected
):
    client.force_login(staff_secretary_a)
    response = client.get(reverse("admin:members_member_history", args=[member.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert corrected[0] not in html and corrected[1] not in html
    assert mask_id_number(corrected[0]) in html
    assert not IdNumberView.objects.exists()


def test_a_past_version_of_a_member_is_logged_when_shown_in_full_R_MB_04(
    client, admin_user, member, corrected
):
    client.force_login(admin_user)
    version = member.history.order_by("history_id").first()
    url = reverse("admin:members_member_simple_history", args=[member.pk, version.history_id])
    html = client.get(url).content.decode()
    assert corrected[0] in html
    assert IdNumberView.objects.of(member).filter(viewed_by=admin_user, path=url).count() == 1


def test_another_branchs_member_history_is_a_404_in_the_admin(client, staff_secretary_b, member, corrected):
    """The history pages look the record up in the history table: they are scoped like the change page."""
    client.force_login(staff_secretary_b)
    version = member.history.order_by("history_id").first()
    for url in (
        reverse("admin:members_member_history", args=[member.pk]),
        reverse("admin:members_member_simple_history", args=[member.pk, version.history_id]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert corrected[0] not in response.content.decode()


def test_admin_export_logs_one_row_per_exported_member_R_MB_04(client, admin_user, member, branch_b):
    factories.make_member(branch_b)
    client.force_login(admin_user)
    chosen = {f"memberresource_{name}": "on" for name in ("name", "id_number")}
    response = client.post(reverse("admin:members_member_export"), {"format": "0", "resource": "0", **chosen})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert IdNumberView.objects.filter(viewed_by=admin_user).count() == 2


def test_the_staff_list_masks_phones_for_roles_without_full_numbers_R_MB_04(
    client, clerk, secretary_a, member
):
    client.force_login(secretary_a)
    html = client.get(reverse("members:list")).content.decode()
    assert member.phone not in html and mask_phone(member.phone) in html
    client.force_login(clerk)
    assert member.phone in client.get(reverse("members:list")).content.decode()
