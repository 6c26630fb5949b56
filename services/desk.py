"""The service desk's operations: intake, the matter lifecycle, hand-over, fees, yearly archive.

The lifecycle is the table in ``services.lifecycle``; ``core.transitions.perform`` is the one function that
changes a matter's state and writes the append-only change row. Views, admin and the demo generator call these
functions.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.models import CenterProfile
from core.numbering import format_number, next_number
from core.people import person_name
from core.transitions import Problem, perform, record
from services import deadlines, lifecycle
from services.access import may_handle_matters
from services.exceptions import ServiceDeskError
from services.models import (
    INTAKE_KINDS,
    OPEN_STATES,
    Channel,
    Fee,
    Handover,
    Matter,
    MatterChange,
    MatterKind,
    MatterState,
    Service,
    SupplementNotice,
    YearArchive,
)

NUMBER_SERIES = "service_matter"

K = MatterKind
available_actions = lifecycle.available_actions


def _locked(matter: Matter) -> Matter:
    return Matter.objects.select_for_update(of=("self",)).select_related("service").get(pk=matter.pk)


def _require(problems: list[str], rule: str) -> None:
    if problems:
        raise ServiceDeskError("；".join(problems), rule=rule, problems=problems)


def _start_clock(day: date, at: datetime):
    def then(matter: Matter, change: MatterChange) -> tuple[str, ...]:
        deadlines.start_clock(matter, day=day, at=at)
        return deadlines.CLOCK_FIELDS

    return then


def _stop_clock(matter: Matter, change: MatterChange) -> tuple[str, ...]:
    deadlines.stop_clock(matter)
    return deadlines.CLOCK_FIELDS


# --- intake ---------------------------------------------------------------------------------------------


@transaction.atomic
def matter_register(
    *,
    kind: str,
    applicant_name: str,
    request: str,
    first_contact: User,
    applicant_phone: str = "",
    applicant_id_number: str = "",
    applicant_address: str = "",
    channel: str = Channel.VISIT,
    service: Service | None = None,
    window: str = "",
    proposed_handling: str = "",
    external_deadline: date | None = None,
    accept: bool = True,
    at: datetime | None = None,
) -> Matter:
    """R-SV-01: the staff member who registers a matter is its first contact (首问责任人) and first handler.

    With ``accept`` a counted matter is accepted at once (the acceptance notice starts the clock, R-SV-04);
    a consultation stays registered until answered.
    """
    at = at or timezone.now()
    if kind not in INTAKE_KINDS:
        raise ServiceDeskError(
            "登记时请选择咨询、即办、承诺、联办、上报或信访件（R-SV-02）。", rule="R-SV-02"
        )
    problems = []
    if not applicant_name.strip():
        problems.append("请填写办事人姓名（R-SV-01 首问登记）。")
    if not request.strip():
        problems.append("请填写办理事项或诉求（R-SV-17）。")
    if kind == K.PETITION:
        # R-SV-06: petitions are registered with name, address, contact, cause and proposed handling.
        if not applicant_address.strip():
            problems.append("信访件须登记来访人住址（R-SV-06）。")
        if not applicant_phone.strip():
            problems.append("信访件须登记联系方式（R-SV-06）。")
        if not proposed_handling.strip():
            problems.append("信访件须填写拟办意见（R-SV-06）。")
    _require(problems, "R-SV-01")
    year = timezone.localtime(at).year
    if YearArchive.objects.filter(year=year).exists():
        raise ServiceDeskError(f"{year}年的办件已归档，不能再登记（R-SV-17）。", rule="R-SV-17")
    sequence = next_number(NUMBER_SERIES, year)
    matter = Matter.objects.create(
        receipt_number=format_number(CenterProfile.current().service_prefix, year, sequence),
        year=year,
        sequence=sequence,
        kind=kind,
        channel=channel,
        service=service,
        applicant_name=applicant_name.strip(),
        applicant_phone=applicant_phone.strip(),
        applicant_id_number=applicant_id_number.strip().upper(),
        applicant_address=applicant_address.strip(),
        request=request.strip(),
        proposed_handling=proposed_handling.strip(),
        first_contact=first_contact,
        handler=first_contact,
        window=window or _window_of(first_contact),
        registered_at=at,
    )
    MatterChange.objects.create(
        matter=matter,
        action="register",
        to_state=MatterState.REGISTERED,
        by=first_contact,
        at=at,
        note="首问登记",
    )
    if accept and kind != K.CONSULTATION:
        return matter_accept(matter=matter, by=first_contact, at=at, external_deadline=external_deadline)
    return matter


def _window_of(user: User) -> str:
    profile = getattr(user, "staff_profile", None)
    return profile.window if profile else ""


# --- lifecycle (the table: services.lifecycle) -------------------------------------------------------------


@transaction.atomic
def matter_accept(
    *, matter: Matter, by: User, at: datetime | None = None, external_deadline: date | None = None
) -> Matter:
    """R-SV-04: acceptance fixes the limit and the deadline; the acceptance day is the day the clock starts."""
    at = at or timezone.now()
    update: dict[str, object] = {"accepted_at": at}
    if external_deadline and matter.kind == K.REPORTED_UP:
        update["external_deadline"] = external_deadline
    change = perform(
        matter,
        "accept",
        by=by,
        at=at,
        note="出具受理通知书",
        update=update,
        then=_start_clock(timezone.localtime(at).date(), at),
        external_deadline=external_deadline,
    )
    return change.matter


@transaction.atomic
def matter_request_supplement(
    *, matter: Matter, items: list[str], by: User, at: datetime | None = None
) -> Matter:
    """R-SV-08: tell every missing material once, in writing; the clock stops until they are complete."""
    at = at or timezone.now()
    items = [i.strip() for i in items if i and i.strip()]
    change = perform(
        matter, "request_supplement", by=by, at=at, note="；".join(items), then=_stop_clock, items=items
    )
    SupplementNotice.objects.create(matter=change.matter, items=items, issued_by=by, issued_at=at)
    return change.matter


@transaction.atomic
def matter_materials_complete(*, matter: Matter, by: User, at: datetime | None = None) -> Matter:
    """R-SV-08: the day the materials are complete starts a new full limit (see services.deadlines)."""
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    start_clock = _start_clock(day, at)

    def then(matter: Matter, change: MatterChange) -> tuple[str, ...]:
        SupplementNotice.objects.filter(matter=matter).update(completed_on=day)
        if matter.accepted_at is None:
            matter.accepted_at = at
        return ("accepted_at", *start_clock(matter, change))

    return perform(matter, "materials_complete", by=by, at=at, note="材料已补齐，重新起算", then=then).matter


@transaction.atomic
def matter_return(*, matter: Matter, reason: str, by: User, at: datetime | None = None) -> Matter:
    """R-SV-09: an unlawful request or one missing its main materials is returned with a written reason."""
    at = at or timezone.now()
    reason = reason.strip()
    update = {"return_reason": reason, "completed_at": at}
    return perform(matter, "return", by=by, at=at, note=reason, update=update, then=_stop_clock).matter


@transaction.atomic
def matter_complete(
    *,
    matter: Matter,
    result: str,
    by: User,
    is_public: bool = False,
    public_result: str = "",
    at: datetime | None = None,
) -> Matter:
    """Complete an accepted matter; ``is_public`` lists it on the completion notice board (R-SV-14)."""
    at = at or timezone.now()
    result = result.strip()
    update = {
        "result": result,
        "completed_at": at,
        "is_public": is_public,
        "public_result": (public_result.strip() or "已办结") if is_public else "",
    }
    return perform(matter, "complete", by=by, at=at, note=result, update=update).matter


@transaction.atomic
def matter_answer(*, matter: Matter, answer: str, by: User, at: datetime | None = None) -> Matter:
    """R-SV-02: a consultation is answered on the spot and closed at once."""
    at = at or timezone.now()
    answer = answer.strip()
    return perform(
        matter, "answer", by=by, at=at, note=answer, update={"result": answer, "completed_at": at}
    ).matter


@transaction.atomic
def matter_refer(
    *, matter: Matter, unit: str, by: User, note: str = "", at: datetime | None = None
) -> Matter:
    """R-SV-01: a matter outside the center's scope is still recorded, with the unit the person was sent to."""
    at = at or timezone.now()
    unit = unit.strip()
    missing = [] if unit else [Problem("请填写转介的单位（R-SV-01 不得推诿）。", "R-SV-01")]
    change = perform(
        matter,
        "refer",
        by=by,
        at=at,
        note=f"转介至{unit}。{note}".strip(),
        update={"referred_unit": unit, "completed_at": at},
        problems=missing,
    )
    return change.matter


