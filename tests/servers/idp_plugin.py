"""Pytest fixture for the fake identity provider in tests/servers/idp.py.

Enable with ``"tests.servers.idp_plugin"`` in ``pytest_plugins`` in tests/conftest.py (or
``-p tests.servers.idp_plugin`` on the command line).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.dovecot import SKIP_REASON, DovecotServer, find_dovecot
from tests.servers.idp import FakeIdP
from tests.servers.oauth_keys import OAuth2Settings
from tests.servers.smtp import SMTPServer


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeIdP]:
    """Yield a running fake identity provider; tests register their own clients on it."""
    with FakeIdP(tmp_path_factory.mktemp("idp")) as server:
        yield server


@pytest.fixture(scope="session")
def smtp_idp_server(idp: FakeIdP) -> Iterator[SMTPServer]:
    """Yield an SMTP server requiring XOAUTH2 with tokens of the fake IdP."""
    server = SMTPServer(oauth2=OAuth2Settings.of(idp)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_idp(smtp_idp_server: SMTPServer) -> Iterator[SMTPServer]:
    """Yield the IdP's SMTP server with no messages, logins or refusals armed."""
    smtp_idp_server.reset()
    yield smtp_idp_server
    smtp_idp_server.reset()


@pytest.fixture(scope="session")
def dovecot_idp(idp: FakeIdP) -> Iterator[DovecotServer]:
    """Yield a Dovecot logging users in by XOAUTH2 with tokens of the fake IdP."""
    if find_dovecot() is None:
        pytest.skip(SKIP_REASON)
    server = DovecotServer(oauth2=OAuth2Settings.of(idp)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def oauth_config(idp: FakeIdP) -> dict:
    """Return the app settings that point token requests at the fake IdP."""
    return {"OAUTH_AUTHORITY": idp.authority, "OAUTH_TOKEN_URI": idp.google_token_uri,
            "OAUTH_CA_BUNDLE": str(idp.ca_pem_path)}
