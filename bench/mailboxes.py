"""Many mailboxes: one `flask mail watch` reading 200 forums' own mailboxes on one Dovecot.

FORUMS forums, each with its own mail account (a Dovecot user, password login), and one
`flask mail watch` process, whose supervisor runs an IMAP IDLE worker thread per account.
Replies ("Ja tak", no token: they go to review) are APPENDed one at a time into random
mailboxes (into the mailbox of the reply before only a second after it, so its worker is
back in IDLE); the time from just before the APPEND until the database holds the row
committed and no longer "received" (polled every 20 ms; the row's decided_dt gives a
second p95 that does not wait for the poll) gives p50 and p95. Target: p95
under 2 s, as for one mailbox. The baseline is the same process with 1 forum and 1 account,
run before and after the many (this machine's speed drifts); its p95 is over both runs,
and the ratio printed is the many's p95 over it.

For each process also: seconds from its start until it supervised (the app imported) and
until every worker was in IDLE; resident memory (target under 300 MB with 200 mailboxes)
and its peak; CPU while idle over --idle-seconds, and the main thread's share of it (the
supervisor, which reads the accounts again every 10 s); and how long SIGTERM takes.

Dovecot runs 50 sessions per imap process here, not one: each process in IDLE holds an
inotify instance, and past fs.inotify.max_user_instances (128 by default, shared by every
Dovecot on the machine) sessions learn of new mail only every 30 s.

Run: .venv/bin/python bench/mailboxes.py [--forums 200] [--replies 200] [--baseline-replies 25]
(BENCH_DATABASE_URL picks another database than a fresh SQLite file.)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.mail.accounts.credentials import new_key  # noqa: E402
from app.models import Base, Forum, InboundMessage, InboundState  # noqa: E402
from app.services.mailaccounts.settings import AccountForm, save  # noqa: E402
from bench.watch_app import (  # noqa: E402
    idle_cpu,
    memory,
    start_watch,
    stop_watch,
    wait_ready,
)
from tests.servers.dovecot import DovecotServer  # noqa: E402
from tests.servers.redis import TestRedis  # noqa: E402
from workers.imap import RECHECK_SECONDS  # noqa: E402

#: Seconds between looks at the database while a reply is on its way.
POLL = 0.02
#: A reply into the mailbox of the reply before waits this long after that one is committed:
#: its worker has moved it, looked once more (RECHECK_SECONDS) and is back in a long IDLE, as
#: when mail is sparse. Mail that lands while the worker goes back into IDLE can stay
#: unannounced by Dovecot until the IDLE is renewed (9 min): a gap of 0.5 s met that twice
#: in 25 replies (Dovecot 2.3.19, with one session per imap process and with 50).
GAP = RECHECK_SECONDS + 0.75
#: A reply not processed by then counts as stalled, at this latency; the next mail into its
#: mailbox wakes the worker, which then takes both.
STALL = 30.0
PROBLEM = re.compile(rb"^.* (WARNING|ERROR|CRITICAL) .*$", re.MULTILINE)

REPLY = """\
From: Deltager {n} <deltager-{n}@beboerforening.test>
To: {to}
Subject: Sv: Invitation: Forum {n}, 8. december kl. 16
Message-ID: <{message_id}>
Date: Tue, 24 Nov 2026 09:00:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Ja tak, jeg kommer.

