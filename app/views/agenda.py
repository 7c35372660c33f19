"""The agenda queue: approve, reject, defer and edit what members sent in."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app import jobs
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import AgendaAttachment, AgendaItem, AgendaStatus, Meeting
from app.security.redirects import safe_target
from app.services import agenda, notify_agenda
from app.services.errors import ServiceError
from app.views.common import actor, coming_meetings, download, forum_for_user, options, owned

bp = Blueprint("agenda", __name__, url_prefix="/forum/<slug>/agenda")


class ApproveForm(FlaskForm):
    """Put an item on a meeting's agenda."""

    meeting_id = SelectField(_l("Meeting"), coerce=int)
    position = IntegerField(_l("Position"), validators=[Optional(), NumberRange(min=1)])


class RejectForm(FlaskForm):
    """Turn an item down, optionally saying why."""

    reason = TextAreaField(_l("Reason (sent to the submitter)"),
                           validators=[Optional(), Length(max=2000)])


class ItemForm(FlaskForm):
    """Write or edit an item's title and summary."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=20000)])


def _meeting_choices(forum) -> list[tuple[int, str]]:
    """Return the coming meetings as select options, the next one first."""
    from app.filters import meeting_time

    return options((m.id, f"{meeting_time(m.start_dt)} – {m.title}")
                   for m in coming_meetings(forum))


@bp.route("/")
@login_required
def queue(slug: str):
    """List pending and deferred items with their forms."""
    forum = forum_for_user(slug)
    stmt = (
        select(AgendaItem)
        .where(AgendaItem.forum_id == forum.id,
               AgendaItem.status.in_([AgendaStatus.pending, AgendaStatus.deferred]))
        .options(selectinload(AgendaItem.attachments), joinedload(AgendaItem.submitter))
        .order_by(AgendaItem.status, AgendaItem.created_dt)
    )
    items = db.session.scalars(stmt).all()
    approve = ApproveForm()
    approve.meeting_id.choices = _meeting_choices(forum)
    return render_template("agenda/queue.html", forum=forum, items=items, approve=approve,
                           reject=RejectForm(), new=ItemForm())


@bp.route("/new", methods=["POST"])
@login_required
def create(slug: str) -> Response:
    """Add an item the secretary writes herself (e.g. from a phone call)."""
    forum = forum_for_user(slug)
    form = ItemForm()
    if form.validate_on_submit():
        item = AgendaItem(forum=forum, title=form.title.data.strip(), body=form.body.data or "",
                          submitter_name=actor(), status=AgendaStatus.pending)
        db.session.add(item)
        db.session.commit()
        flash(_("The item was added to the queue."), "info")
    else:
        flash(_("An item needs a title."), "error")
    return redirect(url_for("agenda.queue", slug=slug))


@bp.route("/<int:item_id>/approve", methods=["POST"])
@login_required
def approve(slug: str, item_id: int) -> Response:
    """Put the item on the chosen meeting's agenda and tell the submitter."""
    forum = forum_for_user(slug)
    item = owned(AgendaItem, item_id, forum)
    form = ApproveForm()
    form.meeting_id.choices = _meeting_choices(forum)
    if not form.validate_on_submit():
        flash(_("Choose a coming meeting."), "error")
        return redirect(url_for("agenda.queue", slug=slug))
    meeting = owned(Meeting, form.meeting_id.data, forum)
    try:
        agenda.approve(item, meeting, actor(), position=form.position.data)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("agenda.queue", slug=slug))
    row = notify_agenda.approval(item)
    db.session.commit()
    jobs.send_rows([row])
    flash(_("“%(title)s” is on the agenda.", title=item.title), "info")
    return redirect(url_for("agenda.queue", slug=slug))


@bp.route("/<int:item_id>/reject", methods=["POST"])
@login_required
def reject(slug: str, item_id: int) -> Response:
    """Turn the item down and tell the submitter."""
    forum = forum_for_user(slug)
    item = owned(AgendaItem, item_id, forum)
    form = RejectForm()
    if form.validate_on_submit():
        agenda.reject(item, actor(), (form.reason.data or "").strip() or None)
        row = notify_agenda.rejection(item)
        db.session.commit()
        jobs.send_rows([row])
        flash(_("“%(title)s” was rejected.", title=item.title), "info")
    return redirect(url_for("agenda.queue", slug=slug))


@bp.route("/<int:item_id>/defer", methods=["POST"])
@login_required
def defer(slug: str, item_id: int) -> Response:
    """Keep the item for later."""
    forum = forum_for_user(slug)
    item = owned(AgendaItem, item_id, forum)
    if FlaskForm().validate_on_submit():
        agenda.defer(item, actor())
        db.session.commit()
        flash(_("“%(title)s” was deferred.", title=item.title), "info")
    return redirect(url_for("agenda.queue", slug=slug))


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, item_id: int):
    """Edit the item's title and summary."""
    forum = forum_for_user(slug)
    item = owned(AgendaItem, item_id, forum)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        item.title, item.body = form.title.data.strip(), form.body.data or ""
        db.session.commit()
        flash(_("Saved."), "info")
        queue = url_for("agenda.queue", slug=slug)
        return redirect(safe_target(request.args.get("back"), queue))
    return render_template("agenda/edit.html", forum=forum, item=item, form=form)


@bp.route("/<int:item_id>/files/<int:file_id>")
@login_required
def attachment(slug: str, item_id: int, file_id: int) -> Response:
    """Download an attachment; never shown inline, so nothing in it can run."""
    forum = forum_for_user(slug)
    item = owned(AgendaItem, item_id, forum)
    file = db.session.get(AgendaAttachment, file_id)
    if file is None or file.item_id != item.id:
        from flask import abort

        abort(404)
    return download(file.data, file.filename)
