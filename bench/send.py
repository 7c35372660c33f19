"""Send 1,000 invitations (50 forums x 20 people) through the real job path.

Prints invitations/s for the app (RQ workers in burst mode: invite, compose, ledger,
SMTP on one connection per batch, commit per message) next to a bare smtplib loop
sending the same bytes on one connection to the same local aiosmtpd, as a ratio.
Target: at least 0.5 of the bare loop. The app runs as `make run` runs it, with
JOB_WORKERS worker processes (2), and also with one, to show what each part gives.
Each round seeds afresh and runs the app with one worker, then with JOB_WORKERS,
then the bare loop; the ratios are over all rounds. The last line says where the CPU of
the runs with JOB_WORKERS went (bench/cpu.py): the workers, the SMTP server (this
process), the PostgreSQL backends when the database is a local PostgreSQL, and Redis.

Run: .venv/bin/python bench/send.py [--forums 50] [--people 20] [--rounds 3] [--workers N]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import smtplib
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app, jobs, worker  # noqa: E402
from app.extensions import db, rq  # noqa: E402
from app.models import Base, OutboundMessage, SeatKind  # noqa: E402
from app.services import meetings, roster  # noqa: E402
from bench.cpu import Split, postmaster_of  # noqa: E402
from tests.servers.redis import TestRedis  # noqa: E402
from tests.servers.smtp import SMTPServer  # noqa: E402


def seed(forums: int, people: int) -> list[int]:
    """Create FORUMS forums of PEOPLE members each, with one meeting; return meeting ids."""
    from app.models import Forum

    ids = []
    start = datetime.now(UTC) + timedelta(days=30)
    for f in range(forums):
        forum = Forum(name=f"Forum {f}", slug=f"f{f}", sender_address=f"sek@f{f}.test",
                      agenda_address=f"dagsorden@f{f}.test", send_per_minute=100_000)
        db.session.add(forum)
        db.session.flush()
        for p in range(people):
            seat = roster.add_seat(forum, SeatKind.organisation, f"Plads {p}")
            person = roster.add_person(forum, f"Person {p}", f"p{p}@f{f}.test")
            roster.appoint(seat, person, date(2026, 1, 1))
        ids.append(meetings.create_meeting(forum, start, location="Mændenes Hjem").id)
    db.session.commit()
    return ids


def run_app(app, meeting_ids: list[int], workers: int, split: Split | None = None) -> float:
    """Send every meeting's invitations through RQ with WORKERS processes; return seconds.

    With SPLIT, add to it where the run's CPU went.
    """
    for meeting_id in meeting_ids:
        jobs.enqueue(jobs.send_invitations, meeting_id)
    db.session.remove()
    db.engine.dispose()  # each worker opens its own connections
    if split is None:
        return _run_workers(app, workers)
    return split.measure(lambda: _run_workers(app, workers), rq.queue.connection)


def _run_workers(app, workers: int) -> float:
    """Run WORKERS burst workers in forked processes until the queue is empty; return
    seconds."""
    began = time.perf_counter()
    fork = multiprocessing.get_context("fork")
    processes = [fork.Process(target=_work, args=(app,)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return time.perf_counter() - began


def _work(app) -> None:
    """Run one burst worker, as `flask jobs worker --burst` does, in a forked process."""
    with app.app_context():
        db.engine.dispose(close=False)  # the parent's connections stay the parent's
        worker.work(burst=True, with_scheduler=False)


def run_bare(server: SMTPServer, messages: list[tuple[str, bytes]]) -> float:
    """Send the same bytes with a bare smtplib loop on one connection; return seconds."""
    began = time.perf_counter()
    smtp = smtplib.SMTP(server.host, server.port)
    for recipient, raw in messages:
        smtp.sendmail("sek@bench.test", [recipient], raw)
    smtp.quit()
    return time.perf_counter() - began


def main() -> None:
    """Seed, measure both, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--forums", type=int, default=50)
    parser.add_argument("--people", type=int, default=20)
    # Rounds alternate the app and the bare loop: this machine's speed drifts by tens
    # of percent over a minute, and one round could catch either at a bad moment.
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None,
                        help="job worker processes (default: the app's JOB_WORKERS)")
    args = parser.parse_args()
    # The RQ worker turns on INFO logging; aiosmtpd would then log every SMTP line of
    # both loops, and measure the logger instead of the mail path.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    redis, server = TestRedis(), SMTPServer().start()
    folder = tempfile.mkdtemp(prefix="forumpost-bench-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    try:
        redis_url = redis.start()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url,
                          "RQ_CONNECTION": redis_url, "SECRET_KEY": "bench",
                          "MAIL_SERVER": server.host, "MAIL_PORT": server.port,
                          "REMINDER_DAYS": 3, "FINAL_AGENDA_DAYS": 7})
        workers = args.workers or app.config["JOB_WORKERS"]
        counts = sorted({1, workers})
        with app.app_context():
            totals = Totals(counts, Split(postmaster_of(db.engine)))
            for _ in range(args.rounds):
                one_round(app, server, args.forums, args.people, totals)
        totals.report(url)
    finally:
        server.stop()
        redis.stop()


