"""The rules: each a small named check that returns a Decision or passes.

Like Mailman 3's rules, each records why it decided. pipeline.CHAIN lists
them in the order they run; the first rule that returns a Decision wins.
"""

from __future__ import annotations

from .agenda import agenda_draft
from .autoreply import auto_reply_reasons, is_challenge
from .bounce import header_text, read_bounce
from .context import InvitationRef, MailContext
from .decision import Decision
from .followup import Judgement, judge, replied_kind
from .itip import PARTSTATS, Attendee, CalendarObject, calendar_objects
from .matching import Match, by_reference, by_token, match_invitation
from .parse import Mail, message_ids
from .proof import prove_bounce, require_proof
from .reasons import AGENDA_REVIEW, Reason, reason
from .wording import asks_question, read_answer
from .words import absence_in, own_text

_ANSWER_METHODS = ("REPLY", "COUNTER", "REFRESH")
_MAX_COMMENT = 2000


def start(mail: Mail, kind: str, *reasons: str) -> Decision:
    """Return a Decision of KIND carrying MAIL's identifying facts."""
    return Decision(kind=kind, reasons=list(reasons), sender=mail.sender,
                    sender_name=mail.sender_name, subject=mail.subject,
                    message_id=mail.message_id, in_reply_to=mail.in_reply_to)


def apply_match(decision: Decision, match: Match, ctx: MailContext) -> Decision:
    """Copy MATCH into DECISION, flagging doubts for review."""
    decision.invitation_id, decision.matched_by = match.invitation_id, match.matched_by
    decision.reasons.extend(match.reasons)
    decision.needs_review = decision.needs_review or match.review
    invitation = match.invitation(ctx)
    if invitation is not None and invitation.status == "replaced":
        decision.review(reason("invitation_replaced", invitation=invitation.id))
    return decision


def too_many_parts(mail: Mail, ctx: MailContext) -> Decision | None:
    """Send a mail of thousands of MIME parts to a person, read from its headers only."""
    parts = mail.cache.get("too_many_parts")
    if not parts:
        return None
    decision = start(mail, "unknown", reason("too_many_parts_read", parts=parts))
    return decision.review(reason("too_many_parts"))


def calendar_reply(mail: Mail, ctx: MailContext) -> Decision | None:
    """Read an iTIP REPLY's PARTSTAT; send COUNTER and REFRESH to a person."""
    answers = [o for o in calendar_objects(mail) if o.method in _ANSWER_METHODS]
    if not answers:
        return None
    obj = next((o for o in answers if o.method == "REPLY"), answers[0])
    match = match_invitation(mail, ctx, obj.uid, [a.email for a in obj.attendees])
    if obj.method != "REPLY":
        decision = start(mail, "unknown", reason("itip_not_answer", method=obj.method))
        if obj.method == "COUNTER" and obj.start is not None:
            decision.proposal = {"start": obj.start.isoformat(),
                                 "end": obj.end.isoformat() if obj.end else None}
            decision.reasons.append(reason("itip_counter", when=f"{obj.start:%Y-%m-%d %H:%M}"))
        return apply_match(decision, match, ctx).review(reason("itip_organiser"))
    decision = apply_match(start(mail, "rsvp"), match, ctx)
    decision.via, decision.comment = "calendar", _calendar_comment(mail, obj)
    _read_partstat(decision, obj, match.invitation(ctx))
    if obj.single_occurrence:
        decision.review(reason("itip_single"))
    _check_version(decision, obj, match.invitation(ctx))
    return require_proof(decision, mail, ctx)


def _check_version(decision: Decision, obj: CalendarObject,
                   invitation: InvitationRef | None) -> None:
    """Send a reply to an older SEQUENCE or another start time to review."""
    if invitation is None:
        return
    if obj.sequence is not None and obj.sequence < invitation.sequence:
        decision.review(reason("itip_old_sequence", got=obj.sequence,
                               current=invitation.sequence))
    if obj.start is not None and invitation.start is not None and obj.start != invitation.start:
        decision.review(reason("itip_other_time", got=f"{obj.start:%Y-%m-%d %H:%M}",
                               current=f"{invitation.start:%Y-%m-%d %H:%M}"))


def _read_partstat(decision: Decision, obj: CalendarObject,
                   invitation: InvitationRef | None) -> None:
    """Take the answer from the attendee line we trust, and only from that one."""
    attendee, doubt = pick_attendee(obj, invitation, decision.sender)
    if invitation is not None and obj.uid and invitation.meeting_uid != obj.uid:
        decision.review(reason("itip_uid_differs"))
    if attendee is None or doubt:
        decision.review(doubt or reason("itip_no_attendee"))
        return
    decision.rsvp = PARTSTATS.get(attendee.partstat)
    decision.reasons.insert(0, reason("itip_partstat", partstat=attendee.partstat or "missing"))
    if attendee.partstat == "DELEGATED":
        decision.reasons.append(reason("itip_delegated", to=attendee.delegated_to or "someone"))
    if decision.rsvp is None:
        decision.review(reason("itip_no_answer"))


def pick_attendee(obj: CalendarObject, invitation: InvitationRef | None,
                  sender: str) -> tuple[Attendee | None, Reason | str]:
    """Return the attendee line to believe, or None and the doubt to review."""
    if not obj.attendees:
        return None, reason("itip_no_attendee")
    if invitation is not None:
        invited = invitation.email.lower()
        for attendee in obj.attendees:
            if attendee.email == invited:
                return attendee, ""
        other = _likely_attendee(obj, sender)
        return None, reason("itip_other_attendee", address=other.email,
                            partstat=other.partstat or "missing", invited=invited)
    attendee = _likely_attendee(obj, sender)
    if len(obj.attendees) > 1 and attendee.email != sender:
        return None, reason("itip_several_attendees")
    return attendee, ""


