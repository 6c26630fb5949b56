"""Document numbers of the recruitment file's printed records (issue 7, R-RC-23).

A record that prints as a filing document gets its number when it is created, inside the transaction that
saves it (core.numbering: gap-free per year, a rolled-back record gives its number back), so the number on
paper never changes between prints. The year is the year of the record's own date (talk, notice, meeting …),
like the 志愿书 number of a pre-review.

Every document the center issues under ``CenterProfile.document_prefix`` (党服转〔2026〕001号) shares ONE
series, whichever app issues it: two series with the same printed prefix would print the same number twice.
"""

from __future__ import annotations

from datetime import date

from core.numbering import CENTER_DOCUMENT_SERIES, issue_center_document_number

__all__ = ["CENTER_DOCUMENT_SERIES", "issue_document_number", "number_record", "filing_number"]

#: stage decisions that are filed with the upper committee (R-RC-03, R-RC-07): each prints a filing report
FILED_ACTIONS = ("make_activist", "make_target")

#: record models with a number, and the field whose date gives the number's year
DATED_BY = {
    "Talk": "talked_on",
    "PoliticalReview": "concluded_on",
    "PublicNotice": "starts_on",
    "PreReview": "reviewed_on",
}


def issue_document_number(day: date) -> str:
    """The next center document number for a document dated ``day``. Call inside the saving transaction."""
    return issue_center_document_number(day)


def number_record(record) -> None:
    """Give an unsaved file record its number if it is a printed document (called by records.record_add)."""
    field = DATED_BY.get(type(record).__name__)
    if field and not record.document_number:
        record.document_number = issue_document_number(getattr(record, field))


def filing_number(*, action: str, decided_on: date) -> str:
    """The filing report's number for a stage decision that is filed (R-RC-03, R-RC-07); "" for the others."""
    return issue_document_number(decided_on) if action in FILED_ACTIONS else ""
