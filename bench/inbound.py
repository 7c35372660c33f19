"""Inbound mail: latency of the IMAP worker in IDLE, and how fast it drains a backlog.

(a) APPEND one RSVP reply at a time to a real Dovecot while the worker IDLEs; time until the
    database holds it processed (committed, state no longer "received"). p50 and p95 over
    100 replies. Target: p95 under 2 s.
(b) A backlog of 5,000 messages (RSVPs in Danish, agenda forwards with a PDF, out-of-office
    replies): the worker's `--once` drain (fetch, store, process with the real pipeline,
    enqueue, MOVE, advance) next to a bare loop that only FETCHes BODY.PEEK[] in chunks of
    200 and parses each message with the stdlib email package (policy.default), as a ratio
    (the bare loop runs before and after the worker; its mean is the baseline).
    Target: at least 0.3 of the bare loop. A third run drains the same messages again with
    process() stubbed out, to tell the worker's own cost from the pipeline's.

Run: .venv/bin/python bench/inbound.py [--replies 100] [--backlog 5000]
(BENCH_DATABASE_URL picks another database than a fresh SQLite file.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Base,
    Forum,
    InboundMessage,
    InboundState,
    MailboxState,
    utcnow,
)
from app.services import inbound  # noqa: E402
from tests.servers.dovecot import DovecotServer  # noqa: E402
from tests.servers.redis import TestRedis  # noqa: E402
from tests.workers.messages import sample  # noqa: E402
from workers.imap import ImapWorker  # noqa: E402
from workers.settings import ImapSettings  # noqa: E402

CHUNK = 200


def settings_for(server: DovecotServer, address: str) -> ImapSettings:
    """Return worker settings for ADDRESS on SERVER."""
    return ImapSettings(host=server.host, port=server.port, username=address,
                        password=server.users[address.lower()], chunk=CHUNK)


def seed() -> None:
    """Create the forum the messages are addressed to."""
    db.session.add(Forum(name="Samarbejdsforum", slug="samarbejdsforum",
                         sender_address="sekretariat@forum.test",
                         agenda_address="dagsorden@forum.test"))
    db.session.commit()


def decided(message_id: str) -> bool:
    """Tell whether the message with MESSAGE_ID is committed, processed."""
    with db.engine.connect() as conn:
        state = conn.scalar(select(InboundMessage.state).filter_by(message_id=message_id))
    return state is not None and state is not InboundState.received


def start_worker(app, settings: ImapSettings) -> tuple[threading.Thread, threading.Event]:
    """Run the worker in a thread; return once it has selected its folder."""
    stop = threading.Event()

    def run() -> None:
        with app.app_context():
            ImapWorker(settings, stop).run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    while not db.session.scalar(select(func.count(MailboxState.id))):
        db.session.rollback()
        time.sleep(0.05)
    time.sleep(0.5)  # into IDLE
    return thread, stop


def measure_latency(app, server: DovecotServer, replies: int) -> list[float]:
    """Return the seconds from APPEND to processed for REPLIES RSVP replies, one at a time."""
    address, _ = server.add_user()
    thread, stop = start_worker(app, settings_for(server, address))
    latencies = []
    with server.client(address) as client:
        for n in range(0, 3 * replies, 3):  # every third sample is an RSVP reply
            began = time.perf_counter()
            client.append("INBOX", sample(n, token="latency"))
            while not decided(f"{n}.rsvp.latency@beboerforening.test"):
                time.sleep(0.002)
            latencies.append(time.perf_counter() - began)
    stop.set()
    thread.join(timeout=10)
    return latencies


def fill(server: DovecotServer, count: int) -> str:
    """Return a new user whose INBOX holds COUNT messages."""
    address, _ = server.add_user()
    with server.client(address, timeout=120) as client:
        for start in range(0, count, 250):
            batch = [sample(n, token="backlog") for n in range(start, min(count, start + 250))]
            client.multiappend("INBOX", batch)
    return address


def run_bare(server: DovecotServer, address: str) -> tuple[float, int]:
    """FETCH and parse every message in chunks, read-only; return (seconds, messages)."""
    began = time.perf_counter()
    parsed = 0
    with server.client(address, timeout=120) as client:
        client.select_folder("INBOX", readonly=True)
        uids = client.search()
        for start in range(0, len(uids), CHUNK):
            response = client.fetch(uids[start:start + CHUNK], ["BODY.PEEK[]"])
            for data in response.values():
                message = message_from_bytes(data[b"BODY[]"], policy=policy.default)
                parsed += bool(message["subject"])
    return time.perf_counter() - began, parsed


def run_worker(server: DovecotServer, address: str) -> tuple[float, int]:
    """Drain the backlog with `mail watch --once`'s worker; return (seconds, rows decided)."""
    began = time.perf_counter()
    ImapWorker(settings_for(server, address)).run(once=True)
    seconds = time.perf_counter() - began
    return seconds, db.session.scalar(select(func.count(InboundMessage.id)).where(
        InboundMessage.message_id.like("%.backlog@%"),
        InboundMessage.state != InboundState.received))


