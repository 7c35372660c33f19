"""An aiosmtpd SMTP server on 127.0.0.1 that records messages and can misbehave on demand."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes  # exactly what the client sent between DATA and ".", dot-unstuffed
    peer: Any = field(default=None, compare=False)


@dataclass
class _RcptFailure:
    """A canned reply for one recipient, for a number of attempts or forever."""

    reply: str
    times: int | None


class RecordingHandler:
    """Store accepted messages and apply the failure knobs; every method is thread-safe."""

    def __init__(self) -> None:
        """Start with no messages and no knobs."""
        self._cond = threading.Condition()
        self._messages: list[Received] = []
        self._rcpt_failures: dict[str, _RcptFailure] = {}
        self._drop_after: int | None = None
        self._delay = 0.0
        self.drops = 0

    # -- knobs ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget received messages and disarm every knob."""
        with self._cond:
            self._messages.clear()
            self._rcpt_failures.clear()
            self._drop_after = None
            self._delay = 0.0
            self.drops = 0

    def drop_after(self, count: int) -> None:
        """Close the connection, unanswered, at the first MAIL FROM once COUNT messages are in.

        COUNT counts every message accepted since the last reset, over all connections. The
        knob fires once, like a crash and restart: a new connection is served normally.
        """
        with self._cond:
            self._drop_after = count

    def slow_down(self, seconds: float) -> None:
        """Take SECONDS over every message before accepting it, like a busy server."""
        with self._cond:
            self._delay = seconds

    def fail_rcpt(
        self, address: str, code: int = 550, text: str | None = None, times: int | None = None
    ) -> None:
        """Refuse RCPT TO ADDRESS with CODE and TEXT, for TIMES attempts (None: always)."""
        if text is None:
            text = "4.2.0 Try again later" if 400 <= code < 500 else "5.1.1 No such user"
        with self._cond:
            self._rcpt_failures[address.lower()] = _RcptFailure(f"{code} {text}", times)

    # -- results -------------------------------------------------------------------------------

    @property
    def messages(self) -> list[Received]:
        """Return a copy of the messages accepted since the last reset."""
        with self._cond:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Return the messages once at least COUNT arrived; raise TimeoutError after TIMEOUT."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"SMTP server got {len(self._messages)} message(s), "
                        f"expected {count} within {timeout}s"
                    )
                self._cond.wait(remaining)
            return list(self._messages)

    # -- aiosmtpd hooks ------------------------------------------------------------------------

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        """Accept the sender, or drop the connection when drop_after says so."""
        with self._cond:
            drop = self._drop_after is not None and len(self._messages) >= self._drop_after
            if drop:
                self._drop_after = None
                self.drops += 1
        if drop and server.transport is not None:
            # Closing the transport cancels the session task before any reply goes out.
            server.transport.close()
            return "421 4.3.0 Connection dropped by the test server"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        """Accept the recipient unless fail_rcpt names it."""
        with self._cond:
            failure = self._rcpt_failures.get(address.lower())
            if failure is not None and failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self._rcpt_failures[address.lower()]
        if failure is not None:
            return failure.reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Record the message and accept it."""
        with self._cond:
            delay = self._delay
        if delay:
            await asyncio.sleep(delay)
        raw = envelope.original_content or b""
        message = Received(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape"),
            peer=session.peer,
        )
        with self._cond:
            self._messages.append(message)
            self._cond.notify_all()
        return "250 2.0.0 OK queued"


class _FreePortController(Controller):
    """A Controller that binds port 0 and learns the port the kernel chose."""

    def _trigger_server(self) -> None:
        """Read the bound port before aiosmtpd's first self-connection."""
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPServer:
    """A recording SMTP server on 127.0.0.1 with failure knobs; see RecordingHandler."""

    def __init__(self, hostname: str = "smtp.forum.test") -> None:
        """Prepare a server announcing HOSTNAME (given, so aiosmtpd skips a slow getfqdn)."""
        self.handler = RecordingHandler()
        self.host = "127.0.0.1"
        self.port = 0
        self._controller = _FreePortController(
            self.handler, hostname=self.host, port=0, server_hostname=hostname
        )

    def start(self) -> SMTPServer:
        """Start serving in a background thread."""
        self._controller.start()
        self.port = self._controller.port
        return self

    def stop(self) -> None:
        """Stop serving; safe to call more than once."""
        if self._controller._thread is not None:
            self._controller.stop()

    def __enter__(self) -> SMTPServer:
        """Start the server for a with block."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server at the end of a with block."""
        self.stop()

    @property
    def messages(self) -> list[Received]:
        """Return a copy of the messages accepted since the last reset."""
        return self.handler.messages

    def reset(self) -> None:
        """Forget received messages and disarm every knob."""
        self.handler.reset()

    def drop_after(self, count: int) -> None:
        """Drop the connection at the next MAIL FROM once COUNT messages are in (once)."""
        self.handler.drop_after(count)

    def fail_rcpt(
        self, address: str, code: int = 550, text: str | None = None, times: int | None = None
    ) -> None:
        """Refuse RCPT TO ADDRESS with CODE and TEXT, for TIMES attempts (None: always)."""
        self.handler.fail_rcpt(address, code, text, times)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Return the messages once at least COUNT arrived; raise TimeoutError after TIMEOUT."""
        return self.handler.wait_for(count, timeout)
