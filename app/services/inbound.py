"""Inbound mail: store it first, then decide it with the pure pipeline, then apply it.

Every message ends in a state the secretary can see: applied, review,
quarantined or ignored, with the decision and its reasons kept beside the raw bytes.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import flag_modified

from app.extensions import db
from app.mail import matching
from app.mail.context import MailContext
from app.mail.decision import Decision
from app.mail.parse import Mail, parse
from app.mail.pipeline import decide
from app.mail.reasons import reason
from app.mail.routing import delivered_to, delivered_to_message
from app.models import (
    AnswerChannel,
    Followup,
    Forum,
    InboundMessage,
    InboundState,
    Invitation,
    Person,
    utcnow,
)
from app.services import (
    agenda,
    audit,
    followups,
    htmlbody,
    inbound_store,
    invitations,
    mailcontext,
    textbody,
)
from app.services.errors import ServiceError
from app.services.mailcontext import context_for

log = logging.getLogger(__name__)

#: The reason of a message read whole whose forum could not be found.
NOT_ROUTED = "not addressed to any forum"


def receive(raw: bytes, *, mailbox: str | None = None, uid: int | None = None,
            uidvalidity: int | None = None, forum_id: int | None = None
            ) -> tuple[InboundMessage, bool]:
    """Store RAW unless the same bytes were stored before; return (row, created).

    FORUM_ID is the forum whose own mailbox RAW came from: its forum when the
    headers name none. A worker stores its chunks with inbound_store.receive_all.
    """
    [(row_id, created)] = inbound_store.receive_all(
        [raw], [uid], mailbox=mailbox, uidvalidity=uidvalidity, forum_id=forum_id)
    return db.session.get(InboundMessage, row_id), created


def receive_oversized(size: int, *, mailbox, uid, uidvalidity, headers: bytes = b"",
                      limit: int | None = None, forum_id: int | None = None) -> InboundMessage:
    """Record a message too large to fetch: quarantined with its reason, body not stored.

    Its forum is the one its headers were delivered to, else FORUM_ID (the forum whose
    own mailbox it came from); with neither it waits for every secretary, unassigned.
    """
    marker = f"oversized:{mailbox}:{uidvalidity}:{uid}:".encode() + headers
    digest = hashlib.sha256(marker).hexdigest()
    existing = db.session.scalars(select(InboundMessage).filter_by(sha256=digest)).first()
    if existing is not None:
        return existing
    parsed = inbound_store.read_headers(headers)
    why = (reason("too_large_limit", size=size, limit=limit) if limit
           else reason("too_large", size=size))
    row = InboundMessage(
        sha256=digest, raw=headers or None, size=size, mailbox=mailbox, imap_uid=uid,
        imap_uidvalidity=uidvalidity, sender=inbound_store.short(parsed.get("From"), 254),
        subject=inbound_store.short(parsed.get("Subject"), 2000), state=InboundState.quarantined,
        reason=str(why), decision={"reasons": [why.to_dict()]}, decided_dt=utcnow(),
        forum_id=forum_of_headers(headers, forum_id),
    )
    db.session.add(row)
    db.session.flush()
    return row


def forum_of_headers(raw: bytes | None, fallback: int | None = None) -> int | None:
    """Return the id of the forum RAW's headers were delivered to, else FALLBACK: for
    mail quarantined before it could be read, which the pipeline never routed."""
    forum = route(raw) if raw else None
    return forum.id if forum is not None else fallback


def route(raw: bytes, forums: list[Forum] | None = None, mail: Mail | None = None
          ) -> Forum | None:
    """Return the forum RAW was delivered to; the only forum when just one exists.

    MAIL, the parse of RAW when the caller has it, spares reading the headers again.
    """
    if forums is None:
        forums = list(db.session.scalars(select(Forum)))
    addresses = delivered_to(raw) if mail is None else delivered_to_message(mail.msg)
    for forum in forums:
        if {forum.sender_address.lower(), forum.agenda_address.lower()} & set(addresses):
            return forum
    return forums[0] if len(forums) == 1 else None


class Batch:
    """Stored messages decided together: each parsed once, what they will look up read
    ahead in a few queries per forum, their rows written in one flush, and then what
    needs those rows' ids (an agenda item's audit event and receipt)."""

    def __init__(self, messages: list[InboundMessage], forums: list[Forum] | None = None):
        self.forums = forums if forums is not None else list(db.session.scalars(select(Forum)))
        self.messages = [m for m in messages if m.state is InboundState.received]
        self._read: dict[InboundMessage, tuple[Mail, Forum | None]] | None = None
        self._contexts: dict[int, MailContext] = {}
        self._after: list[Callable[[], list[Followup]]] = []

    def read(self, message: InboundMessage) -> tuple[Mail, Forum | None]:
        """Return MESSAGE parsed, and the forum it is for; the first call reads them all."""
        if self._read is None:
            self._read = self._read_all()
        if message not in self._read:  # not one of the batch's, or unreadable ahead
            self._read[message] = _read(message, self.forums)
        return self._read[message]

    def _read_all(self) -> dict[InboundMessage, tuple[Mail, Forum | None]]:
        """Parse and route every message, and read ahead what deciding them will ask."""
        read, wanted = {}, {}
        for message in self.messages:
            try:
                mail, forum = read[message] = _read(message, self.forums)
            except Exception:  # noqa: BLE001 - process() parses it again, and says why
                continue
            if forum is not None:
                wanted.setdefault(forum.id, (forum, []))[1].append(
                    matching.wanted(mail, self.context(forum)))
        for forum, keys in wanted.values():
            mailcontext.warm(self.context(forum), keys)
        return read

    def context(self, forum: Forum) -> MailContext:
        """Return FORUM's pipeline context, its lookups shared by the batch."""
        if forum.id not in self._contexts:
            self._contexts[forum.id] = context_for(forum, self.forums)
        return self._contexts[forum.id]

    def after(self, work: Callable[[], list[Followup]]) -> None:
        """Do WORK once the batch's rows are written; it returns the follow-ups it recorded."""
        self._after.append(work)

    def finish(self) -> list[Followup]:
        """Write the batch's rows in one flush, then do what needed their ids; return the
        follow-ups that recorded."""
        db.session.flush()
        work, self._after = self._after, []
        return [followup for step in work for followup in step()]


