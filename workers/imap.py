"""The IMAP worker: connect, select, drain, then IDLE (or poll) for ever; reconnect on any error."""

from __future__ import annotations

import logging
import random
import ssl
import threading
import time

from imapclient import IMAPClient

from app.extensions import db
from app.services import mailboxes
from app.services.mailaccounts import state as account_state
from workers.mailbox import Box, ensure_folder, sync
from workers.settings import ImapSettings

log = logging.getLogger(__name__)

#: Seconds one idle_check() waits, so a stop request is seen quickly.
IDLE_TICK = 0.5
#: After handling mail, IDLE only this long before looking once more: mail that arrived while
#: the last SEARCH ran may go unannounced by IDLE until the next change (seen with Dovecot).
RECHECK_SECONDS = 0.25


class Backoff:
    """Exponential delays with jitter: FIRST, 2 FIRST, 4 FIRST ... up to CAP."""

    def __init__(self, first: float = 1.0, cap: float = 60.0) -> None:
        self.first = first
        self.cap = cap
        self.failures = 0

    def next(self) -> float:
        """Return the delay before the next attempt."""
        delay = min(self.cap, self.first * 2 ** min(self.failures, 30))
        self.failures += 1
        # Half fixed, half random: many workers restarted together do not reconnect together.
        return delay / 2 + random.uniform(0, delay / 2)

    def reset(self) -> None:
        """Start again from FIRST after a success."""
        self.failures = 0


def connect(settings: ImapSettings) -> IMAPClient:
    """Return a client logged in to the configured server, by XOAUTH2 for an OAuth mailbox."""
    context = ssl.create_default_context() if settings.ssl else None
    client = IMAPClient(settings.host, port=settings.port, ssl=settings.ssl,
                        ssl_context=context, timeout=settings.timeout)
    try:
        if settings.tokens is not None:
            client.oauth2_login(*settings.tokens.credentials())
        else:
            client.login(settings.username, settings.password)
    except BaseException:
        client.shutdown()
        raise
    return client


