"""Many clerks issuing document numbers at once (R-MB-05 letters, R-MB-06 certificates): unique, gap-free."""

import threading

import pytest
from django.db import connection, transaction

from core.models import NumberSequence
from core.numbering import next_number

THREADS = 8
PER_THREAD = 15


def issue_numbers(
    series: str, year: int, out: list[int], errors: list[BaseException], start: threading.Barrier
):
    try:
        start.wait()
        for i in range(PER_THREAD):
            try:
                with transaction.atomic():
                    number = next_number(series, year)
                    if i % 5 == 4:
                        # The document failed to save: the number goes back for the next clerk.
                        raise RuntimeError("rolled back")
                out.append(number)
            except RuntimeError:
                pass
    except BaseException as exc:  # noqa: BLE001 — reported by the test
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_are_unique_and_gap_free_even_with_rollbacks():
    issued: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=issue_numbers, args=("letter", 2026, issued, errors, start))
        for _ in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    kept = THREADS * (PER_THREAD - PER_THREAD // 5)
    assert sorted(issued) == list(range(1, kept + 1))
    assert NumberSequence.objects.get(series="letter", year=2026).last == kept


@pytest.mark.django_db(transaction=True)
def test_series_and_years_count_separately_under_concurrency():
    results: dict[tuple[str, int], list[int]] = {
        ("letter", 2026): [],
        ("certificate", 2026): [],
        ("letter", 2027): [],
    }
    errors: list[BaseException] = []
    start = threading.Barrier(len(results) * 2)
    threads = [
        threading.Thread(target=issue_numbers, args=(series, year, out, errors, start))
        for (series, year), out in results.items()
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    for out in results.values():
        assert sorted(out) == list(range(1, 2 * (PER_THREAD - PER_THREAD // 5) + 1))