def _read(message: InboundMessage, forums: list[Forum]) -> tuple[Mail, Forum | None]:
    """Return MESSAGE parsed, and the forum it was delivered to (else its mailbox's own)."""
    mail = parse(message.raw)  # once, for the HTML, routing and deciding
    forum = route(message.raw, forums, mail) or next(
        (f for f in forums if f.id == message.forum_id), None)
    return mail, forum


def process(message: InboundMessage, forums: list[Forum] | None = None,
            batch: Batch | None = None) -> list[Followup]:
    """Decide MESSAGE and apply what it says; return the follow-ups recorded with it.

    The follow-ups (the mails an answer or an item calls for) are rows written with
    the decision; the caller commits, then hands them to the queue (app.jobs.enqueue_all).
    In a BATCH (a worker's chunk) some writes wait for `Batch.finish`, which returns
    their follow-ups; alone, the message is its own batch, finished here.
    """
    if message.state is not InboundState.received:
        return []
    if batch is not None:
        return _process(message, batch)
    batch = Batch([message], forums)
    return _process(message, batch) + batch.finish()


def _process(message: InboundMessage, batch: Batch) -> list[Followup]:
    """Decide MESSAGE, one of BATCH, and apply what it says; return its follow-ups."""
    mail, forum = batch.read(message)
    # Sanitised once, here, with a cap: the Post page shows this and never parses again.
    html = htmlbody.of_message(mail.msg)
    body = textbody.of_mail(mail)
    if forum is None:
        message.html, message.html_note = html
        message.text_body, message.attachments = body
        message.decision = {"reasons": [reason("not_routed").to_dict()]}
        _finish(message, InboundState.quarantined, NOT_ROUTED)
        return []
    decision = decide(message.raw, batch.context(forum), mail)
    recorded = APPLY[decision.kind](batch, forum, message, decision)
    # Written after applying: the queries there would otherwise flush the row twice.
    message.html, message.html_note = html
    message.text_body, message.attachments = body
    message.forum_id = forum.id
    message.decision, message.kind, message.rsvp = decision.to_dict(), decision.kind, decision.rsvp
    message.sender = decision.sender or message.sender
    message.subject = decision.subject or message.subject
    _all_written(message)
    return recorded


#: What deciding a message writes of its row, whatever the decision.
WRITTEN = ("html", "html_note", "text_body", "attachments", "forum_id", "decision", "kind",
           "rsvp", "sender", "subject", "state", "reason", "invitation_id", "decided_dt")