Venlig hilsen
Deltager {n}
"""


@dataclass
class Phase:
    """What one `flask mail watch` process showed."""

    mailboxes: int
    #: Seconds from start until the process supervised, and until every worker was in IDLE.
    up: float
    startup: float
    polled: list[float]
    decided: list[float]
    rss_mb: float
    peak_mb: float
    threads: int
    idle_cpu: float
    idle_main: float
    stop_seconds: float
    problems: list[bytes]


def seed(server: DovecotServer, count: int, run: str) -> list[str]:
    """Create COUNT forums, each with its own mailbox on SERVER; return their addresses."""
    addresses = []
    for n in range(count):
        address, password = server.add_user(f"sekretariat-{n}@{run}.forum.test")
        forum = Forum(name=f"Forum {n}", slug=f"forum-{n}", sender_address=address,
                      agenda_address=f"dagsorden-{n}@{run}.forum.test")
        db.session.add(forum)
        db.session.flush()
        save(forum, AccountForm(address=address, provider="password", imap_host=server.host,
                                imap_port=server.port, imap_tls="plain", smtp_host=server.host,
                                secrets={"password": password}))
        addresses.append(address)
    db.session.commit()
    return addresses


def reset_database() -> None:
    """Empty the database."""
    db.session.remove()
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)


def committed(message_id: str):
    """Return the decided_dt of the row of MESSAGE_ID once committed and processed, else None."""
    with db.engine.connect() as conn:
        row = conn.execute(select(InboundMessage.state, InboundMessage.decided_dt)
                           .filter_by(message_id=message_id)).first()
    if row is None or row.state is InboundState.received:
        return None
    return row.decided_dt


def wait_committed(message_id: str, deadline: float):
    """Poll until MESSAGE_ID's row is processed; return its decided_dt, None at DEADLINE."""
    while (decided_dt := committed(message_id)) is None:
        if time.perf_counter() > deadline:
            return None
        time.sleep(POLL)
    return decided_dt


def measure(server: DovecotServer, addresses: list[str], replies: int, run: str,
            rng: random.Random) -> tuple[list[float], list[float]]:
    """APPEND REPLIES replies one at a time into random mailboxes; return the latencies,
    as polled and as the rows' decided_dt say (a stalled reply: STALL, in both)."""
    polled, decided, last = [], [], {}
    for k in range(replies):
        n = rng.randrange(len(addresses))
        time.sleep(max(0.0, last.get(n, 0.0) + GAP - time.perf_counter()))
        message_id = f"{k}.{run}@beboerforening.test"
        raw = REPLY.format(n=n, to=addresses[n], message_id=message_id).encode()
        with server.client(addresses[n]) as client:  # logged in before the clock starts
            wall, began = time.time(), time.perf_counter()
            client.append("INBOX", raw)
            decided_dt = wait_committed(message_id, began + STALL)
            polled.append(min(STALL, time.perf_counter() - began))
        last[n] = time.perf_counter()
        decided.append(decided_dt.timestamp() - wall if decided_dt else STALL)
    return polled, decided


def run_phase(config: dict, server: DovecotServer, count: int, replies: int, run: str,
              idle_seconds: float, folder: Path) -> Phase:
    """Seed COUNT forums, start `flask mail watch`, measure it and stop it."""
    reset_database()
    addresses = seed(server, count, run)
    log = folder / f"watch-{run}.log"
    began = time.perf_counter()
    proc = start_watch(config, log)
    try:
        up = wait_ready(proc, log, count, timeout=60 + count)
        startup = time.perf_counter() - began - 0.5
        polled, decided = measure(server, addresses, replies, run, random.Random(count))
        time.sleep(1.0)  # the last MOVE and commits
        idle, main = idle_cpu(proc.pid, idle_seconds)
        rss, peak, threads = memory(proc.pid)
    finally:
        stop_seconds = stop_watch(proc)
    return Phase(count, up, startup, polled, decided, rss, peak, threads, idle, main,
                 stop_seconds, [m.group(0) for m in PROBLEM.finditer(log.read_bytes())])


