"""Rule IDs are the code's names for rules; people read the regulation (issue 18, point 8): core.rules.cite and
the ``|cite`` filter every message, form error, 工作台 card and admin refusal passes through. The crawl of every
page and printed document (tests/smoke/test_every_page_with_demo_data.py) fails on an ID left in sight."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from core.exceptions import DomainError
from core.jobs import error_text
from core.rules import RULE_ID, citation, citations, cite
from members.importing import import_members
from tests import factories
from tests.jobs.test_user_jobs import csv_bytes, member_rows


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


# --- where refusals become what a person reads: every door shows the regulation -------------------------------


def _visible(response) -> str:
    return re.sub(r"<!--.*?-->", "", response.content.decode(), flags=re.S)


@pytest.mark.django_db
def test_a_refusal_put_on_a_form_by_run_form_reads_as_its_regulation_R_MB_13(client, secretary_a, branch_a):
    """core.operations.run_form is where every staff page's refusals become form errors — also on pages that
    render their errors themselves (the branch's bases page, a formset)."""
    member = factories.make_member(branch_a, name="甲")
    client.force_login(secretary_a)
    url = reverse("members:branch_dues_bases", args=[branch_a.pk]) + "?year=2026"
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-member": member.pk}
    data |= {"form-0-category": "farmer", "form-0-base": "", "form-0-fixed_amount": "1.50"}
    page = _visible(client.post(url, data))
    assert "0.20元至1.00元" in page and citation("R-MB-13") in page
    assert not RULE_ID.search(page)


@pytest.mark.django_db
def test_the_rows_of_a_refused_import_read_as_their_regulations_R_MB_03(client, branch_a, clerk):
    rows = list(member_rows(2))
    rows[1][6], rows[1][7] = "2006-07-01", "2005-07-01"  # full member before joining
    client.force_login(clerk)
    upload = SimpleUploadedFile("党员.csv", csv_bytes(rows))
    page = _visible(client.post(reverse("members:import"), {"kind": "members", "file": upload}))
    assert "第3行" in page and "转正日期不能早于入党日期" in page and citation("R-MB-03") in page
    assert not RULE_ID.search(page)
    result = import_members(
        file=SimpleUploadedFile("党员.csv", csv_bytes(rows)), file_format="csv", user=clerk
    )
    assert not any(RULE_ID.search(reason) for _line, reason in result.errors)  # what a job's page keeps too


def test_a_job_that_fails_on_a_refusal_reads_as_its_regulation_R_SV_07():
    text = error_text(DomainError("节假日数据包尚未包含2030年的安排（R-SV-07）。", rule="R-SV-07"))
    assert citation("R-SV-07") in text and not RULE_ID.search(text)


@pytest.mark.django_db
def test_the_admins_holiday_notice_import_refusal_reads_as_its_regulation_R_SV_07(client, admin_user):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("notice.csv", "甲,乙,丙\n2030-01-01,节假日,元旦\n".encode())
    page = client.post(
        reverse("admin:core_calendaryear_import_notice"),
        {"year": "2030", "source": "国办发明电〔2029〕1号", "file": upload},
    )
    page = _visible(page)
    assert "表头应为" in page and citation("R-SV-07") in page
    assert not RULE_ID.search(page)
