"""Who changed what and when (simple-history), and who looked at a full ID number (R-MB-04).

Reads for the auditor's pages (core/audit_views.py) and the one write: ``log_id_number_view`` (the number of
a member, of a recruitment candidate: of any model registered with core.registry.register_id_number_holder).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils import timezone

from core.access import sees_full_id_numbers
from core.idnumbers import mask_id_number, mask_phone
from core.login_throttle import client_ip
from core.models import IdNumberView
from core.people import person_name
from core.registry import IdNumberHolder, id_number_holder

# Fields shown masked on the history pages to users who do not work with full numbers (R-MB-04).
MASKED_FIELDS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number, "phone": mask_phone}

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
    log them again on the same page. Returns how many rows were written."""
    _holder(model)
    ids = list(dict.fromkeys(ids))
    subject_type = ContentType.objects.get_for_model(model)
    ip = client_ip(request) if request is not None else None
    path = request.get_full_path()[:200] if request is not None else ""
    now = timezone.now()
    rows = [
        IdNumberView(
            viewed_by=user, subject_type=subject_type, subject_id=pk, viewed_at=now, ip_address=ip, path=path
        )
        for pk in ids
    ]
    IdNumberView.objects.bulk_create(rows, batch_size=1000)
    if request is not None:
        _logged_on(request).update((model._meta.label_lower, pk) for pk in ids)
    return len(rows)


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
