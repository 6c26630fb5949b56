"""Conversion management's printed documents (issue 7) and its part of a member's archive bundle.

Each builder fetches what its document shows and returns a ``core.pdf.Document``; the print views
(``conversion/print_views.py``) render one alone, ``archive_parts`` puts them all in the member's file.

* ``enrolment_decision``   — 纳入转化管理决定书, R-CV-01/02
* ``ledger_statement``     — 积分台账, every entry with the running balance and the clerk's signature line, R-CV-05
* ``review_sheet``         — 民主评议参加人员名单及评分表: categories, villages, own-village share, scores, mean,
  R-CV-08/09
* ``review_result_notice`` — 民主评议结果通知书, R-CV-09/10
* ``return_letter``        — 组织关系转回函 to the original branch, R-CV-10
* ``transition_record``    — 过渡期跟踪考察记录 with the referrals to 镇组织办、镇纪委, R-CV-11

Every document of one case carries the case's file number (案卷号, ``ConversionCase.file_number``): drawn at
enrolment (``conversion.enrolment.case_enrol``) from the center's one document series, so it never collides
with a recruitment record's number, and it never changes between prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from conversion.access import can_view_conversion
from conversion.models import ConversionCase, DemocraticReview, LedgerEntry
from conversion.review import own_village, review_outcome
from conversion.transition import TRANSITION_MONTHS
from core.archive import ORDER_CONVERSION, ArchivePart
from core.attachments import scan_documents
from core.pdf import Document
from core.people import person_name

CASE_RELATED = (
    "member",
    "member__organization",
    "original_organization",
    "enrolment_transfer",
    "return_transfer",
    "opened_by",
)


def _case(case: ConversionCase | int) -> ConversionCase:
    pk = case if isinstance(case, int) else case.pk
    return ConversionCase.objects.select_related(*CASE_RELATED).get(pk=pk)


def case_file_number(case: ConversionCase) -> str:
    """The case's stored file number, e.g. 党服转〔2026〕003号 (R-CV-01, assigned by ``case_enrol``)."""
    return case.file_number


def _document(case: ConversionCase, *, title: str, template: str, dated, context: dict) -> Document:
    number = case_file_number(case)
    return Document(
        title=title,
        template_name=f"documents/conversion/{template}.html",
        number=number,
        dated=dated,
        filename=f"{title}-{case.member.name}-{number}",
        context={"case": case, "member": case.member, **context},
    )


# --- R-CV-01: enrolment ----------------------------------------------------------------------------------


def enrolment_decision(case: ConversionCase) -> Document:
    """R-CV-01/02: the town committee's decision to move the member into the center's branch."""
    case = _case(case)
    return _document(
        case,
        title="关于将党员纳入转化管理的决定",
        template="enrolment_decision",
        dated=case.opened_on,
        context={"profile": case.profile},
    )


# --- R-CV-05: the ledger ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    seq: int
    entry: LedgerEntry
    running: Decimal
    reverses_seq: int | None

    @property
    def signed_amount(self) -> str:
        return f"{self.entry.amount:+}"


def statement_lines(case: ConversionCase) -> list[StatementLine]:
    """R-CV-05: every entry, oldest first, with the running balance base + entries so far (which is what each
    entry's stored ``balance_after`` must say)."""
    entries = list(
        LedgerEntry.objects.filter(case=case).select_related("recorded_by").order_by("recorded_at", "pk")
    )
    seq_of = {entry.pk: n for n, entry in enumerate(entries, start=1)}
    running = case.base_points
    lines = []
    for n, entry in enumerate(entries, start=1):
        running += entry.amount
        lines.append(StatementLine(n, entry, running, seq_of.get(entry.reverses_id)))
    return lines


def ledger_statement(case: ConversionCase, *, printed_by=None) -> Document:
    """R-CV-05: the points ledger as a statement with the running balance, signed by the clerk."""
    case = _case(case)
    lines = statement_lines(case)
    today = timezone.localdate()
    return _document(
        case,
        title="转化党员积分台账",
        template="ledger_statement",
        dated=today,
        context={
            "lines": lines,
            "balance": lines[-1].running if lines else case.base_points,
            "printed_by": person_name(printed_by) if printed_by is not None else "",
            "profile": case.profile,
        },
    )


# --- R-CV-08/09/10: democratic review ---------------------------------------------------------------------


def _review(case: ConversionCase, review: DemocraticReview | int) -> DemocraticReview:
    pk = review if isinstance(review, int) else review.pk
    return DemocraticReview.objects.select_related("concluded_by").get(pk=pk, case=case)


def review_sheet(case: ConversionCase, review: DemocraticReview | int) -> Document:
    """R-CV-08/09: the roster with categories and villages, the own-village share, each score and the mean."""
    case = _case(case)
    review = _review(case, review)
    participants = list(review.participants.order_by("pk"))
    own = own_village(case)
    own_count = sum(1 for p in participants if own and p.village == own)
    scores = [p.score for p in participants if p.score is not None]
    complete = bool(participants) and len(scores) == len(participants)
    pass_mark = review.pass_mark or case.profile.review_pass_mark
    mean = review.mean_score
    if mean is None and complete:
        mean, _ = review_outcome(scores, pass_mark)
    share = case.profile.own_village_max_share
    return _document(
        case,
        title="民主评议参加人员名单及评分表",
        template="review_sheet",
        dated=review.scheduled_on,
        context={
            "review": review,
            "rows": [(p, own and p.village == own) for p in participants],
            "own_village": own,
            "own_count": own_count,
            "own_share": (Decimal(own_count) / len(participants) * 100) if participants else None,
            "max_share": share * 100,
            "scored": len(scores),
            "total": sum(scores, Decimal("0")) if scores else None,
            "mean": mean,
            "pass_mark": pass_mark,
        },
    )


