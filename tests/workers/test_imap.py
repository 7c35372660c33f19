"""The IMAP worker against the real Dovecot: IDLE, polling, MOVE fallback, UIDVALIDITY, size cap."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AgendaItem, InboundState, MailboxState
from tests.workers.conftest import append_all, folder_uids, stored, wait_for
from tests.workers.messages import oversized, sample
from workers.imap import ImapWorker


def _decided() -> list:
    """Return the rows once none is left "received"."""
    rows = stored()
    return rows if rows and all(r.state is not InboundState.received for r in rows) else []


def _ready(name_part: str) -> bool:
    """Tell whether the worker has selected its folder (its mailbox state exists)."""
    states = db.session.scalars(select(MailboxState)).all()
    return any(name_part in s.name for s in states)


def test_idle_worker_takes_in_an_appended_message_within_seconds(
        app, saved_forum, dovecot, imap_user, imap_settings, worker_thread, applications):
    address, _ = imap_user
    worker_thread(imap_settings(dovecot, address, IMAP_POLL_SECONDS=600))
    wait_for(lambda: _ready(address), what="the worker to select INBOX")
    time.sleep(0.3)  # into IDLE
    started = time.monotonic()
    dovecot.append(address, sample(1))
    [row] = wait_for(_decided, timeout=3, what="the message to be processed")
    assert time.monotonic() - started < 2.0
    assert row.imap_uid == 1 and row.mailbox == f"{address}@{dovecot.host}/INBOX"
    wait_for(lambda: folder_uids(dovecot, address, "INBOX") == [], what="INBOX to empty")
    assert len(folder_uids(dovecot, address, "Processed")) == 1
    assert applications == {row.id: 1}


def test_mail_arriving_between_the_last_search_and_idle_is_not_left_waiting(
        app, dovecot, imap_user, imap_settings, worker_thread, monkeypatch):
    import workers.imap

    address, _ = imap_user
    real_sync, arrivals = workers.imap.sync, [sample(20), sample(21), sample(22)]

    def sync(*args):
        found = real_sync(*args)
        if not found and arrivals and stored():  # just after mail: the next one comes
            dovecot.append(address, arrivals.pop(0))
        return found

    monkeypatch.setattr(workers.imap, "sync", sync)
    worker_thread(imap_settings(dovecot, address, IMAP_POLL_SECONDS=600))
    wait_for(lambda: _ready(address), what="the worker to select INBOX")
    dovecot.append(address, sample(3))
    # Dovecot's IDLE does not announce what came between the SEARCH and the IDLE.
    wait_for(lambda: len(_decided()) == 4, timeout=4, what="all four messages")


def test_worker_drains_what_was_there_before_it_started(
        app, saved_forum, dovecot, imap_user, imap_settings, applications):
    address, _ = imap_user
    append_all(dovecot, address, [sample(n) for n in range(7)])
    ImapWorker(imap_settings(dovecot, address, IMAP_CHUNK=3, IMAP_BATCH_BYTES=8000)).run(once=True)
    rows = _decided()
    assert [r.imap_uid for r in rows] == list(range(1, 8))
    assert folder_uids(dovecot, address, "INBOX") == []
    assert len(folder_uids(dovecot, address, "Processed")) == 7
    assert set(applications.values()) == {1} and len(applications) == 7
    state = db.session.scalar(select(MailboxState))
    assert state.last_uid == 7


def test_followups_are_enqueued_after_the_commit(
        app, saved_forum, dovecot, imap_user, imap_settings, monkeypatch):
    from app import jobs
    from app.services import roster

    address, _ = imap_user
    roster.add_person(saved_forum, "Jonas Holm", "jonas@skolen.test")  # receipts: known only
    db.session.commit()
    seen: list[tuple[list, int]] = []

    def enqueue_all(followups):
        # Each follow-up names the agenda item whose receipt a job will compose.
        ids = [notice[1] for followup in followups for notice in followup.args[0]]
        with db.engine.connect() as other:  # another connection sees only what is committed
            visible = other.scalar(select(func.count(AgendaItem.id))
                                   .where(AgendaItem.id.in_(ids)))
        seen.append((ids, visible))

    monkeypatch.setattr(jobs, "enqueue_all", enqueue_all)
    append_all(dovecot, address, [sample(1), sample(2), sample(4)])  # two agenda forwards
    ImapWorker(imap_settings(dovecot, address)).run(once=True)
    assert seen and all(len(ids) == visible for ids, visible in seen)
    assert sum(len(ids) for ids, _ in seen) == 2
    kinds = [r.kind for r in _decided()]
    assert kinds.count("agenda_item") == 2


def test_polling_fallback_when_the_server_has_no_idle(
        app, dovecot_variant, imap_settings, worker_thread):
    server = dovecot_variant(without=("IDLE",))
    address, _ = server.add_user()
    worker_thread(imap_settings(server, address, IMAP_POLL_SECONDS=0.2))
    wait_for(lambda: _ready(address), what="the worker to select INBOX")
    server.append(address, sample(2))
    [row] = wait_for(_decided, timeout=3, what="the polled message")
    assert row.subject and folder_uids(server, address, "Processed")


def test_copy_and_expunge_when_the_server_has_no_move(app, dovecot_variant, imap_settings):
    server = dovecot_variant(without=("MOVE",))
    address, _ = server.add_user()
    append_all(server, address, [sample(n) for n in range(3)])
    ImapWorker(imap_settings(server, address)).run(once=True)
    assert len(_decided()) == 3
    assert folder_uids(server, address, "INBOX") == []
    assert len(folder_uids(server, address, "Processed")) == 3


def test_uidvalidity_change_reads_the_folder_again_without_duplicates(
        app, dovecot, imap_user, imap_settings, applications):
    address, _ = imap_user
    settings = imap_settings(dovecot, address, IMAP_FOLDER="Intake")
    append_all(dovecot, address, [sample(n) for n in range(3)], folder="Intake")
    ImapWorker(settings).run(once=True)
    before = db.session.scalar(select(MailboxState))
    old_validity, old_last = before.uidvalidity, before.last_uid
    assert old_last == 3
    with dovecot.client(address) as client:  # restored from a backup, with two new ones
        client.delete_folder("Intake")
        client.create_folder("Intake")
    append_all(dovecot, address, [sample(n) for n in (10, 11, 0, 1)], folder="Intake")
    ImapWorker(settings).run(once=True)
    db.session.rollback()
    after = db.session.scalar(select(MailboxState))
    assert after.uidvalidity != old_validity and after.last_uid == 4
    rows = _decided()
    assert len(rows) == 5 and len({r.sha256 for r in rows}) == 5
    assert set(applications.values()) == {1} and len(applications) == 5
    assert folder_uids(dovecot, address, "Intake") == []
    assert len(folder_uids(dovecot, address, "Processed")) == 7


def test_oversized_message_is_quarantined_unread_and_moved(
        app, dovecot, imap_user, imap_settings):
    address, _ = imap_user
    append_all(dovecot, address, [sample(1), oversized(2, 20_000), sample(3)])
    ImapWorker(imap_settings(dovecot, address, MAIL_MAX_BYTES=12_000)).run(once=True)
    rows = _decided()
    big = [r for r in rows if r.imap_uid == 2]
    assert len(rows) == 3 and len(big) == 1
    assert big[0].state is InboundState.quarantined and big[0].reason
    assert len(big[0].raw or b"") < 2000 and big[0].size > 12_000  # the headers at most
    assert folder_uids(dovecot, address, "INBOX") == []
    with dovecot.client(address) as client:
        client.select_folder("Processed", readonly=True)
        flags = client.get_flags(client.search())
    assert all(b"\\Seen" not in f for f in flags.values())  # never fetched, so still unread


def test_a_failing_message_is_quarantined_and_the_rest_go_on(
        app, saved_forum, dovecot, imap_user, imap_settings, monkeypatch, applications):
    from app.services import inbound

    address, _ = imap_user
    counted = inbound.process  # the applications fixture's wrapper

    def process(message, forums=None, batch=None):
        if message.imap_uid == 2:
            raise RuntimeError("kaputt: no forum for this address")
        return counted(message, forums, batch)

    monkeypatch.setattr(inbound, "process", process)
    append_all(dovecot, address, [sample(n) for n in range(4)])
    ImapWorker(imap_settings(dovecot, address)).run(once=True)
    rows = _decided()
    failed = [r for r in rows if r.reason and "kaputt" in r.reason]
    assert [r.imap_uid for r in failed] == [2]
    assert failed[0].state is InboundState.quarantined
    assert failed[0].reason == "Processing failed: RuntimeError: kaputt: no forum for this address"
    assert len(applications) == 3 and set(applications.values()) == {1}
    assert folder_uids(dovecot, address, "INBOX") == []


def test_a_message_stored_before_a_crash_is_processed_once_on_restart(
        app, dovecot, imap_user, imap_settings, applications):
    from workers import intake
    from workers.intake import Item

    address, _ = imap_user
    raws = [sample(n) for n in range(3)]
    append_all(dovecot, address, raws)
    name = f"{address}@{dovecot.host}/INBOX"
    # The crash left message 1 stored only, and message 2 stored and processed, not moved.
    ids = intake.store([Item(raw=raws[0], size=1, uid=1), Item(raw=raws[1], size=1, uid=2)],
                       name, None)
    intake.apply(ids[1:])
    applications.clear()
    ImapWorker(imap_settings(dovecot, address)).run(once=True)
    rows = _decided()
    assert len(rows) == 3
    assert dict(applications) == {ids[0]: 1, rows[2].id: 1}
    assert folder_uids(dovecot, address, "INBOX") == []


def test_search_above_the_last_uid_ignores_the_star_message(dovecot, imap_user):
    from workers.mailbox import new_uids

    address, _ = imap_user
    append_all(dovecot, address, [sample(n) for n in range(3)])
    with dovecot.client(address) as client:
        client.select_folder("INBOX")
        assert client.search(["UID", "10:*"]) == [3]  # what the server answers
        assert new_uids(client, 9) == []
        assert new_uids(client, 1) == [2, 3]


def _kick(server, address: str) -> None:
    """Disconnect ADDRESS's sessions with doveadm, as an admin or a restart would."""
    subprocess.run(["doveadm", "-c", str(server.dir / "dovecot.conf"), "kick", address],
                   check=True, capture_output=True, timeout=10)


def _kill_session(server, address: str) -> None:
    """SIGKILL ADDRESS's imap processes: the connection ends without a goodbye."""
    who = subprocess.run(["doveadm", "-c", str(server.dir / "dovecot.conf"), "who", "-1"],
                         check=True, capture_output=True, text=True, timeout=10).stdout
    pids = [int(line.split()[2]) for line in who.splitlines()[1:] if line.split()[0] == address]
    assert pids, who
    for pid in pids:  # children of the Dovecot this session started
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("drop", [_kick, _kill_session], ids=["kick", "kill"])
def test_worker_reconnects_after_the_server_drops_it(
        app, dovecot, imap_user, imap_settings, worker_thread, caplog, drop):
    address, _ = imap_user
    worker_thread(imap_settings(dovecot, address, IMAP_POLL_SECONDS=600))
    wait_for(lambda: _ready(address), what="the worker to select INBOX")
    time.sleep(0.3)
    drop(dovecot, address)
    wait_for(lambda: "reconnecting" in caplog.text, what="the worker to notice")
    dovecot.append(address, sample(5))
    [row] = wait_for(_decided, timeout=5, what="the message after reconnecting")
    assert row.imap_uid == 1
    assert folder_uids(dovecot, address, "INBOX") == []
