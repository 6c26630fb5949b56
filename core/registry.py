"""Extension points the apps plug into from their AppConfig.ready(): navigation, dashboard, timeline.

Each app registers callables; the workspace (core) renders whatever is registered, so no shared template
has to know about every app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Model


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    admin_only: bool = False
    roles: frozenset | None = None  # core.access.Role values that may open it; None = every staff role

    def visible_to(self, user_roles: frozenset, is_admin: bool) -> bool:
        if self.admin_only and not is_admin:
            return False
        return self.roles is None or bool(self.roles & user_roles)


@dataclass(frozen=True)
class DashboardItem:
    """One line of the 工作台: a count of things needing attention and where to fix them."""

    section: str  # e.g. "党员管理", "转化管理", "发展党员", "便民服务"
    label: str
    count: int
    url: str
    level: str = "info"  # "danger" (overdue, red), "warning" (due soon, orange), "info"


@dataclass(frozen=True)
class TimelineEvent:
    """Something that happened to a member, shown on the member page across apps."""

    when: date | datetime
    title: str
    detail: str = ""
    url: str = ""
    source: str = ""  # the app's label, e.g. "转化管理"
    level: str = "info"
    extra: dict = field(default_factory=dict)


nav_items: list[NavItem] = []
dashboard_providers: list[Callable[[object], Iterable[DashboardItem]]] = []
timeline_providers: list[Callable[[object, object], Iterable[TimelineEvent]]] = []
demo_generators: list[tuple[int, Callable[..., str]]] = []


def register_nav(item: NavItem) -> None:
    if item not in nav_items:
        nav_items.append(item)
        nav_items.sort(key=lambda i: i.order)


def register_dashboard(provider: Callable[[object], Iterable[DashboardItem]]) -> None:
    """``provider(user)`` returns the items for that user's scope; counts computed in SQL."""
    if provider not in dashboard_providers:
        dashboard_providers.append(provider)


def register_timeline(provider: Callable[[object, object], Iterable[TimelineEvent]]) -> None:
    """``provider(member, user)`` returns events about that member."""
    if provider not in timeline_providers:
        timeline_providers.append(provider)


def register_demo(generator: Callable[..., str], order: int = 100) -> None:
    """``generator(*, size: int, rng: random.Random, stdout)`` adds an app's demo data after the members
    app's (called by ``manage.py demo_data``; it must be idempotent) and returns a one-line summary."""
    if all(g is not generator for _, g in demo_generators):
        demo_generators.append((order, generator))
        demo_generators.sort(key=lambda pair: pair[0])


def dashboard_for(user) -> list[DashboardItem]:
    return [item for provider in dashboard_providers for item in provider(user)]


def timeline_for(member, user) -> list[TimelineEvent]:
    events = [event for provider in timeline_providers for event in provider(member, user)]

    def key(event: TimelineEvent):
        when = event.when
        return when if isinstance(when, datetime) else datetime(when.year, when.month, when.day)

    return sorted(events, key=lambda e: key(e).replace(tzinfo=None), reverse=True)


# --- archive bundle (一人一档): see core/archive.py -------------------------------------------------------

archive_providers: list[Callable[[object, object], Iterable[object]]] = []


def register_archive_section(provider: Callable[[object, object], Iterable[object]]) -> None:
    """``provider(member, user)`` returns ``core.archive.ArchivePart`` objects for that member's file: its
    records fetched, its documents built (``core.pdf.Document``), nothing rendered to PDF yet."""
    if provider not in archive_providers:
        archive_providers.append(provider)


def archive_sections_for(member, user) -> list:
    return [part for provider in archive_providers for part in provider(member, user)]


# --- people with ID numbers (R-MB-04): see core/audit.py --------------------------------------------------


@dataclass(frozen=True)
class IdNumberHolder:
    """A model whose records carry a full ID number (``id_number``) that is logged when shown."""

    model: type[Model]
    param: str  # the auditor's page filters by it: ?member=12
    label: str  # the person's kind on that page: 党员, 发展对象


id_number_holders: dict[str, IdNumberHolder] = {}


def register_id_number_holder(model: type[Model], *, param: str, label: str) -> None:
    id_number_holders[model._meta.label_lower] = IdNumberHolder(model, param, label)


