"""Pytest fixtures for real servers: Dovecot IMAP, a recording SMTP server, Redis.

The ``*_oauth2`` ones log in by XOAUTH2 / OAUTHBEARER; ``oauth_keys.mint(address)`` makes a
token both accept.

Enable with ``pytest_plugins = ["tests.servers.plugin"]`` in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pytest

from tests.servers import oauth_keys
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
def dovecot_oauth2() -> Iterator[DovecotServer]:
    """Yield a running Dovecot taking `oauth_keys.mint` tokens, and passwords, via a proxy.

    ``oauth2_client(address, token)`` logs in; ``end_sessions(address)`` ends that user's
    sessions with ``* BYE Session invalidated - AccessTokenExpired``, as Exchange does.
    """
    if find_dovecot() is None:
        pytest.skip(SKIP_REASON)
    server = DovecotServer(oauth2=oauth_keys.settings()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def oauth2_user(dovecot_oauth2: DovecotServer) -> tuple[str, str]:
    """Return (address, token valid an hour) of a fresh user with an empty mailbox."""
    address, _password = dovecot_oauth2.add_user()
    return address, oauth_keys.mint(address)


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
def smtp_oauth2_server() -> Iterator[SMTPServer]:
    """Yield an SMTP server requiring AUTH by `oauth_keys.mint` token; prefer `smtp_oauth2`."""
    server = SMTPServer(oauth2=oauth_keys.settings()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_oauth2(smtp_oauth2_server: SMTPServer) -> Iterator[SMTPServer]:
    """Yield the session oauth2 SMTP server with no messages, logins or refusals armed."""
    smtp_oauth2_server.reset()
    yield smtp_oauth2_server
    smtp_oauth2_server.reset()


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
