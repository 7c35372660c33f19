"""The forum's settings page: name, addresses, meetings, sending, and retention."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm

from app.admin import settings
from app.extensions import db
from app.i18n import gettext as _
from app.services import plan
from app.services.errors import ServiceError
from app.views.common import actor, forum_for_user

bp = Blueprint("settings", __name__, url_prefix="/forum/<slug>/settings")
FIELDS = (*settings.TEXTS, *settings.ADDRESSES, *settings.BOUNDS)


@bp.route("/", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Show the forum's settings and save them."""
    forum = forum_for_user(slug)
    form = FlaskForm()
    values = {key: getattr(forum, key) for key in FIELDS}
    location = plan.pattern_for(forum).location
    if form.validate_on_submit():
        values = {key: request.form.get(key, "") for key in FIELDS}
        location = request.form.get("location", "").strip()
        try:
            unread = settings.update(forum, actor(), values, location)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Saved."), "info")
            for address in unread:
                flash(_("Mail to %(address)s is no longer read: tell the members and the "
                        "appointing bodies the new address.", address=address), "error")
            return redirect(url_for("settings.edit", slug=forum.slug))
    return render_template("settings/forum.html", forum=forum, form=form, values=values,
                           location=location, labels=settings.LABELS)
