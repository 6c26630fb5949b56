"""The admin in Chinese (issue 18, point 2): every admin page the administrator opens, in the demo town, has
none of the English the third-party apps and Django left in it; permissions are named in Chinese; an export is
named after its model and the day in Beijing, its sheet too.

The English below is what the pages showed before (django-axes, django-otp, import-export, simple-history,
Django's newer admin strings, raw codes of our own models). Data is not checked: user names, a browser's
identification, the name of the calendar package.
"""

import io
import re
from datetime import datetime
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from core.dates import SHANGHAI
from core.localization import rename_permissions
from tests.clock import frozen_at

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Status",
    "Expiration",
    "Access attempt",
    "Access Attempt",
    "Access failure",
    "Access log",
    "Access Log for",
    "Attempted Access",
    "Failed access",
    "Locked Out",
    "Locked out",
    "Attempt Remaining",
    "Attempt Time",
    "Failed Logins",
    "Not set",
    "Clean up expired",
    "User Agent",
    "IP Address",
    "Expires At",
    "Logout Time",
    "Form Data",
    "Meta Data",
    "GET Data",
    "POST Data",
    "Session key",
    "Axes",
    "Otp",
    "Totp",
    "Static device",
    "static device",
    "Static token",
    "TOTP device",
    "QR Code",
    "qrcode",
    "Identity",
    "Timestamps",
    "Configuration",
    "Throttling",
    "Created at",
    "Last used at",
    "Confirmed",
    "Search by user",
    "The user that this device",
    "Procrastinate",
    "procrastinate",
    "Select all",
    "Id Number",
    "Short Name",
    "Tablib",
    "Resource",
    "historical",
    "Historical",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Changes",
    "Model name",
    "Add link",
    "Change or view list link",
    ">None<",
    "Pk",
    ">Matter<",
    "floating_certificate",
    "center_document",
    "introduction_letter",
    "application_form",
    "service_matter",
    "→active",
    "→accepted",
    "→registered",
    " register ",
]


def _visible(html: str) -> str:
    """What a reader sees or hears: the text and the labels, not the markup or the scripts."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>|<!--.*?-->", " ", html, flags=re.S)
    labels = " ".join(re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', html))
    return re.sub(r"<(?!/?(?:td|th|div)\b)[^>]+>", " ", html) + " " + labels


def _admin_pages(user: User) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"admin:{info}_changelist"), reverse("admin:app_list", args=[model._meta.app_label])]
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{info}_add"))
        first = model_admin.get_queryset(request).first()
        if first is not None:
            urls += [
                reverse(f"admin:{info}_change", args=[first.pk]),
                reverse(f"admin:{info}_history", args=[first.pk]),
            ]
        for extra in ("import", "export"):
            try:
                urls.append(reverse(f"admin:{info}_{extra}"))
            except NoReverseMatch:
                pass
    return list(dict.fromkeys(urls))


def _lockouts() -> None:
    """django-axes' records as a morning after a forgotten password leaves them: one try left, one locked."""
    from axes.models import AccessAttempt, AccessFailureLog
    from django.conf import settings

    common = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "10.0.0.8",
        "http_accept": "*/*",
        "path_info": "/login/",
    }
    AccessAttempt.objects.create(
        username="clerk", failures_since_start=1, get_data="", post_data="", **common
    )
    AccessAttempt.objects.create(
        username="auditor",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        **common,
    )
    AccessFailureLog.objects.create(username="auditor", locked_out=True, **common)


def test_every_admin_page_the_administrator_opens_is_in_chinese(demo_site):
    _lockouts()
    client = Client(raise_request_exception=True)
    administrator = User.objects.get(username="admin")
    client.force_login(administrator)
    found = {}
    pages = _admin_pages(administrator)
    assert len(pages) > 100
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _visible(response.content.decode())
        english = [word for word in ENGLISH if word in text]
        assert "次剩余尝试机会" in text or url != reverse("admin:axes_accessattempt_changelist")
        if english:
            found[url] = english
    assert found == {}


def test_permissions_are_named_in_chinese_after_migrate(demo_site):
    assert not Permission.objects.filter(name__startswith="Can ").exists()
    named = Permission.objects.get(codename="add_member").name
    assert named == "可以添加 党员"
    assert Permission.objects.get(codename="view_accessattempt").name == "可以查看 登录尝试"
    assert Permission.objects.get(codename="view_historicalmember").name == "可以查看 党员（历史记录）"
    assert "（历史记录）" in Permission.objects.get(codename="view_historicalbranchmeeting_present").name
    Permission.objects.filter(codename="add_member").update(name="Can add member")
    assert rename_permissions() == 1
    assert Permission.objects.get(codename="add_member").name == "可以添加 党员"


def test_an_export_is_named_after_its_model_and_the_day_in_beijing_and_so_is_its_sheet(demo_site):
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    # 1 December 2026, 07:30 in Beijing is still 30 November in UTC.
    with frozen_at(datetime(2026, 12, 1, 7, 30, tzinfo=SHANGHAI)):
        response = client.post(
            reverse("admin:members_member_export"),
            {"format": "0", "resource": "0", "memberresource_name": "on", "memberresource_id_number": "on"},
        )
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == "党员-2026年12月1日.xlsx"
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert book.sheetnames == ["党员"]


def test_the_export_form_ticks_columns_by_their_chinese_headers(demo_site):
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    html = client.get(reverse("admin:members_member_export")).content.decode()
    assert "全选" in html and "Select all" not in html
    assert "公民身份号码" in html
    assert "Id Number" not in html
