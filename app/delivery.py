"""Send a forum's batch on one connection, each message marked durably before the next
is accepted.

The server accepts a message at the end of its DATA. So while the last message's mark
commits, the next one's envelope (MAIL FROM, RCPT TO) can already go out: its DATA waits
for the mark, and a crash still re-sends at most the one message in flight. On a
server across the internet the envelope's round trips hide the commit entirely.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from app.mail.tokens import bounce_address
from app.mailer import SendError
from app.services import outbound

log = logging.getLogger(__name__)


class Batch:
    """Messages leaving on one connection, and the one accepted but not yet marked."""

    def __init__(self, sender: str, ledger, mailer, lock, secret: bytes | None) -> None:
        self.sender, self.ledger, self.mailer = sender, ledger, mailer
        self.lock, self.secret = lock, secret
        self.accepted: int | None = None

    def send(self, messages: Sequence[outbound.Pending]) -> int:
        """Send MESSAGES in order; return how many left. A refusal for now stops the
        batch (SendError, for RQ to retry); a permanent one is recorded and skipped."""
        sent = 0
        with ThreadPoolExecutor(1, thread_name_prefix="smtp-envelope") as envelopes:
            for message in messages:
                sent += self._send_one(message, envelopes)
        self._mark_accepted()
        return sent

    def _send_one(self, message: outbound.Pending, envelopes: ThreadPoolExecutor) -> int:
        """Open MESSAGE's envelope while the last message's mark commits, then send it."""
        self.lock.keep()
        opening = envelopes.submit(self.mailer.begin, self._envelope_sender(message),
                                   message.recipient, len(message.raw))
        try:
            self._mark_accepted()
        finally:
            _wait(opening)  # the connection is never left in the middle of a command
        try:
            opening.result()
            self.mailer.finish(message.raw)
        except SendError as exc:
            outbound.mark_failed(self.ledger, message.id, str(exc), exc.permanent)
            log.warning("Not sent %s to %s: %s", message.kind, message.recipient, exc)
            if not exc.permanent:
                raise  # RQ retries the job; sent rows are skipped next time
            return 0
        self.accepted = message.id
        return 1

    def _mark_accepted(self) -> None:
        """Record that the server accepted the last message, before the next is."""
        if self.accepted is not None:
            outbound.mark_sent(self.ledger, self.accepted)
            self.accepted = None

    def _envelope_sender(self, message: outbound.Pending) -> str:
        """Return MESSAGE's envelope sender: with a secret, its own signed return path
        (VERP), so that a bounce proves which of our messages failed."""
        if self.secret is None:
            return self.sender
        return bounce_address(self.sender, message.id, self.secret)


def _wait(future: Future) -> None:
    """Wait for FUTURE to finish, whatever its outcome."""
    future.exception()
