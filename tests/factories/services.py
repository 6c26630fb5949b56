"""Services: a service matter registered at the desk, and Shanghai times to register it at."""

from datetime import datetime

from core.dates import SHANGHAI
from services import desk
from services.models import MatterKind


def at(y, m, d, hh=10, mm=0) -> datetime:
    """A moment in Beijing time."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def register(user, *, kind=MatterKind.PROMISED, when=None, **extra):
    fields = {
        "applicant_name": "王建国",
        "applicant_phone": "13812345678",
        "applicant_address": "东村1组",
        "request": "办理组织关系转接",
        "proposed_handling": "转相关部门",
    }
    fields.update(extra)
    return desk.matter_register(kind=kind, first_contact=user, at=when or at(2026, 11, 2), **fields)
