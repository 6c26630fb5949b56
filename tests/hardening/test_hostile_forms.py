"""Hostile input into every staff form of every app: no server error, and a refused form writes nothing.

Each URL of the URLconf (tests/factories/world.py gives its record) is opened by the administrator, and
every form on the page — formsets and their management forms included — is posted with plausible values in
all fields but the ones under attack: NUL bytes (PostgreSQL refuses them in text) or text far over any limit
or emoji in the text fields; numbers out of every range (and guessed primary keys) in the number and choice
fields; impossible and extreme dates in the date fields; and once NUL in every field at once. Query strings,
the public lookup, the login form and the admin's search get the same treatment.

A response that refuses (form errors, an error message, 4xx) must leave every table as it was; text with
NUL or over its limit must never be written.
"""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.contrib import admin, messages
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import services.forms
import services.views
from tests.factories.world import URL_ARGS, url_kwargs
from tests.hardening.tables import changed_tables, fingerprint

pytestmark = pytest.mark.django_db

# Viewing a full ID number is logged (core.audit): that is a read, not a write of the form.
NOT_WRITES = ("core_idnumberview",)
# Not staff forms: the visitor's own session and password, the health check.
# The visitor's own session (sign-in, two-factor, password): their own tests.
NOT_STAFF_FORMS = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "core:two_factor_verify",
    "core:two_factor_enrol",
    "core:two_factor_recovery",
    "core:health",
}

TEXT, NUMBER, DATE = "text", "number", "date"
# kind → (value, the fields that get it); every other field keeps a plausible value (``_plausible``), so that
# the hostile value — not a missing field — is what the form and the operation behind it must deal with.
HOSTILE = {
    "nul": ("正常\x00文本", TEXT),
    "overlong": ("长" * 10_001, TEXT),
    "emoji": ("👍🏻党员𠀋\u200d\U0001f9d1\u200d\U0001f91d", TEXT),
    "huge_number": ("99999999999999999999999999", NUMBER),
    "negative_number": ("-2147483649", NUMBER),
    "not_a_number": ("NaN", NUMBER),
    "impossible_date": ("2026-02-30", DATE),
    "far_date": ("9999-12-31", DATE),
    "ancient_date": ("0001-01-01", DATE),
}
# Never written, whatever else is posted.
ALWAYS_REFUSED_IN_TEXT = {"nul", "overlong", "nul_everywhere"}

# Views that only take POSTs: the matter actions read the forms of services.forms; closing an appointment
# reads "done", archiving a year and the 后台任务 buttons (run now, retry) read nothing.
POST_ONLY_INPUTS = {
    "services:appointment_close": ["done"],
    "services:records_archive": [],
    "core:task_run_now": [],
    "core:task_retry": [],
    "core:reminders_read": [],
    "core:reminder_read": [],
    # the buttons that queue a background job: no form (the period of the analysis is its query string)
    "members_print:member_archive_job": [],
    "recruitment_print:candidate_archive_job": [],
    "reports:analysis_job": [],
    "services:records_job": [],
}


def _inline_takes_input(inline) -> bool:
    return getattr(inline, "has_change_permission", True) or getattr(inline, "has_add_permission", True)


def _forms_in(response) -> list[forms.BaseForm]:
    contexts = response.context
    if contexts is None:
        return []
    found = []
    for context in contexts if isinstance(contexts, list) else [contexts]:
        values = list(context.flatten().values())
        for value in list(values):  # the admin wraps its form and inline formsets
            if isinstance(value, list):  # a view-only inline (no add or change) ignores what is posted to it
                values += [getattr(v, "formset", None) for v in value if _inline_takes_input(v)]
            values.append(getattr(value, "form", None))
        for value in values:
            if isinstance(value, BaseFormSet):
                found += [value.management_form, *value.forms]
            elif isinstance(value, forms.BaseForm):
                found.append(value)
    return list({id(f): f for f in found}.values())


def _post_only_forms(name: str, kwargs: dict) -> list[forms.BaseForm]:
    """The forms a POST-only view reads: for a matter action, the form its MATTER_ACTIONS entry names."""
    if name in POST_ONLY_INPUTS:
        return []
    assert name == "services:matter_action", f"{name}: a POST-only view without known inputs"
    cls = services.views.MATTER_ACTIONS[kwargs["action"]].form
    return [cls(materials=()) if cls is services.forms.SupplementForm else cls()]


