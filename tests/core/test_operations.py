"""core.operations.run_form: the one way a staff view runs an operation and shows its refusal — with the
regulation cited where the refusal names a rule ID (core.rules.cite), whatever template shows the form."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory

from core.exceptions import DomainError
from core.operations import flash_form_errors, run_form
from core.rules import RULE_ID, cite

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="召开日期")
    note = forms.CharField(label="说明", required=False)


def _post(data: dict | None = None):
    request = RequestFactory().post("/", data or {"held_on": "2026-06-01"})
    request._messages = CookieStorage(request)
    return request


def _said(request) -> list[str]:
    return [str(m) for m in request._messages]


def _write_then_refuse(refusal: Exception):
    """An operation as the apps write them: validate and write in one transaction, refuse with a domain error."""

    def operation(data: dict):
        with transaction.atomic():
            Group.objects.create(name="写了一半")
            raise refusal

    return operation


def test_a_refusal_naming_a_field_is_shown_beside_that_field_and_writes_nothing():
    request = _post()
    form = MeetingForm(request.POST)
    refusal = DomainError("召开日期不能晚于今天（R-MB-08）。", rule="R-MB-08", field="held_on")

    assert run_form(request, form, _write_then_refuse(refusal), success="会议已登记。") is None

    assert form.errors == {"held_on": [cite("召开日期不能晚于今天（R-MB-08）。")]}
    assert not Group.objects.filter(name="写了一半").exists()
    assert _said(request) == []


@pytest.mark.parametrize("field", [None, "not_on_this_form"])
def test_a_refusal_naming_no_field_of_the_form_is_shown_at_the_top(field):
    request = _post()
    form = MeetingForm(request.POST)
    refusal = DomainError("该支部已撤销（R-MB-01）。", rule="R-MB-01", field=field)

    assert run_form(request, form, _write_then_refuse(refusal), success="会议已登记。") is None

    assert form.non_field_errors() == [cite("该支部已撤销（R-MB-01）。")]
    assert not form["held_on"].errors
    assert not Group.objects.filter(name="写了一半").exists()


def test_a_refusal_reads_as_the_regulation_not_the_rule_id():
    request = _post()
    form = MeetingForm(request.POST)
    refusal = DomainError("该支部已撤销（R-MB-01）。", rule="R-MB-01", problems=["该支部已撤销（R-MB-01）。"])

    run_form(request, form, _write_then_refuse(refusal), success="会议已登记。")

    (shown,) = form.non_field_errors()
    assert shown.startswith("该支部已撤销（《") and not RULE_ID.search(shown)


def test_every_problem_of_a_refusal_is_shown():
    request = _post()
    form = MeetingForm(request.POST)
    refusal = DomainError("两处问题", problems=["金额须大于零。", "请填写收费依据。"])

    run_form(request, form, _write_then_refuse(refusal), success="已登记。")

    assert form.non_field_errors() == ["金额须大于零。", "请填写收费依据。"]


def test_a_django_validation_error_lands_on_its_fields_the_same_way():
    request = _post()
    form = MeetingForm(request.POST)
    refusal = ValidationError(
        {"held_on": ["日期有误。"], "organization": ["支部有误。"], "__all__": ["整体有误。"]}
    )

    run_form(request, form, _write_then_refuse(refusal), success="已登记。")

    assert form.errors["held_on"] == ["日期有误。"]
    assert form.non_field_errors() == ["支部有误。", "整体有误。"]
    assert not Group.objects.filter(name="写了一半").exists()


def test_success_returns_the_result_and_says_what_happened():
    request = _post()
    form = MeetingForm(request.POST)

    group = run_form(
        request,
        form,
        lambda data: Group.objects.create(name=f"{data['held_on']:%Y年%-m月%-d日}会议"),
        success=lambda group: f"已登记{group.name}。",
    )

    assert group is not None and Group.objects.filter(pk=group.pk).exists()
    assert _said(request) == ["已登记2026年6月1日会议。"]


def test_a_get_or_an_invalid_form_runs_nothing():
    ran = []
    request = RequestFactory().get("/")
    assert run_form(request, MeetingForm(), ran.append, success="不该出现") is None
    request = _post({"held_on": "2026-02-30"})
    invalid = MeetingForm(request.POST)
    assert run_form(request, invalid, ran.append, success="不该出现") is None
    assert ran == [] and "held_on" in invalid.errors and _said(request) == []


def test_a_formset_refusal_sits_above_its_rows():
    rows = forms.formset_factory(MeetingForm, extra=0)
    request = _post({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-held_on": "2026-06-01"})
    formset = rows(request.POST)
    refusal = DomainError("本村人员超过一半（R-CV-08）。", rule="R-CV-08", field="held_on")

    run_form(request, formset, _write_then_refuse(refusal), success="名单已保存。")

    assert formset.non_form_errors() == [cite("本村人员超过一半（R-CV-08）。")]


def test_a_button_on_another_page_shows_each_error_as_a_message_after_its_field_label():
    request = _post({"held_on": "2026-06-01"})
    form = MeetingForm(request.POST)
    form.is_valid()
    form.add_error("held_on", "已归档（R-SV-17）。")
    form.add_error(None, ["金额须大于零。", "请填写收费依据。"])

    flash_form_errors(request, form)

    assert _said(request) == [cite("召开日期：已归档（R-SV-17）。"), "金额须大于零。", "请填写收费依据。"]


VIEW_MODULES = [
    *sorted(ROOT.glob("*/views.py")),
    *sorted(ROOT.glob("*/print_views.py")),
    ROOT / "core" / "audit_views.py",
]
REFUSALS = {"DomainError", "MemberError", "ConversionError", "RecruitmentError", "ServiceDeskError"}
REFUSALS |= {"ValidationError"}


def _caught(handler: ast.ExceptHandler) -> set[str]:
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "") for t in types if t is not None}


@pytest.mark.parametrize("module", VIEW_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_view_catches_a_refusal_itself_but_runs_its_operation_through_run_form(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    handlers = [node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)]
    assert [sorted(_caught(h) & REFUSALS) for h in handlers if _caught(h) & REFUSALS] == []
