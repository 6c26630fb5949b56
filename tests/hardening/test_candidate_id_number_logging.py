"""A recruitment candidate's full ID number is logged like a member's wherever it is shown — the archive PDF
(typeset by its job), the admin form, the history page — masked for the roles that do not need it, and listed
on the auditor's page (R-MB-04)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.audit import id_number_for_display, log_id_number_view
from core.idnumbers import mask_id_number
from core.models import IdNumberView, TaskRun
from tests import factories
from tests.factories import recruitment as b
from tests.jobs.inline import file_of, run_started
from tests.pdfutils import pdf_page_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(branch_a):
    return b.candidate(branch_a, name="杜若")


def _admin_login(client, user):
    """Only the administrator has admin access by default; the administrator may tick 是否为职员 for others."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)


def _cover(pdf: bytes) -> str:
    return "".join(pdf_page_texts(pdf)[0].split())


def _print_archive(client, candidate, monkeypatch) -> bytes:
    """The candidate page's 打印全部档案: the job typesets the bundle, 我的任务 hands over the file."""
    response = client.post(
        reverse("recruitment_print:candidate_archive_job", args=[candidate.pk]), REMOTE_ADDR="10.1.2.3"
    )
    run = run_started(response, monkeypatch)
    assert run.state == TaskRun.State.SUCCEEDED, run.error
    return file_of(client, run)


@pytest.mark.parametrize("persona", ["clerk", "admin_user"])
def test_printing_a_candidates_archive_in_full_logs_one_viewing_of_that_candidate_R_MB_04(
    client, request, candidate, persona, monkeypatch
):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    pdf = _print_archive(client, candidate, monkeypatch)

    assert candidate.id_number in _cover(pdf)
    view = IdNumberView.objects.get()
    # Logged by the job as the request that asked for it: the user, the address and the button's path.
    url = reverse("recruitment_print:candidate_archive_job", args=[candidate.pk])
    assert (view.viewed_by, view.subject, view.path, view.ip_address) == (user, candidate, url, "10.1.2.3")


@pytest.mark.parametrize("persona", ["secretary_a", "auditor"])
def test_the_candidates_archive_is_masked_for_secretaries_and_auditors_and_logs_nothing_R_MB_04(
    client, request, candidate, persona, monkeypatch
):
    client.force_login(request.getfixturevalue(persona))

    cover = _cover(_print_archive(client, candidate, monkeypatch))

    assert candidate.id_number not in cover and mask_id_number(candidate.id_number) in cover
    assert not IdNumberView.objects.exists()


def test_the_archives_address_shows_the_button_and_neither_typesets_nor_logs_nor_queues_R_MB_04(
    client, clerk, secretary_b, candidate, monkeypatch
):
    """A GET changes nothing: opening the bundle's address (a bookmark) shows the button that queues the job."""
    from recruitment import documents

    monkeypatch.setattr(documents, "candidate_archive_pdf", lambda *a, **k: pytest.fail("typeset in a GET"))
    url = reverse("recruitment_print:candidate_archive", args=[candidate.pk])
    client.force_login(clerk)

    page = client.get(url).content.decode()

    job_url = reverse("recruitment_print:candidate_archive_job", args=[candidate.pk])
    assert f'<form method="post" action="{job_url}"' in page and "csrfmiddlewaretoken" in page
    assert not IdNumberView.objects.exists() and not TaskRun.objects.exists()
    client.force_login(secretary_b)  # another branch's candidate: 404, as before
    assert client.get(url).status_code == 404
    assert client.post(job_url).status_code == 404 and not TaskRun.objects.exists()


def test_the_candidate_change_form_in_admin_is_logged_for_the_administrator_R_MB_04(
    client, admin_user, candidate
):
    client.force_login(admin_user)

    page = client.get(reverse("admin:recruitment_candidate_change", args=[candidate.pk])).content.decode()

    assert candidate.id_number in page
    assert [(view.viewed_by, view.subject) for view in IdNumberView.objects.all()] == [
        (admin_user, candidate)
    ]


