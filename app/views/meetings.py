"""Meetings: plan, edit, order the agenda, send invitations, see and record answers."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from app import jobs
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import (
    AgendaItem,
    AgendaStatus,
    AnswerChannel,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutboundMessage,
    utcnow,
)
from app.services import invitation_sync, invitations, meetings
from app.services.errors import ServiceError
from app.views.common import actor, forum_for_user, options, owned

bp = Blueprint("meetings", __name__, url_prefix="/forum/<slug>/meetings")

KINDS = options([("regular", _l("Regular meeting")), ("summer", _l("Summer meeting (June)")),
                 ("extraordinary", _l("Extraordinary meeting"))])


class MeetingForm(FlaskForm):
    """When and where a meeting is."""

    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Starts"), validators=[DataRequired()], default=time(16))
    end = TimeField(_l("Ends"), validators=[DataRequired()], default=time(18))
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=KINDS, default="regular")


class AnswerForm(FlaskForm):
    """An answer the secretary records, e.g. from a phone call."""

    answer = SelectField(_l("Answer"), choices=options([("accepted", _l("Coming")),
                                                        ("declined", _l("Not coming")),
                                                        ("tentative", _l("Maybe"))]))
    comment = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class CancelForm(FlaskForm):
    """Cancel a meeting, saying why."""

    reason = TextAreaField(_l("Reason (sent to everyone invited)"),
                           validators=[Optional(), Length(max=1000)])


def _times(forum, form: MeetingForm) -> tuple[datetime, datetime]:
    """Return the form's start and end as aware datetimes in the forum's zone."""
    zone = ZoneInfo(forum.timezone)
    return (datetime.combine(form.day.data, form.start.data, zone),
            datetime.combine(form.day.data, form.end.data, zone))


@bp.route("/", methods=["GET", "POST"])
@login_required
def index(slug: str):
    """List meetings and plan a new one."""
    forum = forum_for_user(slug)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            start, end = _times(forum, form)
            meeting = meetings.create_meeting(forum, start, end, form.location.data or None,
                                              MeetingKind(form.kind.data), actor=actor())
        except ServiceError as exc:
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting.id))
    rows = db.session.scalars(select(Meeting).filter_by(forum_id=forum.id)
                              .options(selectinload(Meeting.guest_lists))
                              .order_by(Meeting.start_dt.desc())).all()
    now = utcnow()
    return render_template("meetings/index.html", forum=forum, form=form,
                           coming=[m for m in reversed(rows) if m.end_dt >= now],
                           past=[m for m in rows if m.end_dt < now])


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    """Return the meeting's approved items in order."""
    stmt = select(AgendaItem).filter_by(meeting_id=meeting.id, status=AgendaStatus.approved)
    return list(db.session.scalars(stmt.order_by(AgendaItem.position, AgendaItem.id)))


def progress(meeting: Meeting) -> dict:
    """Return how many invitations are sent, waiting and failed, and the meeting's other
    mails (answers' confirmations, reminders, CANCELs) apart under "other"."""
    stmt = (select(OutboundMessage.kind, OutboundMessage.state,
                   func.count(OutboundMessage.id),
                   func.count(func.distinct(OutboundMessage.invitation_id)))
            .where(OutboundMessage.meeting_id == meeting.id)
            .group_by(OutboundMessage.kind, OutboundMessage.state))
    counts = {"queued": 0, "sent": 0, "failed": 0}
    other = dict(counts)
    for kind, state, mails, people in db.session.execute(stmt):
        if kind == "invitation":
            # Sent: the people who have their invitation, an update being no second one.
            counts[state.value] = people if state.value == "sent" else mails
        else:
            other[state.value] += mails
    return counts | {"other": other}


@bp.route("/<int:meeting_id>/")
@login_required
def show(slug: str, meeting_id: int):
    """Show one meeting: details, agenda, invitations and answers."""
    forum = forum_for_user(slug)
    meeting = owned(Meeting, meeting_id, forum)
    zone = ZoneInfo(forum.timezone)
    local_start, local_end = meeting.start_dt.astimezone(zone), meeting.end_dt.astimezone(zone)
    form = MeetingForm(day=local_start.date(), start=local_start.time(), end=local_end.time(),
                       location=meeting.location, kind=meeting.kind.value)
    answer = AnswerForm()
    return render_template(
        "meetings/show.html", forum=forum, meeting=meeting, form=form, agenda=_agenda(meeting),
        invitations=invitations.invitations_of(meeting), answer=answer,
        # Translated once, not once a person: every row has the same three.
        answer_choices=[(c.value, str(c.label)) for c in answer.answer.choices],
        cancel=CancelForm(), progress=progress(meeting), now=utcnow(),
    )