def _likely_attendee(obj: CalendarObject, sender: str) -> Attendee:
    """Return the sender's attendee line, else the first that answered."""
    for attendee in obj.attendees:
        if attendee.email == sender:
            return attendee
    answered = [a for a in obj.attendees if a.partstat in PARTSTATS]
    return (answered or obj.attendees)[0]


def _calendar_comment(mail: Mail, obj: CalendarObject) -> str:
    """Return the iTIP COMMENT, else what the person typed above the notice."""
    if obj.comment:
        return obj.comment[:_MAX_COMMENT]
    words = own_text(mail)
    boilerplate = ("invitation", "invitationen", "has accepted", "has declined",
                   "har accepteret", "har afvist", "google calendar", "ical")
    return "" if any(b in words.lower() for b in boilerplate) else words[:_MAX_COMMENT]


def bounce(mail: Mail, ctx: MailContext) -> Decision | None:
    """Decide delivery failures as bounces, delayed or delivered reports as noise."""
    facts = None if is_challenge(mail, ctx) else read_bounce(mail, ctx)
    if facts is None:
        return None
    if not facts.failed:
        return start(mail, "auto_reply", *facts.reasons)
    decision = start(mail, "bounce", *facts.reasons)
    returned = facts.returned
    returned_ids = message_ids(header_text(returned, "Message-ID")) if returned else []
    match = by_token(mail, ctx) or by_reference(mail, ctx, returned_ids)
    if match is not None and match.invitation_id is not None:
        apply_match(decision, match, ctx).needs_review = False
    referenced = returned_ids + message_ids(mail.header("In-Reply-To"))
    referenced += message_ids(mail.header("References"))
    return prove_bounce(decision, mail, facts, list(dict.fromkeys(referenced)), ctx)


def link(decision: Decision, mail: Mail, ctx: MailContext) -> Decision:
    """Name in DECISION the invitation MAIL's token or reference points to, for the record."""
    match = by_token(mail, ctx) or by_reference(mail, ctx)
    if match is not None and match.invitation_id is not None:
        decision.invitation_id, decision.matched_by = match.invitation_id, match.matched_by
    return decision


def auto_reply(mail: Mail, ctx: MailContext) -> Decision | None:
    """Decide auto-replies, read receipts, list mail and loops as noise."""
    reasons = auto_reply_reasons(mail, ctx)
    if not reasons:
        return None
    return link(start(mail, "auto_reply", *reasons), mail, ctx)


def agenda_item(mail: Mail, ctx: MailContext) -> Decision | None:
    """Decide mail to the agenda address as an item, whatever words it uses."""
    if not mail.addressed_to(ctx.agenda_address):
        return None
    draft, reasons = agenda_draft(mail)
    decision = start(mail, "agenda_item", *reasons)
    decision.agenda = draft
    if any(r.code in AGENDA_REVIEW for r in reasons):
        decision.needs_review = True
    if by_token(mail, ctx) is not None:
        decision.review(reason("also_reply_address"))
    return decision


def foreign_calendar(mail: Mail, ctx: MailContext) -> Decision | None:
    """Send invitations, cancellations and other iTIP from outside to a person."""
    methods = sorted({o.method or "without METHOD" for o in calendar_objects(mail)})
    if not methods:
        return None
    decision = start(mail, "unknown", reason("itip_foreign", methods=", ".join(methods)))
    return decision.review(reason("calendar_not_reply"))


def plain_reply(mail: Mail, ctx: MailContext) -> Decision | None:
    """Read the answer of a reply by mail from the person's own words."""
    if not mail.addressed_to(ctx.sender_address) and by_reference(mail, ctx) is None:
        return None
    match = match_invitation(mail, ctx)
    words = own_text(mail)
    verdict = read_answer(words, mail.subject)
    invitation, replied = match.invitation(ctx), replied_kind(mail, ctx)
    judgement = judge(verdict, replied[1] if replied else None,
                      invitation.status if invitation else None, words)
    forged = match.token_seen and match.invitation_id is None  # shown to a person, always
    if judgement.action == "acknowledgement" and not (forged or asks_question(words)):
        return link(start(mail, "auto_reply", *judgement.reasons), mail, ctx)
    replying = match.token_seen or match.matched_by in ("token", "in-reply-to")
    if not replying and verdict.answer is None:
        decision = start(mail, "unknown", reason("no_answer_to_secretariat"))
        return decision.review(reason("nothing_named"))
    decision = apply_match(start(mail, "rsvp", *verdict.reasons), match, ctx)
    decision.via, decision.rsvp, decision.comment = "mail", verdict.answer, words[:_MAX_COMMENT]
    _weigh(decision, verdict.review, judgement, mail, words)
    return require_proof(decision, mail, ctx)


def _weigh(decision: Decision, unsure: bool, judgement: Judgement, mail: Mail,
           words: str) -> None:
    """Add to DECISION every doubt about the answer it read from WORDS."""
    if unsure:
        decision.needs_review = True
    for found in judgement.reasons:
        if judgement.action == "review":
            decision.review(found)
        else:
            decision.reasons.append(found)
    found = absence_in(mail)
    if found is not None:
        shown = ", ".join(f"'{p}'" for p in found.phrases[:3])
        decision.review(reason("absence_with_answer", phrases=shown))
    if asks_question(words):
        decision.review(reason("question"))
    if mail.broken_structure():
        decision.review(reason("malformed"))


def fallback(mail: Mail, ctx: MailContext) -> Decision | None:
    """Send whatever no rule understood to a person."""
    if not mail.recipients():
        return start(mail, "unknown").review(reason("no_recipient"))
    return start(mail, "unknown").review(reason("not_addressed"))
