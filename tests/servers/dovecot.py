"""A real Dovecot IMAP server on 127.0.0.1, one throwaway directory per server."""

from __future__ import annotations

import atexit
import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from imapclient import IMAPClient

from tests.servers.process import free_port, start_tied

TEMPLATE = Path(__file__).with_name("dovecot.conf.in")
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
    ) -> None:
        """Prepare a server; WITHOUT names capabilities not to advertise (e.g. IDLE, MOVE)."""
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
                return self
            except DovecotError as error:
                self._kill()
                if "in use" not in str(error) or attempt == attempts - 1:
                    self.stop()
                    raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Stop Dovecot and remove its directory; safe to call more than once."""
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
        for key, value in values.items():
            text = text.replace(f"@{key}@", value)
        (self.dir / "dovecot.conf").write_text(text)

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
