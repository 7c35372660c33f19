"""Minutes: write the sections and who came, preview, approve and send.

A GET shows the minutes, or the draft they would start as, and saves nothing: the draft
is saved by the first POST, and the attendance shown follows the answers until approved.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app import jobs
from app.extensions import db
from app.i18n import gettext as _
from app.mail.compose_minutes import compose_minutes
from app.mail.messages import RecipientInfo
from app.models import Meeting
from app.services import minutes as minutes_service
from app.services import minutes_attendance
from app.services.errors import ServiceError
from app.services.mailinfo import forum_info, meeting_info
from app.views.common import actor, forum_for_user, owned

bp = Blueprint("minutes", __name__, url_prefix="/forum/<slug>/meetings/<int:meeting_id>/minutes")


def _back(slug: str, meeting_id: int, anchor: str = "") -> Response:
    """Return the redirect to the minutes page."""
    return redirect(url_for("minutes.edit", slug=slug, meeting_id=meeting_id) + anchor)


@bp.route("/")
@login_required
def edit(slug: str, meeting_id: int):
    """Show the minutes (or the draft they start as) with who came and a preview."""
    forum = forum_for_user(slug)
    meeting = owned(Meeting, meeting_id, forum)
    try:
        minutes = minutes_service.unsaved(meeting)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id))
    preview = compose_minutes(forum_info(forum), meeting_info(meeting),
                              minutes_service.info(minutes),
                              RecipientInfo(forum.name, forum.sender_address))
    return render_template(
        "minutes/edit.html", forum=forum, meeting=meeting, minutes=minutes, form=FlaskForm(),
        sections=minutes_service.numbered(minutes),
        roll=minutes_attendance.roll(meeting, minutes),
        attendance=minutes_attendance.current(minutes),
        preview=preview.get_body(("plain",)).get_content(),
        count=len(minutes_service.recipients(meeting)))


def _saved(slug: str, meeting_id: int):
    """Return the meeting's minutes for a POST, saving the draft on the first one."""
    meeting = owned(Meeting, meeting_id, forum_for_user(slug))
    return minutes_service.draft(meeting, actor())


@bp.route("/", methods=["POST"])
@login_required
def save(slug: str, meeting_id: int) -> Response:
    """Save the sections' texts and who came; "Opdater fremmøde" does the same."""
    if not FlaskForm().validate_on_submit():
        flash(_("The form had expired; nothing was changed. Try again."), "error")
        return _back(slug, meeting_id)
    try:
        minutes = _saved(slug, meeting_id)
        bodies = {int(key.removeprefix("section-")): value for key, value in request.form.items()
                  if key.startswith("section-") and key.removeprefix("section-").isdigit()}
        present = {int(v) for v in request.form.getlist("present") if v.isdigit()}
        minutes_service.save(minutes, bodies, present, request.form.get("attendance_note", ""))
        db.session.commit()
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return _back(slug, meeting_id)
    if "refresh" in request.form:
        flash(_("The attendance is brought up to date."), "info")
        return _back(slug, meeting_id, "#attendance-h")
    flash(_("Saved."), "info")
    return _back(slug, meeting_id)


@bp.route("/sections", methods=["POST"])
@login_required
def add_section(slug: str, meeting_id: int) -> Response:
    """Add a section for an item taken up on the day."""
    heading = (request.form.get("heading") or "").strip()
    if not FlaskForm().validate_on_submit() or not heading:
        flash(_("Give the item a heading."), "error")
        return _back(slug, meeting_id)
    try:
        minutes_service.add_section(_saved(slug, meeting_id), heading, actor())
        db.session.commit()
        flash(_("The section “%(heading)s” is added.", heading=heading), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return _back(slug, meeting_id)


@bp.route("/sections/<int:section_id>/remove", methods=["POST"])
@login_required
def remove_section(slug: str, meeting_id: int, section_id: int) -> Response:
    """Remove a free section or an item added on the day."""
    if FlaskForm().validate_on_submit():
        try:
            minutes_service.remove_section(_saved(slug, meeting_id), section_id, actor())
            db.session.commit()
            flash(_("The section is removed."), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return _back(slug, meeting_id)


@bp.route("/approve", methods=["POST"])
@login_required
def approve(slug: str, meeting_id: int) -> Response:
    """Approve the minutes, freezing the attendance as it is now."""
    try:
        if FlaskForm().validate_on_submit():
            minutes_service.approve(_saved(slug, meeting_id), actor())
            db.session.commit()
            flash(_("The minutes are approved."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return _back(slug, meeting_id)


@bp.route("/send", methods=["POST"])
@login_required
def send(slug: str, meeting_id: int) -> Response:
    """Send the approved minutes to every member, alternate and guest."""
    try:
        if FlaskForm().validate_on_submit():
            rows = minutes_service.queue_sending(_saved(slug, meeting_id), actor())
            db.session.commit()
            jobs.send_rows(rows)
            flash(_("The minutes are being sent to %(n)d people.", n=len(rows)), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return _back(slug, meeting_id)
