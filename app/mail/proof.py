"""Whether what a mail says may be applied: a token, a proven sender, our own mail returned.

Anyone can write a member's address in From, a meeting's UID, or a delivery
report naming a member. These checks decide what needs a person instead.
"""

from __future__ import annotations

from .authresults import check_sender
from .bounce import BounceFacts
from .context import InvitationRef, MailContext
from .decision import Decision
from .parse import Mail
from .reasons import reason
from .tokens import read_bounce_tag, split_subaddress


def require_proof(decision: Decision, mail: Mail, ctx: MailContext) -> Decision:
    """Send an answer to review unless a token or the invitee's proven address carries it.

    A Message-ID or a meeting UID is no proof: anyone may write them, and anyone may
    write a member's address in From. Only our receiving server's verdict proves it.
    """
    invitation = ctx.invitations.get(decision.invitation_id or 0)
    if invitation is None:
        return decision  # no invitation means review already
    if decision.matched_by == "token":
        return _token_holder(decision, mail, ctx, invitation)
    if mail.sender != invitation.email:
        return decision.review(reason("sender_not_invitee", sender=mail.sender or "no sender",
                                      invited=invitation.email))
    check = check_sender(mail, ctx.trusted_authserv_ids)
    if not check.proven:
        return decision.review(reason("sender_not_proven", detail=check.reason))
    decision.reasons.append(reason("sender_proven", detail=check.reason))
    return decision


def _token_holder(decision: Decision, mail: Mail, ctx: MailContext,
                  invitation: InvitationRef) -> Decision:
    """Accept the token as proof, unless another known person of the forum holds it.

    An unknown address with the token is the invitee's private one, as before. A
    colleague's own address is someone else: an invitation forwarded or redirected
    to them ("jeg kommer i stedet") is no answer from the invitee.
    """
    if not mail.sender or mail.sender == invitation.email:
        return decision
    holder = ctx.people.get(mail.sender)
    if holder is None or holder == ctx.people.get(invitation.email):
        return decision
    return decision.review(reason("other_member_token", sender=mail.sender,
                                  invited=invitation.email))


def prove_bounce(decision: Decision, mail: Mail, facts: BounceFacts, referenced: list[str],
             ctx: MailContext) -> Decision:
    """Name as bouncing only recipients of a message we sent that the report proves failed.

    Anyone can write a delivery report naming a member. Only a report that returns
    one of our messages (its Message-ID, in the returned original or the report's
    In-Reply-To and References: ours are random, known only to those who read them),
    or that comes back to that message's own signed return path, speaks for a
    delivery of ours. Any other report goes to review, and
    applying a bounce in review marks nobody.
    """
    decision.bounced_recipients = facts.recipients  # what the report says; marked if proven
    own_base, _ = split_subaddress(ctx.sender_address)
    for address in mail.recipients():
        base, tag = split_subaddress(address)
        outbound_id = read_bounce_tag(tag, ctx.token_secret) if base == own_base else None
        recipient = ctx.outbound_recipients.get(outbound_id) if outbound_id else None
        if recipient:
            decision.bounced_recipients = [recipient]
            decision.reasons.append(reason("bounce_return_path", outbound=outbound_id))
            return decision
    ours = [ctx.sent_messages.get(i) for i in referenced]
    ours = [r for r in ours if r]
    if not ours:
        return decision.review(reason("bounce_not_ours"))
    named = [r for r in facts.recipients if r in ours]
    if not named:
        said = ", ".join(facts.recipients) or "nobody"
        return decision.review(reason("bounce_other_recipient", named=said,
                                      ours=", ".join(dict.fromkeys(ours))))
    decision.bounced_recipients = named
    decision.reasons.append(reason("bounce_refers", message_ids=", ".join(
        f"<{i}>" for i in referenced if ctx.sent_messages.get(i))))
    return decision
