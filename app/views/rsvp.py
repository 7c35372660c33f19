"""The one-click answer link in each invitation: GET shows buttons, only POST changes."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import force_locale
from flask_wtf import FlaskForm

from app import jobs
from app.extensions import db
from app.mail.tokens import read_token
from app.models import AnswerChannel, Invitation
from app.services import invitations
from app.services.errors import ServiceError

bp = Blueprint("rsvp", __name__)


def _invitation(token: str) -> Invitation:
    """Return the invitation TOKEN names, or 404 for a forged or unknown token."""
    ident = read_token(token, invitations.token_secret())
    invitation = db.session.get(Invitation, ident) if ident is not None else None
    if invitation is None or invitation.reply_token != token.lower():
        abort(404)
    return invitation


def _language(invitation: Invitation) -> str:
    """Return the invitee's language."""
    if request.args.get("lang") in ("da", "en"):
        return request.args["lang"]
    return invitation.person.language or invitation.meeting.forum.language


def _closed(invitation: Invitation) -> bool:
    """Tell whether the invitation can no longer be answered."""
    try:
        invitations.check_answerable(invitation)
    except ServiceError:
        return True
    return False


@bp.route("/r/<token>", methods=["GET", "POST"])
def answer(token: str):
    """Show the answer buttons; record the answer on POST."""
    invitation = _invitation(token)
    form = FlaskForm()
    recorded, error = None, None
    with force_locale(_language(invitation)):
        if request.method == "POST" and form.validate_on_submit():
            choice = request.form.get("answer", "")
            try:
                notices = invitations.record_answer(invitation, choice, AnswerChannel.link,
                                                    actor=invitation.person.email)
            except ServiceError as exc:
                error = str(exc.message)
            else:
                db.session.commit()
                jobs.notify_later(notices)
                recorded = choice
        closed = _closed(invitation)
        return render_template("rsvp/answer.html", invitation=invitation, form=form,
                               meeting=invitation.meeting, recorded=recorded, error=error,
                               closed=closed), 400 if error else 200
