"""Rate limits shared by every worker and host: at most ``limit`` hits per ``window`` seconds and key.

The counts live in the default cache, which is shared — PostgreSQL through Django's database cache by
default, Redis when ``REDIS_URL`` is set (config/settings.py) — so three gunicorn workers or two hosts count
against one limit, and a recycled worker forgets nothing.

A hit claims one of ``limit`` numbered slots with ``cache.add``, which only one process can win for a slot
(an INSERT on the cache table's primary key; SET NX in Redis): no read-modify-write of a counter that two
workers could both read as 9. Each slot expires ``window`` seconds after it was claimed, so the limit is a
sliding window. Cost: one read of the slots, then usually one claim.
"""

from __future__ import annotations

from django.core.cache import cache


def _slots(key: str, limit: int) -> list[str]:
    return [f"rate:{key}:{n}" for n in range(limit)]


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit against ``key``; False once ``limit`` hits in the last ``window`` seconds were counted."""
    slots = _slots(key, limit)
    taken = cache.get_many(slots)
    for slot in slots:
        if slot not in taken and cache.add(slot, 1, window):
            return True
    return False


def reset(key: str, *, limit: int) -> None:
    cache.delete_many(_slots(key, limit))
