"""Reminders that reach people: made from the apps' reminder sources, shown in the header, sent once.

Each app registers ``core.registry.ReminderSource`` objects from its ``AppConfig.ready()``; a source finds what
is due in one person's scope by calling the predicate's one home (the same queryset the 工作台 counts). The
round (the scheduled job ``core.reminders`` in ``core/tasks.py``) does two idempotent steps:

* ``collect(now)``: one ``Reminder`` per (person, kind, record, occasion) — the unique constraint keeps a second
  run, or a second worker, from making it again; a kind the person switched off is skipped;
* ``deliver(now)``: every reminder not yet handled is sent once — one email per person (Django's email backend,
  when ``REMINDER_EMAIL`` is on: SMTP configured, or the console in development) and one text message per person
  through the SMS adapter (``core/sms.py``) when one is configured — then marked handled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from core import sms
from core.access import Role, roles_of
from core.calendar_loading import next_year_awaits_notice
from core.exceptions import DomainError
from core.models import CenterProfile, Reminder, ReminderPreference
from core.people import person_name
from core.registry import Due, ReminderSource, reminder_kinds, reminder_sources

logger = logging.getLogger(__name__)


def day_text(day: date) -> str:
    """2026年12月1日, as the pages write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def subject_of(obj: Model) -> str:
    """The record a reminder is about, as stored: ``"<app>.<model>:<pk>"``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def email_enabled() -> bool:
    return bool(getattr(settings, "REMINDER_EMAIL", False))


# --- who gets what ---------------------------------------------------------------------------------------


def receives(user, source: ReminderSource) -> bool:
    """A source's roles, or every role but the auditors' (they read; nothing is theirs to do)."""
    roles = roles_of(user)
    if source.roles is None:
        return bool(roles - {Role.AUDITOR})
    return bool(roles & source.roles)


def recipients() -> QuerySet:
    """Active people with a role (a role group, or a superuser)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__isnull=False) | Q(is_superuser=True))
        .distinct()
        .select_related("staff_profile")
        .order_by("pk")
    )


def preferences_of(user) -> dict[str, ReminderPreference]:
    """The person's choice for each registered kind (a kind never chosen: the defaults, not saved)."""
    saved = {p.kind: p for p in ReminderPreference.objects.filter(user=user)}
    return {
        source.kind: saved.get(source.kind) or ReminderPreference(user=user, kind=source.kind)
        for source in reminder_kinds()
    }


def save_preferences(*, user, choices: dict[str, dict[str, bool]]) -> int:
    """Store ``{kind: {"enabled", "by_email", "by_sms"}}`` for ``user`` (the preferences page); how many."""
    unknown = set(choices) - set(reminder_sources)
    if unknown:
        raise DomainError("没有这种提醒：" + "、".join(sorted(unknown)))
    with transaction.atomic():
        for kind, chosen in choices.items():
            ReminderPreference.objects.update_or_create(
                user=user,
                kind=kind,
                defaults={
                    "enabled": bool(chosen.get("enabled")),
                    "by_email": bool(chosen.get("by_email")),
                    "by_sms": bool(chosen.get("by_sms")),
                },
            )
    return len(choices)


# --- the round -------------------------------------------------------------------------------------------


def collect(
    now: datetime | None = None, *, users: Iterable | None = None, kinds: Iterable[str] | None = None
) -> int:
    """Make the reminders due at ``now`` for every recipient (or ``users``), of every kind (or ``kinds``);
    the number made."""
    now = now or timezone.now()
    sources = [s for s in reminder_kinds() if kinds is None or s.kind in kinds]
    off = set(ReminderPreference.objects.filter(enabled=False).values_list("user_id", "kind"))
    rows = []
    for user in recipients() if users is None else users:
        for source in sources:
            if (user.pk, source.kind) in off or not receives(user, source):
                continue
            for due in source.find(user, now):
                rows.append(
                    Reminder(
                        user=user,
                        kind=source.kind,
                        subject=due.subject,
                        occasion=due.occasion,
                        text=due.text[:300],
                        url=due.url,
                        created_at=now,
                    )
                )
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Reminder.objects.count() - before


