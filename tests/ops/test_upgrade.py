"""Upgrading: a database made by the previous release's migrations, with data, to this one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import AgendaItem, Forum, InboundMessage, Invitation, Meeting, Person, User

#: The schema of the last release (1cef50c): its newest migration.
PREVIOUS_RELEASE = "0008"
NOW = datetime.now(UTC).replace(microsecond=0)
MEETING_START = NOW + timedelta(days=30)


def _rows() -> dict[str, list[dict]]:
    """Return a forum's worth of rows as the previous release stored them."""
    meeting = {"id": 1, "forum_id": 1, "title": "Samarbejdsforum marts", "kind": "regular",
               "status": "invited", "start_dt": MEETING_START,
               "end_dt": MEETING_START + timedelta(hours=2), "location": "Kulturhus Vesterbro",
               "ical_uid": "meeting-1@forumpost.test", "sequence": 0, "created_dt": NOW}
    return {
        "forums": [{"id": 1, "name": "Samarbejdsforum Vesterbro", "slug": "vesterbro",
                    "sender_address": "sekretariat@kk.test", "agenda_address": "dagsorden@kk.test",
                    "timezone": "Europe/Copenhagen", "language": "da", "meeting_minutes": 120,
                    "send_per_minute": 30, "created_dt": NOW}],
        "users": [{"id": 1, "email": "sekretaer@kk.test", "name": "Sekretær",
                   "password_hash": "scrypt:32768:8:1$x$y", "created_dt": NOW}],
        "user_forums": [{"user_id": 1, "forum_id": 1}],
        "people": [{"id": 1, "forum_id": 1, "name": "Søren Ærø", "email": "soren@kk.test"},
                   {"id": 2, "forum_id": 1, "name": "Åse Øster", "email": "ase@kk.test"}],
        "seats": [{"id": 1, "forum_id": 1, "kind": "neighbour", "label": "Nabo 1",
                   "term_months": 24, "position": 1}],
        "mandates": [{"id": 1, "seat_id": 1, "person_id": 1, "role": "member",
                      "starts_on": date(2026, 1, 1), "created_dt": NOW},
                     {"id": 2, "seat_id": 1, "person_id": 2, "role": "alternate",
                      "starts_on": date(2026, 1, 1), "created_dt": NOW}],
        "meetings": [meeting],
        "invitations": [{"id": 1, "meeting_id": 1, "person_id": 1, "seat_id": 1,
                         "role": "member", "reply_token": "tok-1", "status": "declined",
                         "answered_via": "mail", "answered_dt": NOW, "created_dt": NOW},
                        {"id": 2, "meeting_id": 1, "person_id": 2, "seat_id": 1,
                         "role": "alternate", "reply_token": "tok-2", "status": "pending",
                         "stands_in_for_id": 1, "created_dt": NOW}],
        "inbound_messages": [{"id": 1, "forum_id": 1, "sha256": "a" * 64, "size": 60,
                              "raw": b"Subject: Afbud\r\n\r\nJeg kan ikke komme.\r\n",
                              "sender": "soren@kk.test", "subject": "Afbud", "kind": "rsvp",
                              "rsvp": "declined", "state": "review",
                              "decision": {"kind": "rsvp", "reasons": ["contains a question"]},
                              "received_dt": NOW}],
        "agenda_items": [{"id": 1, "forum_id": 1, "meeting_id": 1, "kind": "topic",
                          "title": "Belysning i Skelbækgade", "body": "Lamperne mangler.",
                          "submitter_id": 1, "status": "approved", "position": 1,
                          "created_dt": NOW}],
        "agenda_attachments": [{"id": 1, "item_id": 1, "filename": "kort.pdf",
                                "content_type": "application/pdf", "size": 4,
                                "data": b"%PDF"}],
    }


def _fill(engine) -> None:
    """Insert the previous release's rows, through its own schema as reflected."""
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for name, rows in _rows().items():
            for row in rows:  # one by one: the rows of a table set different columns
                conn.execute(meta.tables[name].insert(), row)
        if engine.dialect.name == "postgresql":  # ids were given: move the sequences on
            for name in _rows():
                if "id" in meta.tables[name].c:
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"))


@pytest.fixture
def previous(app_config, empty_database):
    """Yield an app on a database at the previous release's schema, holding its data."""
    other = create_app(app_config | {"SQLALCHEMY_DATABASE_URI": empty_database})
    with other.app_context():
        flask_migrate.upgrade(revision=PREVIOUS_RELEASE)
        _fill(db.engine)
        yield other
        db.session.remove()
        db.engine.dispose()


def test_the_previous_release_upgrades_with_every_row_kept(previous):
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        revision = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert revision != PREVIOUS_RELEASE
    assert revision == _head()

    forum = db.session.scalar(sa.select(Forum))
    assert forum.name == "Samarbejdsforum Vesterbro"
    assert {p.name for p in db.session.scalars(sa.select(Person))} == {"Søren Ærø", "Åse Øster"}
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting.start_dt == MEETING_START
    invitations = {i.id: i for i in db.session.scalars(sa.select(Invitation))}
    assert invitations[1].status.name == "declined"
    assert invitations[2].stands_in_for_id == 1
    mail = db.session.scalar(sa.select(InboundMessage))
    assert mail.raw.startswith(b"Subject: Afbud")
    assert mail.state.name == "review"
    item = db.session.scalar(sa.select(AgendaItem))
    assert [a.data for a in item.attachments] == [b"%PDF"]
    assert db.session.scalar(sa.select(User)).forums == [forum]


def test_the_upgraded_database_serves_the_secretarys_pages(previous):
    flask_migrate.upgrade()
    user = db.session.scalar(sa.select(User))
    user.set_password("et-langt-kodeord-2026")
    db.session.commit()
    client = previous.test_client()
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    token = token.split('"')[0]
    response = client.post("/login", data={"email": "sekretaer@kk.test",
                                           "password": "et-langt-kodeord-2026",
                                           "csrf_token": token})
    assert response.status_code == 302
    for page in ("", "mail/", "mail/1", "roster/", "agenda/", "meetings/", "archive/"):
        response = client.get(f"/forum/vesterbro/{page}", follow_redirects=True)
        assert response.status_code == 200, page
    meeting = client.get("/forum/vesterbro/meetings/1/").get_data(as_text=True)
    assert "Belysning i Skelbækgade" in meeting and "Åse Øster" in meeting


def _head() -> str:
    """Return the newest migration of this release."""
    from alembic.script import ScriptDirectory

    from app import extensions

    config = extensions.migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()
