"""Every page or file that shows a full ID number logs the viewing (who, whom, when) — R-MB-04."""

import pytest
from django.urls import reverse

from core.idnumbers import mask_id_number
from core.models import IdNumberView
from tests import factories


@pytest.fixture
def member(branch_a):
    return factories.make_member(branch_a)


@pytest.mark.django_db
def test_admin_viewing_a_member_page_writes_one_log_row_R_MB_04(client, admin_user, member):
    client.force_login(admin_user)
    response = client.get(reverse("members:detail", args=[member.pk]))
    assert response.status_code == 200
    assert member.id_number in response.content.decode()
    view = IdNumberView.objects.get()
    assert (view.viewed_by, view.subject, view.path) == (admin_user, member, f"/members/{member.pk}/")
    assert view.viewed_at is not None


@pytest.mark.django_db
def test_secretary_sees_the_member_page_masked_and_writes_no_log_row_R_MB_04(client, secretary_a, member):
    client.force_login(secretary_a)
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert member.id_number not in page
    assert mask_id_number(member.id_number) in page
    assert not IdNumberView.objects.exists()


@pytest.mark.django_db
def test_clerk_searching_logs_each_member_shown_in_full_once_R_MB_04(client, clerk, member, branch_a):
    other = factories.make_member(branch_a)
    client.force_login(clerk)
    page = client.get(reverse("members:list")).content.decode()
    assert member.id_number in page and other.id_number in page
    assert sorted(
        IdNumberView.objects.filter(viewed_by=clerk).values_list("subject_id", flat=True)
    ) == sorted([member.pk, other.pk])


@pytest.mark.django_db
def test_secretary_searching_sees_masked_numbers_and_logs_nothing_R_MB_04(client, secretary_a, member):
    client.force_login(secretary_a)
    page = client.get(reverse("members:list")).content.decode()
    assert member.id_number not in page
    assert not IdNumberView.objects.exists()


@pytest.mark.django_db
def test_clerk_export_logs_one_row_per_exported_member_R_MB_04(client, clerk, member, branch_a, branch_b):
    factories.make_member(branch_b)
    client.force_login(clerk)
    response = client.post(reverse("members:export") + f"?organization={branch_a.pk}")
    assert response.status_code == 200
    assert list(IdNumberView.objects.values_list("subject_id", "viewed_by_id")) == [(member.pk, clerk.pk)]
    assert IdNumberView.objects.get().path.startswith("/members/export/")


@pytest.mark.django_db
def test_secretary_export_is_masked_and_logs_nothing_R_MB_04(client, secretary_a, member):
    client.force_login(secretary_a)
    assert client.post(reverse("members:export")).status_code == 200
    assert not IdNumberView.objects.exists()


@pytest.mark.django_db
def test_audit_nav_item_is_shown_to_auditors_and_admins_only(client, auditor, admin_user, clerk, secretary_a):
    audit_link = f'href="{reverse("core:audit_index")}"'
    for user, shown in [(auditor, True), (admin_user, True), (clerk, False), (secretary_a, False)]:
        client.force_login(user)
        page = client.get(reverse("members:list")).content.decode()
        assert (audit_link in page) is shown, user.username
