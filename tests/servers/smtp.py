"""An aiosmtpd SMTP server on 127.0.0.1 that records messages and can misbehave on demand.

With ``oauth2=`` it requires AUTH XOAUTH2 or OAUTHBEARER with a JWT, as Exchange Online does.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, Session

from tests.servers.oauth_keys import OAuth2Settings, parse_sasl, refusal

# Exchange Online's replies to an AUTH it refuses whatever the token: SMTP AUTH switched off
# for the tenant, and the generic one (e.g. the mailbox may not use SMTP AUTH).
SMTP_AUTH_DISABLED = (
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
    "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."
)
AUTH_UNSUCCESSFUL = "535 5.7.3 Authentication unsuccessful"
NOT_AUTHENTICATED = "530 5.7.57 Client not authenticated to send mail"


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes  # exactly what the client sent between DATA and ".", dot-unstuffed
    peer: Any = field(default=None, compare=False)
    auth_data: Any = None  # who the client logged in as (oauth2 servers: the address)


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
        self._deliver: Any = None
        self._before_accept: Any = None
        self.drops = 0

    # -- knobs ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget received messages and disarm every knob."""
        with self._cond:
            self._messages.clear()
            self._rcpt_failures.clear()
            self._drop_after = None
            self._delay = 0.0
            self._deliver = None
            self._before_accept = None
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

    def before_accept(self, callback: Any) -> None:
        """Call CALLBACK(recipients) in a thread when a message's DATA is in, before the
        server accepts it: what the client has recorded by then, a test can read."""
        with self._cond:
            self._before_accept = callback

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
        with self._cond:
            before_accept = self._before_accept
        if before_accept is not None:
            await asyncio.to_thread(before_accept, tuple(envelope.rcpt_tos))
        raw = envelope.original_content or b""
        message = Received(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape"),
            peer=session.peer,
            auth_data=session.auth_data,
        )
        with self._cond:
            self._messages.append(message)
            self._cond.notify_all()
            deliver = self._deliver
        if deliver is not None:
            await asyncio.to_thread(self._deliver_into, deliver, message)
        return "250 2.0.0 OK queued"

    def deliver_into(self, dovecot: Any) -> None:
        """Also put each message into the INBOX of every recipient that DOVECOT knows (its
        +sub-address dropped, Delivered-To added), as a real mail server would."""
        with self._cond:
            self._deliver = dovecot

    @staticmethod
    def _deliver_into(dovecot: Any, message: Received) -> None:
        """APPEND MESSAGE for each of its recipients that DOVECOT has a user for."""
        for rcpt in message.rcpt_tos:
            local, _, domain = rcpt.lower().partition("@")
            base = f"{local.partition('+')[0]}@{domain}"
            if base in dovecot.users:
                dovecot.append(base, f"Delivered-To: {rcpt}\r\n".encode() + message.data)


@dataclass(frozen=True)
class Login:
    """One AUTH attempt on an oauth2 server, and why it was refused (None: it was not)."""

    mechanism: str
    user: str
    refused: str | None


class OAuth2Handler(RecordingHandler):
    """A RecordingHandler that lets only clients with a good bearer token send mail."""

    def __init__(self, oauth2: OAuth2Settings) -> None:
        """Accept the tokens OAUTH2 describes; no canned refusal armed."""
        super().__init__()
        self.oauth2 = oauth2
        self._logins: list[Login] = []
        self._refusal: _RcptFailure | None = None

    def reset(self) -> None:
        """Forget messages and logins and disarm every knob, refusals too."""
        super().reset()
        with self._cond:
            self._logins.clear()
            self._refusal = None

    def refuse_auth(self, reply: str = SMTP_AUTH_DISABLED, times: int | None = None) -> None:
        """Answer the next TIMES AUTH commands (None: all) with REPLY, whatever the token."""
        with self._cond:
            self._refusal = _RcptFailure(reply, times)

    @property
    def logins(self) -> list[Login]:
        """Return a copy of the AUTH attempts since the last reset."""
        with self._cond:
            return list(self._logins)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        """Check ``user=U^Aauth=Bearer T^A^A`` (aiosmtpd calls auth_<MECHANISM>)."""
        return await self._authenticate(server, args)

    async def auth_OAUTHBEARER(self, server: SMTP, args: list[str]) -> AuthResult:
        """Check the RFC 7628 ``n,a=U,^Aauth=Bearer T^A^A``."""
        return await self._authenticate(server, args)

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        """Refuse senders that have not logged in, as Exchange does."""
        # aiosmtpd's own auth_required warns on every connection without TLS; this does not.
        if not session.authenticated:
            return NOT_AUTHENTICATED
        return await super().handle_MAIL(server, session, envelope, address, mail_options)

    async def _authenticate(self, server: SMTP, args: list[str]) -> AuthResult:
        """Read the client's response, then accept it, refuse it, or give the canned reply."""
        mechanism = args[0].upper()
        raw = await _initial_response(server, args)
        if raw is None:
            return AuthResult(success=False, handled=True)  # aiosmtpd already replied 501
        user, token = parse_sasl(mechanism, raw)
        canned = self._take_refusal()
        why = canned or refusal(self.oauth2, user, token)
        with self._cond:
            self._logins.append(Login(mechanism, user, why))
        if why is None:
            return AuthResult(success=True, auth_data=user)
        if canned is not None:
            return AuthResult(success=False, handled=False, message=canned)
        # RFC 7628 3.2.2: a refused token gets a JSON error challenge, answered by an empty
        # line (XOAUTH2) or ^A (OAUTHBEARER), and only then the 535.
        challenge = json.dumps(
            {"status": "401", "schemes": "bearer", "scope": f"{self.oauth2.audience}/.default"}
        )
        if await server.challenge_auth(challenge) is MISSING:
            return AuthResult(success=False, handled=True)
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 {why}")

    def _take_refusal(self) -> str | None:
        """Return the canned AUTH reply if one is armed, counting it down."""
        with self._cond:
            armed = self._refusal
            if armed is None:
                return None
            if armed.times is not None:
                armed.times -= 1
                if armed.times <= 0:
                    self._refusal = None
            return armed.reply


