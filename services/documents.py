"""The service desk's printed documents (issue 7). Each carries the matter's receipt number (受理编号) and the
center's name and address.

* ``acceptance_notice``       — 受理通知书 with the deadline (its last day, 24:00), 「暂定」 while a year of the
  count is not loaded, R-SV-04/05/07
* ``supplement_notice``       — 一次性告知书 listing every missing material, R-SV-08
* ``return_notice``           — 退回通知书 with the written reason, R-SV-09
* ``petition_reply``          — 信访事项答复单, R-SV-06
* ``completion_notice``       — 办结公告 of one matter, for the public board: the applicant's surname only, R-SV-14
* ``accountability_decision`` — 责任追究决定书: the violation kind and the sanctions, R-SV-11

``printable_documents`` says which of them a matter (or an accountability case) has; the print views and the
print buttons both ask it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from core.dates import is_year_loaded
from core.idnumbers import mask_phone
from core.pdf import Document
from core.people import person_name
from core.profile import rule_profile
from core.qr import qr_png_data_uri
from services.lookup import lookup_page, lookup_url
from services.models import AccountabilityCase, Matter, MatterKind, MatterState

MATTER_RELATED = ("service", "first_contact", "handler")


def _matter(matter: Matter | int) -> Matter:
    pk = matter if isinstance(matter, int) else matter.pk
    return Matter.objects.select_related(*MATTER_RELATED).get(pk=pk)


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def _document(matter: Matter, *, title: str, template: str, dated, context: dict | None = None) -> Document:
    return Document(
        title=title,
        template_name=f"documents/services/{template}.html",
        number=matter.receipt_number,
        dated=dated,
        filename=f"{title}-{matter.receipt_number}",
        context={
            "matter": matter,
            "handler_name": person_name(matter.handler),
            "first_contact_name": person_name(matter.first_contact),
            **(context or {}),
        },
    )


def _with_lookup_qr(matter: Matter, context: dict | None = None) -> dict:
    """The notices a citizen takes home carry a QR code that opens the progress lookup, number filled in."""
    return {**(context or {}), "lookup_page": lookup_page(), "lookup_qr": qr_png_data_uri(lookup_url(matter))}


# --- R-SV-04/07: acceptance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineText:
    """How the acceptance notice states the deadline."""

    kind: str  # "minutes", "day", "paused", "none"
    moment: object = None  # the datetime (minutes) or the last day (day)
    provisional: bool = False
    unloaded_years: tuple[int, ...] = ()


def deadline_text(matter: Matter) -> DeadlineText:
    """R-SV-03: an immediate matter's limit is a moment; R-GN-03: a limit in days ends at 24:00 of its last
    day; R-SV-07: provisional while a year it runs through has no loaded calendar; R-SV-08: paused."""
    if matter.state == MatterState.AWAITING_MATERIALS:
        return DeadlineText("paused")
    if matter.kind == MatterKind.IMMEDIATE and matter.deadline_at:
        return DeadlineText("minutes", timezone.localtime(matter.deadline_at))
    if matter.deadline_date:
        first = (matter.clock_started_on or matter.deadline_date).year
        unloaded = tuple(y for y in range(first, matter.deadline_date.year + 1) if not is_year_loaded(y))
        return DeadlineText("day", matter.deadline_date, matter.deadline_provisional, unloaded)
    return DeadlineText("none")


def limit_label(matter: Matter) -> str:
    """The time limit as the notice states it (R-SV-03 … R-SV-06)."""
    if matter.kind == MatterKind.IMMEDIATE:
        minutes = rule_profile(at=matter.accepted_at).immediate_limit_minutes
        return f"即办件，受理后{minutes}分钟内办结"
    if matter.kind == MatterKind.REPORTED_UP:
        return "上报件，按上级部门规定的办结日期"
    if matter.limit_working_days:
        return f"{matter.limit_working_days}个工作日（自受理之日的次日起算，不含法定节假日和休息日）"
    return "—"


def acceptance_notice(matter: Matter) -> Document:
    """R-SV-04: the acceptance notice states the formal acceptance date and the promised completion date."""
    matter = _matter(matter)
    supplement = getattr(matter, "supplement_notice", None)
    return _document(
        matter,
        title="受理通知书",
        template="acceptance_notice",
        dated=_local_date(matter.accepted_at),
        context=_with_lookup_qr(
            matter,
            {
                "deadline": deadline_text(matter),
                "limit_label": limit_label(matter),
                "restarted_on": supplement.completed_on if supplement else None,
            },
        ),
    )


# --- R-SV-08/09: supplement and return --------------------------------------------------------------------


def supplement_notice(matter: Matter) -> Document:
    """R-SV-08: every missing material, once, in writing."""
    matter = _matter(matter)
    notice = matter.supplement_notice
    return _document(
        matter,
        title="一次性告知书",
        template="supplement_notice",
        dated=_local_date(notice.issued_at),
        context=_with_lookup_qr(
            matter,
            {"notice": notice, "items": list(notice.items), "issued_by": person_name(notice.issued_by)},
        ),
    )


def return_notice(matter: Matter) -> Document:
    """R-SV-09: a returned matter and its written reason."""
    matter = _matter(matter)
    return _document(
        matter,
        title="退回通知书",
        template="return_notice",
        dated=_local_date(matter.completed_at),
        context=_with_lookup_qr(matter),
    )


# --- R-SV-06 and R-SV-14 ---------------------------------------------------------------------------------


def petition_reply(matter: Matter, *, full_phone: bool = True) -> Document:
    """R-SV-06: the result of a petition, returned to the petitioner on a reply slip (the phone masked for
    roles that do not see full numbers, as on the pages)."""
    matter = _matter(matter)
    phone = matter.applicant_phone if full_phone else mask_phone(matter.applicant_phone)
    return _document(
        matter,
        title="信访事项答复单",
        template="petition_reply",
        dated=_local_date(matter.completed_at),
        context={"registered_on": _local_date(matter.registered_at), "applicant_phone": phone},
    )


def completion_notice(matter: Matter) -> Document:
    """R-SV-14: one completed matter for the public notice board — the applicant's surname only."""
    matter = _matter(matter)
    return _document(
        matter,
        title="办结公告",
        template="completion_notice",
        dated=_local_date(matter.completed_at),
        context={"accepted_on": _local_date(matter.accepted_at)},
    )