def _all_written(message: InboundMessage) -> None:
    """Write every column of WRITTEN, changed or not, so every row has one UPDATE form.

    The ORM writes rows that change the same columns as one executemany (on
    PostgreSQL one round trip); a row whose subject happened to stay the same
    would otherwise be a statement, and a round trip, of its own.
    """
    loaded = inspect(message).dict
    for name in WRITTEN:
        if name in loaded:  # a row made in this session has only what was set
            flag_modified(message, name)


def _finish(message: InboundMessage, state: InboundState, reason: str) -> None:
    """Put MESSAGE in its final STATE, saying why (written at the next flush)."""
    message.state, message.reason, message.decided_dt = state, reason[:4000], utcnow()


def _reasons(decision: Decision) -> str:
    """Return the decision's reasons as one line."""
    return "; ".join(decision.reasons) or decision.kind


def _apply_rsvp(batch: Batch, forum: Forum, message: InboundMessage,
                decision: Decision) -> list:
    """Record a clear answer on its invitation; anything less goes to review."""
    invitation = db.session.get(Invitation, decision.invitation_id or 0)
    if invitation is not None and invitation.meeting.forum_id != forum.id:
        invitation = None  # a token of another forum's invitation: not this one's to apply
    if decision.needs_review or invitation is None or decision.rsvp is None:
        message.invitation_id = invitation.id if invitation is not None else None
        _finish(message, InboundState.review, _reasons(decision))
        return []
    via = AnswerChannel.calendar if decision.via == "calendar" else AnswerChannel.mail
    try:
        # The answer is saved now, its follow-up recorded with it; composing the mails
        # is a job's.
        followup = invitations.record_answer(invitation, decision.rsvp, via,
                                             comment=decision.comment or None, actor="mail")
    except ServiceError as exc:
        message.invitation_id = invitation.id
        _finish(message, InboundState.review, f"{_reasons(decision)}; {exc.message}")
        return []
    message.invitation_id = invitation.id
    _finish(message, InboundState.applied, _reasons(decision))
    mailcontext.answered(batch.context(forum), invitation.meeting.ical_uid)
    return [followup] if followup is not None else []


def _apply_agenda(batch: Batch, forum: Forum, message: InboundMessage,
                  decision: Decision) -> list:
    """Make a pending agenda item and thank the submitter, if they are one of the forum's.

    Anyone can write to the agenda address, and From can be anyone's: a receipt to an
    unknown address would send our mail, with their subject, wherever a stranger
    likes. The item waits for the secretary all the same.
    """
    submitter = batch.context(forum).people.person(decision.sender or "")
    item = agenda.add_from_mail(forum, decision.agenda, decision.sender, decision.sender_name,
                                submitter, inbound_id=message.id)
    reason = _reasons(decision)

    def received() -> list[Followup]:
        """Record the item's arrival and its receipt, now that it has an id."""
        agenda.received(item, decision.sender)
        if item.submitter is None:
            return []
        return _later([("agenda_receipt", item.id, decision.message_id or None)])

    batch.after(received)
    if submitter is None:
        _finish(message, InboundState.applied, f"{reason}; no receipt: sender not in the roster")
    else:
        _finish(message, InboundState.applied, reason)
    return []


def _apply_bounce(batch: Batch, forum: Forum, message: InboundMessage,
                  decision: Decision) -> list:
    """Mark the failed addresses as bouncing, so no more confirmations go there.

    A report the pipeline could not tie to a message of ours waits for the
    secretary and marks nobody: anyone can write one naming a member.
    """
    if decision.needs_review:
        _finish(message, InboundState.review, _reasons(decision))
        return []
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


def _apply_auto_reply(batch: Batch, forum: Forum, message: InboundMessage,
                      decision: Decision) -> list:
    """Record an automatic reply; never answer it."""
    _finish(message, InboundState.ignored, _reasons(decision))
    return []


def _apply_unknown(batch: Batch, forum: Forum, message: InboundMessage,
                   decision: Decision) -> list:
    """Quarantine what was not understood, for the secretary to look at."""
    _finish(message, InboundState.review, _reasons(decision))
    return []


def _later(notices: list) -> list[Followup]:
    """Record the follow-up that composes and sends NOTICES, if any; return it as a list."""
    followup = followups.notices(notices)
    return [followup] if followup is not None else []


APPLY = {
    "rsvp": _apply_rsvp,
    "agenda_item": _apply_agenda,
    "bounce": _apply_bounce,
    "auto_reply": _apply_auto_reply,
    "unknown": _apply_unknown,
}
