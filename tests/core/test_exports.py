"""Every CSV/XLSX the application writes goes through one writer that escapes formulas (issue 15).

A cell starting with = + - @ tab or CR is run by Excel/WPS as a formula; the writer prefixes an apostrophe so
it is shown as text. Numbers stay numbers."""

import csv
import io
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import tablib
from django.urls import reverse
from openpyxl import load_workbook

from core.exports import AdminCSV, AdminXLSX, Cell, write_csv, write_xlsx
from tests import factories
from tests.factories.services import at, register
from tests.jobs.inline import job_file

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _xlsx_values(content: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def test_writer_escapes_every_formula_start_in_xlsx_and_keeps_numbers():
    rows = _xlsx_values(
        write_xlsx(["名称", "数"], [[text, -5] for text in HOSTILE] + [["普通", Decimal("1.5")]])
    )
    assert rows[0] == ("名称", "数")
    # (an XML reader turns the CR into a newline; it is still after the apostrophe)
    assert [row[0] for row in rows[1:-1]] == ["'" + text.replace("\r", "\n") for text in HOSTILE]
    assert {row[1] for row in rows[1:-1]} == {-5}
    assert rows[-1] == ("普通", 1.5)


def test_writer_escapes_every_formula_start_in_csv_and_in_headers():
    content = write_csv(["=标题"], [[value] for value in HOSTILE])
    header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    assert header == ["'=标题"]
    assert [row[0] for row in rows] == ["'" + value for value in HOSTILE]


def test_styled_cells_are_escaped_too():
    rows = _xlsx_values(write_xlsx(None, [[Cell("=1+1", "title")], [Cell(0.5, "percent")]]))
    assert rows == [("'=1+1",), (0.5,)]


def test_admin_export_formats_use_the_writer():
    data = tablib.Dataset(["=cmd", 3], headers=["姓名", "数"])
    assert "'=cmd" in AdminCSV().export_data(data)
    assert _xlsx_values(AdminXLSX().export_data(data))[1] == ("'=cmd", 3)


@pytest.mark.django_db
def test_service_records_csv_escapes_what_an_applicant_typed_R_SV_17(client, clerk, monkeypatch):
    register(clerk, when=at(2026, 3, 2), applicant_name='=HYPERLINK("http://x")', request="@SUM(1)")
    client.force_login(clerk)
    url = reverse("services:records_job", args=[2026])
    text = job_file(client, url, monkeypatch).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    assert ",=HYPERLINK" not in text and ",@SUM" not in text


@pytest.mark.django_db
def test_meetings_xlsx_escapes_an_organisation_name(client, admin_user, town):
    factories.make_branch('=HYPERLINK("http://x")党支部', village="x", code="HOSTILE")
    client.force_login(admin_user)
    response = client.get(reverse("reports:block_xlsx", args=["meetings"]), {"year": date.today().year})
    assert response.status_code == 200
    cells = {cell for row in _xlsx_values(response.content) for cell in row}
    assert '\'=HYPERLINK("http://x")党支部' in cells
    assert '=HYPERLINK("http://x")党支部' not in cells
