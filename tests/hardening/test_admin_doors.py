"""Every admin door asks the role's permission and the record's scope (issue 15).

The roles are given admin access (是否为职员, ``is_staff``) and then walk every admin URL of every registered
model — changelist (GET, and POST with every action), add, change, delete, history, a past version (simple-
history's revert form), import (check and confirm) and export — with GET and POST. The data posted is what
the administrator's own form for a record of branch A holds, so every foreign-key field carries branch A's keys.

* the auditor changes nothing anywhere (read-only by construction);
* the secretary of branch B changes nothing of branch A and creates nothing pointing at it.

The sweep is bounded: at most one record per model, one request per door.
"""

from __future__ import annotations

import re

import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from import_export.admin import ImportMixin

from tests.hardening.tables import changed_tables, fingerprint
from tests.hardening.test_url_guessing import leaked, markers

pytestmark = pytest.mark.django_db

# Viewing a full ID number is logged (core.audit): a read, not a write.
NOT_WRITES = ("core_idnumberview",)


class _Request:
    def __init__(self, user):
        self.user = user
        self.GET = {}
        self.POST = {}
        self.method = "GET"


def _staff_client(user) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def _bound_values(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def admin_form_data(response) -> dict:
    """What the administrator's add or change page would send back: the main form and every inline formset
    (with its management form), each field's current value — branch A's keys in the foreign keys."""
    context = response.context
    if response.status_code != 200 or context is None or "adminform" not in context:
        return {}
    data = _bound_values(context["adminform"].form)
    for inline in context.get("inline_admin_formsets") or []:
        formset = inline.formset
        data.update(_bound_values(formset.management_form))
        for form in formset.forms:
            data.update(_bound_values(form))
    return data


def _record_of_branch_a(world, model, model_admin):
    """A record the administrator sees that branch B's secretary does not (else any record)."""
    mine = model_admin.get_queryset(_Request(world.admin))
    theirs = model_admin.get_queryset(_Request(world.secretary_b)).values("pk")
    return mine.exclude(pk__in=theirs).order_by("pk").first() or mine.order_by("pk").first()


def _url(model, view, *args):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def _doors(world, admin_client, model, model_admin):
    """(method, url, data) for every door of one admin: data copied from the administrator's own pages."""
    record = _record_of_branch_a(world, model, model_admin)
    changelist = _url(model, "changelist")
    doors = [("get", changelist, {})]
    actions = model_admin.get_actions(_Request(world.admin))
    if record is not None:
        for action in actions:
            doors.append(
                ("post", changelist, {"action": action, "_selected_action": [record.pk], "post": "yes"})
            )
    add = _url(model, "add")
    seen = admin_client.get(add)
    doors += [("get", add, {}), ("post", add, admin_form_data(seen))]
    if record is not None:
        change = _url(model, "change", record.pk)
        seen = admin_client.get(change)
        data = admin_form_data(seen)
        # The record's own data (branch A's keys in its foreign keys) posted as a new record, and as itself.
        doors += [("post", add, data), ("get", change, {}), ("post", change, data)]
        doors += [
            ("get", _url(model, "delete", record.pk), {}),
            ("post", _url(model, "delete", record.pk), {"post": "yes"}),
        ]
        doors.append(("get", _url(model, "history", record.pk), {}))
        versions = getattr(record, "history", None)
        version = versions.order_by("history_id").first() if versions is not None else None
        if version is not None:
            past = _url(model, "simple_history", record.pk, version.history_id)
            doors += [("get", past, {}), ("post", past, data)]
    if isinstance(model_admin, ImportMixin):
        doors += [("get", _url(model, "import"), {}), ("get", _url(model, "export"), {})]
        doors.append(("post", _url(model, "export"), {"format": "0", "resource": "0"}))
    return [door for door in doors if door[1] is not None]


# Households in need belong to villages, not branches (their pairings with members are scoped): a secretary may
# enter one.
SHARED = {"members_aidhousehold", "members_historicalaidhousehold", "django_admin_log"}
# Not records: the session, login throttling, and the log of full ID numbers viewed (a read).
NOT_RECORDS = ("django_session", "axes_", "core_idnumberview")


def tuples_written() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table (PostgreSQL's own counters: one
    cheap query, so every request of the sweep is checked on its own)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {table: n for table, n in cursor.fetchall() if not table.startswith(NOT_RECORDS)}


@pytest.fixture(scope="module")
def doors(world, django_db_blocker):
    """Every door of every admin, with the administrator's data: built once for the module's sweeps."""
    with django_db_blocker.unblock():
        admin_client = Client()
        admin_client.force_login(world.admin)
        return [
            door
            for model, model_admin in admin.site._registry.items()
            for door in _doors(world, admin_client, model, model_admin)
        ]


def _sweep(world, doors, user, *, posts_only=False) -> dict[str, list[str]]:
    """Each door as ``user``: no 5xx, no write (rows counted per request), none of branch A's names or ID
    numbers on a page branch B's secretary gets."""
    client = _staff_client(user)
    secrets = markers(world) if user == world.secretary_b else set()
    problems: dict[str, list[str]] = {}
    for method, url, data in doors:
        if posts_only and method == "get":
            continue
        before = tuples_written()
        response = getattr(client, method)(url, data)
        door = f"{method.upper()} {url} {sorted(data)[:3]}"
        if response.status_code >= 500:
            problems[door] = [str(response.status_code)]
        if (
            secrets
            and response.status_code == 200
            and method == "get"
            and (found := leaked(response, secrets))
        ):
            problems[f"{door} leaks"] = found
        after = tuples_written()
        written = sorted(t for t in after if after[t] != before.get(t))
        if user == world.secretary_b:
            written = [t for t in written if t not in SHARED] if "/aidhousehold/" in url else written
        if written:
            problems[door] = written
    return problems


def test_an_auditor_with_admin_access_changes_nothing_through_any_admin_door(world, doors):
    """Auditors are read-only by construction: every admin URL and action posted (a GET writes nothing: the
    secretary's sweep below and test_hostile_forms open them)."""
    assert _sweep(world, doors, world.auditor, posts_only=True) == {}


def test_branch_b_secretary_with_admin_access_writes_nothing_of_branch_a_through_any_admin_door(world, doors):
    """Every add and change form posted with branch A's keys in its foreign-key fields is refused."""
    assert _sweep(world, doors, world.secretary_b) == {}


# --- import: check and confirm ----------------------------------------------------------------------------

HEADERS = ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "党员状态", "入党日期", "转正日期"]


