"""The charts and tables of the statistics page (issue 21): a long table — every branch of the town — is charted
by the rows that matter and says so, while the table under it keeps every row; the table's HTML is escaped as
the template would escape it."""

from decimal import Decimal
from html import escape

from django.utils.safestring import mark_safe

from reports.blocks import ChartFocus, Table
from reports.charts import MAX_BARS, bar_chart, chart_rows, figure, table_html


def branches(n: int, values) -> Table:
    return Table(
        "各党组织党员数", ("党组织", "人数"), [(f"第{i}党支部", v) for i, v in enumerate(values)][:n]
    )


def bars(svg: str) -> int:
    return svg.count("<rect")


def test_a_short_table_is_charted_row_by_row_in_its_order():
    table = branches(MAX_BARS, range(MAX_BARS))
    rows, note = chart_rows(table)
    assert rows == list(table.rows) and note == ""
    assert bars(figure(table).chart) == MAX_BARS


def test_a_long_table_charts_its_largest_rows_and_the_table_keeps_every_row():
    values = [5, 0, 9, 9, 1, 7, 3, 8, 2, 6, 4, 9, 0, 1, 2]
    table = branches(len(values), values)
    rows, note = chart_rows(table)
    # largest first; equal values in the table's order
    assert [row[1] for row in rows] == [9, 9, 9, 8, 7, 6, 5, 4, 3, 2]
    assert [row[0] for row in rows[:3]] == ["第2党支部", "第3党支部", "第11党支部"]
    assert note == f"图中为人数最多的{MAX_BARS}个党组织，下表列出全部15个。"
    shown = figure(table)
    assert bars(shown.chart) == MAX_BARS and shown.chart_note == note
    assert shown.html.count('<th scope="row">') == 15


def test_a_chart_focus_chooses_the_rows_by_its_own_values():
    rows = [(f"第{i}党支部", 12, 12 - i % 3) for i in range(20)]
    missed = [0 if i % 7 else i for i in range(20)]
    table = Table(
        "各支部三会一课",
        ("党组织", "应开", "实开"),
        rows,
        series=(1, 2),
        focus=ChartFocus("应开未开会议", missed),
    )
    charted, note = chart_rows(table)
    assert [row[0] for row in charted] == ["第14党支部", "第7党支部"]
    assert note == "图中为应开未开会议最多的2个党组织，下表列出全部20个。"


def test_a_long_table_with_nothing_to_show_draws_no_chart_and_says_why():
    table = Table("欠交党费（元）", ("党组织", "欠交"), [(f"第{i}党支部", Decimal("0")) for i in range(30)])
    shown = figure(table)
    assert shown.chart == "" and shown.chart_note == "没有欠交的党组织。"
    assert shown.html.count("<tr>") == 31


def test_the_table_is_escaped_as_the_template_would_escape_it():
    rows = [
        ("<b>A & B</b>", 1, None, 0.5),
        (mark_safe("<i>安全</i>"), Decimal("2.50"), "x\x1fy", None),
    ]
    table = Table("t", ("党组织", "a", "b", "rate"), rows, percent_columns=(3,))
    html = table_html(table)
    assert f'<th scope="row">{escape("<b>A & B</b>")}</th><td>1</td><td>—</td><td>50.0%</td>' in html
    assert '<th scope="row"><i>安全</i></th><td>2.50</td><td>x\x1fy</td><td>—</td>' in html
    assert "暂无数据" in table_html(Table("t", ("a", "b"), []))
    assert bar_chart(Table("t", ("a", "b"), [])) == ""


def test_the_page_says_what_a_long_tables_chart_shows_and_lists_every_row(client, admin_user, db):
    from django.urls import reverse

    from reports import blocks

    def long_block(scope, period):
        return blocks.Block(tables=[branches(25, range(25))])

    blocks.register_block("long_demo", "示例", long_block, order=99)
    try:
        client.force_login(admin_user)
        page = client.get(reverse("reports:statistics"), {"year": 2026, "part": "q1"}).content.decode()
    finally:
        blocks._blocks.pop("long_demo")
    section = page[page.index('id="block-long_demo"') :]
    assert "图中为人数最多的10个党组织，下表列出全部25个。" in section
    assert section.count('<th scope="row">第') == 25 and "table-long" in section