def _kind_of(field: forms.Field) -> str | None:
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return DATE
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField | forms.ChoiceField):
        return NUMBER  # choices too: a guessed, out-of-range primary key
    if isinstance(field, forms.CharField):
        return TEXT
    return None


def _multiple(field: forms.Field) -> bool:
    return isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)


def _plausible(bound) -> str | list[str] | None:
    """A value the field accepts: its initial value, else the first choice, a date, 1 or some text."""
    field, initial = bound.field, bound.value()
    if _multiple(field):
        return (
            [str(v) for v in initial] if initial else [str(v) for v, _ in list(field.choices)[:1] if v != ""]
        )
    if initial not in (None, "", []):
        return [str(v) for v in initial] if isinstance(initial, list | tuple) else str(initial)
    if isinstance(field, forms.BooleanField):
        return None
    if isinstance(field, forms.ChoiceField):
        return next((str(v) for v, _ in field.choices if str(v) != ""), "")
    return {DATE: "2026-11-02", NUMBER: "1", TEXT: "测试"}.get(_kind_of(field), "1")


def _fields(found: list[forms.BaseForm]):
    for form in found:
        for bound in form:
            if not isinstance(bound.field, forms.FileField):
                yield bound


def _hostile_data(found: list[forms.BaseForm], kind: str) -> dict:
    value, target = HOSTILE[kind]
    data = {}
    for bound in _fields(found):
        if _kind_of(bound.field) == target and not bound.field.disabled:
            data[bound.html_name] = [value] if _multiple(bound.field) else value
        elif (plausible := _plausible(bound)) is not None:
            data[bound.html_name] = plausible
    return data


def _refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code == 200 and any(f.is_bound and f.errors for f in _forms_in(response)):
        return True
    added = getattr(response.wsgi_request, "_messages", None)  # the messages of this request only
    return any(m.level >= messages.ERROR for m in getattr(added, "_queued_messages", []))


def _has_text_field(found: list[forms.BaseForm]) -> bool:
    return any(_kind_of(b.field) == TEXT and not b.field.disabled for b in _fields(found))


def _client(user) -> Client:
    client = Client(raise_request_exception=True)  # a server error fails the test with its traceback
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", sorted(set(URL_ARGS) - NOT_STAFF_FORMS))
def test_hostile_values_in_every_field_of_every_form_never_error_and_a_refusal_writes_nothing(world, name):
    client = _client(world.admin)
    for kwargs in url_kwargs(world, name):
        url = reverse(name, kwargs=kwargs)
        page = client.get(url)
        if page.status_code == 405:
            found = _post_only_forms(name, kwargs)
        elif page.status_code == 200 and "text/html" in page["Content-Type"]:
            found = _forms_in(page)
        else:
            continue  # a file or a redirect: no form to fill (query strings are swept below)
        attacks = [("nul_everywhere", {b.html_name: "\x00" for b in _fields(found)})]
        attacks += [(kind, _hostile_data(found, kind)) for kind in HOSTILE]
        for kind, data in attacks:
            data |= dict.fromkeys(POST_ONLY_INPUTS.get(name, []), HOSTILE.get(kind, ("\x00",))[0])
            before = fingerprint(exclude=NOT_WRITES)
            response = client.post(url, data)
            assert response.status_code < 500, (url, kind)
            written = changed_tables(before, fingerprint(exclude=NOT_WRITES))
            if _refused(response):
                assert written == [], f"{url} {kind}: refused, yet wrote {written}"
            elif written and kind in ALWAYS_REFUSED_IN_TEXT and _has_text_field(found):
                pytest.fail(f"{url} {kind}: text with NUL or over its limit accepted, wrote {written}")


QUERY_PARAMS = ["q", "page", "organization", "year", "part", "state", "kind", "flag", "stage", "month",
                "member", "candidate", "user", "sort", "o", "p", "e", "branch", "quarter", "on"]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_query_strings_on_every_page_never_error(world, kind):
    client = _client(world.admin)
    value = HOSTILE[kind][0][:2000]
    for name in sorted(n for n in URL_ARGS if n != "logout" and "_print:" not in n):  # PDFs take no query
        for kwargs in url_kwargs(world, name):
            url = reverse(name, kwargs=kwargs)
            response = client.get(url, dict.fromkeys(QUERY_PARAMS, value))
            assert response.status_code < 500, (url, kind)


