"""A worker process keeps what it loaded at start out of the cyclic collector's way."""

from __future__ import annotations

import gc
import multiprocessing

from app import worker
from app.extensions import rq


def frozen_objects() -> int:
    """Return how many objects the collector has been told to leave alone (a job)."""
    return gc.get_freeze_count()


def _run_worker(app) -> None:
    """Work the queue in a forked process, as `flask jobs worker --burst` does."""
    with app.app_context():
        worker.work(burst=True, with_scheduler=False)


def test_jobs_run_with_the_workers_startup_objects_frozen(app):
    rq.queue.connection.flushdb()
    job = rq.queue.enqueue(frozen_objects)
    # In a child: freezing this test process would keep its garbage for good.
    child = multiprocessing.get_context("fork").Process(target=_run_worker, args=(app,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert gc.get_freeze_count() == 0  # the test process itself was left alone
    # The app, its models and its templates: tens of thousands of objects.
    assert job.return_value(refresh=True) > 10_000