# --- R-SV-11 ---------------------------------------------------------------------------------------------


def accountability_decision(case: AccountabilityCase) -> Document:
    """R-SV-11: the decided violation kind and sanctions against the responsible person."""
    case = AccountabilityCase.objects.select_related("matter", "responsible", "decided_by").get(pk=case.pk)
    number = case.matter.receipt_number if case.matter else f"责任追究第{case.pk}号"
    return Document(
        title="责任追究决定书",
        template_name="documents/services/accountability_decision.html",
        number=number,
        dated=_local_date(case.decided_at),
        filename=f"责任追究决定书-{number}",
        context={
            "case": case,
            "matter": case.matter,
            "responsible_name": person_name(case.responsible),
            "decided_by_name": person_name(case.decided_by),
            "sanctions": case.sanction_labels(),
        },
    )


# --- what exists to print --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Printable:
    url_name: str
    pk: int
    label: str


def matter_documents(matter: Matter) -> dict[str, str]:
    """The documents this matter has now, by URL name: (name → button label), in the order they arise."""
    found = {}
    if matter.accepted_at is not None:
        found["services_print:acceptance_notice"] = "打印受理通知书"
    if hasattr(matter, "supplement_notice"):
        found["services_print:supplement_notice"] = "打印一次性告知书"
    if matter.state == MatterState.RETURNED:
        found["services_print:return_notice"] = "打印退回通知书"
    if matter.kind == MatterKind.PETITION and matter.state == MatterState.COMPLETED:
        found["services_print:petition_reply"] = "打印信访答复单"
    if matter.state == MatterState.COMPLETED and matter.is_public:
        found["services_print:completion_notice"] = "打印办结公告"
    return found


def printable_documents(matter: Matter) -> list[Printable]:
    items = [Printable(name, matter.pk, label) for name, label in matter_documents(matter).items()]
    case = AccountabilityCase.objects.filter(matter=matter, state=AccountabilityCase.State.DECIDED).first()
    if case is not None:
        items.append(Printable("services_print:accountability_decision", case.pk, "打印责任追究决定书"))
    return items


def case_documents(case: AccountabilityCase) -> list[Printable]:
    if case.state != AccountabilityCase.State.DECIDED:
        return []
    return [Printable("services_print:accountability_decision", case.pk, "打印责任追究决定书")]
