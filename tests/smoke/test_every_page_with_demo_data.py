"""Every page of the demo town in every state, for every demo role: no error, no dead link, no silent blank.

The demo data touches every app and every state of every state machine, and the scheduled commands have run
over it (tests/smoke/conftest.py, as `make run` does), so this is where the apps meet: a page that breaks when
another app's data — or the system's own changes — are present, or a link that points nowhere, shows up here.
Templates render with ``string_if_invalid`` set to a marker, so a variable that failed to resolve (a typo, a
missing relation) fails the crawl instead of printing nothing.
"""

import re
from collections import deque

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from core import archive, pdf
from core.dates import local_today
from tests.hardening.tables import changed_tables, fingerprint
from tests.smoke.every_state import every_state_pages

pytestmark = pytest.mark.django_db

INVALID = "⟦无效模板变量:%s⟧"
SKIP = re.compile(r"^/(accounts/logout|static/|admin/)|\.xlsx(\?|$)")
PRINTED = re.compile(r"^/print/")
LINK = re.compile(r'href="(/[^"#]*)"')
# A rule ID is the code's name for a rule; users read the regulation (core.rules.cite).
RULE_ID = re.compile(r"R-[A-Z]{2}-\d{2}")
ROLES = ["admin", "clerk", "secretary", "auditor"]
# Pages of one shape (/members/12/, /members/13/ …) followed from links; documents: one per document type.
PER_SHAPE, PER_DOCUMENT = 2, 1


def _flagging_templates():
    """The project's template settings with a marker for every variable that fails to resolve."""
    templates = [dict(engine, OPTIONS=dict(engine.get("OPTIONS", {}))) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    return override_settings(TEMPLATES=templates)


class Printed:
    """The HTML every printed document was typeset from (the marker is looked for there, not in the PDF).

    Typesetting does not depend on who asks, so each document type is typeset once per session and later
    requests of that type (other roles) get those bytes back; the view, its access rules and its template run
    every time."""

    typeset: dict[str, bytes] = {}

    def __init__(self):
        self.html: list[str] = []
        self.shape = ""


@pytest.fixture
def printed(monkeypatch):
    record = Printed()
    typeset = pdf.html_to_pdf

    def recording(html, **kwargs):
        record.html.append(html)
        if record.shape not in Printed.typeset:
            Printed.typeset[record.shape] = typeset(html, **kwargs)
        return Printed.typeset[record.shape]

    monkeypatch.setattr(pdf, "html_to_pdf", recording)
    monkeypatch.setattr(archive, "html_to_pdf", recording)
    return record


def _visible(html: str) -> str:
    """The page without its HTML comments (a comment is for the developer reading the source)."""
    return re.sub(r"<!--.*?-->", "", html, flags=re.S)


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def _crawl(client: Client, seeds: list[str], printed: Printed, limit: int = 600) -> dict[str, object]:
    """Breadth first from the seeds (all visited), following links; returns url → status or failure."""
    seen: dict[str, object] = {}
    queue = deque((url, True) for url in seeds)
    per_shape: dict[str, int] = {}
    while queue and len(seen) < limit:
        url, seeded = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        shape = _shape(url)
        if not seeded and per_shape.get(shape, 0) >= (PER_DOCUMENT if PRINTED.search(url) else PER_SHAPE):
            continue
        per_shape[shape] = per_shape.get(shape, 0) + 1
        printed.html.clear()
        printed.shape = shape
        response = client.get(url)
        seen[url] = response.status_code
        content_type = response.get("Content-Type", "")
        if response.status_code != 200:
            continue
        html = response.content.decode() if "text/html" in content_type else "".join(printed.html)
        if "⟦无效模板变量" in html:
            seen[url] = sorted(set(re.findall(r"⟦无效模板变量:[^⟧]*⟧", html)))
        elif RULE_ID.search(_visible(html)):
            seen[url] = sorted(set(RULE_ID.findall(_visible(html))))
        if "text/html" in content_type:
            queue.extend((link.replace("&amp;", "&"), False) for link in LINK.findall(html))
    return seen


# Tables a GET may write without changing anything: the logs of who saw a full ID number (R-MB-04) or opened
# a scanned material (tests/hardening/tables.py leaves out the session, throttling and rate limits).
LOGS = ("core_idnumberview", "core_attachmentview")


def _addresses_of_started_work() -> list[str]:
    """What a GET used to start or build in the request: the export, the archive bundles, the quarterly
    analysis and the year's records. Their addresses are no links now (the buttons post); a bookmark still
    opens them, and that GET must queue nothing."""
    from members.models import Member
    from recruitment.models import Candidate

    year = local_today().year
    return [
        reverse("members:export"),
        reverse("members_print:member_archive", args=[Member.objects.order_by("pk").first().pk]),
        reverse("recruitment_print:candidate_archive", args=[Candidate.objects.order_by("pk").first().pk]),
        f"{reverse('reports:analysis_pdf')}?year={year}&part=q1",
        reverse("services:records_csv", args=[year]),
    ]


@pytest.mark.parametrize("username", ROLES)
def test_every_page_and_document_in_every_state_renders_for_each_demo_role(demo_site, printed, username):
    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(username=username))
    states = every_state_pages()
    bookmarks = _addresses_of_started_work()
    before = fingerprint(exclude=LOGS)
    # Every export a job's size (the rule for a big one): a GET that reached the export would queue a job.
    with _flagging_templates(), override_settings(JOB_ROWS_THRESHOLD=0):
        visited = _crawl(client, [reverse("core:dashboard"), *states, *bookmarks], printed)
    # A GET changes nothing: no job queued (core_taskrun, procrastinate_jobs), no record written.
    assert changed_tables(before, fingerprint(exclude=LOGS)) == []
    assert all(url in visited for url in bookmarks)
    assert len(visited) > 60, visited
    assert any(PRINTED.search(url) for url in visited), "no printed document was reached"
    errors = {url: code for url, code in visited.items() if isinstance(code, int) and code >= 500}
    assert errors == {}
    silent = {url: markers for url, markers in visited.items() if isinstance(markers, list)}
    assert silent == {}  # neither an unresolved variable nor a rule ID where the regulation should stand
    # Every link a page shows is one the user may follow: no 403/404 behind a visible link. (A branch
    # secretary may be refused another branch's record when it was not reached through a link.)
    out_of_scope = {*states, *bookmarks} if username == "secretary" else set(bookmarks)
    refused = {url: code for url, code in visited.items() if code in (403, 404) and url not in out_of_scope}
    assert refused == {}


