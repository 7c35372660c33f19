"""Pytest fixtures for real servers: Dovecot IMAP, a recording SMTP server, Redis.

Enable with ``pytest_plugins = ["tests.servers.plugin"]`` in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pytest

from tests.servers.dovecot import SKIP_REASON, DovecotServer, find_dovecot
from tests.servers.redis import TestRedis
from tests.servers.smtp import SMTPServer

DovecotVariant = Callable[..., DovecotServer]


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """Yield a running Dovecot advertising its full capabilities (IDLE, MOVE, UIDPLUS...)."""
    if find_dovecot() is None:
        pytest.skip(SKIP_REASON)
    server = DovecotServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def dovecot_variant() -> Iterator[DovecotVariant]:
    """Yield a function returning a running Dovecot that leaves some capabilities unadvertised.

    ``dovecot_variant(without=("IDLE", "MOVE"))`` starts (once per session and set of names) a
    server whose CAPABILITY lacks those names. Dovecot still runs the commands when a client
    sends them anyway; IMAPClient refuses to, as it checks the advertised capabilities.
    """
    if find_dovecot() is None:
        pytest.skip(SKIP_REASON)
    servers: dict[frozenset[str], DovecotServer] = {}

    def variant(without: Iterable[str] = ()) -> DovecotServer:
        """Return the running server that does not advertise WITHOUT."""
        key = frozenset(name.upper() for name in without)
        if key not in servers:
            servers[key] = DovecotServer(without=key).start()
        return servers[key]

    try:
        yield variant
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def imap_user(dovecot: DovecotServer) -> tuple[str, str]:
    """Return (address, password) of a fresh user with an empty mailbox on `dovecot`."""
    return dovecot.add_user()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPServer]:
    """Yield a running recording SMTP server; prefer `smtp`, which resets it per test."""
    server = SMTPServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(smtp_server: SMTPServer) -> Iterator[SMTPServer]:
    """Yield the session SMTP server with no messages and no failure knobs armed."""
    smtp_server.reset()
    yield smtp_server
    smtp_server.reset()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """Yield the URL of a Redis database of this session's own, flushed at start and end."""
    redis = TestRedis()
    try:
        url = redis.start()
    except FileNotFoundError as error:
        pytest.skip(str(error))
    try:
        yield url
    finally:
        redis.stop()