# --- the public lookup, the login form, the admin's search and filters ----------------------------------


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_values_in_the_public_lookup_never_error(world, kind):
    client = Client(raise_request_exception=True)
    value = HOSTILE[kind][0]
    response = client.post(
        reverse("services:public_lookup"), {"receipt_number": value, "phone_suffix": value}
    )
    assert response.status_code in (200, 429)


@pytest.mark.parametrize("kind", ["nul", "overlong", "emoji"])
def test_hostile_values_in_the_login_form_are_refused_without_an_error(world, kind):
    client = Client(raise_request_exception=True)
    value = HOSTILE[kind][0]
    response = client.post(reverse("login"), {"username": value, "password": value})
    assert response.status_code in (200, 403, 429)
    assert "_auth_user_id" not in client.session


def test_admin_search_and_filters_with_hostile_values_never_error(world):
    client = _client(world.admin)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for kind in ("nul", "overlong", "huge_number", "impossible_date"):
            value = HOSTILE[kind][0][:2000]
            for params in ({"q": value}, {"p": value}, {"o": value}, {"organization__id__exact": value}):
                response = client.get(url, params)
                assert response.status_code < 500, (url, kind, params)


# --- hypothesis: arbitrary text, numbers and dates into the forms clerks use most -------------------------

fuzz = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)
any_number = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)).map(str)
any_date = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat), any_text
)


@fuzz
@given(text=any_text, number=any_number, day=any_date)
def test_arbitrary_input_into_the_busiest_staff_forms_never_errors_or_writes_half(world, text, number, day):
    client = _client(world.clerk)
    urls = [
        reverse("services:intake"),
        reverse("members:meeting_create"),
        reverse("recruitment:candidate_create"),
        reverse("members:dues", args=[world.member.pk]),
        reverse("conversion:task_add", args=[world.case.pk]),
        reverse("recruitment:record_add", args=[world.candidate.pk, "talk"]),
    ]
    typed = {TEXT: text, NUMBER: number, DATE: day}
    for url in urls:
        found = _forms_in(client.get(url))
        data = {}
        for bound in _fields(found):
            kind = _kind_of(bound.field)
            if kind in (TEXT, DATE) or (kind == NUMBER and not isinstance(bound.field, forms.ChoiceField)):
                data[bound.html_name] = typed[kind]
            elif (plausible := _plausible(bound)) is not None:
                data[bound.html_name] = plausible
        before = fingerprint(exclude=NOT_WRITES)
        response = client.post(url, data)
        assert response.status_code < 500
        if _refused(response):
            assert changed_tables(before, fingerprint(exclude=NOT_WRITES)) == [], url


def _admin_form_urls(world) -> list[str]:
    urls = []
    request = type("R", (), {"user": world.admin})()
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{info}_add"))
        record = model_admin.get_queryset(request).first()
        if record is not None and model_admin.has_change_permission(request, record):
            urls.append(reverse(f"{info}_change", args=[record.pk]))
    return urls


@pytest.mark.parametrize("kind", ["nul_everywhere", "nul", "overlong", "huge_number", "far_date"])
def test_hostile_values_in_every_admin_form_never_error_and_a_refusal_writes_nothing(world, kind):
    client = _client(world.admin)
    for url in _admin_form_urls(world):
        found = _forms_in(client.get(url))
        assert found, f"{url}: no form found on the admin page"
        if kind == "nul_everywhere":
            data = {b.html_name: "\x00" for b in _fields(found)}
        else:
            data = _hostile_data(found, kind)
        # A JSON field gets a JSON string holding the value (jsonb refuses \u0000 too).
        for bound in _fields(found):
            if isinstance(bound.field, forms.JSONField):
                data[bound.html_name] = '["\\u0000"]' if kind.startswith("nul") else "[1e999999]"
        before = fingerprint(exclude=(*NOT_WRITES, "django_admin_log"))
        response = client.post(url, data)
        assert response.status_code < 500, (url, kind)
        written = changed_tables(before, fingerprint(exclude=(*NOT_WRITES, "django_admin_log")))
        if _refused(response):
            assert written == [], f"{url} {kind}: refused, yet wrote {written}"
        elif written and kind in ALWAYS_REFUSED_IN_TEXT and _has_text_field(found):
            pytest.fail(f"{url} {kind}: text with NUL or over its limit accepted, wrote {written}")
