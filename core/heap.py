"""A serving process and Python's cyclic garbage collector (issue 21).

Once Django is loaded, a process holds some 350,000 objects the collector tracks (modules, models, URL
patterns, the libraries behind PDFs and spreadsheets); every full collection — triggered by the allocations
of ordinary requests — walks all of them again. ``settle`` moves what is alive when the process is ready to
serve into the permanent generation (``gc.freeze``), so collections walk only what requests create. Nothing
is kept that would not be kept anyway: these objects live as long as the process.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Load what every request needs (the URL patterns and the views they import), then freeze the heap.
    Called once per process when it is ready to serve: by gunicorn's ``post_worker_init`` (gunicorn.conf.py)
    and by the benchmark's page timer before its first request, as a worker does."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports the URL confs and the views they name
    gc.collect()
    gc.freeze()
