"""A secretary's own account: change the password, forget it, set it from a mailed link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo

from app import jobs
from app.admin import accounts
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.security import links
from app.security.throttle import reset_limits
from app.services.errors import ServiceError

bp = Blueprint("account", __name__, url_prefix="/account")


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(_l("New password"), validators=[DataRequired()])
    repeat = PasswordField(_l("The new password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ChangePasswordForm(NewPasswordForm):
    """The current password, and a new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class ForgotForm(FlaskForm):
    """The address to send a password link to."""

    email = EmailField(_l("Email address"), validators=[DataRequired()])


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; every other session of the account ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.password.data)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # this session goes on
            flash(_("Your password is changed; you are logged out everywhere else."), "info")
            return redirect(url_for("dashboard.index"))
    return render_template("account/password.html", form=form)


@bp.route("/forgot", methods=["GET", "POST"])
@reset_limits
def forgot():
    """Send a one-time password link to a login's address; say the same for any address."""
    form = ForgotForm()
    if form.validate_on_submit():
        mail = accounts.request_reset(form.email.data)
        db.session.commit()
        jobs.send_rows([mail])
        flash(_("If %(email)s has a login, a link to choose a new password is on its way. "
                "It works for an hour.", email=form.email.data.strip()), "info")
        return redirect(url_for("auth.login_page"))
    return render_template("account/forgot.html", form=form)


@bp.route("/set-password/<purpose>/<token>", methods=["GET", "POST"])
def set_password_page(purpose: str, token: str):
    """Choose a password from a mailed link (an invitation or a reset)."""
    if purpose not in links.HOURS:
        abort(404)
    user = links.user_for(token, purpose)
    if user is None:
        return render_template("account/link_dead.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your password is set. Log in with it."), "info")
            return redirect(url_for("auth.login_page"))
    return render_template("account/set_password.html", form=form, user=user,
                           purpose=purpose)
