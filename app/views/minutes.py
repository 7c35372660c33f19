"""Minutes: write a draft per agenda item, preview, approve and send."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app import jobs
from app.extensions import db
from app.mail.compose_minutes import compose_minutes
from app.mail.messages import RecipientInfo
from app.models import Meeting, MeetingStatus, MinutesStatus, utcnow
from app.services import minutes as minutes_service
from app.services.errors import ServiceError
from app.services.mailinfo import forum_info, meeting_info
from app.views.common import actor, forum_for_user, owned

bp = Blueprint("minutes", __name__, url_prefix="/forum/<slug>/meetings/<int:meeting_id>/minutes")


def _load(slug: str, meeting_id: int):
    """Return (forum, meeting, minutes), starting the draft once the meeting has begun."""
    forum = forum_for_user(slug)
    meeting = owned(Meeting, meeting_id, forum)
    if meeting.start_dt > utcnow():
        raise ServiceError(_l("Minutes can be written once the meeting has begun."))
    if meeting.status is MeetingStatus.invited:
        meeting.status = MeetingStatus.held  # it has begun: it is being held
    return forum, meeting, minutes_service.draft(meeting, actor())


@bp.route("/", methods=["GET", "POST"])
@login_required
def edit(slug: str, meeting_id: int):
    """Show and save the draft."""
    try:
        forum, meeting, minutes = _load(slug, meeting_id)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id))
    db.session.commit()
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        if minutes.status is MinutesStatus.sent:
            flash(_("The minutes have been sent already."), "error")
        else:
            minutes.attendance = request.form.get("attendance", "")[:20000]
            for section in minutes.sections:
                section.body = request.form.get(f"section-{section.id}", "")[:50000]
            minutes.status = MinutesStatus.draft  # a changed text must be approved again
            db.session.commit()
            flash(_("Saved."), "info")
        return redirect(url_for("minutes.edit", slug=slug, meeting_id=meeting_id))
    preview = compose_minutes(forum_info(forum), meeting_info(meeting),
                              minutes_service.info(minutes),
                              RecipientInfo(forum.name, forum.sender_address))
    text = preview.get_body(("plain",)).get_content()
    return render_template("minutes/edit.html", forum=forum, meeting=meeting, minutes=minutes,
                           form=form, preview=text,
                           count=len(minutes_service.recipients(meeting)))


@bp.route("/approve", methods=["POST"])
@login_required
def approve(slug: str, meeting_id: int) -> Response:
    """Approve the minutes."""
    try:
        _forum, _meeting, minutes = _load(slug, meeting_id)
        if FlaskForm().validate_on_submit():
            minutes_service.approve(minutes, actor())
            db.session.commit()
            flash(_("The minutes are approved."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("minutes.edit", slug=slug, meeting_id=meeting_id))


@bp.route("/send", methods=["POST"])
@login_required
def send(slug: str, meeting_id: int) -> Response:
    """Send the approved minutes to every member, alternate and guest."""
    try:
        _forum, _meeting, minutes = _load(slug, meeting_id)
        if FlaskForm().validate_on_submit():
            rows = minutes_service.queue_sending(minutes, actor())
            db.session.commit()
            jobs.send_rows(rows)
            flash(_("The minutes are being sent to %(n)d people.", n=len(rows)), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("minutes.edit", slug=slug, meeting_id=meeting_id))
