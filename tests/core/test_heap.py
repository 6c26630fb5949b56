"""core.heap: a serving process freezes its loaded heap once (gunicorn's post_worker_init, the benchmark)."""

import gc
import runpy
from pathlib import Path

from core.heap import settle


def test_settle_freezes_what_is_loaded_and_leaves_new_objects_to_the_collector():
    try:
        settle()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # Django, the apps, the URL patterns
        assert len(gc.get_objects()) < frozen
        made = [[] for _ in range(100)]
        assert any(o is made[0] for o in gc.get_objects())  # a request's objects are still collected
    finally:
        gc.unfreeze()


def test_each_gunicorn_worker_settles_after_loading_the_application(monkeypatch):
    calls = []
    monkeypatch.setattr("core.heap.settle", lambda: calls.append("settled"))
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    config["post_worker_init"](worker=None)
    assert calls == ["settled"]
