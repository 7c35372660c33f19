"""Crash safety: `flask mail watch` SIGKILLed twice in a backlog loses and repeats nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from app import ROOT
from app.extensions import db
from app.models import AuditEvent, InboundMessage, InboundState, MailboxState
from tests.workers.conftest import append_all, folder_uids, stored, wait_for
from tests.workers.messages import sample

TOTAL = 200


def _count(processed: bool = False) -> int:
    """Return how many inbound rows are stored (or PROCESSED)."""
    stmt = select(func.count(InboundMessage.id))
    if processed:
        stmt = stmt.where(InboundMessage.state != InboundState.received)
    return db.session.scalar(stmt)


def _start(env: dict, log: Path) -> subprocess.Popen:
    """Start `flask mail watch` in a subprocess, its output appended to LOG."""
    args = [sys.executable, "-m", "flask", "--app", "tests.workers.launcher", "mail", "watch"]
    with open(log, "ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _env(app, dovecot, address: str, database_url: str) -> dict:
    """Return the subprocess environment: this test's database, Dovecot user and Redis."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "REDIS_URL": app.config["REDIS_URL"],
        "IMAP_HOST": dovecot.host,
        "IMAP_PORT": str(dovecot.port),
        "IMAP_USERNAME": address,
        "IMAP_PASSWORD": dovecot.users[address.lower()],
        # Batches of 25 and 10 ms of work per message, so a kill lands inside a batch; the
        # killed process's lease on the mailbox runs out in a second, not 45.
        "TEST_WORKER_CONFIG": json.dumps({"IMAP_CHUNK": 25, "IMAP_BACKOFF_FIRST": 0.2,
                                          "INTAKE_LEASE_SECONDS": 1,
                                          "INTAKE_RELOAD_SECONDS": 0.2}),
        "TEST_PROCESS_DELAY": "0.01",
    }


def _kill_when(proc: subprocess.Popen, rows: int, processed: bool, log: Path) -> tuple:
    """SIGKILL PROC once ROWS rows are stored (or PROCESSED); return (stored, processed) then."""
    wait_for(lambda: _count(processed) >= rows or proc.poll() is not None, timeout=30,
             what=f"{rows} rows")
    assert proc.poll() is None, log.read_text()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    db.session.rollback()
    return _count(), _count(processed=True)


def test_sigkill_in_a_backlog_loses_nothing_and_repeats_nothing(
        app, dovecot, imap_user, database_url, tmp_path):
    address, _ = imap_user
    append_all(dovecot, address, [sample(n, token="crash") for n in range(TOTAL)])
    env, log = _env(app, dovecot, address, database_url), tmp_path / "worker.log"
    db.session.commit()
    # Killed first between a processing commit and its MOVE (held up 0.4 s for the test)...
    first = _kill_when(_start({**env, "TEST_MOVE_DELAY": "0.4"}, log), 80, True, log)
    assert len(folder_uids(dovecot, address, "Processed")) < first[1], first
    # ... then inside the processing of a batch.
    second = _kill_when(_start(env, log), 150, False, log)
    assert second[0] > second[1] and second[0] < TOTAL, second
    proc = _start(env, log)
    rows = wait_for(lambda: len(done := stored()) == TOTAL and all(
        r.state is not InboundState.received for r in done) and done, timeout=30,
        what="every message processed")
    wait_for(lambda: folder_uids(dovecot, address, "INBOX") == [], what="INBOX to empty")
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0, log.read_text()
    assert time.monotonic() - started < 5
    assert len({r.sha256 for r in rows}) == TOTAL
    marks = Counter(db.session.scalars(
        select(AuditEvent.target_id).filter_by(actor="worker-test", action="processed")))
    assert set(marks) == {r.id for r in rows} and set(marks.values()) == {1}
    assert len(folder_uids(dovecot, address, "Processed")) == TOTAL
    assert db.session.scalar(select(MailboxState.last_uid)) == TOTAL
    assert "Signal 15: stopping after the current message" in log.read_text()
