"""Secretary login and logout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired

from app.extensions import db, login
from app.models import User, utcnow

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """The login form."""

    email = EmailField(_l("Email address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me"))


@login.user_loader
def load_user(user_id: str) -> User | None:
    """Return the logged-in user for the session."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.route("/login", methods=["GET", "POST"])
def login_page():
    """Show the login form and log the secretary in."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalars(select(User).filter_by(email=email)).first()
        if user is not None and user.check_password(form.password.data):
            user.last_login_dt = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email address or password."), "error")
        status = 401
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out and go back to the login page."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login_page"))


def _safe_next(target: str | None) -> str:
    """Return TARGET when it is a local path, else the dashboard."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index")