class Totals:
    """Messages and seconds summed over rounds, per number of workers and for the bare loop."""

    def __init__(self, counts: list[int], split: Split) -> None:
        self.split = split  # of the runs with the most workers
        self.sent = dict.fromkeys(counts, 0)
        self.seconds = dict.fromkeys(counts, 0.0)
        self.bare_sent, self.bare_seconds = 0, 0.0

    def report(self, url: str) -> None:
        """Print the figures and the ratios."""
        bare_rate = self.bare_sent / self.bare_seconds
        print(f"database: {url.split(':')[0]}")
        print(f"bare smtplib loop, same bytes, one connection: {self.bare_seconds:6.2f} s "
              f"{bare_rate:8.1f} messages/s")
        for workers, sent in self.sent.items():
            rate = sent / self.seconds[workers]
            print(f"app, {workers} worker(s) (RQ job: invite, compose, ledger, SMTP): "
                  f"{self.seconds[workers]:6.2f} s {rate:8.1f} invitations/s, "
                  f"ratio app/bare {rate / bare_rate:.2f}")
        print(f"ratio app/bare as make run runs it ({max(self.sent)} workers): "
              f"{self.sent[max(self.sent)] / self.seconds[max(self.sent)] / bare_rate:.2f} "
              "(target >= 0.5)")
        print(f"{max(self.sent)} workers: {self.split.report(self.sent[max(self.sent)])}")


def one_round(app, server: SMTPServer, forums: int, people: int, totals: Totals) -> None:
    """Seed afresh and send through the app with each number of workers, then the same
    bytes bare; add the figures to TOTALS."""
    for workers in totals.sent:
        server.reset()
        _fresh_schema()
        split = totals.split if workers == max(totals.sent) else None
        seconds = run_app(app, seed(forums, people), workers, split)
        totals.sent[workers] += len(server.messages)
        totals.seconds[workers] += seconds
        print(f"round: app with {workers} worker(s): {len(server.messages)} invitations "
              f"in {seconds:.2f} s", flush=True)
    messages = [(r.recipient, r.raw) for r in db.session.scalars(db.select(OutboundMessage))]
    db.session.remove()  # release the table before it is dropped
    server.reset()
    seconds = run_bare(server, messages)
    totals.bare_sent += len(messages)
    totals.bare_seconds += seconds
    print(f"round: bare loop: {len(messages)} messages in {seconds:.2f} s", flush=True)
    Base.metadata.drop_all(db.engine)


def _fresh_schema() -> None:
    """Drop and create the tables and empty the queues."""
    db.session.remove()
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    rq.queue.connection.flushdb()


if __name__ == "__main__":
    main()
