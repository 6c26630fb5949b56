"""Every page reachable from the 工作台, for every demo role, renders without a server error.

The demo data touches every app, so this is where the apps meet: a page that breaks when another app's data
is present, or a link that points nowhere, shows up here.
"""

import re
from collections import deque
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Printed documents have their own tests; here they would only slow the crawl down.
SKIP = re.compile(r"^/(print/|accounts/logout|static/|admin/)|\.(pdf|xlsx)(\?|$)|/export")
LINK = re.compile(r'href="(/[^"#]*)"')
ROLES = ["admin", "clerk", "secretary", "auditor"]


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo town, generated once for this module (as `make run` does, at a small size)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("demo_data", "--members", "120", stdout=StringIO())
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _crawl(client: Client, start: str, limit: int = 120) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    per_pattern: dict[str, int] = {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        # Visit at most three pages of the same shape (/members/12/, /members/13/ …).
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if per_pattern.get(shape, 0) >= 3:
            continue
        per_pattern[shape] = per_pattern.get(shape, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue.extend(LINK.findall(response.content.decode()))
    return seen


@pytest.mark.parametrize("username", ROLES)
def test_every_page_reachable_from_the_dashboard_renders_for_each_demo_role(demo_site, username):
    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(username=username))
    visited = _crawl(client, reverse("core:dashboard"))
    assert len(visited) > 15, visited
    errors = {url: code for url, code in visited.items() if code >= 500}
    assert errors == {}
    # Every link a page shows is one the user may follow: no 403/404 behind a visible link.
    refused = {url: code for url, code in visited.items() if code in (403, 404)}
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
