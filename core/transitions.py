"""One state machine for every record that moves through states (issue 16).

Each app declares its table as data — a ``Machine`` of ``Transition`` rows (action, Chinese label, from-states,
to-state, guards) — and ``perform`` is the one function that changes such a state: it locks the row, checks the
from-state and every guard, and either raises ONE domain error listing every unmet condition (nothing written)
or writes the new state and an append-only change row (``ChangeRow``: action, from_state, to_state, by, at,
note). The tables: recruitment.stages (candidate stages), services.lifecycle (service matters),
conversion.cases (conversion cases), members.status (member status).

A guard returns the unmet conditions as ``Problem``s (never raises), each naming its rule ID in ``rule`` for code,
logs and tests; ``message`` is what the user reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from core.exceptions import DomainError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One unmet condition. A non-blocking problem is a flag: shown, but it does not refuse the transition.
    ``field`` names the operation's argument it is about (core.exceptions.DomainError.field)."""

    message: str
    rule: str
    earliest: date | None = None
    blocking: bool = True
    field: str | None = None


@dataclass(frozen=True)
class Attempt:
    """What a guard sees by default: the (locked) record, the transition, who, when, the note and the
    operation's own parameters. A machine may hand its guards a richer context instead (``Machine.context``)."""

    obj: Any
    transition: Transition
    by: Any = None
    at: datetime | None = None
    note: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


Guard = Callable[[Any], Iterable[Problem]]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # Chinese, as the user reads it: 受理, 确定为入党积极分子 …
    sources: tuple[str, ...]
    target: str
    guards: tuple[Guard, ...] = ()
    note_required: Problem | None = None  # refused with this problem when the note is blank
    applies: Callable[[Any], bool] | None = None  # e.g. only some kinds of service matter have this action
    extra: Mapping[str, Any] = field(default_factory=dict)  # the app's own data (a form's default, …)

    def allowed_from(self, obj: Any, state: str) -> bool:
        return state in self.sources and (self.applies is None or self.applies(obj))


@dataclass(frozen=True)
class Machine:
    """A table: the record (``model`` and its ``state_field``), its change rows (``changes``, pointing at the
    record through ``subject``), its transitions, the domain error it raises and the problem it reports when the
    state does not allow an action (``refused``)."""

    model: type[models.Model]
    state_field: str
    changes: type[ChangeRow]
    subject: str
    transitions: Mapping[str, Transition]
    error: type[DomainError]
    refused: Callable[[Any, Transition], Problem]
    guards: tuple[Guard, ...] = ()  # checked for every transition, before its own guards
    context: Callable[[Attempt], Any] | None = None  # what the guards receive (default: the Attempt)
    select_related: tuple[str, ...] = ()  # fetched with the locked row
    save_also: tuple[str, ...] = ()  # fields the model's save() derives and must write with the state
    recorded: Mapping[str, str] = field(default_factory=dict)  # labels of non-transition rows in ``changes``

    def __post_init__(self) -> None:
        _MACHINES[self.model._meta.label] = self
        _MACHINES[self.changes._meta.label] = self

    def transition(self, action: str) -> Transition:
        if action not in self.transitions:
            raise self.error(f"未知的办理事项：{action}。")
        return self.transitions[action]

    def available(self, obj: Any) -> list[Transition]:
        """The transitions the record's current state allows (guards not checked)."""
        state = getattr(obj, self.state_field)
        return [t for t in self.transitions.values() if t.allowed_from(obj, state)]

    def next_steps(self, obj: Any) -> tuple[list[Transition], list[Transition]]:
        """The transitions the state allows, split for a page: the next step — those the table marks
        ``extra["next"]``, the one or two a page leads with as primary buttons — and the rest (behind a
        disclosure). Guards are not checked: the page offers, ``perform`` decides."""
        allowed = self.available(obj)
        return [t for t in allowed if t.extra.get("next")], [t for t in allowed if not t.extra.get("next")]

    def label(self, action: str) -> str:
        if action in self.transitions:
            return self.transitions[action].label
        return self.recorded.get(action, action)

    def problems(self, obj: Any, action: str, *, by=None, at=None, note: str = "", **params) -> list[Problem]:
        """Every unmet condition of ``action`` for ``obj`` (blocking problems and flags), without locking."""
        t = self.transition(action)
        attempt = Attempt(obj=obj, transition=t, by=by, at=at, note=note, params=params)
        if not t.allowed_from(obj, getattr(obj, self.state_field)):
            return [self.refused(obj, t)]
        context = self.context(attempt) if self.context else attempt
        return [p for guard in (*self.guards, *t.guards) for p in guard(context)]

    def require(self, obj: Any, action: str, **params) -> None:
        """Refuse now if ``action`` is not allowed — before an operation does work that comes first (a letter of
        transfer); ``perform`` checks again under the lock."""
        unmet = [p for p in self.problems(obj, action, **params) if p.blocking]
        if unmet:
            raise self.refusal(self.transition(action), unmet)

    def lock(self, obj: Any) -> Any:
        manager = self.model._default_manager
        query = manager.select_for_update(of=("self",)).select_related(*self.select_related)
        return query.get(pk=obj.pk)

    def refusal(self, t: Transition, problems: list[Problem]) -> DomainError:
        """One error for all the problems; it names a field only when it is about one problem."""
        messages = [p.message for p in problems]
        if len(problems) == 1:
            return self.error(messages[0], rule=problems[0].rule, problems=messages, field=problems[0].field)
        return self.error(f"不能{t.label}：" + "；".join(messages), rule=problems[0].rule, problems=messages)


