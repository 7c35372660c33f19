"""The installation's administration: forums created and archived, secretaries given access."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.admin import accounts
from app.admin import forums as forums_service
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import Forum
from app.services.errors import ServiceError
from app.views.secretaries import InviteForm, invite

bp = Blueprint("admin", __name__, url_prefix="/admin")


class ForumForm(FlaskForm):
    """A new forum."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name (in the page's address)"),
                       validators=[DataRequired(), Length(max=63)])
    sender_address = EmailField(_l("Invitations are sent from, and answers come back to"),
                                validators=[DataRequired(), Length(max=254)])
    agenda_address = EmailField(_l("Agenda items are sent to"),
                                validators=[DataRequired(), Length(max=254)])
    secretary_address = EmailField(_l("The secretary’s own address (notices)"),
                                   validators=[Optional(), Length(max=254)])


def admin_required(view):
    """Let only an installation administrator through."""

    @wraps(view)
    @login_required
    def guarded(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return guarded


@bp.route("/forums", methods=["GET", "POST"])
@admin_required
def forums():
    """List the forums with their secretaries, and create a new forum."""
    form = ForumForm()
    if form.validate_on_submit():
        try:
            forum = forums_service.create_forum(
                form.name.data, form.slug.data, form.sender_address.data,
                form.agenda_address.data, form.secretary_address.data, current_user.email)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The forum %(name)s is created: give it a secretary below.",
                    name=forum.name), "info")
            return redirect(url_for("admin.forums"))
    rows = [(forum, accounts.secretaries(forum)) for forum in forums_service.all_forums()]
    return render_template("admin/forums.html", form=form, rows=rows, invite=InviteForm(),
                           toggle=FlaskForm())


@bp.post("/forums/<int:forum_id>/secretaries")
@admin_required
def add_secretary(forum_id: int):
    """Give someone a login to a forum."""
    forum = db.get_or_404(Forum, forum_id)
    form = InviteForm()
    if not form.validate_on_submit():
        flash(_("Write the address of the new secretary."), "error")
        return redirect(url_for("admin.forums"))
    invite(forum, form)
    return redirect(url_for("admin.forums"))


@bp.post("/forums/<int:forum_id>/archive")
@admin_required
def archive(forum_id: int):
    """Archive a forum, or take it out of the archive."""
    forum = db.get_or_404(Forum, forum_id)
    if forum.archived_dt is None:
        forums_service.archive(forum, current_user.email)
        message = _("%(name)s is archived: its pages can be read, its mail is no longer read.",
                    name=forum.name)
    else:
        forums_service.restore(forum, current_user.email)
        message = _("%(name)s is active again.", name=forum.name)
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("admin.forums"))
