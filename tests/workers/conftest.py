"""Fixtures for the worker's tests: configuration for the real Dovecot, a worker thread, helpers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import InboundMessage
from tests.servers.dovecot import DovecotServer
from workers.imap import ImapWorker
from workers.settings import ImapSettings


@pytest.fixture
def saved_forum(make_forum):
    """Return the forum the test mail is addressed to, committed for the worker's session."""
    forum = make_forum(name="Samarbejdsforum", slug="samarbejdsforum",
                       sender_address="sekretariat@forum.test",
                       agenda_address="dagsorden@forum.test")
    db.session.commit()
    return forum


@pytest.fixture
def imap_settings(app) -> Callable[..., ImapSettings]:
    """Return a function configuring the app for one Dovecot user; fast retries, quick polls."""

    def configure(server: DovecotServer, address: str, **overrides) -> ImapSettings:
        app.config.update({
            "IMAP_HOST": server.host, "IMAP_PORT": server.port, "IMAP_USERNAME": address,
            "IMAP_PASSWORD": server.users[address.lower()], "IMAP_POLL_SECONDS": 0.2,
            "IMAP_BACKOFF_FIRST": 0.1, "IMAP_BACKOFF_MAX": 0.5, "IMAP_TIMEOUT": 10,
            **overrides,
        })
        return ImapSettings.from_config(app.config)

    return configure


class WorkerThread:
    """An ImapWorker running in a thread with an app context of its own."""

    def __init__(self, app, settings: ImapSettings) -> None:
        self.app = app
        self.settings = settings
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="imap-worker", daemon=True)

    def _run(self) -> None:
        with self.app.app_context():
            try:
                ImapWorker(self.settings, self.stop).run()
            except BaseException as error:  # shown by close()
                self.error = error
            finally:
                db.session.remove()

    def close(self) -> None:
        """Stop the worker and wait for it; raise what it died of."""
        self.stop.set()
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the worker did not stop"
        if self.error is not None:
            raise self.error


@pytest.fixture
def worker_thread(app) -> Iterable[Callable[[ImapSettings], WorkerThread]]:
    """Return a function starting a worker thread; every one is stopped after the test."""
    started: list[WorkerThread] = []

    def start(settings: ImapSettings) -> WorkerThread:
        worker = WorkerThread(app, settings)
        worker.thread.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.close()


@pytest.fixture
def applications(monkeypatch) -> Iterable[Counter]:
    """Count the process() calls that committed, by row id."""
    from app.services import inbound

    counts: Counter = Counter()
    original = inbound.process

    def process(message, forums=None, batch=None):
        followups = original(message, forums, batch)
        row_id = message.id
        # Counted on commit only: a rolled back application was never applied.
        db.session.info.setdefault("applied", []).append(row_id)
        return followups

    def count_on_commit(session) -> None:
        counts.update(session.info.pop("applied", []))

    def forget_on_rollback(session, _transaction) -> None:
        session.info.pop("applied", None)

    event.listen(Session, "after_commit", count_on_commit)
    event.listen(Session, "after_soft_rollback", forget_on_rollback)
    monkeypatch.setattr(inbound, "process", process)
    yield counts
    event.remove(Session, "after_commit", count_on_commit)
    event.remove(Session, "after_soft_rollback", forget_on_rollback)


def wait_for(predicate: Callable[[], object], timeout: float = 5.0, what: str = "") -> object:
    """Return PREDICATE's first true value, looking every 20 ms with fresh database reads."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(0.02)


def stored() -> list[InboundMessage]:
    """Return every inbound row, oldest first."""
    return list(db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def append_all(server: DovecotServer, address: str, raws: Iterable[bytes],
               folder: str = "INBOX") -> None:
    """APPEND RAWS to FOLDER over one connection."""
    with server.client(address) as client:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        for raw in raws:
            client.append(folder, raw)


def folder_uids(server: DovecotServer, address: str, folder: str) -> list[int]:
    """Return the UIDs in FOLDER (none when it does not exist)."""
    with server.client(address) as client:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        return client.search()