@pytest.mark.parametrize("persona", ["secretary_a", "auditor"])
def test_the_candidate_change_form_in_admin_is_masked_for_secretaries_and_auditors_R_MB_04(
    client, request, candidate, persona
):
    _admin_login(client, request.getfixturevalue(persona))

    response = client.get(reverse("admin:recruitment_candidate_change", args=[candidate.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert candidate.id_number not in page and mask_id_number(candidate.id_number) in page
    assert not IdNumberView.objects.exists()


def test_a_secretary_saving_the_candidate_in_admin_cannot_touch_the_masked_id_number_R_MB_04(
    client, secretary_a, candidate
):
    _admin_login(client, secretary_a)
    form = client.get(reverse("admin:recruitment_candidate_change", args=[candidate.pk])).context["adminform"]

    assert "id_number" not in form.form.fields


def test_a_secretary_cannot_find_a_candidate_by_id_number_in_admin_R_MB_04(client, secretary_a, candidate):
    _admin_login(client, secretary_a)
    url = reverse("admin:recruitment_candidate_changelist")

    assert client.get(url, {"q": candidate.id_number}).context["cl"].result_count == 0
    assert client.get(url, {"q": "杜若"}).context["cl"].result_count == 1


def test_the_administrator_reading_a_candidates_history_is_logged_and_the_auditor_is_masked_R_MB_04(
    client, admin_user, auditor, candidate
):
    url = reverse("core:audit_record", args=["recruitment.candidate", candidate.pk])
    client.force_login(auditor)
    assert candidate.id_number not in client.get(url).content.decode()
    assert not IdNumberView.objects.exists()

    client.force_login(admin_user)
    assert candidate.id_number in client.get(url).content.decode()
    assert IdNumberView.objects.get().subject == candidate


def test_the_auditors_page_lists_candidate_and_member_viewings_and_filters_by_candidate_R_MB_04(
    client, auditor, clerk, candidate, branch_a
):
    member = factories.make_member(branch_a, name="王芳")
    log_id_number_view(user=clerk, person=member)
    log_id_number_view(user=clerk, person=candidate)
    client.force_login(auditor)
    url = reverse("core:audit_id_number_views")

    page = client.get(url).content.decode()
    assert "杜若" in page and "王芳" in page and "发展对象" in page and "党员" in page
    assert f'href="?candidate={candidate.pk}"' in page

    response = client.get(url, {"candidate": candidate.pk})
    assert [v.subject for v in response.context["page"]] == [candidate]


@pytest.mark.parametrize("bad", ["", "abc", "²", "-1", "99999999999999999999999"])
def test_the_auditors_page_ignores_or_empties_a_malformed_filter_without_an_error(client, auditor, bad):
    client.force_login(auditor)
    for param in ("member", "candidate", "user"):
        assert client.get(reverse("core:audit_id_number_views"), {param: bad}).status_code == 200


def test_the_template_tag_and_display_helper_log_a_candidate_once_per_page_R_MB_04(clerk, candidate, rf):
    request = rf.get("/x/")
    request.user = clerk
    for _ in range(2):
        assert id_number_for_display(user=clerk, person=candidate, request=request) == candidate.id_number
    assert IdNumberView.objects.of(candidate).count() == 1


def test_a_viewing_names_exactly_one_person_the_database_refuses_none_and_only_id_number_holders_are_logged_R_MB_04(
    clerk, candidate, branch_a
):
    with pytest.raises(TypeError):
        log_id_number_view(user=clerk)
    with pytest.raises(ValueError):  # an organisation has no ID number: not a registered holder
        log_id_number_view(user=clerk, person=branch_a)
    for fields in (
        {},
        {"subject_id": candidate.pk},
        {"subject_type": ContentType.objects.get_for_model(candidate)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            IdNumberView.objects.create(viewed_by=clerk, **fields)
