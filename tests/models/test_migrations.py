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
    """Return the tables in the database, without Alembic's own."""
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_gives_exactly_the_models_schema(migrate_app):
    flask_migrate.upgrade()
    assert _tables() == set(Base.metadata.tables)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_to_base_removes_every_table(migrate_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert _tables() == set()
    flask_migrate.upgrade()
    assert _tables() == set(Base.metadata.tables)
