"""Inbound mail: store it first, then decide it with the pure pipeline, then apply it.

Every message ends in a state the secretary can see: applied, review,
quarantined or ignored, with the decision and its reasons kept beside the raw bytes.
"""

from __future__ import annotations

import hashlib
import logging
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import select

from app.extensions import db
from app.mail.decision import Decision
from app.mail.pipeline import decide
from app.mail.routing import delivered_to
from app.models import (
    AnswerChannel,
    Forum,
    InboundMessage,
    InboundState,
    Invitation,
    Person,
    utcnow,
)
from app.services import agenda, audit, invitations
from app.services.errors import ServiceError
from app.services.mailcontext import context_for

log = logging.getLogger(__name__)


def receive(raw: bytes, *, mailbox: str | None = None, uid: int | None = None,
            uidvalidity: int | None = None) -> tuple[InboundMessage, bool]:
    """Store RAW unless the same bytes were stored before; return (row, created)."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = db.session.scalars(select(InboundMessage).filter_by(sha256=digest)).first()
    if existing is not None:
        return existing, False
    headers = _headers(raw)
    message_id = (headers.get("Message-ID") or "").strip().strip("<>")[:998] or None
    row = InboundMessage(
        sha256=digest, raw=raw, size=len(raw), mailbox=mailbox, imap_uid=uid,
        imap_uidvalidity=uidvalidity, message_id=message_id,
        sender=_short(headers.get("From"), 254), subject=_short(headers.get("Subject"), 2000),
        state=InboundState.received,
    )
    twin = _same_message_id(message_id)
    if twin is not None:
        # The same message by another route (e.g. To and Cc both ours): keep, don't apply.
        row.state, row.reason = InboundState.ignored, f"duplicate of message #{twin.id}"
    db.session.add(row)
    db.session.flush()
    return row, True


def _headers(raw: bytes) -> dict[str, str]:
    """Return a few headers of RAW as plain strings, whatever their state."""
    try:
        parsed = BytesHeaderParser(policy=compat32).parsebytes(raw[:65536])
        return {k: str(parsed.get(k, "")) for k in ("Message-ID", "From", "Subject")}
    except Exception:  # noqa: BLE001 - unreadable headers: the pipeline will say why
        return {}


def _short(value: str | None, limit: int) -> str | None:
    """Return VALUE cut to LIMIT characters, or None."""
    return value[:limit] if value else None


def _same_message_id(message_id: str | None) -> InboundMessage | None:
    """Return an earlier message with MESSAGE_ID, if any."""
    if not message_id:
        return None
    stmt = select(InboundMessage).filter_by(message_id=message_id).order_by(InboundMessage.id)
    return db.session.scalars(stmt).first()


def receive_oversized(size: int, *, mailbox, uid, uidvalidity, headers: bytes = b"",
                      limit: int | None = None) -> InboundMessage:
    """Record a message too large to fetch: quarantined with its reason, body not stored."""
    marker = f"oversized:{mailbox}:{uidvalidity}:{uid}:".encode() + headers
    digest = hashlib.sha256(marker).hexdigest()
    existing = db.session.scalars(select(InboundMessage).filter_by(sha256=digest)).first()
    if existing is not None:
        return existing
    parsed = _headers(headers)
    reason = f"too large: {size} bytes" + (f" (limit {limit})" if limit else "")
    row = InboundMessage(
        sha256=digest, raw=headers or None, size=size, mailbox=mailbox, imap_uid=uid,
        imap_uidvalidity=uidvalidity, sender=_short(parsed.get("From"), 254),
        subject=_short(parsed.get("Subject"), 2000), state=InboundState.quarantined,
        reason=reason, decided_dt=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def route(raw: bytes, forums: list[Forum] | None = None) -> Forum | None:
    """Return the forum RAW was delivered to; the only forum when just one exists."""
    if forums is None:
        forums = list(db.session.scalars(select(Forum)))
    addresses = delivered_to(raw)
    for forum in forums:
        if {forum.sender_address.lower(), forum.agenda_address.lower()} & set(addresses):
            return forum
    return forums[0] if len(forums) == 1 else None


def process(message: InboundMessage) -> list:
    """Decide MESSAGE and apply what it says; return follow-up jobs for after the commit."""
    if message.state is not InboundState.received:
        return []
    forums, raw = list(db.session.scalars(select(Forum))), message.raw
    forum = route(raw, forums)
    if forum is None:
        _finish(message, InboundState.quarantined, "not addressed to any forum")
        return []
    message.forum_id = forum.id
    decision = decide(raw, context_for(forum, forums))
    message.decision, message.kind, message.rsvp = decision.to_dict(), decision.kind, decision.rsvp
    message.sender = decision.sender or message.sender
    message.subject = decision.subject or message.subject
    return APPLY[decision.kind](forum, message, decision)


def _finish(message: InboundMessage, state: InboundState, reason: str) -> None:
    """Put MESSAGE in its final STATE, saying why."""
    message.state, message.reason, message.decided_dt = state, reason[:4000], utcnow()
    db.session.flush()


def _reasons(decision: Decision) -> str:
    """Return the decision's reasons as one line."""
    return "; ".join(decision.reasons) or decision.kind