def _member_file(rows):
    data = tablib.Dataset(*rows, headers=HEADERS)
    return SimpleUploadedFile("members.csv", data.export("csv").encode("utf-8-sig"))


def _row(member, organization):
    return [
        member.name, "男" if member.gender == "M" else "女", member.birth_date.isoformat(), member.id_number,
        organization.name, "正式党员", "2005-07-01", "2006-07-01",
    ]  # fmt: skip


def _check_import(client, rows, model="member"):
    return client.post(
        reverse(f"admin:members_{model}_import"),
        {"resource": "0", "format": "1", "import_file": _member_file(rows)},
    )


@pytest.mark.parametrize("persona", ["auditor", "secretary_b"])
def test_the_import_confirmation_is_refused_to_a_role_that_may_not_import(world, persona):
    """django-import-export lets any staff user import unless told otherwise: the confirmation posted by a
    role without the right (the auditor; a secretary confirming an organisation file) writes nothing."""
    admin_client = Client()
    admin_client.force_login(world.admin)
    checked = admin_client.post(
        reverse("admin:core_organization_import"),
        {
            "resource": "0",
            "format": "1",
            "import_file": SimpleUploadedFile(
                "o.csv",
                tablib.Dataset(["EAST", "东村新名", "党支部", world.town.name],
                               headers=["组织代码", "组织名称", "组织类型", "上级组织"]).export("csv").encode(),
            ),
        },
    )  # fmt: skip
    form = checked.context["confirm_form"]
    confirm = {name: form.initial[name] for name in form.fields if name in form.initial}
    client = _staff_client(getattr(world, persona))
    before = fingerprint(exclude=NOT_WRITES)
    assert client.get(reverse("admin:core_organization_import")).status_code == 403
    response = client.post(reverse("admin:core_organization_process_import"), confirm)
    assert response.status_code == 403
    assert changed_tables(before, fingerprint(exclude=NOT_WRITES)) == []


