"""The forum's mailbox page: settings and secrets, the connection test, and "Forbind"."""

from __future__ import annotations

import json
import warnings

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app import mailer
from app.extensions import db, rq
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.jobs import ensure_queue
from app.mail.accounts.credentials import SECRET_FIELDS
from app.mail.accounts.providers import MICROSOFT365_DELEGATED, PROVIDERS
from app.mail.accounts.tokens import TokenError
from app.models import MailAccount, utcnow
from app.services.errors import ServiceError
from app.services.mailaccounts import check, runtime
from app.services.mailaccounts import state as account_state
from app.services.mailaccounts.settings import AccountForm, account_of, save, stored_secrets
from app.views.common import actor, forum_for_user, options

bp = Blueprint("mailaccount", __name__)

#: How long a started sign-in waits for the person to come back, in seconds.
SIGN_IN_SECONDS = 600
SECRETS = (*SECRET_FIELDS, "refresh_token")
_TLS = options([("ssl", _l("TLS (e.g. port 993 or 465)")), ("starttls", _l("STARTTLS (port 587)")),
                ("plain", _l("None (only a server on this machine)"))])


class MailAccountForm(FlaskForm):
    """The mailbox settings; secrets are write-only: left empty, the saved one stays."""

    address = EmailField(_l("Mailbox address"), validators=[DataRequired(), Length(max=254)])
    provider = SelectField(_l("How the mailbox logs in"))
    username = StringField(_l("Login name, if not the address"), validators=[Optional()])
    tenant = StringField(_l("Entra ID tenant (id or domain)"), validators=[Optional()])
    client_id = StringField(_l("Client id (application id)"), validators=[Optional()])
    password = PasswordField(_l("Password or app password"))
    client_secret = PasswordField(_l("Client secret"))
    certificate_pem = TextAreaField(_l("Certificate and private key (PEM)"))
    service_account_json = TextAreaField(_l("Service account key (JSON)"))
    refresh_token = PasswordField(_l("Refresh token"))
    secret_expires_on = DateField(_l("The client secret expires on"), validators=[Optional()])
    imap_host = StringField(_l("IMAP server"), validators=[Optional(), Length(max=255)])
    imap_port = IntegerField(_l("IMAP port"), validators=[Optional(), NumberRange(1, 65535)])
    imap_tls = SelectField(_l("IMAP encryption"), choices=_TLS)
    smtp_host = StringField(_l("SMTP server"), validators=[Optional(), Length(max=255)])
    smtp_port = IntegerField(_l("SMTP port"), validators=[Optional(), NumberRange(1, 65535)])
    smtp_tls = SelectField(_l("SMTP encryption"), choices=_TLS, default="starttls")
    folders = TextAreaField(_l("Folders to read, one per line"), default="INBOX")
    processed_folder = StringField(_l("Move handled mail to"), default="Processed")
    authserv_ids = StringField(_l("Trusted authserv-ids of the receiving server"))
    is_enabled = BooleanField(_l("Read and send with this mailbox"), default=True)


def _form(account: MailAccount | None) -> MailAccountForm:
    """Return the form, filled from ACCOUNT on a GET, from the request on a POST."""
    form = MailAccountForm(obj=account if request.method == "GET" else None)
    label = "label_da" if str(get_locale()) == "da" else "label_en"
    form.provider.choices = options([(p.name, getattr(p, label)) for p in PROVIDERS.values()])
    if request.method == "GET" and account is not None:
        form.folders.data = "\n".join(account.folders or [])
        form.authserv_ids.data = ", ".join(account.authserv_ids or [])
    return form


@bp.route("/forum/<slug>/settings/mail", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Show the mailbox's state and settings; save them."""
    forum = forum_for_user(slug)
    account = account_of(forum)
    form = _form(account)
    if form.validate_on_submit():
        try:
            save(forum, _account_form(form), actor=actor())
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Saved. The intake reads the mailbox within a few seconds; test the "
                    "connection to be sure."), "success")
            return redirect(url_for("mailaccount.edit", slug=slug))
    return render_template("mailaccount/edit.html", forum=forum, account=account, form=form,
                           stored=stored_secrets(account), providers=PROVIDERS,
                           today=utcnow().date(), mail_route=mailer.describe())