@transaction.atomic
def matter_register_referral(
    *, applicant_name: str, request: str, unit: str, first_contact: User, **extra
) -> Matter:
    """Intake of an outside-scope matter in one step: recorded (R-SV-01) and referred."""
    matter = matter_register(
        kind=K.CONSULTATION,
        applicant_name=applicant_name,
        request=request,
        first_contact=first_contact,
        accept=False,
        **extra,
    )
    return matter_refer(matter=matter, unit=unit, by=first_contact)


@transaction.atomic
def matter_handover(
    *,
    matter: Matter,
    by: User,
    reason: str,
    to_user: User | None = None,
    to_window: str = "",
    to_unit: str = "",
    at: datetime | None = None,
) -> Handover:
    """R-SV-01 chain of custody: hand the matter to a colleague/window or another unit. The first contact
    never changes and stays responsible for follow-up; a hand-over to another unit keeps the current handler."""
    at = at or timezone.now()
    problems = []
    if to_user is None and not to_unit.strip():
        problems.append("请选择接收人或填写接收单位（R-SV-01）。")
    if not reason.strip():
        problems.append("请填写移交原因（R-SV-01）。")
    if to_user is not None and not may_handle_matters(to_user):
        problems.append(
            f"{person_name(to_user)}不能办理办件，请移交给中心工作人员或镇党委管理员（R-SV-01）。"
        )
    _require(problems, "R-SV-01")
    matter = _locked(matter)
    if not matter.is_open:
        raise ServiceDeskError("已办结的办件不能移交（R-SV-01）。", rule="R-SV-01")
    # The chain says where the receiver sits: the window given, else the receiver's own desk window.
    to_window = to_window.strip() or (_window_of(to_user) if to_user is not None else "")
    handover = Handover.objects.create(
        matter=matter,
        from_user=matter.handler,
        to_user=to_user,
        to_window=to_window,
        to_unit=to_unit.strip(),
        at=at,
        reason=reason.strip(),
    )
    receiver = person_name(to_user) if to_user else to_unit.strip()
    record(matter, "handover", by=by, at=at, note=f"移交给{receiver}：{reason.strip()}")
    if to_user is not None:
        matter.handler = to_user
        matter.window = to_window or matter.window
        matter.save(update_fields=["handler", "window"])
    return handover