_MACHINES: dict[str, Machine] = {}


def machine_for(obj_or_model: Any) -> Machine:
    """The machine of a record or of its change rows (keyed by model label)."""
    return _MACHINES[obj_or_model._meta.label]


def perform(
    obj: Any,
    action: str,
    *,
    by,
    at: datetime | None = None,
    note: str = "",
    row: Mapping[str, Any] | Callable[[Any], Mapping[str, Any]] | None = None,
    update: Mapping[str, Any] | None = None,
    then: Callable[[Any, Any], Iterable[str] | None] | None = None,
    problems: Iterable[Problem] = (),
    **params,
) -> Any:  # the table's own ChangeRow subclass (MatterChange, CaseChange …), with its link to ``obj``
    """The only way a state in a table changes. Locks the row, checks the from-state, the note and every guard,
    and refuses with one error listing every unmet condition (``problems``: ones the operation found in its own
    arguments, refused together) — nothing written. Otherwise writes the append-only change row (``row``: its
    own extra fields, or a function of the locked record giving them, e.g. a document number taken only once
    allowed), moves the state, sets ``update`` on the record, runs ``then(obj, change)`` (which returns the
    further fields it changed) and saves. Returns the change row; ``change.<subject>`` is the saved record.
    ``params`` reach the guards through ``Attempt.params``."""
    machine = machine_for(obj)
    t = machine.transition(action)
    at = at or timezone.now()
    with transaction.atomic():
        obj = machine.lock(obj)
        unmet = [p for p in machine.problems(obj, action, by=by, at=at, note=note, **params) if p.blocking]
        if t.note_required is not None and not note.strip():
            unmet.append(t.note_required)
        unmet.extend(problems)
        if unmet:
            logger.info(
                "%s %s refused: %s",
                machine.model._meta.label,
                action,
                ", ".join(dict.fromkeys(p.rule for p in unmet)),
                extra={"object_id": obj.pk, "rules": [p.rule for p in unmet]},
            )
            raise machine.refusal(t, unmet)
        if callable(row):
            row = row(obj)
        change = machine.changes._default_manager.create(
            **{machine.subject: obj},
            action=action,
            from_state=getattr(obj, machine.state_field),
            to_state=t.target,
            by=by,
            at=at,
            note=note,
            **(row or {}),
        )
        setattr(obj, machine.state_field, t.target)
        for name, value in (update or {}).items():
            setattr(obj, name, value)
        changed = (then(obj, change) if then else None) or ()
        obj.save(
            update_fields=list(
                dict.fromkeys([machine.state_field, *(update or {}), *changed, *machine.save_also])
            )
        )
    return change


def record(obj: Any, action: str, *, by, at: datetime | None = None, note: str = "") -> ChangeRow:
    """The change row of an action that does not move the state (a hand-over, a fee): from and to are the
    current state. ``action`` must be one of the machine's recorded actions; the caller holds the row lock."""
    machine = machine_for(obj)
    if action not in machine.recorded:
        raise ValueError(f"{action} is not a recorded action of {machine.model._meta.label}")
    state = getattr(obj, machine.state_field)
    return machine.changes._default_manager.create(
        **{machine.subject: obj},
        action=action,
        from_state=state,
        to_state=state,
        by=by,
        at=at or timezone.now(),
        note=note,
    )


class ChangeRow(models.Model):
    """Append-only: one row per transition (and per recorded action) of a record — who (``by``; empty for a
    change the system made), when (``at``), what (``action``), from which state to which, and why (``note``).
    Each app's row adds its foreign key to the record, its state choices and its own facts (dates, bodies)."""

    action = models.CharField("事项", max_length=30, blank=True, db_default="")
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("记录时间", default=timezone.now)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{self._meta.verbose_name}只能新增，不能修改。")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        """The action in Chinese: a transition's label from the table, or one of the recorded actions."""
        return machine_for(self).label(self.action)

    def state_label(self, value: str) -> str:
        """A state of the record in Chinese (「办理中」, not ``accepted``); 「—」 for none."""
        machine = machine_for(self)
        choices = dict(getattr(machine.model._meta.get_field(machine.state_field), "flatchoices", ()))
        return str(choices.get(value, value)) if value else "—"