def test_a_member_import_row_keyed_on_another_branchs_member_reads_like_a_number_nobody_has(world):
    """The check never answers whether an ID number exists outside the importer's branches: a row for branch A's
    member and a row for a number nobody has get the same refusal, and nothing is written."""
    from core.idnumbers import make_id_number
    from members.models import Member

    client = _staff_client(world.secretary_b)
    elsewhere = world.member
    nobody = Member(
        name="无此人",
        gender="M",
        birth_date=elsewhere.birth_date,
        id_number=make_id_number("320102", elsewhere.birth_date, 991),
    )
    before = fingerprint(exclude=NOT_WRITES)
    answers = []
    for person in (elsewhere, nobody):
        response = _check_import(client, [_row(person, world.branch_b)])
        assert response.status_code == 200
        assert "confirm_form" not in (response.context or {})
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        answers.append(html.replace(person.name, "").replace(person.id_number, ""))
    assert changed_tables(before, fingerprint(exclude=NOT_WRITES)) == []
    assert answers[0] == answers[1]


# --- history revert --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["clerk", "secretary_a", "auditor"])
def test_reverting_a_member_to_a_past_version_is_not_a_door_R_MB_02(world, persona):
    """simple-history's revert form only asked for view permission: a status or address written back from the
    history, without a status event. Revert is off; a past version is read only."""
    from members.models import Member

    member = world.member
    version = member.history.order_by("history_id").first()
    Member.objects.filter(pk=member.pk).update(address="新地址")
    admin_client = Client()
    admin_client.force_login(world.admin)
    url = reverse("admin:members_member_simple_history", args=[member.pk, version.history_id])
    data = admin_form_data(admin_client.get(url))
    client = _staff_client(getattr(world, persona))
    before = fingerprint(exclude=NOT_WRITES)
    response = client.post(url, data)
    assert response.status_code in (403, 405)
    assert changed_tables(before, fingerprint(exclude=NOT_WRITES)) == []


# --- hostile parameters ----------------------------------------------------------------------------------

HOSTILE_PARAMS = [
    ("members_member_changelist", {"name__regex": "["}),
    ("members_member_changelist", {"birth_date__year": "10000000000"}),
    ("members_member_changelist", {"name__unaccent": "x"}),
    ("members_member_changelist", {"name__search": "x"}),
    ("members_member_changelist", {"name__trigram_similar": "x"}),
    ("members_duespayment_changelist", {"amount__gt": "1e999999"}),
    ("members_duespayment_changelist", {"amount__gt": "NaN"}),
    ("members_duespayment_changelist", {"month__year__gt": "99999999999"}),
    ("members_member_changelist", {"joined_on__gte": "99999-01-01"}),
    ("members_member_export", {"format": "9"}),
    ("members_member_export", {"format": "x"}),
]


@pytest.mark.parametrize(("name", "params"), HOSTILE_PARAMS)
def test_a_hostile_admin_parameter_is_a_400_404_or_ignored_never_a_server_error(world, name, params):
    client = Client()
    client.force_login(world.admin)
    url = reverse(f"admin:{name}")
    assert client.get(url, params).status_code in (200, 302, 400, 404)
    if name.endswith("export"):
        assert client.post(url, {**params, "resource": "0"}).status_code in (200, 302, 400, 404)


def test_a_history_page_of_a_key_that_is_no_number_is_a_404(world):
    client = Client()
    client.force_login(world.admin)
    for name in ("members_member_history", "members_duespayment_history", "core_organization_history"):
        assert client.get(reverse(f"admin:{name}", args=["abc"])).status_code == 404
    url = reverse("admin:members_member_simple_history", args=[world.member.pk, 1])
    assert client.get(url.replace("/1/", "/abc/")).status_code == 404
