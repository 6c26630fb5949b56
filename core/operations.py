"""How a staff view runs an operation: one helper for every app.

A view binds its form and calls ``run_form`` with the operation as a function of the form's cleaned data.
A refusal — the operation's ``DomainError`` or a Django ``ValidationError`` — goes onto the form: beside the
field it names, at the top of the form otherwise. The view then renders the form again (a page of its own) or,
for a button on another page, redirects and shows the errors as messages (``flash_form_errors``).

Refusals are written with rule IDs (the code's and the logs' language); here, where they become what a person
reads, each ID is replaced by the regulation behind it (core.rules.cite) — whatever template shows the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm, BaseFormSet
from django.http import HttpRequest

from core.exceptions import DomainError
from core.rules import cite

T = TypeVar("T")


def run_form(
    request: HttpRequest,
    form: BaseForm | BaseFormSet,
    operation: Callable[[Any], T],
    *,
    success: str | Callable[[T], str],
) -> T | None:
    """On a POST whose form is valid, run ``operation(cleaned_data)``, say ``success`` and return its result.

    A GET, an invalid form and a refusal give None; a refusal shows its problems on the form and has written
    nothing (operations validate and write inside one ``transaction.atomic()``). ``success`` is the message,
    or a function of the result that words it. The operation returns what it wrote, never None.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = operation(form.cleaned_data)
    except DomainError as refusal:
        add_refusal(form, refusal)
    except ValidationError as refusal:
        for field, problems in _by_field(refusal):
            _add_errors(form, field, problems)
    else:
        messages.success(request, success(result) if callable(success) else success)
        return result
    return None


def add_refusal(form: BaseForm | BaseFormSet, refusal: DomainError, *, field: str | None = None) -> None:
    """Put an operation's refusal on ``form``, as ``run_form`` does: beside ``field`` (default: the field the
    refusal names), at the top otherwise — for a view that calls its operation itself."""
    _add_errors(form, field or refusal.field, refusal.problems)


def flash_form_errors(request: HttpRequest, form: BaseForm) -> None:
    """A form posted from a button on another page: each of its errors as a message, after its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, cite(f"{label}：{error}" if label else str(error)))


def _add_errors(form: BaseForm | BaseFormSet, field: str | None, problems: Iterable[Any]) -> None:
    """The one place a refusal becomes form errors: each problem with its rule IDs read as regulations."""
    shown = [cite(str(problem)) for problem in problems]
    if isinstance(form, BaseFormSet):  # a formset's refusals sit above its rows
        form.non_form_errors().extend(shown)
        return
    for problem in shown:
        form.add_error(field if field in form.fields else None, problem)


def _by_field(error: ValidationError) -> Iterable[tuple[str | None, list[str]]]:
    if not hasattr(error, "error_dict"):
        return [(None, error.messages)]
    return [(None if f == NON_FIELD_ERRORS else f, e) for f, e in error.message_dict.items()]