@bp.route("/<int:meeting_id>/progress.json")
@login_required
def progress_json(slug: str, meeting_id: int):
    """Return the sending progress, for the page to follow without reloading."""
    meeting = owned(Meeting, meeting_id, forum_for_user(slug))
    return jsonify(progress(meeting) | {"status": meeting.status.value})


@bp.route("/<int:meeting_id>/edit", methods=["POST"])
@login_required
def edit(slug: str, meeting_id: int) -> Response:
    """Move the meeting; invited people get the update."""
    forum = forum_for_user(slug)
    meeting = owned(Meeting, meeting_id, forum)
    form = MeetingForm()
    if not form.validate_on_submit():
        flash(_("Give a date and times."), "error")
        return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id))
    try:
        start, end = _times(forum, form)
        changed = meetings.reschedule(meeting, start, end, form.location.data or None,
                                      actor=actor())
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id))
    meeting.kind = MeetingKind(form.kind.data)
    db.session.commit()
    if changed and meeting.status is MeetingStatus.invited:
        jobs.enqueue(jobs.send_invitations, meeting.id)
        flash(_("Saved. Everyone invited gets the updated invitation."), "info")
    else:
        flash(_("Saved."), "info")
    return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/invite", methods=["POST"])
@login_required
def invite(slug: str, meeting_id: int) -> Response:
    """Send the invitations (again: only to those who have not had this version)."""
    meeting = owned(Meeting, meeting_id, forum_for_user(slug))
    if FlaskForm().validate_on_submit():
        try:
            invitation_sync.check_sendable(meeting)
        except ServiceError as exc:
            flash(str(exc.message), "error")
        else:
            jobs.enqueue(jobs.send_invitations, meeting.id)
            flash(_("The invitations are being sent."), "info")
    return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/remind", methods=["POST"])
@login_required
def remind(slug: str, meeting_id: int) -> Response:
    """Remind those who have not answered, now, besides the scheduled reminder."""
    meeting = owned(Meeting, meeting_id, forum_for_user(slug))
    if FlaskForm().validate_on_submit():
        if meeting.status is not MeetingStatus.invited or meeting.start_dt <= utcnow():
            flash(_("Reminders go only to a coming meeting whose invitations are out."),
                  "error")
        elif count := jobs.remind_now(meeting):
            flash(ngettext("The reminder is being sent to %(num)d person who has not "
                           "answered.", "The reminder is being sent to %(num)d people who "
                           "have not answered.", count), "info")
        else:
            flash(_("Everyone has answered: no reminder is sent."), "info")
    return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id) + "#answers")


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/<direction>", methods=["POST"])
@login_required
def move(slug: str, meeting_id: int, item_id: int, direction: str) -> Response:
    """Move an agenda item one place up or down."""
    forum = forum_for_user(slug)
    meeting = owned(Meeting, meeting_id, forum)
    items = _agenda(meeting)
    index = next((i for i, it in enumerate(items) if it.id == item_id), None)
    step = {"up": -1, "down": 1}.get(direction)
    if FlaskForm().validate_on_submit() and index is not None and step is not None:
        other = index + step
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
            for position, item in enumerate(items, 1):
                item.position = position
            db.session.commit()
    return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id) + "#agenda")


@bp.route("/<int:meeting_id>/answers/<int:invitation_id>", methods=["POST"])
@login_required
def record(slug: str, meeting_id: int, invitation_id: int) -> Response:
    """Record an answer given by phone or in person."""
    meeting = owned(Meeting, meeting_id, forum_for_user(slug))
    invitation = db.session.get(Invitation, invitation_id)
    form = AnswerForm()
    if invitation is None or invitation.meeting_id != meeting.id or not form.validate_on_submit():
        flash(_("The answer could not be recorded."), "error")
    else:
        try:
            notices = invitations.record_answer(invitation, form.answer.data,
                                                AnswerChannel.secretary,
                                                form.comment.data or None, actor=actor())
        except ServiceError as exc:
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            jobs.notify_later(notices)
            flash(_("Answer recorded for %(name)s.", name=invitation.person.name), "info")
    return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id) + "#answers")


@bp.route("/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel(slug: str, meeting_id: int) -> Response:
    """Cancel the meeting and tell everyone invited."""
    meeting = owned(Meeting, meeting_id, forum_for_user(slug))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            meetings.cancel(meeting, (form.reason.data or "").strip() or None, actor=actor())
        except ServiceError as exc:
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            jobs.enqueue(jobs.send_cancellations, meeting.id)
            flash(_("The meeting is cancelled; everyone invited is told."), "info")
    return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id))
