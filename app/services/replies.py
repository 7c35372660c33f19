"""The secretary's answer to a mail from the Post page: a ledger row, the mail handled."""

from __future__ import annotations

import hashlib
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.mail.compose_reply import compose_reply
from app.mail.messages import RecipientInfo
from app.mail.parse import first_address, message_ids
from app.models import Forum, InboundMessage, InboundState, Invitation, OutboundMessage, Person
from app.services import audit, outbound
from app.services.errors import ServiceError
from app.services.mailinfo import forum_info

#: A short answer, not a newsletter.
TEXT_MAX = 10_000


def reply(forum: Forum, message: InboundMessage, text: str, actor: str) -> OutboundMessage:
    """Queue TEXT as the answer to MESSAGE's sender and mark MESSAGE handled; return the row.

    The same text twice (a double click) is queued once. The caller commits, then sends.
    """
    text = (text or "").strip()
    if not text:
        raise ServiceError(_l("Write the answer first."))
    if len(text) > TEXT_MAX:
        raise ServiceError(_l("The answer is too long for a mail from this page."))
    recipient = _recipient(forum, message)
    invitation = db.session.get(Invitation, message.invitation_id or 0)
    token = invitation.reply_token if invitation is not None else None
    headers = _headers(message.raw)
    email = compose_reply(
        forum_info(forum), recipient, message.subject or "", text,
        in_reply_to=message.message_id or "",
        earlier_references=message_ids(headers.get("References", "")), token=token)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    row, _created = outbound.queue(forum, f"reply:{message.id}:{digest}", email, "reply",
                                   invitation_id=invitation.id if invitation else None)
    if message.state in (InboundState.review, InboundState.quarantined, InboundState.received):
        message.state = InboundState.applied
    message.reason = f"{message.reason or ''}; answered by {actor}".strip("; ")[:4000]
    audit.record(forum.id, actor, "mail_answered", message, outbound=row.id)
    return row


def _recipient(forum: Forum, message: InboundMessage) -> RecipientInfo:
    """Return whom the answer goes to: the sender, by the roster's name when known."""
    address = ((message.decision or {}).get("sender") or first_address(message.sender or "")
               ).strip().lower()
    own = {forum.sender_address.lower(), forum.agenda_address.lower()}
    if "@" not in address or address in own or message.kind == "bounce":  # no one reads it
        raise ServiceError(_l("This mail has no sender to answer."))
    person = db.session.scalars(select(Person).filter_by(forum_id=forum.id, email=address)).first()
    if person is not None:
        return RecipientInfo(person.name, person.email, language=person.language)
    name = (message.decision or {}).get("sender_name") or ""
    return RecipientInfo(name, address)


def _headers(raw: bytes | None) -> dict[str, str]:
    """Return the References of RAW as text (the answer threads after them)."""
    try:
        parsed = BytesHeaderParser(policy=compat32).parsebytes((raw or b"")[:65536])
        return {"References": str(parsed.get("References", ""))}
    except Exception:  # noqa: BLE001 - unreadable headers: thread under the mail alone
        return {}
