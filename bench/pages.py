"""The pages the benchmark times, who opens them, and the data they are opened on.

A page whose URL does not exist yet (its app has not landed) is skipped and reported as such, so the
benchmark runs on any state of the repository.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.urls import NoReverseMatch, reverse


@dataclass
class Page:
    key: str
    label: str
    user: str | None  # demo login, or None for a public page
    url: Callable[[dict], str]
    data: Callable[[dict], dict] | None = None  # POSTed when given (the public lookup is a form)


def _scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def context() -> dict:
    """Ids and search terms picked from the data: the busiest member, a common name, a real ID number."""
    from members.models import Member

    ctx: dict = {}
    ctx["floor_pk"] = Member.objects.order_by("pk").values_list("pk", flat=True)[Member.objects.count() // 2]
    ctx["member_pk"] = _scalar(
        "SELECT member_id FROM members_attendance GROUP BY member_id ORDER BY count(*) DESC, member_id LIMIT 1"
    )
    ctx["common_name"] = _scalar(
        "SELECT name FROM members_member GROUP BY name ORDER BY count(*) DESC, name LIMIT 1"
    )
    ctx["id_number"] = Member.objects.get(pk=ctx["floor_pk"]).id_number
    secretary = User.objects.select_related("staff_profile").get(username="secretary")
    ctx["secretary_org"] = secretary.staff_profile.organization_id
    for extra in EXTRA_CONTEXT:
        extra(ctx)
    return ctx


# Apps add the ids their pages need (a case with many ledger entries, …) here when they land.
EXTRA_CONTEXT: list[Callable[[dict], None]] = []


def _conversion_context(ctx: dict) -> None:
    """The conversion case with the most ledger entries (the issue asks for one with 200)."""
    row = _scalar_row(
        "SELECT case_id, count(*) FROM conversion_ledgerentry GROUP BY case_id ORDER BY count(*) DESC LIMIT 1"
    )
    if row:
        ctx["case_pk"], ctx["case_entries"] = row


def _scalar_row(sql: str):
    """One row, or None when the query's table does not exist yet."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()
    except DatabaseError:
        return None


def _services_context(ctx: dict) -> None:
    """A real receipt number and its phone's last four digits for the public lookup."""
    row = _scalar_row(
        "SELECT receipt_number, right(applicant_phone, 4) FROM services_matter WHERE applicant_phone <> '' "
        "ORDER BY id LIMIT 1"
    )
    if row:
        ctx["receipt_number"], ctx["phone_suffix"] = row


def _dues_context(ctx: dict) -> None:
    """The branch with the most active members, for the dues pages at their largest (issue 19)."""
    row = _scalar_row(
        "SELECT organization_id FROM members_member WHERE status IN ('probationary', 'full') "
        "GROUP BY organization_id ORDER BY count(*) DESC, organization_id LIMIT 1"
    )
    if row:
        ctx["big_branch"] = row[0]


EXTRA_CONTEXT += [_conversion_context, _services_context, _dues_context]


def _member_search_url(ctx: dict, term: str) -> str:
    """The staff member search when the workspace has it, else the admin changelist search."""
    try:
        return reverse("members:list") + "?q=" + term
    except NoReverseMatch:
        return reverse("admin:members_member_changelist") + "?q=" + term


PAGES: list[Page] = [
    Page("floor", "floor：一次主键查询", "clerk", lambda c: reverse("bench:floor", args=[c["floor_pk"]])),
    Page("dashboard_clerk", "工作台（中心工作人员）", "clerk", lambda c: reverse("core:dashboard")),
    Page("dashboard_secretary", "工作台（支部书记）", "secretary", lambda c: reverse("core:dashboard")),
    Page("search_name", "党员查询：姓名", "clerk", lambda c: _member_search_url(c, c["common_name"])),
    Page("search_id", "党员查询：身份证号", "clerk", lambda c: _member_search_url(c, c["id_number"])),
    Page(
        "member_page",
        "党员页面（含时间线）",
        "clerk",
        lambda c: reverse("members:detail", args=[c["member_pk"]]),
    ),
    Page(
        "admin_changelist",
        "后台党员列表：第一页",
        "admin",
        lambda c: reverse("admin:members_member_changelist"),
    ),
    Page(
        "admin_changelist_filtered",
        "后台党员列表：筛选（预备党员·村）",
        "admin",
        lambda c: (
            reverse("admin:members_member_changelist")
            + "?status__exact=probationary&organization__category__exact=village"
        ),
    ),
    Page("statistics", "统计分析", "clerk", lambda c: reverse("reports:statistics")),
    # The whole year (issue 21: any period the page offers, from kept tallies).
    Page(
        "statistics_year", "统计分析（全年）", "clerk", lambda c: reverse("reports:statistics") + "?part=year"
    ),
    Page(
        "branch_dues",
        "党费收缴（支部书记）",
        "secretary",
        lambda c: reverse("members:branch_dues", args=[c["secretary_org"]]),
    ),
    Page(
        "branch_dues_big",
        "党费收缴（最大的支部）",
        "clerk",
        lambda c: reverse("members:branch_dues", args=[c["big_branch"]]),
    ),
    Page(
        "branch_dues_bases",
        "核定党费基数（最大的支部）",
        "clerk",
        lambda c: reverse("members:branch_dues_bases", args=[c["big_branch"]]),
    ),
    Page("dues_six_months", "连续六个月未交党费", "clerk", lambda c: reverse("members:dues_six_months")),
    Page(
        "member_dues", "登记党费（党员）", "clerk", lambda c: reverse("members:dues", args=[c["member_pk"]])
    ),
    Page("case_list", "转化对象列表", "clerk", lambda c: reverse("conversion:case_list")),
    Page(
        "case_page",
        "转化对象页面（积分台账）",
        "clerk",
        lambda c: reverse("conversion:case_detail", args=[c["case_pk"]]),
    ),
    Page(
        "pipeline_board",
        "发展党员看板（支部）",
        "secretary",
        lambda c: reverse("recruitment:board"),
    ),
    Page("service_queue", "便民服务办理队列", "clerk", lambda c: reverse("services:queue")),
    Page(
        "public_lookup",
        "公开进度查询",
        None,
        lambda c: reverse("services:public_lookup"),
        data=lambda c: {"receipt_number": c["receipt_number"], "phone_suffix": c["phone_suffix"]},
    ),
]


def resolve(page: Page, ctx: dict) -> tuple[str, dict | None] | None:
    """The page's URL and POST data, or None when its app (or the data it needs) is not there yet."""
    try:
        return page.url(ctx), page.data(ctx) if page.data else None
    except (NoReverseMatch, KeyError):
        return None


def fetch(client, url: str, data: dict | None, n: int = 0):
    """One request; each from its own address, so per-IP rate limits (the public lookup) do not kick in."""
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    if data is None:
        return client.get(url, secure=True, REMOTE_ADDR=address)
    return client.post(url, data, secure=True, REMOTE_ADDR=address)


def user_for(page: Page):
    if page.user is None:
        return AnonymousUser()
    return User.objects.get(username=page.user)


def sign_in(client, user) -> None:
    """Log ``client`` in as ``user`` past two-factor sign-in (core.two_factor), as the verification page would
    with the demo authenticator (members.demo): otherwise a staff page answers with a redirect."""
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.two_factor import AUTHENTICATOR_NAME, requires_two_factor

    client.force_login(user)
    if not requires_two_factor(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    if settings.SESSION_COOKIE_NAME not in client.cookies:
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
