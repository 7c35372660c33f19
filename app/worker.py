"""`flask jobs worker`: an RQ worker that runs jobs inside this process's app context.

Flask-RQ's own worker starts a new `flask` process for every job (about a second
each); sending is many small jobs, so ours runs them in-process with RQ's
SimpleWorker and hands every job a fresh database session.
"""

from __future__ import annotations

import gc

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import SimpleWorker

from app.embedded import ensure_redis
from app.extensions import db, rq
from app.mailer import close_kept


class AppWorker(SimpleWorker):
    """A SimpleWorker that cleans the session after every job."""

    def perform_job(self, job, queue):
        """Run JOB, then drop whatever the session holds."""
        try:
            return super().perform_job(job, queue)
        finally:
            db.session.remove()

    def unsubscribe(self):
        """Stop listening for commands at once, not up to a second later."""
        # RQ unsubscribes, then stops its listener and waits a second for it. When the
        # listener reads the UNSUBSCRIBE's reply before it is told to stop, it goes back
        # to a read of a minute and the worker's exit waits the whole second (7 of 60
        # stops of a burst worker under load). Told first, the reply ends it.
        if self.pubsub_thread:
            self.pubsub_thread.stop()
        super().unsubscribe()

    def teardown(self):
        """Stop as RQ does, and say goodbye to the SMTP server kept between jobs."""
        try:
            super().teardown()
        finally:
            close_kept()


def make_worker(burst_name: str | None = None) -> AppWorker:
    """Return a worker on the app's queues."""
    if current_app.config.get("REDIS_EMBEDDED"):
        ensure_redis(current_app.instance_path)
    queues = list(rq.queues.values())
    return AppWorker(queues, connection=queues[0].connection, job_class=queues[0].job_class,
                     name=burst_name)


def work(burst: bool = False, with_scheduler: bool = True) -> None:
    """Run jobs as a worker process does until stopped, or until none are left (BURST)."""
    # What the process holds before its first job (modules, mappers, templates) lives
    # as long as it does. Frozen out of the cyclic collector, the full collections the
    # jobs set off scan only what the jobs made: here one took 130-170 ms of a worker's
    # 4 s of sending 500 invitations, all the while holding up its SMTP conversation.
    gc.freeze()
    make_worker().work(burst=burst, with_scheduler=with_scheduler)


@click.group("jobs")
def jobs_group() -> None:
    """Run background jobs."""


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run jobs (sending, reminders) with the scheduler for delayed ones."""
    work(burst=burst)
