"""The forum's secretaries: who can log in to it; invite another, take access away."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app import jobs
from app.admin import accounts
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import User
from app.services.errors import ServiceError
from app.views.common import forum_for_user

bp = Blueprint("secretaries", __name__, url_prefix="/forum/<slug>/secretaries")


class InviteForm(FlaskForm):
    """Give someone a login to the forum."""

    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])


@bp.route("/", methods=["GET", "POST"])
@login_required
def index(slug: str):
    """List the forum's secretaries, and invite another by mail."""
    forum = forum_for_user(slug)
    form = InviteForm()
    if form.validate_on_submit() and invite(forum, form):
        return redirect(url_for("secretaries.index", slug=slug))
    return render_template("secretaries/index.html", forum=forum, form=form,
                           secretaries=accounts.secretaries(forum), remove=FlaskForm())


def invite(forum, form: InviteForm) -> bool:
    """Invite the secretary FORM names to FORUM; commit, send the mail after, and say so."""
    try:
        user, mail = accounts.invite_secretary(forum, form.email.data, form.name.data,
                                               current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    jobs.send_rows([mail])
    flash(_("%(email)s can now log in to %(forum)s.", email=user.email, forum=forum.name)
          + (" " + _("A mail with a link to choose a password is on its way.")
             if mail else ""), "info")
    return True


@bp.post("/<int:user_id>/remove")
@login_required
def remove(slug: str, user_id: int):
    """Take the forum from a secretary's login."""
    forum = forum_for_user(slug)
    user = db.session.get(User, user_id)
    if user is None or forum not in user.forums:
        flash(_("That person is not a secretary of the forum."), "error")
        return redirect(url_for("secretaries.index", slug=slug))
    try:
        accounts.remove_access(forum, user, current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(email)s can no longer log in to the forum.", email=user.email), "info")
    if user.id == current_user.id:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("secretaries.index", slug=slug))
