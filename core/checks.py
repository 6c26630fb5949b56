"""Start-up checks of the deployment (run by `manage.py check`, `runserver` and `check --deploy`)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def _workers() -> int:
    """How many gunicorn workers would run (gunicorn.conf.py: WEB_CONCURRENCY, else 2 × cores + 1)."""
    configured = os.environ.get("WEB_CONCURRENCY", "")
    if configured.isdigit():
        return int(configured)
    return 1 if settings.DEBUG else 2 * (os.cpu_count() or 1) + 1


@register(Tags.caches)
def shared_cache_check(app_configs=None, **kwargs):
    """Rate limits count in the cache: with several workers a per-process cache multiplies every limit."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    workers = _workers()
    if backend in PER_PROCESS_CACHES and workers > 1:
        return [
            Warning(
                f"The default cache ({backend.rsplit('.', 1)[-1]}) lives in each process, but {workers} workers "
                "would run: every rate limit (the public lookup's 10 attempts) would count per worker.",
                hint="Use the database cache (the default: unset CACHE_BACKEND) or set REDIS_URL.",
                id="core.W001",
            )
        ]
    return []
