"""One intake for every forum: an IMAP worker per mail account, beside the default one.

Each enabled mail account gets a thread running its own ImapWorker; the accounts are
read again every few seconds, so an account saved on the page is read without a
restart, and a changed one (a new version) logs in afresh. The installation's own
mailbox (IMAP_* settings, else the drop folder) keeps running beside them for the
forums that have no account.

Several `mail watch` processes, on one machine or several, share the accounts: each
account is read by the process holding its lease in Redis, renewed at every look, so
the accounts of a process that died are taken over once its leases run out.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from redis.exceptions import LockError, RedisError

from app.extensions import db, rq
from app.mail.accounts.providers import TlsMode
from app.models import MailAccount
from app.services.mailaccounts import runtime
from app.services.mailaccounts import state as account_state
from workers.imap import ImapWorker
from workers.settings import ImapSettings

log = logging.getLogger(__name__)

#: Seconds between looks at the mail accounts (INTAKE_RELOAD_SECONDS).
RELOAD_SECONDS = 10.0
#: How long an account's lease lasts unrenewed (INTAKE_LEASE_SECONDS): a dead process's
#: accounts are read again within this and one look.
LEASE_SECONDS = 45.0


@dataclass
class Running:
    """A worker thread and the event that stops it."""

    thread: threading.Thread
    stop: threading.Event


class Leases:
    """Which process reads which account: a lock per account in the jobs' Redis."""

    def __init__(self, redis, seconds: float) -> None:
        self.redis = redis
        self.seconds = seconds
        self.held: dict[int | str, object] = {}
        #: Who holds a lease, as an operator reads it in Redis: host, process, this run.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def take(self, account_id: int | str) -> bool:
        """Take ACCOUNT_ID's lease if nobody holds it; tell whether we hold it now."""
        if account_id in self.held:
            return True
        # Not thread-local: the supervisor's loop takes, renews and gives back every lease.
        lock = self.redis.lock(f"forumpost:intake:account:{account_id}", timeout=self.seconds,
                               thread_local=False)
        try:
            if not lock.acquire(blocking=False, token=self.holder):
                return False
        except RedisError as error:  # nothing new starts until Redis answers again
            log.warning("Cannot take the lease of mailbox %s: %s", account_id, error)
            return False
        self.held[account_id] = lock
        return True

    def renew(self, account_id: int | str) -> bool:
        """Renew ACCOUNT_ID's lease; False when it ran out and another process took it."""
        lock = self.held.get(account_id)
        try:
            lock.reacquire()
            return True
        except (LockError, AttributeError):
            self.held.pop(account_id, None)
            return False
        except RedisError as error:
            # Redis is away: keep reading. Were another process to take over meanwhile, a
            # mail read twice is still stored and applied once (its bytes are its key).
            log.warning("Cannot renew the lease of mailbox %s: %s", account_id, error)
            return True

    def release(self, account_id: int | str) -> None:
        """Give ACCOUNT_ID's lease back, for another process to take at once."""
        lock = self.held.pop(account_id, None)
        try:
            if lock is not None:
                lock.release()
        except (LockError, RedisError):
            pass  # it ran out already, or runs out by itself


def account_settings(account: MailAccount, config) -> ImapSettings:
    """Return the IMAP worker's settings for ACCOUNT (its secrets opened, its tokens shared)."""
    login = runtime.login_for(account)
    folders = list(account.folders or ["INBOX"])
    return ImapSettings.from_config(
        config,
        host=account.imap_host, port=account.imap_port,
        ssl=account.imap_tls == TlsMode.SSL.value,
        username=login.user, password=login.password, tokens=login.tokens,
        folder=folders[0], more_folders=tuple(folders[1:]),
        processed_folder=account.processed_folder,
        account_id=account.id, forum_id=account.forum_id,
    )


