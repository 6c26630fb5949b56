"""The auditor's history pages and the log of full ID-number viewings (R-MB-04)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.audit import id_number_for_display, id_numbers_for_display, log_id_number_view, log_id_number_views
from core.idnumbers import mask_id_number
from core.models import IdNumberView
from members.models import Member
from tests import factories


@pytest.fixture
def member(branch_a, clerk):
    member = factories.make_member(branch_a, address="东村1号")
    member._history_user = clerk
    member.address = "东村2号"
    member.save()
    return member


def history_url(member):
    return reverse("core:audit_record", args=["members.member", member.pk])


@pytest.mark.django_db
def test_auditor_sees_who_changed_which_field_of_a_member_and_when(client, auditor, member, clerk):
    client.force_login(auditor)
    response = client.get(history_url(member))
    assert response.status_code == 200
    page = response.content.decode()
    assert "东村1号" in page and "东村2号" in page
    assert clerk.username in page and "修改" in page and "新建" in page
    change = response.context["entries"][0]
    assert [(c.label, c.old, c.new) for c in change.changes] == [("家庭住址", "东村1号", "东村2号")]


@pytest.mark.django_db
def test_the_history_writes_dates_the_chinese_way(client, auditor, member):
    """Dates in the history read as on every page (2005年7月1日), not as ISO dates."""
    client.force_login(auditor)
    page = client.get(history_url(member)).content.decode()
    assert "2005年7月1日" in page and "2005-07-01" not in page
    assert f"{member.created_at.year}年" in page and f"{member.created_at:%Y-%m-%d}" not in page


@pytest.mark.django_db
def test_auditor_sees_id_numbers_masked_in_history_and_nothing_is_logged(client, auditor, member):
    client.force_login(auditor)
    page = client.get(history_url(member)).content.decode()
    assert member.id_number not in page
    assert mask_id_number(member.id_number) in page
    assert not IdNumberView.objects.exists()


@pytest.mark.django_db
def test_admin_sees_full_id_number_in_history_and_the_viewing_is_logged(client, admin_user, member):
    client.force_login(admin_user)
    page = client.get(history_url(member)).content.decode()
    assert member.id_number in page
    view = IdNumberView.objects.get()
    assert (view.viewed_by, view.subject) == (admin_user, member)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "secretary_a"])
def test_other_roles_may_not_open_the_audit_pages(client, request, persona, member):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(history_url(member)).status_code == 403
    assert client.get(reverse("core:audit_index")).status_code == 403
    assert client.get(reverse("core:audit_id_number_views")).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, member):
    response = client.get(history_url(member))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_audit_pages_are_read_only(client, auditor, member):
    client.force_login(auditor)
    assert client.post(history_url(member)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label, pk", [("members.nosuchmodel", "1"), ("core.numbersequence", "1"), ("members.member", "abc")]
)
def test_unknown_model_untracked_model_or_bad_id_is_not_found(client, auditor, label, pk):
    client.force_login(auditor)
    assert client.get(reverse("core:audit_record", args=[label, pk])).status_code == 404


@pytest.mark.django_db
def test_index_lists_tracked_models_and_looks_up_a_record(client, auditor, member):
    client.force_login(auditor)
    page = client.get(reverse("core:audit_index"))
    assert page.status_code == 200 and "党员" in page.content.decode()
    response = client.get(reverse("core:audit_index"), {"model": "members.member", "pk": str(member.pk)})
    assert response.status_code == 302 and response["Location"] == history_url(member)


@pytest.mark.django_db
def test_recent_changes_of_a_model_link_to_each_record(client, auditor, member):
    client.force_login(auditor)
    response = client.get(reverse("core:audit_model", args=["members.member"]))
    assert response.status_code == 200
    assert history_url(member) in response.content.decode()


@pytest.mark.django_db
def test_log_id_number_view_records_who_whom_when_and_from_where(clerk, member):
    request = RequestFactory().get(f"/members/{member.pk}/", REMOTE_ADDR="192.0.2.5")
    view = log_id_number_view(user=clerk, person=member, request=request)
    view.refresh_from_db()
    assert (view.viewed_by, view.subject, view.ip_address) == (clerk, member, "192.0.2.5")
    assert view.path == f"/members/{member.pk}/" and view.viewed_at is not None


@pytest.mark.django_db
def test_id_number_for_display_masks_for_secretary_and_logs_nothing(secretary_a, member):
    shown = id_number_for_display(user=secretary_a, person=member, request=None)
    assert shown == mask_id_number(member.id_number)
    assert not IdNumberView.objects.exists()


@pytest.mark.django_db
def test_id_number_for_display_shows_clerk_the_full_number_and_logs_it(clerk, member):
    assert id_number_for_display(user=clerk, person=member, request=None) == member.id_number
    assert IdNumberView.objects.of(member).filter(viewed_by=clerk).count() == 1


@pytest.mark.django_db
def test_auditor_lists_id_number_viewings_filtered_by_member(client, auditor, clerk, member, branch_a):
    other = factories.make_member(branch_a)
    log_id_number_view(user=clerk, person=member, request=None)
    log_id_number_view(user=clerk, person=other, request=None)
    client.force_login(auditor)
    response = client.get(reverse("core:audit_id_number_views"), {"member": member.pk})
    assert response.status_code == 200
    assert [v.subject for v in response.context["page"]] == [member]


@pytest.mark.django_db
def test_log_id_number_views_records_each_person_as_one_viewing_would_in_one_statement(
    clerk, member, branch_a, django_assert_num_queries
):
    other = factories.make_member(branch_a)
    request = RequestFactory().get("/members/?q=1", REMOTE_ADDR="192.0.2.6")
    with django_assert_num_queries(1):  # the content type is cached; every person in one INSERT
        assert (
            log_id_number_views(
                user=clerk, model=Member, ids=[other.pk, member.pk, other.pk], request=request
            )
            == 2
        )
    views = list(IdNumberView.objects.order_by("subject_id"))
    assert [(v.viewed_by, v.subject, v.ip_address, v.path) for v in views] == [
        (clerk, person, "192.0.2.6", "/members/?q=1")
        for person in sorted([member, other], key=lambda m: m.pk)
    ]
    assert views[0].viewed_at == views[1].viewed_at is not None


@pytest.mark.django_db
def test_a_lists_id_numbers_are_full_and_logged_once_per_page_or_masked_R_MB_04(
    clerk, secretary_a, member, branch_a
):
    other = factories.make_member(branch_a)
    people = [(member.pk, member.id_number), (other.pk, other.id_number)]
    request = RequestFactory().get("/members/")
    id_number_for_display(user=clerk, person=member, request=request)  # already shown on this page
    assert id_numbers_for_display(user=clerk, model=Member, people=people, request=request) == [
        member.id_number,
        other.id_number,
    ]
    assert sorted(IdNumberView.objects.values_list("subject_id", flat=True)) == sorted([member.pk, other.pk])
    masked = id_numbers_for_display(user=secretary_a, model=Member, people=people)
    assert masked == [mask_id_number(member.id_number), mask_id_number(other.id_number)]
    assert IdNumberView.objects.count() == 2
