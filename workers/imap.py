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
    """Return a client logged in to the configured server."""
    context = ssl.create_default_context() if settings.ssl else None
    client = IMAPClient(settings.host, port=settings.port, ssl=settings.ssl,
                        ssl_context=context, timeout=settings.timeout)
    try:
        client.login(settings.username, settings.password)
    except BaseException:
        client.shutdown()
        raise
    return client


def open_box(client: IMAPClient, settings: ImapSettings) -> Box:
    """Select the folder read, and start over when its UIDVALIDITY changed."""
    ensure_folder(client, settings.processed_folder)
    selected = client.select_folder(settings.folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    name = mailboxes.mailbox_name(settings.username, settings.host, settings.folder)
    mailboxes.check_uidvalidity(mailboxes.get(name), uidvalidity)
    db.session.commit()
    return Box(name=name, uidvalidity=uidvalidity)


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
                    raise
                delay = self.backoff.next()
                log.warning("IMAP worker for %s: %s: %s; reconnecting in %.1f s",
                            self.settings.host, type(error).__name__, error, delay,
                            exc_info=log.isEnabledFor(logging.DEBUG))
                self.stop.wait(delay)

    def session(self, once: bool = False) -> None:
        """Connect, drain the folder, then wait for mail and drain again until stopped."""
        client = connect(self.settings)
        try:
            box = open_box(client, self.settings)
            log.info("IMAP worker reading %s (%s)", box.name,
                     "IDLE" if client.has_capability("IDLE") else "polling")
            handled = self.drain(client, box)
            self.backoff.reset()
            while not once and not self.stop.is_set():
                limit = RECHECK_SECONDS if handled else self.settings.idle_seconds
                handled = self.drain(client, box) if self.wait(client, limit) else 0
        finally:
            close(client)

    def drain(self, client: IMAPClient, box: Box) -> int:
        """Sync until a pass finds nothing and no new mail was announced; return how many."""
        total = 0
        while not self.stop.is_set():
            found = sync(client, box, self.settings, self.stop)
            total += found
            if not found and not announced_new_mail(client):
                break
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
