"""The public progress lookup (办件进度查询): a receipt number as a citizen types it, and what they are told.

A receipt number is printed 「便民〔2026〕031号」, but 〔〕 cannot be typed on a phone: people type
「便民[2026]031号」, 「便民（2026）31」, 「2026031」 or just 「031」. ``parse_receipt_number`` reads the year and the
serial out of any of these (full- or half-width, any brackets, with or without the prefix and 号); a bare
serial of up to four digits is this year's. A matter's (year, serial) is unique (``matter_number_per_year``), so
the reading names one matter or none.

The lookup then also needs the last four digits of the applicant's phone, and a wrong number and a wrong
suffix get the same answer: the lookup tells nobody whether a number exists (no oracle). The answer holds the
service, the acceptance date, the deadline (「暂定」 where so), the window and, once the matter is closed, what to
do next — where to collect the result, where a referred matter went.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.text import normalize_code
from services.models import Matter, MatterState

_DIGITS = re.compile(r"\d+")
SERIAL_ONLY_MAX_DIGITS = 4  # 「031」: this year's serial; five digits and more start with the year


def parse_receipt_number(text: str, *, this_year: int) -> tuple[int, int] | None:
    """(year, serial) read from a receipt number as typed, or None when it cannot name a matter."""
    runs = _DIGITS.findall(normalize_code(text or "") or "")
    if len(runs) >= 2 and len(runs[0]) == 4:
        year, serial = runs[0], "".join(runs[1:])
    elif len(runs) == 1 and len(runs[0]) > SERIAL_ONLY_MAX_DIGITS:
        year, serial = runs[0][:4], runs[0][4:]
    elif len(runs) == 1:
        year, serial = str(this_year), runs[0]
    else:
        return None
    if not 2000 <= int(year) <= 2999 or int(serial) == 0 or len(serial) > 9:
        return None
    return int(year), int(serial)


def find(number: str, phone_suffix: str, *, today: date) -> Matter | None:
    """The matter with this receipt number whose applicant's phone ends with ``phone_suffix``; one query.

    None alike for an unknown number, a wrong suffix and a matter recorded without a phone."""
    parsed = parse_receipt_number(number, this_year=today.year)
    if parsed is None or not re.fullmatch(r"\d{4}", phone_suffix or ""):
        return None
    year, serial = parsed
    return (
        Matter.objects.filter(year=year, sequence=serial, applicant_phone__endswith=phone_suffix)
        .exclude(applicant_phone="")
        .select_related("service")
        .first()
    )


@dataclass(frozen=True)
class Answer:
    receipt_number: str
    service: str
    state: str
    registered_on: date
    accepted_at: datetime | None
    deadline: str
    provisional: bool
    window: str
    next_step: str


def answer(matter: Matter) -> Answer:
    """What the applicant is told about their matter: facts of the matter only, no one else's data (and no
    further query: the lookup costs what it cost before it said more)."""
    window = matter.window or (matter.service.window if matter.service else "")
    return Answer(
        receipt_number=matter.receipt_number,
        service=matter.service.name if matter.service else matter.get_kind_display(),
        state=matter.kind_label
        if matter.state == MatterState.AWAITING_MATERIALS
        else matter.get_state_display(),
        registered_on=timezone.localtime(matter.registered_at).date(),
        accepted_at=timezone.localtime(matter.accepted_at) if matter.accepted_at else None,
        deadline=matter.deadline_label if matter.is_open else "",
        provisional=matter.is_open and matter.deadline_provisional,
        window=window,
        next_step=_next_step(matter, window),
    )


def _next_step(matter: Matter, window: str) -> str:
    place = f"本中心{window}" if window else "本中心"
    if matter.state == MatterState.REGISTERED:
        return "已登记，等待受理；受理后本中心出具受理通知书。"
    if matter.state == MatterState.ACCEPTED:
        return f"正在办理，请在办结期限后凭受理通知书到{place}领取办理结果。"
    if matter.state == MatterState.AWAITING_MATERIALS:
        return f"请按一次性告知书补齐材料后送到{place}；办结期限自材料补齐之日的次日起重新计算。"
    if matter.state == MatterState.COMPLETED:
        return (
            f"已办结。请本人携带身份证和受理通知书到{place}领取办理结果；"
            f"委托他人领取的，另带委托书和受托人身份证。"
        )
    if matter.state == MatterState.ANSWERED:
        return f"已当场答复。如需进一步办理，请到{place}咨询。"
    if matter.state == MatterState.RETURNED:
        return "已退回，退回理由见退回通知书。如有异议，可向本中心投诉。"
    if matter.state == MatterState.REFERRED:
        return f"本事项不属本中心办理，已转介至{matter.referred_unit}，请向该单位咨询。"
    return ""


def lookup_page() -> str:
    """The public lookup's absolute address (``settings.PUBLIC_SITE_URL``: set it where the system is deployed)."""
    return f"{settings.PUBLIC_SITE_URL.rstrip('/')}{reverse('services:public_lookup')}"


def lookup_url(matter: Matter) -> str:
    """The public lookup with the matter's number filled in, for the QR code on its notices: the number as
    digits (「2026031」, which ``parse_receipt_number`` reads), so the address stays short and the code small."""
    return f"{lookup_page()}?{urlencode({'n': f'{matter.year}{matter.sequence:03d}'})}"
