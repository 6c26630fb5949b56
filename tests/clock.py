"""A fixed "now" for the agreement tests: the rule, the querysets, the 工作台 and the pages read the same moment.

Every caller asks ``django.utils.timezone.now()`` (``core.dates.local_today`` included), so patching that one
function moves the whole application — views served by the test client too — to the moment given.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time
from unittest import mock

from core.dates import SHANGHAI
from core.registry import dashboard_for


@contextmanager
def frozen_at(moment: datetime | date):
    """Run the block as if it were ``moment`` (a day means 10:00 of that day, Asia/Shanghai)."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(10, 0), tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def dashboard_count(user, label: str) -> int:
    """The count the 工作台 shows on the line ``label`` (0 when the line is not shown)."""
    return sum(item.count for item in dashboard_for(user) if item.label == label)
