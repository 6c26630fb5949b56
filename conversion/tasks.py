"""Conversion's scheduled job: close the cases whose transition period has ended (R-CV-11).

The same call as `manage.py close_transitions`.
"""

from datetime import datetime

from conversion.transition import close_ended_transitions
from core.dates import local_today
from core.jobs import scheduled


@scheduled("conversion.close_transitions", "过渡期届满结案", cron="20 0 * * *", schedule="每天0:20")
def close_transitions(on: datetime) -> str:
    closed = close_ended_transitions(on=max(on.date(), local_today()))
    if not closed:
        return "没有过渡期届满的案件。"
    return f"结案{len(closed)}件：{'、'.join(case.member.name for case in closed)}。"
