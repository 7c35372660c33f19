"""A real Dovecot IMAP server on 127.0.0.1, one throwaway directory per server.

With ``oauth2=`` it also logs users in by XOAUTH2 and OAUTHBEARER, and clients reach it
through an `ImapProxy` that can end sessions the way Exchange does when a token expires.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from tests.servers.oauth_keys import OAuth2Settings, parse_sasl
from tests.servers.process import free_port, start_tied

TEMPLATE = Path(__file__).with_name("dovecot.conf.in")
OAUTH2_TEMPLATE = Path(__file__).with_name("dovecot-oauth2.conf.in")
# Exchange Online's last words to a session whose access token ran out.
TOKEN_EXPIRED_BYE = "Session invalidated - AccessTokenExpired"
SKIP_REASON = "dovecot-imapd not installed: run make test"
DOMAIN = "forum.test"

# What Dovecot 2.3 advertises after login with the settings of dovecot.conf.in.
DEFAULT_CAPABILITIES = (
    "IMAP4rev1",
    "SASL-IR",
    "LOGIN-REFERRALS",
    "ID",
    "ENABLE",
    "IDLE",
    "SORT",
    "SORT=DISPLAY",
    "THREAD=REFERENCES",
    "THREAD=REFS",
    "THREAD=ORDEREDSUBJECT",
    "MULTIAPPEND",
    "URL-PARTIAL",
    "CATENATE",
    "UNSELECT",
    "CHILDREN",
    "NAMESPACE",
    "UIDPLUS",
    "LIST-EXTENDED",
    "I18NLEVEL=1",
    "CONDSTORE",
    "QRESYNC",
    "ESEARCH",
    "ESORT",
    "SEARCHRES",
    "WITHIN",
    "CONTEXT=SEARCH",
    "LIST-STATUS",
    "BINARY",
    "MOVE",
    "SNIPPET=FUZZY",
    "PREVIEW=FUZZY",
    "PREVIEW",
    "STATUS=SIZE",
    "SAVEDATE",
    "LITERAL+",
    "NOTIFY",
)


def find_dovecot() -> str | None:
    """Return the path of the dovecot binary, or None when it is not installed."""
    for candidate in (shutil.which("dovecot"), "/usr/sbin/dovecot"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class DovecotError(RuntimeError):
    """Dovecot failed to start or to answer."""


class DovecotServer:
    """Run Dovecot in the foreground on a free port with plaintext logins and maildirs."""

    def __init__(
        self,
        binary: str | None = None,
        *,
        without: Iterable[str] = (),
        capabilities: Iterable[str] | None = None,
        start_timeout: float = 10.0,
        oauth2: OAuth2Settings | None = None,
    ) -> None:
        """Prepare a server; WITHOUT names capabilities not to advertise (e.g. IDLE, MOVE).

        OAUTH2 adds logins by bearer token, checked against its key, issuer and audience.
        """
        found = binary or find_dovecot()
        if found is None:
            raise FileNotFoundError(SKIP_REASON)
        self.binary = found
        drop = {name.upper() for name in without}
        caps = list(DEFAULT_CAPABILITIES if capabilities is None else capabilities)
        self.capabilities = [cap for cap in caps if cap.upper() not in drop]
        self._override_caps = capabilities is not None or bool(drop)
        self.start_timeout = start_timeout
        self.host = "127.0.0.1"
        self.port = 0
        self.dir: Path | None = None
        self.users: dict[str, str] = {}
        self.oauth2 = oauth2
        self.proxy: ImapProxy | None = None
        self.backend_port = 0  # Dovecot's own port; `port` is the proxy's with oauth2
        self._proc: subprocess.Popen[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, attempts: int = 3) -> DovecotServer:
        """Start Dovecot and wait for its IMAP greeting; retry when the port got taken."""
        if self._proc is not None:
            return self
        directory = self._make_dir()
        atexit.register(self.stop)
        for attempt in range(attempts):
            self.port = free_port(self.host)
            for log in ("console.log", "dovecot.log"):
                (directory / log).unlink(missing_ok=True)
            self._write_config()
            try:
                self._launch()
                self.backend_port = self.port
                if self.oauth2 is not None:
                    self.proxy = ImapProxy((self.host, self.port), self.host).start()
                    self.port = self.proxy.port
                return self
            except DovecotError as error:
                self._kill()
                if "in use" not in str(error) or attempt == attempts - 1:
                    self.stop()
                    raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Stop Dovecot and remove its directory; safe to call more than once."""
        if self.proxy is not None:
            self.proxy.stop()
            self.proxy = None
        self._kill()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        atexit.unregister(self.stop)

    def __enter__(self) -> DovecotServer:
        """Start the server for a with block."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server at the end of a with block."""
        self.stop()

    @property
    def running(self) -> bool:
        """Return whether the Dovecot master process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        """Return the last LINES lines of the Dovecot log and console output."""
        if self.dir is None:
            return ""
        text = ""
        for name in ("console.log", "dovecot.log"):
            path = self.dir / name
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    # -- users and mail ------------------------------------------------------------------------

    def add_user(self, email: str | None = None, password: str | None = None) -> tuple[str, str]:
        """Create a mail user (a fresh random one by default) and return (address, password).

        Dovecot lowercases login names, so addresses differing only in case are one user.
        """
        if self.dir is None:
            raise DovecotError("start the server before adding users")
        email = email or f"u{uuid.uuid4().hex[:12]}@{DOMAIN}"
        password = password or uuid.uuid4().hex
        key = email.lower()
        if any(ch in email + password for ch in ":/\n\r") or key.startswith("."):
            raise ValueError("address and password must not contain ':', '/' or newlines")
        if key in self.users:
            # Dovecot may not notice a rewritten passwd-file for a second: refuse to change it.
            if self.users[key] != password:
                raise ValueError(f"{email} already exists with another password")
            return email, password
        path = self.dir / "users" / key
        path.write_text(f"{key}:{{PLAIN}}{password}\n", encoding="utf-8")
        path.chmod(0o644)
        self.users[key] = password
        return email, password

    def client(self, user: str, *, timeout: float = 10.0) -> IMAPClient:
        """Return an IMAPClient logged in as USER (an address given to add_user)."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
        try:
            client.login(user, self.users[user.lower()])
        except BaseException:
            client.shutdown()
            raise
        return client

    def oauth2_client(
        self, user: str, token: str, *, mechanism: str = "XOAUTH2", timeout: float = 10.0
    ) -> IMAPClient:
        """Return an IMAPClient logged in as USER with TOKEN by XOAUTH2 or OAUTHBEARER."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
        try:
            if mechanism.upper() == "OAUTHBEARER":
                client.oauthbearer_login(user, token)
            else:
                client.oauth2_login(user, token)
        except BaseException:
            client.shutdown()
            raise
        return client

    def end_sessions(self, user: str | None = None, text: str = TOKEN_EXPIRED_BYE) -> int:
        """Send ``* BYE TEXT`` to USER's logged-in sessions (None: all) and close them.

        Returns how many sessions it ended. Dovecot keeps a session whose token expires;
        Exchange ends it like this, and the proxy in front of an oauth2 server can too.
        """
        if self.proxy is None:
            raise DovecotError("end_sessions needs a server started with oauth2=")
        return self.proxy.end_sessions(user, text)

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> int | None:
        """Store RAW in USER's FOLDER (created if missing) and return its UID."""
        client = self.client(user)
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            response = client.append(folder, raw)
        finally:
            client.logout()
        # Dovecot answers "[APPENDUID <uidvalidity> <uid>] Append completed."
        parts = response.decode(errors="replace").strip("[").split("]")[0].split()
        if len(parts) == 3 and parts[0].upper() == "APPENDUID":
            return int(parts[2])
        return None

    # -- internals ---------------------------------------------------------------------------

    def _make_dir(self) -> Path:
        """Create the server directory, readable by Dovecot's unprivileged processes."""
        base = "/tmp" if os.path.isdir("/tmp") else None  # base_dir must stay short for sockets
        self.dir = Path(tempfile.mkdtemp(prefix="forumpost-dovecot-", dir=base))
        self.dir.chmod(0o755)
        (self.dir / "mail").mkdir()
        (self.dir / "users").mkdir()
        (self.dir / "users").chmod(0o755)
        user, group = self._mail_owner()
        if os.geteuid() == 0:
            shutil.chown(self.dir / "mail", user, group)
        return self.dir

    @staticmethod
    def _mail_owner() -> tuple[str, str]:
        """Return the user and group Dovecot runs internal processes and mail access as."""
        if os.geteuid() == 0:
            return "dovecot", "dovecot"
        return pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name

    def _write_config(self) -> None:
        """Fill in dovecot.conf.in for the current directory and port."""
        assert self.dir is not None
        user, group = self._mail_owner()
        login_user = "dovenull" if os.geteuid() == 0 else user
        caps = f"imap_capability = {' '.join(self.capabilities)}" if self._override_caps else ""
        values = {
            "DIR": str(self.dir),
            "PORT": str(self.port),
            "INTERNAL_USER": user,
            "INTERNAL_GROUP": group,
            "LOGIN_USER": login_user,
            "MAIL_UID": user,
            "MAIL_GID": group,
            "CAPABILITY": caps,
        }
        text = TEMPLATE.read_text()
        if self.oauth2 is not None:
            text += "\n" + OAUTH2_TEMPLATE.read_text()
            self._write_oauth2(self.oauth2)
        for key, value in values.items():
            text = text.replace(f"@{key}@", value)
        (self.dir / "dovecot.conf").write_text(text)

    def _write_oauth2(self, oauth2: OAuth2Settings) -> None:
        """Write the oauth2 passdb settings and the public key where Dovecot looks it up."""
        assert self.dir is not None
        keys = self.dir / "keys"
        (self.dir / "oauth2.conf.ext").write_text(
            "introspection_mode = local\n"
            f"local_validation_key_dict = fs:posix:prefix={keys}/\n"
            "username_attribute = email\n"
            f"issuers = {oauth2.issuer}\n"
            f"client_id = {oauth2.audience}\n"  # Dovecot requires it among the token's aud
        )
        # Dovecot looks up shared/<azp>/<alg>/<kid>, escaping '%' and '/'; the fs dict drops
        # "shared/". Tokens without azp (Microsoft's v1 tokens have none) use "default".
        kid = oauth2.kid.replace("%", "%25").replace("/", "%2f")
        path = keys / "default" / "RS256" / kid
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(oauth2.public_key_pem)
        for item in (keys, keys / "default", path.parent):
            item.chmod(0o755)

    def _launch(self) -> None:
        """Run dovecot -F and wait until the port answers with an IMAP greeting."""
        assert self.dir is not None
        self._proc = start_tied(
            [self.binary, "-F", "-c", str(self.dir / "dovecot.conf")], self.dir / "console.log"
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise DovecotError(
                    f"dovecot exited with {self._proc.returncode}:\n{self.log_tail()}"
                )
            if self._greets():
                return
            time.sleep(0.05)
        raise DovecotError(
            f"dovecot gave no IMAP greeting on port {self.port} within "
            f"{self.start_timeout:.0f}s:\n{self.log_tail()}"
        )

    def _greets(self) -> bool:
        """Return whether an IMAP greeting ("* OK") comes from the port."""
        try:
            with socket.create_connection((self.host, self.port), timeout=1.0) as sock:
                return sock.recv(256).startswith(b"* OK")
        except OSError:
            return False

    def _kill(self) -> None:
        """Terminate Dovecot's whole process group (master, login, imap) and reap the master."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # The master leads its own process group; signalling the group stops every child at
        # once, where a SIGTERM to the master alone takes a second to wind them down.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # any straggler of the group
        proc.wait(timeout=5)


# -- a proxy that can end sessions ---------------------------------------------------------------

_AUTHENTICATE = re.compile(rb"(\S+) AUTHENTICATE (XOAUTH2|OAUTHBEARER)(?: (\S+))?$", re.I)
_LOGIN = re.compile(rb'(\S+) LOGIN "?([^"\s]+)"? ', re.I)


class ImapProxy:
    """Forward IMAP connections to a server; end chosen logged-in sessions with a BYE."""

    def __init__(self, upstream: tuple[str, int], host: str = "127.0.0.1") -> None:
        """Listen on a free port of HOST for connections to pass on to UPSTREAM."""
        self.upstream = upstream
        self._listener = socket.create_server((host, 0))
        self.host = host
        self.port: int = self._listener.getsockname()[1]
        self._sessions: set[_ProxySession] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="imap-proxy", daemon=True)

    def start(self) -> ImapProxy:
        """Start accepting connections in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting and cut every open connection."""
        # shutdown, unlike close, wakes the thread blocked in accept().
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=5)
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.cut()

    def end_sessions(self, user: str | None, text: str) -> int:
        """Send ``* BYE TEXT`` to USER's logged-in sessions (None: all), close them, count them."""
        wanted = None if user is None else user.lower()
        with self._lock:
            sessions = [
                session
                for session in self._sessions
                if session.user is not None and wanted in (None, session.user)
            ]
        return sum(session.bye(text) for session in sessions)

    def _accept(self) -> None:
        """Pair each client with a new connection to the upstream server."""
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            session = _ProxySession(client, upstream, self._forget)
            with self._lock:
                self._sessions.add(session)
            session.start()

    def _forget(self, session: _ProxySession) -> None:
        """Drop a closed session from the bookkeeping."""
        with self._lock:
            self._sessions.discard(session)


class _ProxySession:
    """One client and its connection upstream, a thread each way, watching who logs in."""

    def __init__(self, client: socket.socket, upstream: socket.socket, on_close: Any) -> None:
        """Wrap the two connected sockets; ON_CLOSE(self) runs once both directions ended."""
        self.client = client
        self.upstream = upstream
        self.user: str | None = None  # lowercased login name, once the server said OK
        self._login: tuple[bytes, str] | None = None  # (tag, user) of a login in flight
        self._sasl: tuple[bytes, str] | None = None  # (tag, mechanism) awaiting its response
        self._up = b""  # client lines not yet complete, watched until logged in
        self._down = b""  # server lines not yet complete, watched while a login is in flight
        self._lock = threading.Lock()  # one writer to the client at a time
        self._line_start = True
        self._bye: bytes | None = None  # waiting for the server's line in progress to end
        self._ended = False
        self._open = 2
        self._on_close = on_close

    def start(self) -> None:
        """Start pumping both ways."""
        for pump in (self._client_to_server, self._server_to_client):
            threading.Thread(target=pump, name="imap-proxy-pump", daemon=True).start()

    def bye(self, text: str) -> bool:
        """Send ``* BYE TEXT`` between two server lines and close; False if already ending."""
        line = f"* BYE {text}\r\n".encode()
        with self._lock:
            if self._ended or self._bye is not None:
                return False
            if self._line_start:
                self._send_bye(b"", line)
            else:
                self._bye = line
        return True

    def cut(self) -> None:
        """Close both connections at once, mid-anything."""
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _send_bye(self, head: bytes, line: bytes) -> None:
        """Send HEAD then the BYE line, half-close the client and hang up upstream (locked)."""
        self._ended = True
        with contextlib.suppress(OSError):
            self.client.sendall(head + line)
            self.client.shutdown(socket.SHUT_WR)
        with contextlib.suppress(OSError):
            self.upstream.shutdown(socket.SHUT_RDWR)

    def _server_to_client(self) -> None:
        """Copy server bytes to the client; a pending BYE goes out at the next line end."""
        try:
            while data := self.upstream.recv(65536):
                with self._lock:
                    if self._ended:
                        break
                    if self._login is not None:
                        self._watch_server(data)
                    cut = data.find(b"\n") + 1
                    if self._bye is not None and cut:
                        self._send_bye(data[:cut], self._bye)
                        break
                    self.client.sendall(data)
                    self._line_start = data.endswith(b"\n")
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                self.client.shutdown(socket.SHUT_WR)
            self._done()

    def _client_to_server(self) -> None:
        """Copy client bytes upstream; after a BYE swallow the rest, so close sends no RST."""
        try:
            while data := self.client.recv(65536):
                if self.user is None:
                    self._watch_client(data)
                self.upstream.sendall(data)
            self.upstream.shutdown(socket.SHUT_WR)
        except OSError:
            # Closing a socket with unread input sends an RST, which can discard the BYE
            # before the client reads it; read to the client's end (or 5 s) instead.
            with contextlib.suppress(OSError):
                self.client.settimeout(5)
                while self.client.recv(65536):
                    pass
        finally:
            self._done()

    def _watch_client(self, data: bytes) -> None:
        """Note the tag and user of a LOGIN or AUTHENTICATE the client sends."""
        *lines, self._up = (self._up + data).split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r")
            if self._sasl is not None:
                (tag, mechanism), self._sasl = self._sasl, None
                self._login = (tag, _sasl_user(mechanism, line))
            elif match := _AUTHENTICATE.match(line):
                tag, mechanism, initial = match[1], match[2].decode().upper(), match[3]
                if initial and initial != b"=":
                    self._login = (tag, _sasl_user(mechanism, initial))
                else:
                    self._sasl = (tag, mechanism)
            elif match := _LOGIN.match(line):
                self._login = (match[1], match[2].decode(errors="replace"))

    def _watch_server(self, data: bytes) -> None:
        """Set `user` when the server answers the login in flight with OK (locked)."""
        assert self._login is not None
        tag, user = self._login
        *lines, self._down = (self._down + data).split(b"\n")
        for line in lines:
            if line.startswith(tag + b" "):
                if line[len(tag) + 1 :].upper().startswith(b"OK"):
                    self.user = user.lower()
                self._login, self._down = None, b""
                return

    def _done(self) -> None:
        """Close both sockets once both pumps have finished."""
        with self._lock:
            self._open -= 1
            last = self._open == 0
        if last:
            self.client.close()
            self.upstream.close()
            self._on_close(self)


def _sasl_user(mechanism: str, line: bytes) -> str:
    """Return the user named in a base64 SASL response LINE, or "" when it names none."""
    try:
        raw = base64.b64decode(line, validate=True)
    except ValueError:
        return ""
    return parse_sasl(mechanism, raw)[0]
