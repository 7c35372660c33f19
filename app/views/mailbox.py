"""The mail ledger: every message in with its decision, every message out with its state."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import undefer
from werkzeug.wrappers import Response

from app import jobs, reason_text
from app.extensions import db
from app.filters import short_date, state_label
from app.i18n import gettext as _
from app.mail.decision import AgendaDraft
from app.models import (
    AnswerChannel,
    InboundMessage,
    InboundState,
    Invitation,
    InvitationStatus,
    MeetingStatus,
    OutboundMessage,
    OutboundState,
    utcnow,
)
from app.services import (
    agenda,
    inbound,
    invitations,
    meetings,
    outbound,
    postpage,
    replies,
    textbody,
)
from app.services.errors import ServiceError
from app.views.common import actor, download, forum_for_user, owned, visible_to

bp = Blueprint("mailbox", __name__, url_prefix="/forum/<slug>/mail")

PAGE = 100
REVIEW = (InboundState.review, InboundState.quarantined)


@bp.route("/")
@login_required
def index(slug: str):
    """List inbound messages (those needing review first) and outbound ones."""
    forum = forum_for_user(slug)
    show = request.args.get("show", "all")
    stmt = select(InboundMessage).where(visible_to(forum))
    if show == "review":
        stmt = stmt.where(InboundMessage.state.in_(REVIEW))
    received = db.session.scalars(stmt.order_by(InboundMessage.id.desc()).limit(PAGE)).all()
    sent = db.session.scalars(select(OutboundMessage).filter_by(forum_id=forum.id)
                              .order_by(OutboundMessage.id.desc()).limit(PAGE)).all()
    return render_template("mailbox/index.html", forum=forum, received=received, sent=sent,
                           show=show, form=FlaskForm(), reasons_of=reason_text.of_message)


def _message(slug: str, message_id: int, *columns) -> tuple:
    """Return (forum, message) or 404; COLUMNS are the deferred ones to load with it
    (the raw bytes unless told otherwise)."""
    forum = forum_for_user(slug)
    columns = columns or (InboundMessage.raw,)
    message = db.session.scalars(select(InboundMessage).options(*map(undefer, columns))
                                 .filter_by(id=message_id)).first()
    if message is None or message.forum_id not in (forum.id, None):
        abort(404)
    return forum, message


@bp.route("/<int:message_id>")
@login_required
def show(slug: str, message_id: int):
    """Show one message: the decision with its reasons, the sanitised body, the raw source."""
    # The sanitised HTML was made at intake; the raw bytes only when asked for.
    forum, message = _message(slug, message_id, InboundMessage.html, InboundMessage.text_body)
    raw = None
    if request.args.get("raw") and message.raw:
        raw = message.raw[:500_000].decode("utf-8", "replace")
    html, html_note = postpage.safe_html(message)
    text, quoted, files = postpage.body_of(message)
    choices, matched = postpage.open_invitations(forum, message)
    return render_template("mailbox/show.html", forum=forum, message=message, raw=raw,
                           html=html, html_note=html_note, form=FlaskForm(),
                           text=text, quoted=quoted, files=files,
                           reasons=reason_text.of_message(message),
                           open_invitations=choices, matched_invitation=matched,
                           proposal=postpage.proposal(forum, message))


@bp.route("/<int:message_id>/files/<int:index>")
@login_required
def attachment(slug: str, message_id: int, index: int) -> Response:
    """Download one attached file; always as a download, so nothing in it runs here."""
    _forum, message = _message(slug, message_id)
    found = textbody.attachment(message.raw, index)
    if found is None:
        abort(404)
    return download(found.data, found.filename)


@bp.route("/<int:message_id>/proposal", methods=["POST"])
@login_required
def proposal(slug: str, message_id: int) -> Response:
    """Move the meeting to the time a COUNTER proposes, or keep it; either way the mail is done."""
    forum, message = _message(slug, message_id, InboundMessage.decision)
    found = postpage.proposal(forum, message)
    back = redirect(url_for("mailbox.show", slug=slug, message_id=message_id))
    if not FlaskForm().validate_on_submit() or found is None:
        flash(_("There is no proposal to answer."), "error")
        return back
    meeting, start, end = found
    if request.form.get("choice") != "move":
        message.state, message.reason = InboundState.ignored, f"forslaget afvist by {actor()}"
        db.session.commit()
        flash(_("The meeting keeps its time."), "info")
        return redirect(url_for("mailbox.index", slug=slug, show="review"))
    now = utcnow()
    if meeting.status is MeetingStatus.cancelled or meeting.start_dt <= now or start <= now:
        flash(_("The meeting cannot be moved: it is cancelled or has begun, "
                "or the proposed time has passed."), "error")
        return back
    try:
        changed = meetings.reschedule(meeting, start, end, meeting.location, actor=actor())
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return back
    message.state = InboundState.applied
    message.reason = f"meeting moved to {start:%Y-%m-%d %H:%M} UTC by {actor()}"
    db.session.commit()
    if changed and meeting.status is MeetingStatus.invited:
        jobs.enqueue(jobs.send_invitations, meeting.id)
        flash(_("The meeting is moved. Everyone invited gets the updated invitation."), "info")
    else:
        flash(_("The meeting is moved."), "info")
    return redirect(url_for("mailbox.index", slug=slug, show="review"))


@bp.route("/<int:message_id>/answer", methods=["POST"])
@login_required
def answer(slug: str, message_id: int) -> Response:
    """Count a message needing review as an answer for the chosen invitation."""
    forum, message = _message(slug, message_id)
    invitation = db.session.get(Invitation, request.form.get("invitation_id", type=int) or 0)
    if (not FlaskForm().validate_on_submit() or invitation is None
            or invitation.meeting.forum_id != forum.id):
        flash(_("Choose an invitation."), "error")
        return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))
    try:
        followup = invitations.record_answer(invitation, request.form.get("answer", ""),
                                             AnswerChannel.mail, actor=actor())
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))
    message.forum_id = forum.id  # an unassigned message counted here is this forum's
    message.invitation_id, message.state = invitation.id, InboundState.applied
    message.reason = f"{message.reason or ''}; counted by {actor()}".strip("; ")
    db.session.commit()
    jobs.notify_later(followup)
    flash(_counted(invitation), "info")
    return redirect(url_for("mailbox.index", slug=slug, show="review"))


def _counted(invitation: Invitation) -> str:
    """Say what the answer was counted as, from whom, for which meeting."""
    name, day = invitation.person.name, short_date(invitation.meeting.start_dt)
    if invitation.status is InvitationStatus.accepted:
        return _("Counted as coming from %(name)s (%(day)s).", name=name, day=day)
    if invitation.status is InvitationStatus.declined:
        return _("Counted as a decline from %(name)s (%(day)s).", name=name, day=day)
    return _("Counted as a maybe from %(name)s (%(day)s).", name=name, day=day)


@bp.route("/<int:message_id>/agenda", methods=["POST"])
@login_required
def make_agenda_item(slug: str, message_id: int) -> Response:
    """Turn the message into a pending agenda item."""
    forum, message = _message(slug, message_id)
    if _expired():
        return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))
    decision = message.decision or {}
    body = message.text_body or postpage.plain_text(message.raw)
    draft = AgendaDraft(original_subject=message.subject or "", body=body)
    item = agenda.from_mail(forum, draft, decision.get("sender") or "",
                            decision.get("sender_name") or "", inbound_id=message.id)
    message.forum_id = forum.id
    message.state, message.reason = InboundState.applied, f"made agenda item by {actor()}"
    db.session.commit()
    flash(_("“%(title)s” is in the agenda queue.", title=item.title), "info")
    return redirect(url_for("agenda.queue", slug=slug))


@bp.route("/<int:message_id>/assign", methods=["POST"])
@login_required
def assign(slug: str, message_id: int) -> Response:
    """Give an unassigned message to this forum, and decide it if it could be read."""
    forum, message = _message(slug, message_id)
    if _expired() or message.forum_id is not None:
        return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))
    message.forum_id = forum.id
    followups = []
    if message.state is InboundState.quarantined and message.reason == inbound.NOT_ROUTED:
        message.state = InboundState.received  # it was read whole: decide it as this forum's
        followups = inbound.process(message)
    db.session.commit()
    jobs.enqueue_all(followups)
    flash(_("The message is now %(forum)s's: %(state)s.", forum=forum.name,
            state=state_label(message.state)), "info")
    return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))


@bp.route("/<int:message_id>/reply", methods=["POST"])
@login_required
def reply(slug: str, message_id: int) -> Response:
    """Answer the sender from the page; the mail leaves after the commit, by a job."""
    forum, message = _message(slug, message_id)
    if _expired():
        return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))
    if message.forum_id is None:
        message.forum_id = forum.id  # answered from here: this forum's
    try:
        row = replies.reply(forum, message, request.form.get("text", ""), actor())
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))
    db.session.commit()
    jobs.send_rows([row])
    flash(_("Your answer to %(to)s is being sent.", to=row.recipient), "info")
    return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))


def _expired() -> bool:
    """Say whether the posted form is invalid (an expired CSRF token), flashing so."""
    if FlaskForm().validate_on_submit():
        return False
    flash(_("The form had expired; nothing was changed. Try again."), "error")
    return True


@bp.route("/<int:message_id>/ignore", methods=["POST"])
@login_required
def ignore(slug: str, message_id: int) -> Response:
    """Set a message aside for good."""
    _forum, message = _message(slug, message_id)
    if _expired():
        return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))
    message.state, message.reason = InboundState.ignored, f"ignored by {actor()}"
    db.session.commit()
    flash(_("Ignored."), "info")
    return redirect(url_for("mailbox.index", slug=slug, show="review"))


@bp.route("/<int:message_id>/rerun", methods=["POST"])
@login_required
def rerun(slug: str, message_id: int) -> Response:
    """Decide the message again, e.g. after the rules were improved."""
    _forum, message = _message(slug, message_id)
    if _expired():
        pass
    elif not message.raw or message.reason and message.reason.startswith("too large"):
        flash(_("Only the headers of this message were kept: it cannot be decided again."),
              "error")
    else:
        message.state = InboundState.received
        followups = inbound.process(message)
        db.session.commit()
        jobs.enqueue_all(followups)
        flash(_("Decided again: %(state)s.", state=state_label(message.state)), "info")
    return redirect(url_for("mailbox.show", slug=slug, message_id=message_id))


@bp.route("/out/<int:row_id>/resend", methods=["POST"])
@login_required
def resend(slug: str, row_id: int) -> Response:
    """Queue a failed message again and send it."""
    row = owned(OutboundMessage, row_id, forum_for_user(slug))
    if _expired():
        pass
    elif row.state is not OutboundState.failed:
        flash(_("The message to %(to)s has not failed: it is not sent again.", to=row.recipient),
              "info")
    else:
        outbound.requeue(row)
        db.session.commit()
        jobs.send_rows([row])
        flash(_("The message to %(to)s is being sent again.", to=row.recipient), "info")
    return redirect(url_for("mailbox.index", slug=slug) + "#sent")
