"""Two `flask mail watch` processes share the mailboxes; one is killed, the other takes over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from app import ROOT
from app.extensions import db, rq
from app.models import InboundMessage
from app.services.mailaccounts.settings import AccountForm, save
from tests.workers.conftest import wait_for
from tests.workers.messages import sample


def _start(env: dict, log) -> subprocess.Popen:
    args = [sys.executable, "-m", "flask", "--app", "tests.workers.launcher", "mail", "watch"]
    with open(log, "ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _holders() -> dict[str, bytes]:
    """Return the lease holder's token of every account, by Redis key."""
    redis = rq.queue.connection
    return {key.decode(): redis.get(key) for key in redis.keys("forumpost:intake:account:*")}


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(InboundMessage.id)))


@pytest.fixture
def two_accounts(app, make_forum, dovecot):
    """Return [(forum id, mailbox address)] of two forums with password accounts on Dovecot."""
    made = []
    for n in (1, 2):
        forum = make_forum(name=f"Forum {n}", slug=f"forum{n}",
                           sender_address=f"sekretariat{n}@forum.test",
                           agenda_address=f"dagsorden{n}@forum.test")
        address, password = dovecot.add_user()
        save(forum, AccountForm(address=address, provider="password", imap_host=dovecot.host,
                                imap_port=dovecot.port, imap_tls="plain",
                                smtp_host="127.0.0.1", secrets={"password": password}))
        made.append((forum.id, address))
    db.session.commit()
    return made


def test_each_mailbox_is_read_by_one_process_and_taken_over_after_a_kill(
        app, two_accounts, dovecot, database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": app.config["SECRET_KEY"],
           "CREDENTIALS_KEY": app.config["CREDENTIALS_KEY"], "REDIS_URL": app.config["REDIS_URL"],
           "MAIL_INBOX_DIR": str(tmp_path / "inbox"),
           "TEST_WORKER_CONFIG": json.dumps({"INTAKE_LEASE_SECONDS": 2,
                                             "INTAKE_RELOAD_SECONDS": 0.2,
                                             "MAIL_INBOX_DIR": str(tmp_path / "inbox"),
                                             "IMAP_BACKOFF_FIRST": 0.2})}
    first = _start(env, tmp_path / "first.log")
    try:
        wait_for(lambda: len(_holders()) == 3, timeout=20, what="three leases")  # + default
        second = _start(env, tmp_path / "second.log")
        try:
            for n, (_forum_id, address) in enumerate(two_accounts):
                dovecot.append(address, sample(n, token="a"))
            wait_for(lambda: _count() == 2, timeout=20, what="both mailboxes read")
            holders = set(_holders().values())
            assert len(holders) == 1  # the first holds every lease
            assert f":{first.pid}:".encode() in holders.pop()
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            for n, (_forum_id, address) in enumerate(two_accounts):
                dovecot.append(address, sample(n, token="b"))
            wait_for(lambda: _count() == 4, timeout=20, what="the second to take over")
            assert {h.split(b":")[1] for h in _holders().values()} == {str(second.pid).encode()}
            rows = db.session.scalars(select(InboundMessage)).all()
            assert sorted(r.forum_id for r in rows) == sorted(
                [f for f, _ in two_accounts] * 2)  # each in its mailbox's own forum
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=15) == 0, (tmp_path / "second.log").read_text()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def test_while_redis_is_away_what_runs_keeps_running_and_nothing_new_starts():
    from redis import Redis

    from tests.servers.process import free_port
    from workers.supervisor import Leases

    leases = Leases(Redis(port=free_port(), socket_connect_timeout=0.5), seconds=30)
    assert leases.take(1) is False  # not reachable: not ours to read
    held = leases.redis.lock("forumpost:intake:account:2", timeout=30, thread_local=False)
    held.local.token = leases.holder.encode()  # taken before Redis went away
    leases.held[2] = held
    assert leases.renew(2) is True
    leases.release(2)  # and giving it back does not raise either
    assert 2 not in leases.held