def _account_form(form: MailAccountForm) -> AccountForm:
    """Return the service's AccountForm from the page's form."""
    lines = (form.folders.data or "").replace(",", "\n").splitlines()
    return AccountForm(
        address=form.address.data or "", provider=form.provider.data or "",
        username=form.username.data or "", tenant=form.tenant.data or "",
        client_id=form.client_id.data or "", imap_host=form.imap_host.data or "",
        imap_port=form.imap_port.data, imap_tls=form.imap_tls.data or "",
        smtp_host=form.smtp_host.data or "", smtp_port=form.smtp_port.data,
        smtp_tls=form.smtp_tls.data or "", folders=lines,
        processed_folder=form.processed_folder.data or "",
        authserv_ids=(form.authserv_ids.data or "").split(","),
        secret_expires_on=form.secret_expires_on.data, is_enabled=form.is_enabled.data,
        secrets={name: getattr(form, name).data or "" for name in SECRETS},
        forget={name for name in SECRETS if request.form.get(f"forget_{name}")},
    )


@bp.post("/forum/<slug>/settings/mail/check")
@login_required
def test_connection(slug: str) -> Response:
    """Queue a login to the mailbox's IMAP and SMTP servers; the page shows the verdict."""
    forum = forum_for_user(slug)
    account = _account(forum)
    if not FlaskForm().validate_on_submit():
        abort(400)
    check.request_check(account)
    db.session.commit()
    check.enqueue(account.id)
    flash(_("Testing the connection… the answer appears below in a moment."), "info")
    return redirect(url_for("mailaccount.edit", slug=slug))


@bp.post("/forum/<slug>/settings/mail/connect")
@login_required
def connect(slug: str) -> Response:
    """Send the person to Microsoft to sign in as the mailbox (authorization code + PKCE)."""
    forum = forum_for_user(slug)
    account = _account(forum)
    if not FlaskForm().validate_on_submit() or account.provider != MICROSOFT365_DELEGATED:
        abort(400)
    try:
        with warnings.catch_warnings():
            # msal recommends form_post. We take the answer in the redirect's query so that
            # the callback is a top-level GET carrying the secretary's SameSite=Lax session;
            # the code is single-use and bound by PKCE to the verifier kept on the server.
            warnings.filterwarnings("ignore", "response_mode=", UserWarning)
            sign_in = runtime.token_source(account).begin_sign_in(
                _callback_url(), response_mode="query")
    except (TokenError, ValueError) as exc:
        flash(account_state.describe(exc), "error")
        return redirect(url_for("mailaccount.edit", slug=slug))
    # The flow holds the PKCE verifier: on the server, never in the browser's cookie.
    record = {"flow": sign_in.flow, "account_id": account.id, "user_id": current_user.id,
              "version": account.version}
    ensure_queue()
    rq.queue.connection.setex(_flow_key(sign_in.state), SIGN_IN_SECONDS, json.dumps(record))
    return redirect(sign_in.url)


@bp.get("/oauth/microsoft/callback")
@login_required
def callback() -> Response:
    """Finish the sign-in: the refresh token is sealed and saved at once."""
    state = request.args.get("state", "")
    record = _take_flow(state) if state else None
    if record is None or record["user_id"] != current_user.id:
        flash(_("This sign-in is unknown or has expired. Press “Connect” again."), "error")
        return redirect(url_for("dashboard.index"))
    account = db.session.get(MailAccount, record["account_id"])
    if account is None:
        abort(404)
    forum = forum_for_user(account.forum.slug)
    try:
        runtime.token_source(account).complete_sign_in(record["flow"], request.args.to_dict())
    except TokenError as exc:
        account_state.failed(account.id, exc)
        flash(account_state.describe(exc), "error")
    else:
        account_state.logged_in(account.id)
        flash(_("Connected: the mailbox is signed in."), "success")
    return redirect(url_for("mailaccount.edit", slug=forum.slug))


def _account(forum) -> MailAccount:
    """Return FORUM's mail account, or 404 when it has none yet."""
    account = account_of(forum)
    if account is None:
        abort(404)
    return account


def _callback_url() -> str:
    """Return the redirect URI to register in Entra ID: one for the whole installation."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("mailaccount.callback")


def _flow_key(state: str) -> str:
    """Return the Redis key of the sign-in started with STATE."""
    return f"forumpost:signin:{state[:128]}"


def _take_flow(state: str) -> dict | None:
    """Return the sign-in started with STATE and forget it: a code is good for one use."""
    ensure_queue()
    with rq.queue.connection.pipeline() as pipe:
        raw, _deleted = pipe.get(_flow_key(state)).delete(_flow_key(state)).execute()
    return json.loads(raw) if raw else None
