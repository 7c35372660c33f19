"""Secretary login and logout."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired

from app.extensions import db, limiter, login
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import User, utcnow
from app.security import entra
from app.security.redirects import safe_target
from app.security.throttle import login_limits

bp = Blueprint("auth", __name__)

#: Checked when the address is unknown, so that answer takes as long as a wrong password.
_DUMMY_HASH: list[str] = []


class LoginForm(FlaskForm):
    """The login form."""

    email = EmailField(_l("Email address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me"))


@login.user_loader
def load_user(session_id: str) -> User | None:
    """Return the user of a session or remember-me cookie, unless its version has ended."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None  # a cookie from before versions: log in again
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login_page():
    """Show the login form and log the secretary in."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        user = _authenticate(form.email.data, form.password.data)
        if user is not None:
            user.last_login_dt = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            target = safe_target(request.args.get("next"), url_for("dashboard.index"))
            return redirect(target)
        flash(_("Wrong email address or password."), "error")
        status = 401
    return render_template("auth/login.html", form=form,
                           entra=entra.configured(current_app.config)), status


def _authenticate(email: str, password: str) -> User | None:
    """Return the user whose address and password these are, in the same time for any."""
    user = db.session.scalars(select(User).filter_by(email=email.strip().lower())).first()
    if user is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(generate_password_hash("no such user"))
        check_password_hash(_DUMMY_HASH[0], password)
        return None
    return user if user.check_password(password) else None


@bp.get("/login/microsoft")
def microsoft():
    """Send the browser to Microsoft's sign-in for the municipality's work accounts."""
    if not entra.configured(current_app.config):
        abort(404)
    redirect_uri = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.microsoft_back")
    flow = entra.begin(redirect_uri)
    session["entra_flow"] = flow
    session["entra_next"] = safe_target(request.args.get("next"), url_for("dashboard.index"))
    return redirect(flow["auth_uri"])


@bp.get("/login/microsoft/back")
def microsoft_back():
    """Log in the secretary whose work account Microsoft vouched for."""
    flow, target = session.pop("entra_flow", None), session.pop("entra_next", None)
    if flow is None or not entra.configured(current_app.config):
        flash(_("The sign-in with Microsoft was not started here, or has run out. Try again."),
              "error")
        return redirect(url_for("auth.login_page"))
    try:
        address = entra.complete(flow, request.args)
    except entra.EntraError as error:
        current_app.logger.warning("Entra ID sign-in refused: %s", error)
        flash(_("Microsoft did not sign you in: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("auth.login_page"))
    user = db.session.scalars(select(User).filter_by(email=address)).first()
    if user is None:
        flash(_("%(email)s has no login to Forumpost. Ask a secretary of the forum to invite "
                "you.", email=address), "error")
        return redirect(url_for("auth.login_page"))
    user.last_login_dt = utcnow()
    db.session.commit()
    login_user(user)
    return redirect(target or url_for("dashboard.index"))


@bp.route("/logout", methods=["POST"])
@limiter.exempt
def logout():
    """Log out everywhere: every session and remember-me cookie of this secretary ends."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login_page"))


@bp.app_errorhandler(429)
def too_many_attempts(error):
    """Refuse more login attempts for a while, in the reader's language."""
    flash(_("Too many failed attempts. Wait a minute and try again."), "error")
    if request.endpoint == "auth.login_page":
        return render_template("auth/login.html", form=LoginForm(),
                               entra=entra.configured(current_app.config)), 429
    return render_template("account/throttled.html"), 429