@transaction.atomic
def matter_record_delay_reason(
    *, matter: Matter, reason: str, by: User, at: datetime | None = None
) -> Matter:
    """R-SV-10: a matter with a recorded justified reason is not overdue when its deadline passes."""
    at = at or timezone.now()
    if not reason.strip():
        raise ServiceDeskError("请写明延期的正当理由（R-SV-10）。", rule="R-SV-10")
    matter = _locked(matter)
    if matter.state not in OPEN_STATES:
        raise ServiceDeskError("办件已办结，无需登记延期理由（R-SV-10）。", rule="R-SV-10")
    if matter.overdue_at is not None:
        raise ServiceDeskError("办件已认定超期，理由请在责任追究中说明（R-SV-10）。", rule="R-SV-10")
    matter.delay_reason = reason.strip()
    record(matter, "delay_reason", by=by, at=at, note=reason.strip())
    matter.save(update_fields=["delay_reason"])
    return matter


@transaction.atomic
def fee_record(*, matter: Matter, amount: Decimal, legal_basis: str, by: User) -> Fee:
    """R-SV-15: only statutory fees, each with its legal basis; an agent service (代办) is free."""
    matter = _locked(matter)
    problems = []
    if amount <= 0:
        problems.append("收费金额须大于零；不收费无需登记（R-SV-15）。")
    if not legal_basis.strip():
        problems.append("收费须注明法定依据（R-SV-15）。")
    if matter.service is not None and matter.service.is_agent_service:
        problems.append("代办服务一律免费，不得收费（R-SV-15）。")
    _require(problems, "R-SV-15")
    fee = Fee.objects.create(matter=matter, amount=amount, legal_basis=legal_basis.strip(), recorded_by=by)
    record(matter, "fee", by=by, note=f"收费 {amount} 元，依据：{legal_basis.strip()}")
    return fee


@transaction.atomic
def year_archive(*, year: int, by: User) -> YearArchive:
    """R-SV-17: archive a year's service records once none of its matters is still open."""
    still_open = Matter.objects.filter(year=year, state__in=OPEN_STATES).count()
    if still_open:
        raise ServiceDeskError(f"{year}年还有{still_open}件未办结，不能归档（R-SV-17）。", rule="R-SV-17")
    if YearArchive.objects.filter(year=year).exists():
        raise ServiceDeskError(f"{year}年已归档（R-SV-17）。", rule="R-SV-17")
    return YearArchive.objects.create(
        year=year, archived_by=by, matter_count=Matter.objects.filter(year=year).count()
    )
