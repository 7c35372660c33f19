"""The migrations produce exactly the models' schema, up and down, on every backend."""

import os
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db
from app.models import Base
from app.services.search import is_search_table


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request, tmp_path):
    """Yield the URL of an empty database: a new SQLite file or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TEST_POSTGRES_URL is not set")
    schema = f"fp_migrate_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture
def migrate_app(empty_database, redis_url, tmp_path):
    """Yield an app on the empty database, inside its context."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "REDIS_URL": redis_url,
                      "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        yield app
        db.engine.dispose()


def _tables() -> set[str]:
    """Return the tables in the database, without Alembic's own and the search index's."""
    names = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_search_table(name)}


def _outside_the_models(name, type_, _parent_names) -> bool:
    """Leave the search index out of the comparison: it is no model (app/services/search.py)."""
    return not (type_ == "table" and is_search_table(name))


def _insert_forum(conn) -> None:
    """Insert forum 1 with plain SQL, as any revision's schema takes it."""
    conn.execute(sa.text(
        "INSERT INTO forums (id, name, slug, sender_address, agenda_address, timezone, "
        "language, meeting_minutes, send_per_minute, created_dt) VALUES (1, 'F', 'f', "
        "'s@f.test', 'd@f.test', 'Europe/Copenhagen', 'da', 120, 30, "
        "'2026-10-01 00:00:00')"))


def test_upgrade_from_empty_gives_exactly_the_models_schema(migrate_app):
    flask_migrate.upgrade()
    assert _tables() == set(Base.metadata.tables)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_name": _outside_the_models})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_to_base_removes_every_table(migrate_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert _tables() == set()
    flask_migrate.upgrade()
    assert _tables() == set(Base.metadata.tables)


def test_the_search_index_is_created_and_filled(migrate_app):
    # A database migrated to just before the index, with a meeting, gets it filled.
    flask_migrate.upgrade(revision="0011")
    with db.engine.begin() as conn:
        _insert_forum(conn)
        conn.execute(sa.text(
            "INSERT INTO meetings (id, forum_id, title, kind, status, start_dt, end_dt, "
            "ical_uid, sequence, created_dt) VALUES (7, 1, 'Møde om ÆBLETRÆER', 'regular', "
            "'held', '2026-10-06 14:00:00', '2026-10-06 16:00:00', 'u7@f.test', 0, "
            "'2026-10-01 00:00:00')"))
    flask_migrate.upgrade()
    from app.services.search import matching_ids

    with db.engine.connect() as conn:
        found = conn.scalars(matching_ids(db.engine.dialect.name, "æbletræer møde")).all()
    assert found == [7]
    flask_migrate.downgrade(revision="0011")
    assert not any(is_search_table(n) for n in sa.inspect(db.engine).get_table_names())


_COMPRESSION = sa.text(
    "SELECT c.relname, a.attcompression FROM pg_attribute a "
    "JOIN pg_class c ON c.oid = a.attrelid "
    "WHERE a.attname = 'raw' AND c.relname IN ('inbound_messages', 'outbound_messages') "
    "AND c.relnamespace = to_regnamespace(current_schema()) ORDER BY c.relname")


def _raw_compression() -> list[tuple[str, str]]:
    """Return the compression method each raw mail column writes with ('l' is LZ4)."""
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(_COMPRESSION)]


def test_raw_mail_is_compressed_with_lz4_after_upgrade_and_create(migrate_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not compress")
    flask_migrate.upgrade()
    lz4 = [("inbound_messages", "l"), ("outbound_messages", "l")]
    assert _raw_compression() == lz4
    flask_migrate.downgrade(revision="0015")
    assert _raw_compression() == [("inbound_messages", ""), ("outbound_messages", "")]
    flask_migrate.downgrade(revision="base")
    Base.metadata.create_all(db.engine)  # as `make run` and the tests make a database
    assert _raw_compression() == lz4
    with db.engine.begin() as conn:
        _insert_forum(conn)
        conn.execute(sa.text(
            "INSERT INTO outbound_messages (forum_id, dedupe_key, recipient, kind, raw, "
            "state, attempts, created_dt) VALUES (1, 'k', 'p@f.test', 'invitation', :raw, "
            "'queued', 0, '2026-10-01 00:00:00')"), {"raw": b"Subject: Indkaldelse\r\n" * 500})
        method = conn.scalar(sa.text("SELECT pg_column_compression(raw) FROM outbound_messages"))
    assert method == "lz4"
