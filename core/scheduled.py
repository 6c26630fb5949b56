"""The scheduled management commands (cron, see README "Scheduled commands"), in the order they run.

`manage.py run_scheduled` runs each once: `make run` does after generating the demo data, so a newcomer sees
what the nightly work marks (overdue matters, ended transitions), and the smoke crawl does the same.
"""

SCHEDULED_COMMANDS = (
    "load_calendar",  # the holiday calendar first: deadlines are counted in working days (R-SV-07)
    "mark_overdue",  # services: overdue matters and their accountability cases (R-SV-10)
    "close_transitions",  # conversion: cases whose transition period has ended (R-CV-11)
)
