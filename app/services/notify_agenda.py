"""Mails about agenda items (receipt, approval, rejection) and to the secretary about addresses."""

from __future__ import annotations

from app.mail import compose_notices
from app.mail.messages import RecipientInfo
from app.models import AgendaItem, Forum, Person
from app.services import outbound
from app.services.mailinfo import forum_info, meeting_info


def _submitter(item: AgendaItem) -> RecipientInfo | None:
    """Return whom to write to about ITEM: one of the forum's people whose address works.

    Never an address outside the roster: anyone can write to the agenda address
    with anyone's From, and our answer, naming their subject and their name, would
    go wherever they liked (backscatter, reflected spam). Such an item waits for the
    secretary all the same.
    """
    person = item.submitter
    if person is None or person.is_bouncing:
        return None
    return RecipientInfo(person.name, person.email, language=person.language)


def receipt(item: AgendaItem, in_reply_to: str | None = None):
    """Queue the thank-you for an item received by mail."""
    recipient = _submitter(item)
    if recipient is None:
        return None
    message = compose_notices.compose_agenda_receipt(
        forum_info(item.forum), item.title, recipient, in_reply_to=in_reply_to or None)
    row, created = outbound.queue(item.forum, f"agenda_receipt:{item.id}", message,
                                  "agenda_receipt")
    return row if created else None


def approval(item: AgendaItem):
    """Queue the news that ITEM is on its meeting's agenda, as the receipt promised."""
    recipient = _submitter(item)
    if recipient is None or item.meeting is None:
        return None
    message = compose_notices.compose_agenda_approved(
        forum_info(item.forum), item.title, meeting_info(item.meeting, agenda=[]), recipient)
    # Keyed by the meeting too: an item moved to another meeting is news again.
    row, created = outbound.queue(item.forum, f"agenda_approved:{item.id}:{item.meeting_id}",
                                  message, "agenda_approved")
    return row if created else None


def rejection(item: AgendaItem):
    """Queue the news that ITEM will not be on the agenda, with the reason."""
    recipient = _submitter(item)
    if recipient is None:
        return None
    message = compose_notices.compose_agenda_rejected(
        forum_info(item.forum), item.title, item.decision_note or "", recipient)
    row, created = outbound.queue(item.forum, f"agenda_rejected:{item.id}", message,
                                  "agenda_rejected")
    return row if created else None


def bouncing(forum: Forum, person: Person):
    """Tell the secretary, once per bounce episode, that mail to PERSON bounces."""
    if not forum.secretary_address or person.email == forum.secretary_address.lower():
        return None  # never answer a bounce of the secretary's own address with more mail
    message = compose_notices.compose_address_bouncing(
        forum_info(forum), RecipientInfo(person.name, person.email), person.bounce_reason or "",
        forum.secretary_address)
    key = f"bouncing:{person.id}:{person.bouncing_since.isoformat()}"
    row, created = outbound.queue(forum, key, message, "address_bouncing")
    return row if created else None