class Supervisor:
    """Keep one worker thread per enabled mail account, plus the default intake."""

    def __init__(self, app: Flask, stop: threading.Event,
                 default: Callable[[threading.Event], None] | None = None,
                 reload_seconds: float | None = None) -> None:
        self.app = app
        self.stop = stop
        self.default = default
        config = app.config
        self.reload_seconds = reload_seconds or config.get("INTAKE_RELOAD_SECONDS",
                                                           RELOAD_SECONDS)
        self.lease_seconds = config.get("INTAKE_LEASE_SECONDS", LEASE_SECONDS)
        #: (account id, version) -> its worker; ("default", 0) for the installation's mailbox.
        self.running: dict[tuple, Running] = {}
        self.leases: Leases | None = None

    def run(self, once: bool = False) -> None:
        """Supervise until stopped; with ONCE, take in what every mailbox holds now."""
        if once:
            self.run_once()
            return
        from app.jobs import ensure_queue

        ensure_queue()
        self.leases = Leases(rq.queue.connection, self.lease_seconds)
        while not self.stop.is_set():
            self.reconcile()
            self.stop.wait(self.reload_seconds)
        for running in self.running.values():
            running.stop.set()
        for running in self.running.values():
            running.thread.join(timeout=30)
        for key in list(self.running):
            self._give_back(key[0])

    def run_once(self) -> None:
        """Read every mailbox once, one after the other."""
        if self.default is not None:
            self.default(self.stop)
        for account_id, settings in self.wanted().items():
            try:
                ImapWorker(settings, self.stop).run(once=True)
            except Exception:  # noqa: BLE001 - the next account still gets its turn
                log.exception("Reading the mailbox of account %s failed", account_id[0])

    def wanted(self) -> dict[tuple[int, int], ImapSettings]:
        """Return the settings of every enabled account, by (id, version)."""
        wanted = {}
        for account in runtime.enabled_accounts():
            try:
                wanted[(account.id, account.version)] = account_settings(account,
                                                                         self.app.config)
            except Exception as error:  # noqa: BLE001 - unreadable secrets, wrong settings
                account_state.failed(account.id, error)
        db.session.remove()
        return wanted

    def reconcile(self) -> None:
        """Start workers for new or changed accounts; stop those of changed or gone ones."""
        try:
            wanted = self.wanted()
        except Exception:  # noqa: BLE001 - the database may be away: keep what runs
            log.exception("Could not read the mail accounts")
            db.session.remove()
            return
        if self.default is not None:  # the installation's mailbox: one process reads it too
            wanted[("default", 0)] = None
        ids = {key[0] for key in wanted}
        for key, running in list(self.running.items()):
            lost = not self._renew(key[0])
            if lost or key not in wanted or not running.thread.is_alive():
                running.stop.set()
                del self.running[key]
                if not lost and key[0] not in ids:
                    self._give_back(key[0])
        for key, settings in wanted.items():
            if key not in self.running and self._take(key[0]):
                self._start(key, self.default if settings is None else
                            lambda stop, s=settings: ImapWorker(s, stop).run())

    def _take(self, account_id: int | str) -> bool:
        """Take the account's lease (always ours without Redis leases: run_once, tests)."""
        return self.leases is None or self.leases.take(account_id)

    def _renew(self, account_id: int | str) -> bool:
        """Renew the account's lease; False when another process has it now."""
        return self.leases is None or self.leases.renew(account_id)

    def _give_back(self, account_id) -> None:
        """Give the account's lease back."""
        if self.leases is not None:
            self.leases.release(account_id)

    def _start(self, key: tuple, work: Callable[[threading.Event], None]) -> None:
        """Run WORK(stop) in a thread of its own, inside an app context of its own."""
        stop = threading.Event()

        def target() -> None:
            """Work in this thread's own app context, so it has its own session."""
            with self.app.app_context():
                try:
                    work(stop)
                finally:
                    db.session.remove()

        thread = threading.Thread(target=target, name=f"intake-{key[0]}", daemon=True)
        self.running[key] = Running(thread, stop)
        thread.start()