def _apply_rsvp(forum: Forum, message: InboundMessage, decision: Decision) -> list:
    """Record a clear answer on its invitation; anything less goes to review."""
    invitation = db.session.get(Invitation, decision.invitation_id or 0)
    if invitation is not None and invitation.meeting.forum_id == forum.id:
        message.invitation_id = invitation.id
    if decision.needs_review or invitation is None or decision.rsvp is None:
        _finish(message, InboundState.review, _reasons(decision))
        return []
    via = AnswerChannel.calendar if decision.via == "calendar" else AnswerChannel.mail
    try:
        notices = invitations.record_answer(invitation, decision.rsvp, via,
                                            comment=decision.comment or None, actor="mail")
    except ServiceError as exc:
        _finish(message, InboundState.review, f"{_reasons(decision)}; {exc.message}")
        return []
    _finish(message, InboundState.applied, _reasons(decision))
    return _later(notices)  # the answer is saved now; composing its mails is a job's


def _apply_agenda(forum: Forum, message: InboundMessage, decision: Decision) -> list:
    """Make a pending agenda item and thank the submitter."""
    item = agenda.from_mail(forum, decision.agenda, decision.sender, decision.sender_name,
                            inbound_id=message.id)
    _finish(message, InboundState.applied, _reasons(decision))
    return _later([("agenda_receipt", item.id, decision.message_id or None)])


def _apply_bounce(forum: Forum, message: InboundMessage, decision: Decision) -> list:
    """Mark the failed addresses as bouncing, so no more confirmations go there."""
    marked, notices = [], []
    for address in decision.bounced_recipients:
        person = db.session.scalars(select(Person).filter_by(
            forum_id=forum.id, email=address.lower())).first()
        if person is not None and person.bouncing_since is None:
            person.bouncing_since, person.bounce_reason = utcnow(), _reasons(decision)[:2000]
            audit.record(forum.id, "mail", "bouncing", person, message=message.id)
            marked.append(person.email)
            notices.append(("bouncing", person.id))
    reason = _reasons(decision) + (f"; marked bouncing: {', '.join(marked)}" if marked else "")
    _finish(message, InboundState.applied, reason)
    return _later(notices)


def _apply_auto_reply(forum: Forum, message: InboundMessage, decision: Decision) -> list:
    """Record an automatic reply; never answer it."""
    _finish(message, InboundState.ignored, _reasons(decision))
    return []


def _apply_unknown(forum: Forum, message: InboundMessage, decision: Decision) -> list:
    """Quarantine what was not understood, for the secretary to look at."""
    _finish(message, InboundState.review, _reasons(decision))
    return []


def _later(notices: list) -> list:
    """Return the follow-up job that composes and sends NOTICES, if any."""
    from app import jobs

    return [(jobs.send_notices, ([list(n) for n in notices],))] if notices else []


APPLY = {
    "rsvp": _apply_rsvp,
    "agenda_item": _apply_agenda,
    "bounce": _apply_bounce,
    "auto_reply": _apply_auto_reply,
    "unknown": _apply_unknown,
}