def review_result_notice(case: ConversionCase, review: DemocraticReview | int) -> Document:
    """R-CV-09/10: the result of a concluded review, told to the member (and the original branch)."""
    case = _case(case)
    review = _review(case, review)
    if review.state == DemocraticReview.State.SCHEDULED:
        raise ValueError("民主评议尚未得出结论，不能出具结果通知书。")
    return _document(
        case,
        title="民主评议结果通知书",
        template="review_result_notice",
        dated=review.concluded_on,
        context={
            "review": review,
            "passed": review.state == DemocraticReview.State.PASSED,
            "participant_count": review.participants.count(),
        },
    )


# --- R-CV-10/11: return and transition --------------------------------------------------------------------


def _passed_review(case: ConversionCase) -> DemocraticReview | None:
    return case.reviews.filter(state=DemocraticReview.State.PASSED).order_by("-concluded_on", "-pk").first()


def return_letter(case: ConversionCase) -> Document:
    """R-CV-10: the letter moving the organisational relation back to the original branch."""
    case = _case(case)
    if case.return_transfer is None:
        raise ValueError("组织关系尚未转回原支部，不能出具转回函。")
    return _document(
        case,
        title="关于转化党员组织关系转回原支部的函",
        template="return_letter",
        dated=case.returned_on,
        context={"review": _passed_review(case), "transition_months": TRANSITION_MONTHS},
    )


def transition_record(case: ConversionCase) -> Document:
    """R-CV-11 (record): the follow-up observations of the transition period and any referral."""
    case = _case(case)
    if case.returned_on is None:
        raise ValueError("尚未进入过渡期，没有跟踪考察记录。")
    observations = list(case.observations.select_related("recorded_by").order_by("observed_on", "pk"))
    referrals = list(case.discipline_referrals.order_by("referred_on", "pk"))
    last = [o.observed_on for o in observations] + [r.referred_on for r in referrals]
    return _document(
        case,
        title="转化党员过渡期跟踪考察记录",
        template="transition_record",
        dated=max(last) if last else case.returned_on,
        context={
            "observations": observations,
            "referrals": referrals,
            "misconduct_count": sum(1 for o in observations if o.misconduct),
        },
    )


# --- what a case has to print -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Printable:
    """One document a case can print now: its URL name and arguments, its button label."""

    url_name: str
    args: tuple[int, ...]
    label: str


def printable_documents(case: ConversionCase) -> list[Printable]:
    """What exists to print for this case, in file order (the case page's buttons and the archive use it)."""
    items = [
        Printable("conversion_print:enrolment_decision", (case.pk,), "打印纳入决定"),
        Printable("conversion_print:ledger_statement", (case.pk,), "打印积分台账"),
    ]
    for review in case.reviews.order_by("scheduled_on", "pk"):
        day = f"{review.scheduled_on:%Y-%m-%d}"
        if review.participants.exists():
            items.append(
                Printable(
                    "conversion_print:review_sheet", (case.pk, review.pk), f"打印评议名单及评分表（{day}）"
                )
            )
        if review.state != DemocraticReview.State.SCHEDULED:
            items.append(
                Printable(
                    "conversion_print:review_result", (case.pk, review.pk), f"打印评议结果通知（{day}）"
                )
            )
    if case.return_transfer_id:
        items.append(Printable("conversion_print:return_letter", (case.pk,), "打印转回函"))
    if case.returned_on:
        items.append(Printable("conversion_print:transition_record", (case.pk,), "打印过渡期跟踪记录"))
    return items


def case_documents(case: ConversionCase, *, printed_by=None) -> list[Document]:
    """Every document of one case, in the order of the file."""
    builders = {
        "conversion_print:enrolment_decision": lambda args: enrolment_decision(case),
        "conversion_print:ledger_statement": lambda args: ledger_statement(case, printed_by=printed_by),
        "conversion_print:review_sheet": lambda args: review_sheet(case, args[1]),
        "conversion_print:review_result": lambda args: review_result_notice(case, args[1]),
        "conversion_print:return_letter": lambda args: return_letter(case),
        "conversion_print:transition_record": lambda args: transition_record(case),
    }
    return [builders[item.url_name](item.args) for item in printable_documents(case)]


def archive_parts(member, user) -> list[ArchivePart]:
    """R-CV-01 … R-CV-11 in the member's file: each conversion case's documents, oldest case first.

    Only for who may see conversion management (conversion.access): a branch secretary printing a member's
    file gets no conversion part, as the conversion pages are closed to them.
    """
    if not can_view_conversion(user):
        return []
    cases = list(ConversionCase.objects.filter(member=member).order_by("opened_on", "pk"))
    header = f"{member.name}　转化管理材料"
    documents = [
        doc
        for case in cases
        for doc in [*case_documents(case, printed_by=user), *scan_documents(case, header=header)]
    ]
    return [ArchivePart(title="转化管理材料", order=ORDER_CONVERSION, documents=documents)]
