"""Who changed what and when (simple-history), and who looked at a full ID number (R-MB-04).

Reads for the auditor's pages (core/audit_views.py) and the one write: ``log_id_number_view`` (the number of
a member, of a recruitment candidate: of any model registered with core.registry.register_id_number_holder).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from core.access import sees_full_id_numbers
from core.idnumbers import mask_id_number, mask_phone
from core.login_throttle import client_ip
from core.models import IdNumberView
from core.people import person_name
from core.registry import IdNumberHolder, id_number_holder

# Fields shown masked on the history pages to users who do not work with full numbers (R-MB-04).
MASKED_FIELDS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number, "phone": mask_phone}

# The columns of a viewing that are the same for every person of a list (log_id_number_views).
_LOGGED_FIELDS = ("viewed_by", "subject_type", "viewed_at", "ip_address", "path")
_NOT_DIALLED = re.compile(r"[^0-9+]")  # what a phone's tel: link leaves out of the number typed

CHANGE_KINDS = {"+": "新建", "~": "修改", "-": "删除"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    user: str
    kind: str
    record: str
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)


def _key(person) -> tuple[str, object]:
    return (person._meta.label_lower, person.pk)


def _holder(model) -> IdNumberHolder:
    holder = id_number_holder(model)
    if holder is None:
        raise ValueError(f"{model._meta.label} is not a registered ID-number holder (core.registry)")
    return holder


def log_id_number_view(*, user, person, request: HttpRequest | None = None) -> IdNumberView:
    """Record that ``user`` was shown the full ID number of ``person`` — a member, a recruitment candidate
    who is not (yet) a member: a record of a registered ID-number holder (R-MB-04). Call it once per page
    shown."""
    _holder(person)
    return IdNumberView.objects.create(
        viewed_by=user,
        subject=person,
        ip_address=client_ip(request) if request is not None else None,
        path=request.get_full_path()[:200] if request is not None else "",
    )


def log_id_number_views(*, user, model, ids, request: HttpRequest | None = None) -> int:
    """Record one viewing per person of ``model`` in one INSERT (R-MB-04): a list page, an export file (one
    row per member in the file). The people are marked on ``request`` so the ``{% id_number %}`` tag does not
    log them again on the same page. Returns how many rows were written.

    The ids go to the database as one array (``INSERT … SELECT … FROM unnest``): one statement whatever their
    number, and no model built per row — that cost 0.1 ms a row, a list page's largest cost per row (issue 21)."""
    _holder(model)
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    connection = connections[router.db_for_write(IdNumberView)]
    fields = [cast(Field, IdNumberView._meta.get_field(name)) for name in _LOGGED_FIELDS]
    subject = cast(Field, IdNumberView._meta.get_field("subject_id"))
    values = [
        user.pk,
        ContentType.objects.get_for_model(model).pk,
        timezone.now(),
        client_ip(request) if request is not None else None,
        request.get_full_path()[:200] if request is not None else "",
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(cast(str, f.column)) for f in [*fields, subject])
    same = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(IdNumberView._meta.db_table)} ({columns}) "
            f"SELECT {same}, subject FROM unnest(%s::{subject.cast_db_type(connection)}[]) AS subject",
            [f.get_db_prep_save(value, connection) for f, value in zip(fields, values, strict=True)] + [ids],
        )
    if request is not None:
        _logged_on(request).update((model._meta.label_lower, pk) for pk in ids)
    return len(ids)


def _logged_on(request: HttpRequest) -> set:
    holder: Any = request  # the set lives as long as the request
    if not hasattr(holder, "_id_number_views_logged"):
        holder._id_number_views_logged = set()
    return holder._id_number_views_logged


def id_number_for_display(*, user, person, request: HttpRequest | None = None) -> str:
    """The ID number of ``person`` (a member, a candidate) as ``user`` may see it: full (and logged, once per
    person per page) for admins and clerks, masked otherwise (R-MB-04)."""
    if not sees_full_id_numbers(user):
        return mask_id_number(person.id_number)
    if request is None:
        log_id_number_view(user=user, person=person)
    elif _key(person) not in _logged_on(request):
        log_id_number_view(user=user, person=person, request=request)
        _logged_on(request).add(_key(person))
    return person.id_number