def open_box(client: IMAPClient, settings: ImapSettings, folder: str | None = None) -> Box:
    """Select FOLDER (the first one read), and start over when its UIDVALIDITY changed."""
    folder = folder or settings.folder
    ensure_folder(client, settings.processed_folder)
    selected = client.select_folder(folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    name = mailboxes.mailbox_name(settings.username, settings.host, folder)
    mailboxes.check_uidvalidity(mailboxes.get(name), uidvalidity)
    db.session.commit()
    return Box(name=name, uidvalidity=uidvalidity, forum_id=settings.forum_id)


def token_expired(error: BaseException) -> bool:
    """Tell whether the server ended the session because its token expired (Exchange)."""
    return "AccessTokenExpired" in str(error)


def announced_new_mail(client: IMAPClient) -> bool:
    """Take the EXISTS responses that came with the last commands; tell whether there were any."""
    # Mail arriving while a command runs is announced at its end; imaplib keeps that, and
    # imapclient has no public reader for it. IDLE would not announce it again.
    responses = getattr(getattr(client, "_imap", None), "untagged_responses", None)
    return bool(responses and responses.pop("EXISTS", None))


def close(client: IMAPClient) -> None:
    """Log out, or just close the socket when the connection is already broken."""
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception:
            log.debug("Closing a broken IMAP connection failed", exc_info=True)


class ImapWorker:
    """Read one IMAP folder until told to stop; a failure only ever means reconnecting."""

    def __init__(self, settings: ImapSettings, stop: threading.Event | None = None) -> None:
        self.settings = settings
        self.stop = stop or threading.Event()
        self.backoff = Backoff(settings.backoff_first, settings.backoff_max)

    def run(self, once: bool = False) -> None:
        """Work until stopped; with ONCE, handle what is there now and return."""
        while not self.stop.is_set():
            try:
                self.session(once)
                if once:
                    return
            except Exception as error:
                db.session.rollback()
                if once:
                    self.report(error)
                    raise
                self.recover(error)

    def recover(self, error: Exception) -> None:
        """Say what went wrong and wait before reconnecting (at once after a token expired)."""
        if token_expired(error) and self.settings.tokens is not None:
            # Exchange ends a session when its token expires: nothing is wrong, log in anew.
            self.settings.tokens.forget()
            log.info("IMAP session of %s ended with its token; logging in anew",
                     self.settings.username)
            return
        self.report(error)
        delay = self.backoff.next()
        log.warning("IMAP worker for %s: %s: %s; reconnecting in %.1f s",
                    self.settings.host, type(error).__name__, error, delay,
                    exc_info=log.isEnabledFor(logging.DEBUG))
        self.stop.wait(delay)

    def report(self, error: BaseException) -> None:
        """Record ERROR on the mail account, for the page."""
        if self.settings.account_id is not None:
            account_state.failed(self.settings.account_id, error)

    def session(self, once: bool = False) -> None:
        """Connect, drain the folders, then wait for mail and drain again until stopped."""
        client = connect(self.settings)
        try:
            if self.settings.account_id is not None:
                account_state.logged_in(self.settings.account_id)
            handled, box = self.drain_all(client)
            log.info("IMAP worker reading %s (%s)", box.name,
                     "IDLE" if client.has_capability("IDLE") else "polling")
            self.backoff.reset()
            while not once and not self.stop.is_set() and not self.token_due():
                limit = RECHECK_SECONDS if handled else self.idle_limit()
                if not self.wait(client, limit):
                    handled = 0
                elif self.settings.more_folders:
                    handled, box = self.drain_all(client)
                else:
                    handled = self.drain(client, box)
        finally:
            close(client)

    def drain_all(self, client: IMAPClient) -> tuple[int, Box]:
        """Drain every folder read, the watched one last (left selected); return how many,
        and the watched folder's box."""
        total = 0
        for folder in reversed(self.settings.folders):
            box = open_box(client, self.settings, folder)
            total += self.drain(client, box)
        return total, box

    def idle_limit(self) -> float:
        """Return how long to IDLE: shorter with more folders to look at, and before a token
        runs out."""
        limit = self.settings.idle_seconds
        if self.settings.more_folders:
            limit = min(limit, self.settings.poll_seconds)
        expires = self.settings.tokens.expires_at if self.settings.tokens is not None else None
        if expires is not None:
            limit = min(limit, max(0.0, expires - self.settings.token_margin - time.time()))
        return limit

    def token_due(self) -> bool:
        """Tell whether the session's token is about to expire: then log in afresh first."""
        tokens = self.settings.tokens
        expires = tokens.expires_at if tokens is not None else None
        return expires is not None and time.time() >= expires - self.settings.token_margin

    def drain(self, client: IMAPClient, box: Box) -> int:
        """Sync until a pass finds nothing and no new mail was announced; return how many."""
        total = 0
        while not self.stop.is_set():
            found = sync(client, box, self.settings, self.stop)
            total += found
            if not found and not announced_new_mail(client):
                break
        if total and self.settings.account_id is not None:
            account_state.saw_mail(self.settings.account_id)
        return total

    def wait(self, client: IMAPClient, limit: float) -> bool:
        """Wait for new mail, at most LIMIT seconds in IDLE; return whether to look for mail."""
        if client.has_capability("IDLE"):
            return self.idle(client, limit)
        self.stop.wait(self.settings.poll_seconds)
        return not self.stop.is_set()

    def idle(self, client: IMAPClient, limit: float) -> bool:
        """IDLE until the server reports new mail or LIMIT passes; return whether to look."""
        client.idle()
        changed = self._idle_until_change(client, limit)
        client.idle_done()
        return changed and not self.stop.is_set()

    def _idle_until_change(self, client: IMAPClient, limit: float) -> bool:
        """Read IDLE responses; True on new mail or after LIMIT seconds, False on stop."""
        deadline = time.monotonic() + limit
        quick_empty = 0
        while not self.stop.is_set():
            if time.monotonic() >= deadline:
                return True
            started = time.monotonic()
            responses = client.idle_check(timeout=IDLE_TICK)
            if any(r and r[0] == b"BYE" for r in responses):
                raise ConnectionError(f"the server said goodbye: {responses}")
            if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                return True
            # idle_check() swallows end-of-file and returns nothing at once, for ever after.
            quick = not responses and time.monotonic() - started < IDLE_TICK / 2
            quick_empty = quick_empty + 1 if quick else 0
            if quick_empty >= 3:
                raise ConnectionError("the IMAP connection was closed")
        return False