def decide_nothing(message: InboundMessage, forums=None, batch=None) -> list:
    """Stand in for process(): mark the message decided, apply nothing."""
    message.state, message.decided_dt = InboundState.ignored, utcnow()
    return []


def restore(server: DovecotServer, address: str) -> None:
    """Put the drained messages back into the INBOX."""
    with server.client(address, timeout=120) as client:
        client.select_folder("Processed")
        uids = client.search()
        if uids:
            client.move(uids, "INBOX")


def run_edge(server: DovecotServer, address: str) -> tuple[float, int]:
    """Drain the backlog again, process() stubbed: what the worker itself costs."""
    restore(server, address)
    reset_database()
    original, inbound.process = inbound.process, decide_nothing
    try:
        return run_worker(server, address)
    finally:
        inbound.process = original
        reset_database()


def reset_database() -> None:
    """Empty the database but for the forum."""
    db.session.remove()
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    seed()


def percentile(values: list[float], share: float) -> float:
    """Return the SHARE quantile of VALUES (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(url: str, latencies: list[float], runs: dict[str, tuple[float, int]]) -> None:
    """Print the figures and the ratios."""
    print(f"database: {url.split(':')[0]}")
    print(f"(a) APPEND -> processed, {len(latencies)} replies, worker in IDLE: "
          f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms (target p95 < 2000 ms)")
    bare_s, bare_n = runs["bare"]
    print(f"(b) backlog of {bare_n} messages:")
    for name, label in (("bare", "bare loop (FETCH BODY.PEEK[] + email parse)"),
                        ("worker", "worker (fetch, store, process, enqueue, MOVE)"),
                        ("edge", "worker, process() stubbed out")):
        seconds, count = runs[name]
        ratio = (count / seconds) / (bare_n / bare_s)
        print(f"    {label:47s} {seconds:6.2f} s {count / seconds:8.1f} msgs/s  "
              f"ratio {ratio:.2f}")
    print("    target: worker/bare >= 0.3")


def main() -> None:
    """Start Dovecot, Redis and a database; measure both; print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=100)
    parser.add_argument("--backlog", type=int, default=5000)
    args = parser.parse_args()
    redis, server = TestRedis(), DovecotServer().start()
    folder = tempfile.mkdtemp(prefix="forumpost-bench-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    try:
        redis_url = redis.start()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url,
                          "RQ_CONNECTION": redis_url, "SECRET_KEY": "bench"})
        with app.app_context():
            reset_database()
            latencies = measure_latency(app, server, args.replies)
            address = fill(server, args.backlog)
            # The bare loop runs before and after the worker, and counts as their mean:
            # this machine's speed drifts by tens of percent over a minute.
            before = run_bare(server, address)
            worker = run_worker(server, address)
            restore(server, address)
            after = run_bare(server, address)
            runs = {"bare": ((before[0] + after[0]) / 2, before[1]), "worker": worker,
                    "edge": run_edge(server, address)}
            print(f"bare loop before the worker {before[0]:.2f} s, after {after[0]:.2f} s")
            Base.metadata.drop_all(db.engine)
        report(url, latencies, runs)
    finally:
        server.stop()
        redis.stop()


if __name__ == "__main__":
    main()
