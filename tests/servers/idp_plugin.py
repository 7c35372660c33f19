"""Pytest fixture for the fake identity provider in tests/servers/idp.py.

Enable with ``"tests.servers.idp_plugin"`` in ``pytest_plugins`` in tests/conftest.py (or
``-p tests.servers.idp_plugin`` on the command line).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.idp import FakeIdP


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeIdP]:
    """Yield a running fake identity provider; tests register their own clients on it."""
    with FakeIdP(tmp_path_factory.mktemp("idp")) as server:
        yield server