async def _initial_response(server: SMTP, args: list[str]) -> bytes | None:
    """Return the decoded SASL initial response, asking for it when AUTH came without one."""
    if len(args) == 2:
        if args[1] == "=":  # RFC 4954: an empty initial response
            return b""
        try:
            return base64.b64decode(args[1], validate=True)
        except ValueError:
            await server.push("501 5.5.2 Can't decode base64")
            return None
    answer = await server.challenge_auth("")
    return answer if isinstance(answer, bytes) else None  # MISSING: client sent "*"


# Long enough for AUTH XOAUTH2 with a JWT in the initial response; aiosmtpd's defaults are
# 512 per command and 1001 per line, too short for any real token.
OAUTH2_LINE_LIMIT = 16384


class _QuietSession(Session):
    """aiosmtpd's Session without its "login_data is deprecated" log line at every AUTH."""

    login_data: Any = None  # shadows the property that logs; aiosmtpd itself sets it


class _OAuth2SMTP(SMTP):
    """aiosmtpd's SMTP with room for bearer tokens on the AUTH line."""

    line_length_limit = OAUTH2_LINE_LIMIT  # the asyncio reader limit, read in __init__
    command_size_limit = OAUTH2_LINE_LIMIT  # before EHLO

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Set the per-command limits used after EHLO, for this connection only."""
        super().__init__(*args, **kwargs)
        # aiosmtpd keeps these in a dict on the class and adds to it at every EHLO.
        self.command_size_limits = collections.defaultdict(lambda: OAUTH2_LINE_LIMIT)

    def _create_session(self) -> Session:
        """Return a session that does not log a deprecation on login."""
        return _QuietSession(self.loop)


class _FreePortController(Controller):
    """A Controller that binds port 0 and learns the port the kernel chose."""

    def _trigger_server(self) -> None:
        """Read the bound port before aiosmtpd's first self-connection."""
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class _OAuth2Controller(_FreePortController):
    """A free-port Controller whose connections take long AUTH lines."""

    def factory(self) -> SMTP:
        """Return the SMTP protocol for one connection."""
        return _OAuth2SMTP(self.handler, **self.SMTP_kwargs)


class SMTPServer:
    """A recording SMTP server on 127.0.0.1 with failure knobs; see RecordingHandler."""

    def __init__(
        self, hostname: str = "smtp.forum.test", *, oauth2: OAuth2Settings | None = None
    ) -> None:
        """Prepare a server announcing HOSTNAME (given, so aiosmtpd skips a slow getfqdn).

        OAUTH2: offer only AUTH XOAUTH2 and OAUTHBEARER, with tokens OAUTH2 describes, and
        require it before MAIL; see OAuth2Handler.
        """
        self.handler: RecordingHandler
        self.host = "127.0.0.1"
        self.port = 0
        if oauth2 is None:
            self.handler = RecordingHandler()
            self._controller = _FreePortController(
                self.handler, hostname=self.host, port=0, server_hostname=hostname
            )
            return
        self.handler = OAuth2Handler(oauth2)
        self._controller = _OAuth2Controller(
            self.handler,
            hostname=self.host,
            port=0,
            server_hostname=hostname,
            auth_require_tls=False,
            auth_exclude_mechanism=["LOGIN", "PLAIN"],
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

    def before_accept(self, callback: Any) -> None:
        """Call CALLBACK(recipients) before accepting each message's DATA, until reset."""
        self.handler.before_accept(callback)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Return the messages once at least COUNT arrived; raise TimeoutError after TIMEOUT."""
        return self.handler.wait_for(count, timeout)

    def deliver_into(self, dovecot: Any) -> None:
        """Also deliver each message to the recipients DOVECOT has users for, until reset."""
        self.handler.deliver_into(dovecot)

    def refuse_auth(self, reply: str = SMTP_AUTH_DISABLED, times: int | None = None) -> None:
        """Answer the next TIMES AUTH commands (None: all) with REPLY (oauth2 servers only)."""
        if not isinstance(self.handler, OAuth2Handler):
            raise TypeError("refuse_auth needs a server made with oauth2=")
        self.handler.refuse_auth(reply, times)

    @property
    def logins(self) -> list[Login]:
        """Return the AUTH attempts since the last reset (oauth2 servers only)."""
        return self.handler.logins if isinstance(self.handler, OAuth2Handler) else []
