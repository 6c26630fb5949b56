"""The phone checks themselves (tests/browser/phone.py), on pages written here: each finds what it looks for,
and the stylesheet with static/js/tables.js turns the conversion ledger's table into cards that pass them."""

from pathlib import Path

import pytest

from tests.browser.phone import check_page
from tests.conftest import PHONE

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "static"
LEDGER = """<main class="container"><div class="table-wrap"><table class="table">
<thead><tr><th>记录时间</th><th>事由</th><th>来源</th><th>分值</th><th>记账后积分</th><th>记录人</th><th></th></tr></thead>
<tbody>{}</tbody></table></div></main>""".format(
    "<tr><td>2026年12月7日 09:44</td><td>任务“村内环境整治义务劳动”未完成</td><td>任务评定</td><td>−0.5</td>"
    "<td>2.5</td><td>王丽</td><td><button class='btn btn-small'>冲正</button></td></tr>" * 3
)


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    yield context.new_page()
    context.close()


def test_a_plain_ledger_table_on_a_phone_is_squeezed(phone_page):
    phone_page.set_content(f"<html lang='zh'><head><title>台账</title></head><body>{LEDGER}</body></html>")
    phone_page.add_style_tag(content=".table-wrap { overflow-x: auto } .table { width: 100% }")

    problems = check_page(phone_page, axe=False).problems

    assert any(p.startswith("column squeezed") for p in problems), problems


def test_a_page_wider_than_the_phone_a_small_button_and_an_unlabelled_field_are_reported(phone_page):
    phone_page.set_content(
        "<html lang='zh'><head><title>宽</title></head><body><main><h1>宽页面</h1>"
        "<div class='wide'>很宽的内容</div><select name='org'><option>东村</option></select>"
        "<button type='submit'>保存</button></main></body></html>"
    )
    phone_page.add_style_tag(content=".wide { width: 600px }")

    problems = check_page(phone_page).problems

    assert any(p.startswith("scrolls sideways") for p in problems), problems
    assert any(p.startswith("button under 44 px: 保存") for p in problems), problems
    assert any(p.startswith("axe select-name (critical)") for p in problems), problems


def test_the_stylesheet_turns_the_ledger_into_labelled_cards_that_fit(phone_page):
    phone_page.set_content(f"<html lang='zh'><head><title>台账</title></head><body>{LEDGER}</body></html>")
    phone_page.add_style_tag(path=STATIC / "css" / "app.css")
    phone_page.add_script_tag(path=STATIC / "js" / "tables.js")

    assert phone_page.locator("table.table-cards").count() == 1
    cell = phone_page.locator("tbody tr").first.locator("td").nth(5)
    assert cell.get_attribute("data-label") == "记录人"
    assert cell.bounding_box()["x"] + cell.bounding_box()["width"] <= PHONE["width"]
    assert check_page(phone_page).problems == []
