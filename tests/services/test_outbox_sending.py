"""Without an SMTP server (the embedded default), sending writes each message to the outbox."""

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app import jobs
from app.extensions import db
from app.models import OutboundMessage, OutboundState, SeatKind
from app.services import roster


def test_each_invitation_is_written_to_the_outbox_and_marked_sent(app, forum, make_person,
                                                                  make_meeting, work):
    assert not app.config.get("MAIL_SERVER")
    for n in (1, 2):
        seat = roster.add_seat(forum, SeatKind.organisation, f"Plads {n}")
        roster.appoint(seat, make_person(f"Medlem {n}", f"medlem{n}@x.test"), date(2026, 1, 1))
    meeting = make_meeting(location="Mændenes Hjem")
    db.session.commit()
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    files = list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    assert sorted(f.name.rsplit("-", 1)[1] for f in files) == ["medlem1@x.test.eml",
                                                               "medlem2@x.test.eml"]
    assert all(b"text/calendar; charset=\"utf-8\"; method=\"REQUEST\"" in f.read_bytes()
               for f in files)
    assert db.session.scalar(select(func.count()).select_from(OutboundMessage).where(
        OutboundMessage.state == OutboundState.sent)) == 2