def test_every_admin_changelist_and_add_page_renders_for_the_town_administrator(demo_site):
    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(username="admin"))
    failures = {}
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse(f"admin:{info[0]}_{info[1]}_changelist")]
        if model_admin.has_add_permission(_request_for(client)):
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_add"))
        first = model_admin.get_queryset(_request_for(client)).first()
        if first is not None:
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_change", args=[first.pk]))
        for url in urls:
            code = client.get(url).status_code
            if code != 200:
                failures[url] = code
    assert failures == {}


def _request_for(client: Client):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=client.session["_auth_user_id"])
    return request


def test_the_crawl_marker_shows_a_variable_that_failed_to_resolve():
    from django.template import engines

    with _flagging_templates():
        html = engines["django"].from_string("{{ matter.handler.name }}").render({"matter": None})
    assert html == INVALID % "matter.handler.name"


def test_what_the_scheduled_commands_did_shows_as_the_system_on_the_matter_and_case_pages(demo_site):
    """R-SV-10, R-CV-11: the overdue marking and the closing of an ended transition have no user; the pages
    name 系统（自动） and do not fail (they answered 500 before)."""
    from conversion.models import ConversionCase
    from core.people import SYSTEM_ACTOR
    from services.models import Matter

    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(username="clerk"))
    marked = Matter.objects.filter(changes__action="overdue", changes__by=None).first()
    closed = ConversionCase.objects.filter(state="closed", state_changes__by=None).first()
    assert marked is not None and closed is not None
    for url in (
        reverse("services:matter", args=[marked.pk]),
        reverse("conversion:case_detail", args=[closed.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert SYSTEM_ACTOR in response.content.decode()
