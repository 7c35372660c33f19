"""One intake process for every forum: an IMAP worker per mail account, beside the default one.

Each enabled mail account gets a thread running its own ImapWorker; the accounts are
read again every few seconds, so an account saved on the page is read without a
restart, and a changed one (a new version) logs in afresh. The installation's own
mailbox (IMAP_* settings, else the drop folder) keeps running beside them for the
forums that have no account.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from app.extensions import db
from app.mail.accounts.providers import TlsMode
from app.models import MailAccount
from app.services.mailaccounts import runtime
from app.services.mailaccounts import state as account_state
from workers.imap import ImapWorker
from workers.settings import ImapSettings

log = logging.getLogger(__name__)

#: Seconds between looks at the mail accounts.
RELOAD_SECONDS = 10.0


@dataclass
class Running:
    """A worker thread and the event that stops it."""

    thread: threading.Thread
    stop: threading.Event


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
                 reload_seconds: float = RELOAD_SECONDS) -> None:
        self.app = app
        self.stop = stop
        self.default = default
        self.reload_seconds = reload_seconds
        self.running: dict[tuple[int, int], Running] = {}

    def run(self, once: bool = False) -> None:
        """Supervise until stopped; with ONCE, take in what every mailbox holds now."""
        if once:
            self.run_once()
            return
        if self.default is not None:
            self._start(("default", 0), self.default)
        while not self.stop.is_set():
            self.reconcile()
            self.stop.wait(self.reload_seconds)
        for running in self.running.values():
            running.stop.set()
        for running in self.running.values():
            running.thread.join(timeout=30)

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
        for key, running in list(self.running.items()):
            if key[0] != "default" and (key not in wanted or not running.thread.is_alive()):
                running.stop.set()
                del self.running[key]
        for key, settings in wanted.items():
            if key not in self.running:
                self._start(key, lambda stop, s=settings: ImapWorker(s, stop).run())

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
