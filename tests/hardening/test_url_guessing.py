"""Scoped roles under URL guessing (core.access): the secretary of branch B types every URL of every app with
branch A's records in it — member, candidate, conversion case, matter, meeting, transfer letter, certificate,
PDFs, exports, admin — and gets 403 or 404, sees no name or ID number of branch A, and changes nothing.

The URLs come from the URLconf and the admin registry (tests/factories/world.py): a new URL or admin model
fails here until the world has a record for it.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib import admin
from django.db.models import Q
from django.test import Client, RequestFactory
from django.urls import reverse

from conversion.models import ConversionCase
from core.permissions import SECRETARY_APPS, SECRETARY_VIEW_MODELS
from members.models import Member
from recruitment.models import Candidate
from tests.factories.world import URL_ARGS, url_kwargs, url_names
from tests.hardening.tables import changed_tables, fingerprint
from tests.pdfutils import pdf_text

pytestmark = pytest.mark.django_db

# Pages about the visitor's own session, and the public pages (they show nothing personal: their own tests).
NOT_GUESSABLE = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "core:two_factor_verify",
    "core:two_factor_enrol",
    "core:two_factor_recovery",
    "core:health",
    "core:reminders",  # the visitor's own reminders and their choices (tests/core/test_reminders.py)
    "core:reminders_read",
    "core:reminder_preferences",
    "services:public_catalog",
    "services:public_board",
    "services:public_lookup",
}
# URLs whose arguments name a record of branch A (or of the desk, which secretaries may not use at all).
OBJECT_ARGS = {
    "pk",
    "task_pk",
    "entry_pk",
    "referral_pk",
    "review_pk",
    "meeting_pk",
    "vote_pk",
    "approval_pk",
    "owner_pk",
}
# Pages that start a background job in the visitor's OWN scope (the job checks the scope again when it runs):
# the intruder's POST may queue one, and writes nothing else.
OWN_SCOPE_JOBS = {"reports:analysis_job"}
JOB_TABLES = ["core_taskrun", "procrastinate_events", "procrastinate_jobs"]


def test_every_url_of_the_project_has_arguments_in_the_world():
    assert url_names() == set(URL_ARGS)


def markers(world) -> set[str]:
    """Names and ID numbers of branch A's people: none may appear on a page branch B's secretary gets."""
    members = Member.objects.filter(
        Q(organization=world.branch_a)
        | Q(pk__in=ConversionCase.objects.filter(original_organization=world.branch_a).values("member"))
    )
    people = list(members.values_list("name", "id_number")) + list(
        Candidate.objects.filter(organization=world.branch_a).values_list("name", "id_number")
    )
    return {value for pair in people for value in pair}


def readable(response) -> str:
    """The response's text, whatever its type: HTML, CSV, the strings of an XLSX, a PDF's text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        return pdf_text(content)
    if "spreadsheet" in kind or content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


def leaked(response, secrets: set[str]) -> list[str]:
    text = readable(response)
    return sorted(s for s in secrets if s in text)


def form_data(response) -> dict:
    """What a user who can see the form would send: every field's initial value (the attacker copies it)."""
    data = {}
    for context in response.context or []:
        form = context.get("form") if hasattr(context, "get") else None
        if form is None or not hasattr(form, "fields"):
            continue
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


@pytest.mark.parametrize("name", sorted(set(URL_ARGS) - NOT_GUESSABLE))
def test_branch_b_secretary_guessing_branch_a_urls_gets_403_or_404_and_nothing_leaks_or_changes(world, name):
    secrets = markers(world)
    admin_client, intruder = Client(), Client()
    admin_client.force_login(world.admin)
    intruder.force_login(world.secretary_b)
    for kwargs in url_kwargs(world, name):
        url = reverse(name, kwargs=kwargs)
        names_a_record = bool(OBJECT_ARGS & kwargs.keys())

        response = intruder.get(url)
        if names_a_record:
            assert response.status_code in (403, 404, 405), (url, response.status_code)
        else:
            assert response.status_code < 500, (url, response.status_code)
        assert leaked(response, secrets) == [], url

        # The form as someone allowed to use it sees it, sent by the intruder.
        seen = admin_client.get(url)
        data = form_data(seen) if seen.status_code == 200 and "text/html" in seen["Content-Type"] else {}
        before = fingerprint()
        response = intruder.post(url, data)
        changed = changed_tables(before, fingerprint())
        assert changed == [] or (name in OWN_SCOPE_JOBS and set(changed) <= set(JOB_TABLES)), (url, changed)
        if names_a_record:
            assert response.status_code in (403, 404, 405), (url, response.status_code)
        else:
            assert response.status_code < 500, (url, response.status_code)
        if response.status_code == 200:
            assert leaked(response, secrets) == [], url


# --- admin ----------------------------------------------------------------------------------------------


def _request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# Not scoped by branch, on purpose: aid households belong to villages (their pairings with members are scoped).
UNSCOPED = {"members.AidHousehold"}
SECRETARY_ADMINS = sorted(
    model._meta.label
    for model in admin.site._registry
    if (
        model._meta.app_label in SECRETARY_APPS
        or (model._meta.app_label, model._meta.model_name) in SECRETARY_VIEW_MODELS
    )
    and model._meta.label not in UNSCOPED
)


@pytest.mark.parametrize("label", SECRETARY_ADMINS)
def test_branch_b_secretary_in_admin_cannot_open_branch_a_records(world, label):
    """Secretaries may be given admin access (是否为职员): the admin is scoped like the pages."""
    model = next(m for m in admin.site._registry if m._meta.label == label)
    model_admin = admin.site._registry[model]
    visible_to_a = model_admin.get_queryset(_request_as(world.secretary_a))
    visible_to_b = model_admin.get_queryset(_request_as(world.secretary_b))
    records = list(visible_to_a.exclude(pk__in=visible_to_b.values("pk"))[:3])
    assert records, f"{label}: the world has no record of branch A for this admin"
    for user in (world.secretary_a, world.secretary_b):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    secrets = markers(world)
    intruder = Client()
    intruder.force_login(world.secretary_b)
    info = (model._meta.app_label, model._meta.model_name)
    for record in records:
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[record.pk])
            before = fingerprint()
            get, post = intruder.get(url), intruder.post(url, {"post": "yes"})
            assert changed_tables(before, fingerprint()) == [], url
            for response in (get, post):
                # Django's admin answers a record outside the queryset with a redirect to the admin index.
                assert response.status_code in (302, 403, 404), (url, response.status_code)
                if response.status_code == 302:
                    assert response["Location"] in (reverse("admin:index"), "/admin/"), url
                assert leaked(response, secrets) == [], url
    changelist = intruder.get(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
    assert changelist.status_code in (200, 403)
    assert leaked(changelist, secrets) == []


def test_the_administrator_opens_the_history_of_a_record_of_every_admin_model(world):
    """simple-history's history page on a model without history (member status events) was a server error."""
    client = Client(raise_request_exception=True)
    client.force_login(world.admin)
    failures = {}
    for model, model_admin in admin.site._registry.items():
        record = model_admin.get_queryset(_request_as(world.admin)).first()
        if record is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[record.pk])
        if (status := client.get(url).status_code) not in (200, 302):  # 302: NumberSequence's own redirect
            failures[url] = status
    assert failures == {}
