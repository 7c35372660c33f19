"""Send 1,000 invitations (50 forums x 20 people) through the real job path.

Prints invitations/s for the app (RQ worker in burst mode: invite, compose, ledger,
SMTP on one connection per batch, commit per message) next to a bare smtplib loop
sending the same bytes on one connection to the same local aiosmtpd, as a ratio.
Target: at least 0.5 of the bare loop. Each round seeds afresh and runs the app, then
the bare loop; the ratio is over all rounds.

Run: .venv/bin/python bench/send.py [--forums 50] [--people 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import smtplib
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app, jobs  # noqa: E402
from app.extensions import db, rq  # noqa: E402
from app.models import Base, OutboundMessage, SeatKind  # noqa: E402
from app.services import meetings, roster  # noqa: E402
from app.worker import make_worker  # noqa: E402
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


def run_app(meeting_ids: list[int]) -> float:
    """Send every meeting's invitations through RQ; return seconds."""
    began = time.perf_counter()
    for meeting_id in meeting_ids:
        jobs.enqueue(jobs.send_invitations, meeting_id)
    make_worker().work(burst=True, with_scheduler=False)
    return time.perf_counter() - began


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
        with app.app_context():
            totals = [0, 0.0, 0.0]
            for _ in range(args.rounds):
                sent, app_seconds, bare_seconds = one_round(server, args.forums, args.people)
                print(f"round: {sent} invitations, app {app_seconds:.2f} s, "
                      f"bare loop {bare_seconds:.2f} s")
                totals = [totals[0] + sent, totals[1] + app_seconds, totals[2] + bare_seconds]
        report(*totals, url)
    finally:
        server.stop()
        redis.stop()


def one_round(server: SMTPServer, forums: int, people: int) -> tuple[int, float, float]:
    """Seed a fresh database, send through the app, then the same bytes bare; return
    (messages, app seconds, bare seconds)."""
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    rq.queue.connection.flushdb()
    server.reset()
    ids = seed(forums, people)
    app_seconds = run_app(ids)
    rows = db.session.scalars(db.select(OutboundMessage)).all()
    messages = [(r.recipient, r.raw) for r in rows]
    db.session.remove()  # release the table before it is dropped
    sent = len(server.messages)
    server.reset()
    bare_seconds = run_bare(server, messages)
    Base.metadata.drop_all(db.engine)
    return sent, app_seconds, bare_seconds


def report(sent: int, app_seconds: float, bare_seconds: float, url: str) -> None:
    """Print the figures and the ratio."""
    app_rate, bare_rate = sent / app_seconds, sent / bare_seconds
    print(f"database: {url.split(':')[0]}")
    print(f"invitations sent by the app: {sent}")
    print(f"app  (RQ job: invite, compose, ledger, SMTP): {app_seconds:6.2f} s "
          f"{app_rate:8.1f} invitations/s")
    print(f"bare smtplib loop, same bytes, one connection: {bare_seconds:6.2f} s "
          f"{bare_rate:8.1f} messages/s")
    print(f"ratio app/bare: {app_rate / bare_rate:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
