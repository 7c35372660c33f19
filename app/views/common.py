"""What every secretary page needs: her forum, her name for the audit, the next meeting."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, send_file
from flask_login import current_user
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.models import Forum, InboundMessage, Meeting, MeetingStatus, utcnow
from app.models.users import user_forums

_FORUM_SERVED = (select(Forum).join(user_forums, user_forums.c.forum_id == Forum.id)
                 .options(joinedload(Forum.mail_account))  # every page shows its state
                 .where(Forum.slug == bindparam("slug"),
                        user_forums.c.user_id == bindparam("user_id")))


def forum_for_user(slug: str) -> Forum:
    """Return the forum SLUG if the logged-in secretary serves it, else 404."""
    # One query on every page: the forum, if she serves it.
    forum = db.session.scalars(_FORUM_SERVED, {"slug": slug,
                                               "user_id": current_user.id}).first()
    if forum is None:
        abort(404)
    return forum


def owned(model, ident: int, forum: Forum):
    """Return the row of MODEL with IDENT if it belongs to FORUM, else 404."""
    row = db.session.get(model, ident)
    if row is None or row.forum_id != forum.id:
        abort(404)
    return row


def actor() -> str:
    """Return who is acting, for the audit trail."""
    return current_user.email


#: Meetings past taking agenda items or answers, whatever their time says.
_CLOSED = (MeetingStatus.cancelled, MeetingStatus.held, MeetingStatus.minutes_sent)


def next_meeting(forum: Forum) -> Meeting | None:
    """Return the forum's next meeting that has not begun (and is not cancelled)."""
    return db.session.scalars(_NEXT, {"forum_id": forum.id, "now": utcnow()}).first()


def coming_meetings(forum: Forum) -> list[Meeting]:
    """Return the meetings an agenda item may go to: those not begun, soonest first (the
    default), then any under way (an item taken up on the day)."""
    now = utcnow()
    found = list(db.session.scalars(_NOT_ENDED, {"forum_id": forum.id, "now": now}))
    return [m for m in found if m.start_dt > now] + [m for m in found if m.start_dt <= now]


# Built once: the overview and the agenda pages ask on every request, and building a
# statement costs about as much as running it.
_NOT_ENDED = (select(Meeting)
              .where(Meeting.forum_id == bindparam("forum_id"),
                     Meeting.end_dt >= bindparam("now"), Meeting.status.not_in(_CLOSED))
              .order_by(Meeting.start_dt))
_NEXT = (select(Meeting)
         .where(Meeting.forum_id == bindparam("forum_id"), Meeting.start_dt > bindparam("now"),
                Meeting.status.not_in(_CLOSED))
         .order_by(Meeting.start_dt)
         .limit(1))  # not every coming meeting made into an object to keep the first


def options(pairs) -> list[SelectChoice]:
    """Return (value, label) pairs as the choices WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


def download(data: bytes, filename: str) -> Response:
    """Return DATA as a file download named FILENAME, whatever its letters (RFC 5987's
    filename* beside an ASCII one), never shown inline and never sniffed as a page."""
    response = send_file(BytesIO(data), mimetype="application/octet-stream", as_attachment=True,
                         download_name=filename or "vedhaeftning", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def visible_to(forum: Forum):
    """Return the condition for the inbound messages FORUM's secretaries see: the forum's,
    and those no forum could be found for (quarantined before routing), for anyone to sort."""
    return or_(InboundMessage.forum_id == forum.id, InboundMessage.forum_id.is_(None))
