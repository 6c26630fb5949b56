"""The citizen's materials of a service matter, scanned (core.attachments), and the one-time notice's list
ticked off as the missing materials arrive (R-SV-08)."""

from __future__ import annotations

from dataclasses import dataclass

from core.attachments import materials_by_kind
from services.models import Matter


def notice_kind(index: int) -> str:
    return f"notice-{index + 1}"


def material_kinds(matter: Matter) -> list[tuple[str, str]]:
    """What a scanned material of this matter may be: a material received with the application, or one item of
    its one-time notice (R-SV-08)."""
    kinds = [("received", "办事人提交的材料")]
    notice = getattr(matter, "supplement_notice", None)
    if notice is not None:
        kinds += [(notice_kind(i), f"补正材料：{item}") for i, item in enumerate(notice.items)]
    return kinds


@dataclass(frozen=True)
class NoticeTick:
    item: str
    kind: str
    received: bool


def notice_ticks(matter: Matter) -> list[NoticeTick]:
    """R-SV-08: each material the one-time notice listed, ticked once its scan is filed with the matter."""
    notice = getattr(matter, "supplement_notice", None)
    if notice is None:
        return []
    scans = materials_by_kind([matter])
    key = matter._meta.label_lower
    return [
        NoticeTick(item, notice_kind(i), bool(scans.get((key, matter.pk, notice_kind(i)))))
        for i, item in enumerate(notice.items)
    ]