def deliver(now: datetime | None = None) -> tuple[int, int]:
    """Send every reminder not yet handled, once: (emails sent, text messages sent). One person at a time in
    a transaction of their own, their rows locked (a second worker skips them): a failure leaves that person's
    reminders to the next round and keeps what was sent to the others."""
    now = now or timezone.now()
    gateway = sms.adapter()
    emails = texts = 0
    user_ids = list(
        Reminder.objects.filter(delivered=False)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in user_ids:
        with transaction.atomic():
            pending = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(user_id=user_id, delivered=False)
                .select_related("user__staff_profile")
                .order_by("created_at", "pk")
            )
            if not pending:
                continue
            user = pending[0].user
            chosen = preferences_of(user)
            by_email = [r for r in pending if r.kind in chosen and chosen[r.kind].by_email]
            by_sms = [r for r in pending if r.kind in chosen and chosen[r.kind].by_sms]
            if by_email and email_enabled() and user.email:
                _email(user, by_email)
                Reminder.objects.filter(pk__in=[r.pk for r in by_email]).update(emailed_at=now)
                emails += 1
            phone = _phone(user)
            if by_sms and gateway is not None and phone:
                gateway.send(phone, _sms_text(by_sms))
                Reminder.objects.filter(pk__in=[r.pk for r in by_sms]).update(texted_at=now)
                texts += 1
            Reminder.objects.filter(pk__in=[r.pk for r in pending]).update(delivered=True)
    return emails, texts


def run_round(now: datetime | None = None, *, kinds: Iterable[str] | None = None) -> str:
    """The scheduled job: make what is due, send what is new; a Chinese summary."""
    now = now or timezone.now()
    made = collect(now, kinds=kinds)
    emails, texts = deliver(now)
    return f"新提醒{made}条；发送邮件{emails}封、短信{texts}条。"


def _center() -> str:
    return CenterProfile.current().name


def _link(url: str) -> str:
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if url else ""


def _email(user, reminders: list[Reminder]) -> None:
    lines = [f"{person_name(user)}：", "", f"您有{len(reminders)}条新提醒：", ""]
    for reminder in reminders:
        lines.append(f"· {reminder.text}")
        if reminder.url:
            lines.append(f"  {_link(reminder.url)}")
    lines += [
        "",
        f"全部提醒：{_link('/reminders/')}",
        "不想收到某类提醒，请在“提醒设置”中修改。",
        "",
        _center(),
    ]
    first = reminders[0].text if len(reminders) == 1 else f"{reminders[0].text}等{len(reminders)}条"
    send_mail(
        subject=f"【{_center()}】提醒：{first}"[:120],
        message="\n".join(lines),
        from_email=None,
        recipient_list=[user.email],
    )


def _sms_text(reminders: list[Reminder]) -> str:
    head = f"【{_center()}】"
    body = (
        reminders[0].text if len(reminders) == 1 else f"您有{len(reminders)}条新提醒，如：{reminders[0].text}"
    )
    text = head + body
    return text if len(text) <= sms.SMS_MAX_LENGTH else text[: sms.SMS_MAX_LENGTH - 1] + "…"


def _phone(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return (profile.phone or "").strip() if profile else ""


# --- the person's list -----------------------------------------------------------------------------------


def unread_count(user) -> int:
    """The header's count: loaded with the user by ``core.auth_backend.StaffBackend``, else counted here."""
    loaded = getattr(user, "unread_reminders", None)
    if loaded is not None:
        return loaded
    return Reminder.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of ``user``'s reminders (or all of them) read; how many changed."""
    mine = Reminder.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        mine = mine.filter(pk=pk)
    return mine.update(read_at=timezone.now())


# --- the foundation's own source -------------------------------------------------------------------------


def calendar_due(user, now: datetime) -> list[Due]:
    """R-SV-07: next year's holidays await the State Council's notice (``next_year_awaits_notice``)."""
    from django.urls import reverse

    today = timezone.localdate(now)
    year = next_year_awaits_notice(today)
    if year is None:
        return []
    return [
        Due(
            subject=f"core.calendaryear:{year}",
            occasion=date(year - 1, 11, 1),
            text=f"{year}年节假日安排尚未载入：国务院办公厅通知发布后，请在后台“已载入的节假日年份”中按通知导入。",
            url=reverse("admin:core_calendaryear_changelist"),
        )
    ]


CALENDAR = ReminderSource(
    kind="core.calendar",
    label="明年节假日安排尚未载入",
    find=calendar_due,
    roles=frozenset({Role.ADMIN}),
    order=900,
)


def demo(*, size: int, rng, stdout=None) -> str:
    """The demo town's reminders (``manage.py demo_data``, after every app's records): made, not sent — the
    worker or ``run_scheduled`` sends them. Idempotent, like the round itself."""
    made = collect()
    return f"提醒：新生成{made}条，共{Reminder.objects.count()}条（工作人员登录后页面顶部显示未读数）。"
