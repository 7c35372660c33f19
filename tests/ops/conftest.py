"""Fixtures for operations tests: a second, empty database beside the test app's."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from app.extensions import db


@pytest.fixture
def empty_database(app, database_url, tmp_path):
    """Yield the URL of an empty database of the test's backend (PostgreSQL: a new one)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    name = f"fp_second_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = sa.engine.make_url(database_url).set(database=name)
    schema = _search_path(url)
    if schema:  # the test URL names a private schema: the new database has it too
        second = sa.create_engine(url)
        with second.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        second.dispose()
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _search_path(url: sa.engine.URL) -> str | None:
    """Return the schema the URL's options set as search_path, if any."""
    options = url.query.get("options", "")
    return options.split("search_path=", 1)[1] if "search_path=" in options else None