def id_numbers_for_display(*, user, model, people, request: HttpRequest | None = None) -> list[str]:
    """``id_number_for_display`` for a list's rows: ``people`` are (pk, ID number) pairs of ``model``; the numbers
    as ``user`` may see them, in order. The full ones are logged in one INSERT (R-MB-04): each person once per
    page, as the ``{% id_number %}`` tag would."""
    people = list(people)
    if not sees_full_id_numbers(user):
        return [mask_id_number(number) for _pk, number in people]
    label = model._meta.label_lower
    logged = _logged_on(request) if request is not None else set()
    log_id_number_views(
        user=user,
        model=model,
        ids=[pk for pk, _number in people if (label, pk) not in logged],
        request=request,
    )
    return [number for _pk, number in people]


def phone_for_display(*, user, number: str) -> str:
    """A phone as ``user`` may see it (R-MB-04 data, issue 15): in full as a tap-to-call link (``tel:``, issue 18)
    for the roles that work with full numbers, else masked (139****1111) as plain text."""
    number = number or ""
    if not sees_full_id_numbers(user):
        return mask_phone(number)
    dial = _NOT_DIALLED.sub("", number)
    if not dial:
        return number
    return format_html('<a href="tel:{}" class="tel">{}</a>', dial, number)


def log_full_id_number_shown(*, request: HttpRequest, person) -> bool:
    """For a page or file that shows the person's number in full exactly when the user sees full numbers
    (a PDF, the history page, the admin form): log it for those users. Returns whether it was logged."""
    if not sees_full_id_numbers(request.user):
        return False
    if _key(person) in _logged_on(request):
        return False
    log_id_number_view(user=request.user, person=person, request=request)
    _logged_on(request).add(_key(person))
    return True


def tracked_models() -> list[type[Model]]:
    """Every model with simple-history, sorted by its Chinese name."""
    found = [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]
    return sorted(found, key=lambda m: (m._meta.app_label, str(m._meta.verbose_name)))


def model_label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def tracked_model(label: str) -> type[Model] | None:
    """The tracked model named ``app_label.model_name``, or None (unknown, or without history)."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if hasattr(model._meta, "simple_history_manager_attribute") else None


def history_of(model: type[Model]):
    meta: Any = model._meta  # simple-history adds the attribute
    return getattr(model, meta.simple_history_manager_attribute)


def parse_pk(model: type[Model], raw: str):
    """The primary key value from a URL, or None when it cannot be one."""
    try:
        return model._meta.pk.to_python(raw)
    except ValidationError:
        return None


def record_history(model: type[Model], pk, *, viewer) -> list[HistoryEntry]:
    """Every historical version of one record, newest first, each with the fields it changed."""
    versions = list(
        history_of(model)
        .filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    # The fields the history keeps (a column the database keeps for itself, e.g. Candidate.activist_since, is
    # excluded from it and has no past to show).
    tracked = {f.attname for f in history_of(model).model._meta.concrete_fields}
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname in tracked]
    entries, previous = [], None
    for version in versions:
        changes = []
        for f in fields:
            old: Any = getattr(previous, f.attname) if previous is not None else None
            new = getattr(version, f.attname)
            if previous is None and new in (None, ""):
                continue
            if previous is not None and old == new:
                continue
            changes.append(FieldChange(str(f.verbose_name), _shown(f, old, viewer), _shown(f, new, viewer)))
        entries.append(_entry(model, version, changes))
        previous = version
    return entries[::-1]


def recent_changes(model: type[Model], *, viewer, limit: int = 100) -> list[HistoryEntry]:
    """The latest changes of any record of ``model`` (without field details)."""
    versions = history_of(model).select_related("history_user").order_by("-history_date", "-history_id")
    return [_entry(model, v, []) for v in versions[:limit]]


def _entry(model: type[Model], version, changes: list[FieldChange]) -> HistoryEntry:
    return HistoryEntry(
        when=version.history_date,
        user=_user_name(version.history_user),
        kind=CHANGE_KINDS.get(version.history_type, version.history_type),
        record=str(getattr(version, model._meta.pk.attname)),
        reason=version.history_change_reason or "",
        changes=changes,
    )


def _user_name(user) -> str:
    if user is None:
        return "系统（无登录用户）"
    full = person_name(user)  # 姓名 the Chinese way (core.people); the login name beside it for the auditors
    return f"{full}（{user.username}）" if full != user.username else user.username


def _shown(f: Field, value, viewer) -> str:
    if value is None or value == "":
        return "—"
    if f.name in MASKED_FIELDS and not sees_full_id_numbers(viewer):
        return MASKED_FIELDS[f.name](str(value))
    if f.is_relation:
        related = cast("type[Model]", f.related_model)._base_manager.filter(pk=value).first()
        return f"{related}（#{value}）" if related is not None else f"#{value}（已删除）"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):  # Beijing time, written the Chinese way, as every page writes dates
        moment = timezone.localtime(value)
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M:%S}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)
