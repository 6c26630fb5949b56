"""Kept tallies against their rebuild: a tally's migration fill, run inside a transaction that is rolled back."""

from collections.abc import Callable

from django.db import connection, transaction


class _Rollback(Exception):
    pass


def rebuilt_rows(fill_sql: str, read: Callable[[], set]) -> set:
    """What ``read()`` returns after ``fill_sql`` (a migration's FILL, which empties and refills its tally) has
    rebuilt the tally from the rows recorded; the rebuild is then rolled back, leaving the kept tally as it was."""
    rows: set = set()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(fill_sql)
            rows = read()
            raise _Rollback
    except _Rollback:
        pass
    return rows