def id_number_holder(model) -> IdNumberHolder | None:
    """The registration of ``model`` (a model class or one of its records), or None."""
    return id_number_holders.get(model._meta.label_lower) if model is not None else None


# --- reminders that reach people: see core/reminders.py ----------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One thing a reminder source finds due for one person: the record, the day it is about, the words."""

    subject: str  # the record: ``core.reminders.subject_of(obj)`` ("members.floatingmember:12")
    occasion: date  # the deadline or the day the period ends: with ``subject`` it makes the reminder unique
    text: str  # Chinese, with people's names and dates as 2026年12月1日
    url: str = ""


@dataclass(frozen=True)
class ReminderSource:
    """A kind of reminder. ``find(user, now)`` returns what is due in ``user``'s scope at ``now``, computed by
    calling the predicate's one home (the queryset the 工作台 counts), never deciding again."""

    kind: str  # "recruitment.talk_due"
    label: str  # the kind as people choose it on the preferences page
    find: Callable[[object, datetime], Iterable[Due]]
    roles: frozenset | None = None  # core.access.Role values that receive it; None = every role but auditors
    order: int = 100


reminder_sources: dict[str, ReminderSource] = {}


def register_reminder(source: ReminderSource) -> None:
    reminder_sources[source.kind] = source


def reminder_kinds() -> list[ReminderSource]:
    return sorted(reminder_sources.values(), key=lambda s: (s.order, s.kind))


# --- scanned materials (一人一档): see core/attachments.py -------------------------------------------------


@dataclass(frozen=True)
class Attachable:
    """A model whose records may have scanned materials filed with them.

    ``scope_field`` is the path from the record to its organisation (core.access scoping), None when the
    record is not scoped by organisation (then ``roles`` say who sees it); ``kinds`` are (code, label) pairs;
    ``check_upload(record, kind)`` raises the app's DomainError when an item may not be filed yet (e.g. a
    stage not reached); ``page(record)`` is the URL of the record's page; ``person(record)`` the member or
    candidate whose file it is (for the view log), or None.
    """

    model: type[Model]
    label: str
    kinds: tuple[tuple[str, str], ...] | Callable[[Model], Iterable[tuple[str, str]]]
    scope_field: str | None = "organization"
    roles: frozenset | None = None
    check_upload: Callable[[Model, str], None] | None = None
    page: Callable[[Model], str] | None = None

    def kinds_for(self, record: Model) -> list[tuple[str, str]]:
        """The item kinds a material of ``record`` may be (some depend on the record: a matter's notice)."""
        return list(self.kinds(record) if callable(self.kinds) else self.kinds)

    def kind_label(self, kind: str, record: Model) -> str | None:
        return dict(self.kinds_for(record)).get(kind)


attachables: dict[str, Attachable] = {}


def register_attachable(
    model: type[Model],
    *,
    label: str,
    kinds: Iterable[tuple[str, str]] | Callable[[Model], Iterable[tuple[str, str]]],
    scope_field: str | None = "organization",
    roles: Iterable | None = None,
    check_upload: Callable[[Model, str], None] | None = None,
    page: Callable[[Model], str] | None = None,
) -> None:
    attachables[model._meta.label_lower] = Attachable(
        model,
        label,
        kinds if callable(kinds) else tuple(kinds),
        scope_field,
        frozenset(roles) if roles is not None else None,
        check_upload,
        page,
    )


def attachable(model) -> Attachable | None:
    """The registration of ``model`` (a model class, one of its records, or "app_label.model"), or None."""
    key = model if isinstance(model, str) else model._meta.label_lower
    return attachables.get(key)


# --- what a person's file holds (一人一档 completeness): see core/attachments.py ------------------------------

file_item_providers: list[Callable[[object], Iterable[object]]] = []


def register_file_items(provider: Callable[[object], Iterable[object]]) -> None:
    """``provider(member)`` returns ``core.attachments.FileItem`` rows of the member's file."""
    if provider not in file_item_providers:
        file_item_providers.append(provider)


def file_items_for(member) -> list:
    return [item for provider in file_item_providers for item in provider(member)]
