"""Match a reply to the invitation it answers, in a fixed order of trust."""

from __future__ import annotations

from dataclasses import dataclass, field

from .context import InvitationRef, MailContext
from .parse import Mail, message_ids
from .reasons import reason
from .tokens import BOUNCE_TAG, read_token, split_subaddress

TOKEN_UNREADABLE = reason("token_unreadable")


@dataclass
class Match:
    """Which invitation a mail answers, how we know, and what is doubtful."""

    invitation_id: int | None = None
    matched_by: str | None = None
    reasons: list[str] = field(default_factory=list)
    review: bool = False
    token_seen: bool = False  # the mail carried a sub-address token, good or bad

    def invitation(self, ctx: MailContext) -> InvitationRef | None:
        """Return the matched invitation's data, if the context has it."""
        if self.invitation_id is None:
            return None
        return ctx.invitations.get(self.invitation_id)


def reply_tokens(mail: Mail, ctx: MailContext) -> list[str]:
    """Return the sub-address tokens on our sender address among the recipients."""
    own_base, _ = split_subaddress(ctx.sender_address)
    tokens = []
    for address in mail.recipients():
        base, tag = split_subaddress(address)
        if base == own_base and tag and not tag.startswith(BOUNCE_TAG):
            tokens.append(tag)
    return list(dict.fromkeys(tokens))


def by_token(mail: Mail, ctx: MailContext) -> Match | None:
    """Match by the signed token; a bad token gives an unmatched Match for review."""
    tokens = reply_tokens(mail, ctx)
    if not tokens:
        return None
    ids = {read_token(t, ctx.token_secret) for t in tokens}
    known = sorted(i for i in ids if i is not None and ctx.invitations.get(i) is not None)
    if len(known) == 1:
        return Match(known[0], "token", [reason("token_names", invitation=known[0])],
                     token_seen=True)
    if len(known) > 1:
        return Match(None, None, [reason("tokens_several")], True, token_seen=True)
    stale = sorted(i for i in ids if i is not None)
    detail = [reason("token_unknown_invitation", invitation=stale[0])] if stale else []
    return Match(None, None, [TOKEN_UNREADABLE, *detail], True, token_seen=True)


def by_reference(mail: Mail, ctx: MailContext, extra: list[str] | None = None) -> Match | None:
    """Match In-Reply-To, then References (newest first), against our Message-IDs."""
    ids = message_ids(mail.header("In-Reply-To"))
    ids += list(reversed(message_ids(mail.header("References"))))
    for msgid in [*ids, *(extra or [])]:
        invitation_id = ctx.message_ids.get(msgid)
        if invitation_id is not None:
            return Match(invitation_id, "in-reply-to",
                         [reason("replies_to_ours", message_id=msgid)])
    return None


def by_uid(uid: str, attendees: list[str], ctx: MailContext, sender: str) -> Match | None:
    """Match the iTIP UID with an attendee address; prefer the sender's line."""
    if not uid:
        return None
    ordered = sorted(dict.fromkeys(attendees), key=lambda a: a != sender)
    for address in ordered:
        invitation_id = ctx.uid_attendees.get((uid, address))
        if invitation_id is not None:
            return Match(invitation_id, "itip", [reason("itip_uid_match", address=address)])
    return None


def by_sender(sender: str, ctx: MailContext) -> Match | None:
    """Match the sender's only open invitation; several open ones need a person."""
    open_ids = list(ctx.open_invitations.get(sender) or []) if sender else []
    if len(open_ids) == 1:
        return Match(open_ids[0], "sender", [reason("sender_one_open", invitation=open_ids[0])])
    if len(open_ids) > 1:
        return Match(None, None, [reason("sender_several_open")], True)
    return None


def match_invitation(mail: Mail, ctx: MailContext, uid: str = "",
                     attendees: list[str] | None = None) -> Match:
    """Return the best match: token, In-Reply-To, iTIP UID, then the sender."""
    token = by_token(mail, ctx)
    if token is not None:
        return token  # a bad token is never rescued by weaker evidence
    for found in (by_reference(mail, ctx), by_uid(uid, attendees or [], ctx, mail.sender),
                  by_sender(mail.sender, ctx)):
        if found is not None:
            return found
    return Match(reasons=[reason("no_match")], review=True)


@dataclass(frozen=True)
class Wanted:
    """The keys deciding one mail may look up, known before it is decided."""

    invitation_ids: tuple[int, ...] = ()
    message_ids: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()


def wanted(mail: Mail, ctx: MailContext) -> Wanted:
    """Return what matching MAIL will ask of CTX: its tokens' invitations, the Message-IDs
    it refers to and its sender, so a batch of mail can read them in a few queries."""
    tokens = (read_token(t, ctx.token_secret) for t in reply_tokens(mail, ctx))
    ids = message_ids(mail.header("In-Reply-To")) + message_ids(mail.header("References"))
    return Wanted(tuple(i for i in tokens if i is not None), tuple(dict.fromkeys(ids)),
                  (mail.sender,) if mail.sender else ())
