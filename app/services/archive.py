"""The archive: past meetings with their agenda, attendance and minutes, searchable by text.

Search finds the meetings whose texts hold every word, in any order (app/services/search.py:
PostgreSQL's Danish full-text search, SQLite's FTS5).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaStatus,
    AnswerChannel,
    Forum,
    Invitation,
    InvitationRole,
    InvitationStatus,
    MandateRole,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesSection,
    MinutesStatus,
)
from app.models.rules import SeatRequestDecision
from app.services import invitations, meetings, roster, search
from app.services import minutes as minutes_service

SNIPPET = 60


def past_meetings(forum: Forum, now: datetime, q: str | None = None,
                  limit: int = 200) -> list[Meeting]:
    """Return the forum's past meetings (not cancelled), latest first, matching Q if given."""
    stmt = select(Meeting).where(Meeting.forum_id == forum.id, Meeting.end_dt < now,
                                 Meeting.status != MeetingStatus.cancelled)
    if search.words(q or ""):
        stmt = stmt.where(Meeting.id.in_(search.matching_ids(db.engine.dialect.name, q)))
    return list(db.session.scalars(stmt.order_by(Meeting.start_dt.desc()).limit(limit)))


@dataclass(frozen=True)
class Pack:
    """Everything the archive keeps of one meeting."""

    meeting: Meeting
    agenda: list[AgendaItem]
    minutes: Minutes | None
    attendance: list[str]
    decisions: dict[int, SeatRequestDecision]
    #: The minutes' sections with their numbers, empty free sections left out.
    sections: list[tuple[int | None, MinutesSection]] = ()


def pack(meeting: Meeting) -> Pack:
    """Return the meeting's agenda, minutes and attendance (from the answers if no minutes)."""
    agenda = list(db.session.scalars(
        select(AgendaItem).filter_by(meeting_id=meeting.id, status=AgendaStatus.approved)
        .order_by(AgendaItem.position, AgendaItem.id)))
    minutes = minutes_service.find(meeting)
    if minutes is not None:
        lines = minutes_service.minutes_attendance.current(minutes).splitlines()
    elif invitations.invitations_of(meeting):
        lines = minutes_service.attendance_text(meeting).splitlines()
    else:
        lines = []
    decisions = {d.agenda_item_id: d for d in db.session.scalars(
        select(SeatRequestDecision).where(
            SeatRequestDecision.agenda_item_id.in_([i.id for i in agenda])))}
    sections = [(n, s) for n, s in minutes_service.numbered(minutes)
                if n is not None or s.body.strip()] if minutes is not None else []
    return Pack(meeting, agenda, minutes, [line for line in lines if line.strip()], decisions,
                sections)


def snippets(p: Pack, q: str) -> list[str]:
    """Return short excerpts of the pack's texts around the first place each holds a word of Q."""
    found_words = search.words(q)
    if not found_words:
        return []
    texts = [p.meeting.title] + [f"{i.title}\n{i.body}" for i in p.agenda]
    if p.minutes is not None:
        texts += [p.minutes.attendance] + [f"{s.heading}\n{s.body}" for s in p.minutes.sections]
    found = []
    for text in texts:
        # A word matches at the start of a word, as in the index: "i" is not inside "gårdene".
        places = [(m.start(), len(word)) for word in found_words
                  if (m := re.search(rf"(?<![^\W_]){re.escape(word)}", text.lower()))]
        if places:
            at, size = min(places)
            start, end = max(at - SNIPPET, 0), at + size + SNIPPET
            excerpt = " ".join(text[start:end].split())
            found.append(("…" if start else "") + excerpt + ("…" if end < len(text) else ""))
    return found


# --- the demo's past year --------------------------------------------------------------

#: (title, summary, minutes) of fictional agenda items for the demo's held meetings.
DEMO_TOPICS = [
    ("Tryghed omkring Halmtorvet", "Naboerne oplever mere uro om aftenen.",
     "Politiet øger patruljeringen om aftenen. Naboerne melder tilbage til næste møde."),
    ("Sprøjtefund i gårdene", "Flere gårde finder brugt udstyr.",
     "Teknik- og Miljøforvaltningen sætter flere kanyledunke op i Skelbækgade."),
    ("Nyt fra tilbuddene", "Runde om kapacitet og åbningstider.",
     "H17 udvider åbningstiden i weekenden. Reden orienterede om nye lokaler."),
    ("Renhold i Kødbyen", "Affald ved indgangen til Kødbyen.",
     "Københavns Ejendomme undersøger ekstra renhold om morgenen."),
    ("Brugernes Akademi fortæller", "Erfaringer fra brugerrådet.",
     "Forummet takker for oplægget og inviterer igen til efteråret."),
]
SUMMER_TOPIC = ("Sommeraktiviteter", "Fælles aktiviteter for brugere og naboer i juli.",
                "Der holdes gadefest på Halmtorvet den første lørdag i juli.")


def _answer(rng: random.Random, accept: float) -> InvitationStatus:
    """Return a fixed pseudo-random answer: mostly yes, some apologies, a few silent."""
    roll = rng.random()
    if roll < accept:
        return InvitationStatus.accepted
    return InvitationStatus.declined if roll < 0.96 else InvitationStatus.pending


def _demo_invitations(meeting: Meeting, rng: random.Random) -> None:
    """Invite the meeting's members and guests with answers; alternates stand in on apologies."""
    day = meetings.local_day(meeting.forum, meeting.start_dt)
    answered = meeting.start_dt - timedelta(days=3)
    for attendee in meetings.attendees(meeting):
        guest = attendee.role is InvitationRole.guest
        inv = Invitation(meeting=meeting, person=attendee.person, role=attendee.role,
                         seat=attendee.seat, status=_answer(rng, 0.5 if guest else 0.74),
                         answered_via=AnswerChannel.mail, answered_dt=answered)
        db.session.add(inv)
        alternate = (roster.current_mandate(attendee.seat, MandateRole.alternate, day)
                     if attendee.seat and inv.status is InvitationStatus.declined else None)
        if alternate is not None:
            db.session.add(Invitation(
                meeting=meeting, person=alternate.person, role=InvitationRole.alternate,
                seat=attendee.seat, stands_in_for=inv, status=_answer(rng, 0.65),
                answered_via=AnswerChannel.mail, answered_dt=answered))
    db.session.flush()


def hold_demo_meeting(meeting: Meeting, rng: random.Random, topics: list[tuple]) -> None:
    """Make MEETING a held one with answers, an agenda and sent minutes."""
    _demo_invitations(meeting, rng)
    for n, (title, summary, _text) in enumerate(topics, 1):
        db.session.add(AgendaItem(forum_id=meeting.forum_id, meeting=meeting, title=title,
                                  body=summary, status=AgendaStatus.approved, position=n,
                                  decided_dt=meeting.start_dt - timedelta(days=14)))
    meeting.status = MeetingStatus.held
    db.session.flush()
    minutes = minutes_service.draft(meeting, actor="demo")
    items = [s for s in minutes.sections if s.agenda_item_id is not None]
    for section, (_title, _summary, text) in zip(items, topics, strict=True):
        section.body = text
    minutes.status, minutes.approved_dt = MinutesStatus.sent, meeting.end_dt + timedelta(days=5)
    minutes.sent_dt, meeting.status = minutes.approved_dt, MeetingStatus.minutes_sent
    db.session.flush()
