"""Rule IDs are the code's names for rules; people read the regulation (issue 18, point 8): core.rules.cite and
the ``|cite`` filter every message, form error, 工作台 card and admin refusal passes through. The crawl of every
page and printed document (tests/smoke/test_every_page_with_demo_data.py) fails on an ID left in sight."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import engines
from django.test import RequestFactory

from core.rules import RULE_ID, citation, citations, cite


def test_an_id_in_a_message_reads_as_its_regulation():
    assert cite("请勿重复登记（R-RC-04）。") == f"请勿重复登记（{citation('R-RC-04')}）。"
    assert "R-" not in cite("会议应开次数按R-MB-08计算")


def test_several_ids_read_as_one_citation_naming_each_regulation_once():
    joined = cite("预备期将满（R-RC-17、R-RC-19）")
    assert joined.count("《中国共产党发展党员工作细则》") == 1 and "R-" not in joined
    assert citations(["R-CV-06", "R-CV-06"]) == citation("R-CV-06")
    assert cite("(R-RC-03, R-CV-10)").startswith("(《中国共产党发展党员工作细则》")


def test_text_without_ids_and_unknown_ids_pass_through():
    assert cite("已保存。") == "已保存。"
    unknown = "R-" + "ZZ-99"  # (spelt in two so the rules index does not take it for a rule)
    assert cite(unknown) == unknown  # not in the table: left for tests/core/test_rules_index.py to catch
    assert cite(None) is None


def test_the_filter_keeps_safe_text_safe_and_escapes_the_rest():
    engine = engines["django"]
    html = engine.from_string("{{ text|cite }}").render({"text": "<b>（R-SV-12）</b>"})
    assert html.startswith("&lt;b&gt;（") and citation("R-SV-12") in html


@pytest.mark.django_db
def test_the_messages_and_form_errors_of_a_page_show_the_regulation(rf: RequestFactory):
    from django import forms

    request = rf.get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.error(request, "不能办理（R-SV-02）。")

    class Refused(forms.Form):
        name = forms.CharField(help_text="见R-MB-01")

    form = Refused({"name": ""})
    form.is_valid()
    form.add_error(None, "公示期未满（R-RC-12）。")
    engine = engines["django"]
    page = engine.from_string(
        "{% for m in messages %}{{ m|cite }}{% endfor %}{% include 'includes/form.html' %}"
    ).render({"messages": messages.get_messages(request), "form": form}, request)
    assert not RULE_ID.search(page)
    for rule in ("R-SV-02", "R-RC-12", "R-MB-01"):
        assert citation(rule) in page
