"""Gap-free document numbers per series and year (R-MB-05 letters, R-MB-06 certificates, notices).

The counter row is incremented with one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING``: the row stays
locked until the caller's transaction ends, so concurrent issuers queue, and a rolled-back issue gives its
number back. Call it inside the same ``transaction.atomic()`` that saves the numbered document.
"""

from datetime import date

from django.db import connection

from core.models import CenterProfile, NumberSequence

#: The ONE series behind ``CenterProfile.document_prefix`` (党服转〔2026〕001号). Every app that prints a
#: document with that prefix (recruitment records, conversion case files …) draws from it: two series with
#: the same printed prefix would print the same number twice.
CENTER_DOCUMENT_SERIES = "center_document"

# The series' names as the administrator reads them (each app names its series' code beside its operation).
SERIES_NAMES = {
    CENTER_DOCUMENT_SERIES: "中心文书",
    "floating_certificate": "流动党员活动证",
    "introduction_letter": "组织关系介绍信",
    "application_form": "入党志愿书",
    "service_matter": "便民服务受理编号",
}


def series_name(series: str) -> str:
    return SERIES_NAMES.get(series, series)


def next_number(series: str, year: int) -> int:
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that saves the numbered document")
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (series, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (series, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [series, year],
        )
        return cursor.fetchone()[0]


def format_number(prefix: str, year: int, number: int) -> str:
    """The printed form, e.g. 党关介〔2026〕007号."""
    return f"{prefix}〔{year}〕{number:03d}号"


def issue_center_document_number(day: date) -> str:
    """The next center document number for a document dated ``day``, e.g. 党服转〔2026〕012号.
    Call inside the transaction that saves the numbered record."""
    sequence = next_number(CENTER_DOCUMENT_SERIES, day.year)
    return format_number(CenterProfile.current().document_prefix, day.year, sequence)
