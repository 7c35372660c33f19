"""Render a meeting's agenda (dagsorden) and minutes (referat) as HTML and as PDF."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import gettext as _
from app.models import AgendaItem, AgendaStatus, Meeting, Minutes
from app.services import meetings, minutes_attendance
from app.services import minutes as minutes_service


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """Return the meeting's approved items in order, with submitters and attachments."""
    stmt = (select(AgendaItem).filter_by(meeting_id=meeting.id, status=AgendaStatus.approved)
            .options(selectinload(AgendaItem.attachments), selectinload(AgendaItem.submitter))
            .order_by(AgendaItem.position, AgendaItem.id))
    return list(db.session.scalars(stmt))


def submitter(item: AgendaItem) -> str:
    """Return who brought ITEM, by name (never an address: the paper goes to everyone)."""
    person = item.submitter
    if person is not None:
        return f"{person.name} ({person.organisation})" if person.organisation else person.name
    return item.submitter_name or ""


def agenda_html(meeting: Meeting) -> str:
    """Return the agenda as a printable page, in the forum's language."""
    with force_locale(meeting.forum.language):
        return render_template("paper/agenda.html", forum=meeting.forum, meeting=meeting,
                               items=agenda_items(meeting), submitter=submitter)


def minutes_html(minutes: Minutes) -> str:
    """Return the minutes as a printable page, in the forum's language."""
    meeting = minutes.meeting
    attendance = [line for line in minutes_attendance.current(minutes).splitlines()
                  if line.strip()]
    items = {item.id: item for item in agenda_items(meeting)}
    with force_locale(meeting.forum.language):
        return render_template("paper/minutes.html", forum=meeting.forum, meeting=meeting,
                               minutes=minutes, attendance=attendance, items=items,
                               sections=[(n, s) for n, s in minutes_service.numbered(minutes)
                                         if n is not None or s.body.strip()],
                               submitter=submitter)


def _refuse(url: str, *args, **kwargs):
    """Fetch nothing: the page is self-contained, and its text came in by mail."""
    raise ValueError(f"not fetched: {url[:80]}")


def pdf(html: str) -> bytes:
    """Return HTML as a PDF."""
    # Imported here: WeasyPrint loads Pango, which only the PDF routes and jobs need.
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_refuse).write_pdf()


def filename(meeting: Meeting, kind: str) -> str:
    """Return e.g. "dagsorden-2027-03-09.pdf" for KIND "agenda" or "minutes"."""
    with force_locale(meeting.forum.language):
        word = _("agenda") if kind == "agenda" else _("minutes")
    return f"{word}-{meetings.local_day(meeting.forum, meeting.start_dt).isoformat()}.pdf"
