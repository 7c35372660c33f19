"""The number of SQL queries per page does not grow with the number of people or meetings."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.globals import app_ctx
from sqlalchemy import event

from app.extensions import db
from app.models import AgendaItem, AgendaStatus, AnswerChannel, Forum, MandateRole, SeatKind, User
from app.services import inbound, invitations, meetings, roster

PAGES = ["/", "/agenda/", "/meetings/", "/roster/", "/mail/", "/meetings/{m}/"]


def build(size: int, slug: str) -> tuple[Forum, int]:
    """Create a forum of SIZE seats with members and alternates, an invited meeting and
    SIZE // 3 more, agenda items and inbound mail; return it and its meeting id."""
    forum = Forum(name=slug, slug=slug, sender_address=f"sek@{slug}.test",
                  agenda_address=f"dag@{slug}.test", secretary_address=f"s@{slug}.test")
    db.session.add(forum)
    db.session.flush()
    for n in range(size):
        seat = roster.add_seat(forum, SeatKind.organisation, f"Plads {n}", term_months=24)
        roster.appoint(seat, roster.add_person(forum, f"M {n}", f"m{n}@{slug}.test"),
                       date(2026, 1, 1))
        roster.appoint(seat, roster.add_person(forum, f"S {n}", f"s{n}@{slug}.test"),
                       date(2026, 1, 1), role=MandateRole.alternate)
        db.session.add(AgendaItem(forum=forum, title=f"Punkt {n}", body="x",
                                  status=AgendaStatus.pending))
    meeting = meetings.create_meeting(forum, datetime.now(UTC) + timedelta(days=10))
    for n in range(size // 3):
        meetings.create_meeting(forum, datetime.now(UTC) + timedelta(days=40 + 30 * n))
    invitations.invite(meeting)
    invitations.queue_invitations(meeting)
    for n, inv in enumerate(meeting.invitations):
        if n % 2:
            invitations.record_answer(inv, "declined", AnswerChannel.mail)
    for n in range(size):
        raw = (f"From: m{n}@{slug}.test\r\nTo: sek@{slug}.test\r\nSubject: Hej {n}\r\n"
               f"Message-ID: <{slug}{n}@x>\r\n\r\nHvor er mødet?\r\n").encode()
        inbound.process(inbound.receive(raw)[0])
    user = User(email=f"sek@{slug}.test")
    user.set_password("pw")
    user.forums.append(forum)
    db.session.add(user)
    db.session.commit()
    return forum, meeting.id


@contextmanager
def counting(engine):
    """Count the SQL statements run on ENGINE inside the block."""
    found = []

    def count(*args):
        found.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries(client, slug, meeting_id, engine) -> dict[str, int]:
    """Return the number of queries of each page of forum SLUG."""
    out = {}
    for page in PAGES:
        path = f"/forum/{slug}" + page.format(m=meeting_id)
        with counting(engine) as found:
            assert client.get(path).status_code == 200, path
        out[page] = len(found)
    return out


@contextmanager
def own_contexts():
    """Let each request have its own app context, session and login, as in production."""
    ctx = app_ctx._get_current_object()
    ctx.pop()
    try:
        yield
    finally:
        ctx.push()


@pytest.fixture
def login_as(app):
    """Return a function giving a client logged in as the forum's secretary."""

    def login(forum):
        client = app.test_client()
        with client.session_transaction() as session:
            user = db.session.query(User).filter_by(email=f"sek@{forum.slug}.test").one()
            session["_user_id"] = user.get_id()  # id and session version
            session["_fresh"] = True
        return client

    return login


def test_queries_per_page_do_not_grow_with_people(app, login_as):
    small, small_meeting = build(3, "lille")
    large, large_meeting = build(15, "stor")
    clients = login_as(small), login_as(large)
    engine = db.engine
    with own_contexts():
        few = queries(clients[0], "lille", small_meeting, engine)
        many = queries(clients[1], "stor", large_meeting, engine)
    assert many == few
    assert max(many.values()) <= 16