def percentile(values: list[float], share: float) -> float:
    """Return the SHARE quantile of VALUES (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


HEADER = (f"{'process':18} {'up':>5} {'IDLE':>5} {'replies':>7} {'p50 ms':>6} {'p95 ms':>6} "
          f"{'max ms':>6} {'p95 decided_dt':>14} {'RSS MB':>6} {'peak':>5} {'threads':>7} "
          f"{'idle CPU %':>10} {'main':>5} {'stop s':>6}")


def row(label: str, p: Phase) -> str:
    """Return the table line of one process."""
    return (f"{label:18} {p.up:4.1f}s {p.startup:4.1f}s {len(p.polled):7d} "
            f"{statistics.median(p.polled) * 1000:6.0f} {percentile(p.polled, .95) * 1000:6.0f} "
            f"{max(p.polled) * 1000:6.0f} {percentile(p.decided, .95) * 1000:11.0f} ms "
            f"{p.rss_mb:6.0f} {p.peak_mb:5.0f} {p.threads:7d} {p.idle_cpu:10.1f} "
            f"{p.idle_main:5.1f} {p.stop_seconds:6.1f}")


def summary(phases: list[tuple[str, Phase]], server: DovecotServer) -> None:
    """Print the ratio, the targets, and what the logs complained of."""
    one = [t for _label, p in phases if p.mailboxes == 1 for t in p.polled]
    many = next(p for _label, p in phases if p.mailboxes > 1)
    for label, p in phases:
        if stalled := sum(t >= STALL for t in p.polled):
            print(f"{label}: {stalled} replies not processed within {STALL:.0f} s (counted "
                  f"at {STALL:.0f} s): missed IDLE news")
    base95, many95 = percentile(one, .95), percentile(many.polled, .95)
    print(f"p95 APPEND -> committed, {many.mailboxes} mailboxes / 1 mailbox (p95 of both "
          f"1-mailbox runs, {len(one)} replies: {base95 * 1000:.0f} ms): {many95 / base95:.2f}")
    print(f"targets with {many.mailboxes} mailboxes: p95 < 2000 ms "
          f"({'met' if many95 < 2 else 'MISSED'}), RSS < 300 MB "
          f"({'met' if many.rss_mb < 300 else 'MISSED'})")
    for label, p in phases:
        if p.problems:
            print(f"{label}: {len(p.problems)} warnings/errors logged, first: "
                  f"{p.problems[0].decode(errors='replace')[:200]}")
    log = (server.dir / "dovecot.log").read_text(errors="replace") if server.dir else ""
    complaints = [line for line in log.splitlines() if re.search(r"Warning|Error|Fatal", line)]
    print(f"Dovecot: {len(complaints)} warnings/errors logged" +
          (f", first: {complaints[0][:200]}" if complaints else ""))


class ManySessionsDovecot(DovecotServer):
    """The test Dovecot, with CLIENTS IMAP sessions per imap process instead of one.

    Each imap process in IDLE takes an inotify instance, and fs.inotify.max_user_instances
    (128 by default, for every Dovecot on the machine together) is soon reached: sessions
    past it are told of new mail only by Dovecot's 30-second mailbox_idle_check_interval.
    """

    clients = 50

    def _write_config(self) -> None:
        """Write the test config, then the imap service's limits after it."""
        super()._write_config()
        assert self.dir is not None
        with open(self.dir / "dovecot.conf", "a") as conf:
            conf.write(f"\nservice imap {{\n  client_limit = {self.clients}\n"
                       f"  service_count = 0\n  process_limit = 50\n}}\n")


def main() -> None:
    """Start Dovecot, Redis and a database; run 1, FORUMS and 1 mailboxes; print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--forums", type=int, default=200)
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--baseline-replies", type=int, default=25,
                        help="replies in each of the two 1-mailbox runs")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    args = parser.parse_args()
    redis, server = TestRedis(), ManySessionsDovecot().start()
    folder = Path(tempfile.mkdtemp(prefix="forumpost-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    try:
        redis_url = redis.start()
        config = {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url,
                  "RQ_CONNECTION": redis_url, "SECRET_KEY": "bench",
                  "CREDENTIALS_KEY": new_key(), "MAIL_INBOX_DIR": str(folder / "inbox")}
        app = create_app(config)
        print(f"database: {url.split(':')[0]}; {os.cpu_count()} CPUs; Dovecot with "
              f"{server.clients} sessions per imap process; replies polled every "
              f"{POLL * 1000:.0f} ms; idle CPU over {args.idle_seconds:.0f} s")
        print(HEADER, flush=True)
        phases = []
        with app.app_context():
            for label, count, replies in (("1 mailbox, before", 1, args.baseline_replies),
                                          (f"{args.forums} mailboxes", args.forums,
                                           args.replies),
                                          ("1 mailbox, after", 1, args.baseline_replies)):
                phase = run_phase(config, server, count, replies, f"r{len(phases)}",
                                  args.idle_seconds, folder)
                phases.append((label, phase))
                print(row(label, phase), flush=True)
            Base.metadata.drop_all(db.engine)
        summary(phases, server)
        shutil.rmtree(folder)  # kept when something failed: the logs are there
    finally:
        server.stop()
        redis.stop()


if __name__ == "__main__":
    main()
