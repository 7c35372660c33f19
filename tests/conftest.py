"""Fixtures: the app on SQLite and (with TEST_POSTGRES_URL) PostgreSQL, and factories."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Base, Forum, MandateRole, SeatKind, User
from app.services import meetings, roster
from app.worker import make_worker

pytest_plugins = ["tests.servers.plugin", "tests.servers.idp_plugin"]

BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("TEST_POSTGRES_URL") else [])


@pytest.fixture(scope="session")
def postgres_url():
    """Yield a PostgreSQL URL whose search_path is a schema private to this run."""
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TEST_POSTGRES_URL is not set")
    schema = f"fp_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """Return a database URL for one backend: a fresh SQLite file, or the test schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app_config(database_url, redis_url, tmp_path):
    """Return the configuration the test app is created with."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "RQ_CONNECTION": redis_url,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "MAIL_INBOX_DIR": str(tmp_path / "inbox"),
        "BASE_URL": "http://forumpost.test",
        # Login throttling counts in the test Redis: each test app in a namespace of its own.
        "LOGIN_LIMIT_KEY": f"login-{uuid.uuid4().hex[:12]}",
        # Records go to pytest's capture, not to stdout from the servers' threads.
        "LOG_FORMAT": None,
    }


@pytest.fixture
def app(app_config, tmp_path):
    """Yield the app with an empty schema, inside an app context."""
    app = create_app(app_config)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        _reset_schema()
        yield app
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            _truncate()
        db.engine.dispose()


def _reset_schema() -> None:
    """Create the tables (once per PostgreSQL schema; SQLite files are new each test)."""
    if db.engine.dialect.name == "postgresql":
        if not sa.inspect(db.engine).has_table("forums"):
            Base.metadata.create_all(db.engine)
        _truncate()
    else:
        Base.metadata.create_all(db.engine)


def _truncate() -> None:
    """Empty every table in one statement."""
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def client(app):
    """Return a test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner."""
    return app.test_cli_runner()


# --- factories: callables with sensible defaults -------------------------------------

TODAY = date(2026, 11, 26)


@pytest.fixture
def make_forum(app):
    """Return a function creating a forum."""
    count = iter(range(1, 10_000))

    def make(**fields) -> Forum:
        n = next(count)
        values = {
            "name": f"Forum {n}",
            "slug": f"forum-{n}",
            "sender_address": f"sekretariat@forum{n}.test",
            "agenda_address": f"dagsorden@forum{n}.test",
            "secretary_address": f"sekretaer@forum{n}.test",
        }
        forum = Forum(**(values | fields))
        db.session.add(forum)
        db.session.flush()
        return forum

    return make


@pytest.fixture
def forum(make_forum):
    """Return one forum."""
    return make_forum(name="Samarbejdsforum", slug="samarbejdsforum")


@pytest.fixture
def make_person(forum):
    """Return a function adding a person to a forum."""
    count = iter(range(1, 10_000))

    def make(name: str | None = None, email: str | None = None, forum=forum, **fields):
        n = next(count)
        return roster.add_person(forum, name or f"Person {n}", email or f"p{n}@x.test", **fields)

    return make


@pytest.fixture
def make_seat(forum):
    """Return a function adding a seat, optionally with member and alternate."""

    def make(label="Plads", kind=SeatKind.organisation, member=None, alternate=None,
             starts_on=TODAY - timedelta(days=30), forum=forum, **fields):
        seat = roster.add_seat(forum, kind, label, **fields)
        if member is not None:
            roster.appoint(seat, member, starts_on)
        if alternate is not None:
            roster.appoint(seat, alternate, starts_on, role=MandateRole.alternate)
        return seat

    return make


@pytest.fixture
def make_meeting(forum):
    """Return a function planning a meeting (default 8 Dec 2026, 16-18 local)."""

    def make(start=datetime(2026, 12, 8, 15, tzinfo=UTC), forum=forum, **fields):
        return meetings.create_meeting(forum, start, **fields)

    return make


@pytest.fixture
def secretary(forum):
    """Return a secretary login for the forum (password 'hemmelig-kode')."""
    user = User(email="sekretaer@forum.test", name="Birthe")
    user.set_password("hemmelig-kode")
    user.forums.append(forum)
    db.session.add(user)
    db.session.commit()
    return user


class Auth:
    """Log a test client in and out through the real forms."""

    def __init__(self, client) -> None:
        self.client = client

    def csrf_token(self, path: str = "/login") -> str:
        """Return the CSRF token from the form at PATH."""
        html = self.client.get(path, follow_redirects=True).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def login(self, email="sekretaer@forum.test", password="hemmelig-kode"):
        """Submit the login form."""
        token = self.csrf_token()
        data = {"email": email, "password": password, "csrf_token": token}
        return self.client.post("/login", data=data)

    def logout(self):
        """Submit the logout form."""
        token = self.csrf_token("/")
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    """Return the login helper."""
    return Auth(client)


@pytest.fixture
def work(app):
    """Return a function that runs the queued jobs with a real worker until none are left."""
    from app.extensions import rq

    # The session's own Redis database: start every test with no jobs of any kind.
    rq.queue.connection.flushdb()

    def run() -> None:
        # Its own app context gives the worker its own session, as in production.
        with app.app_context():
            make_worker().work(burst=True, with_scheduler=False)
        db.session.expire_all()

    yield run
    rq.queue.connection.flushdb()


@pytest.fixture
def fresh_mail_accounts():
    """Start and end a test without kept SMTP connections or cached mail account tokens."""
    from app.mailer import close_kept
    from app.services.mailaccounts import runtime

    close_kept()
    runtime.forget_sources()
    yield
    close_kept()
    runtime.forget_sources()
