"""The rules for noise no header gives away: client notices and absence notices.

Both run before the wording of answers is read: an out-of-office that says
"ikke mulighed for at læse mails" or a Teams notice quoting "Ja, jeg kommer" reads
as an answer to the phrase table.
"""

from __future__ import annotations

from .clientnotice import read_client_notice
from .context import MailContext
from .decision import Decision
from .parse import Mail
from .reasons import reason
from .rules import link, start
from .wording import find_hits
from .words import absence_in


def client_notice(mail: Mail, ctx: MailContext) -> Decision | None:
    """Decide recalls, delivery, meeting-forward and Teams notices: none is an answer."""
    notice = read_client_notice(mail)
    if notice is None:
        return None
    if notice.kind != "recall":
        return link(start(mail, "auto_reply", notice.reason), mail, ctx)
    # A recall takes back a mail the person sent us, often an answer already applied:
    # the secretary looks at that answer beside it.
    decision = link(start(mail, "unknown", notice.reason, reason("recall_not_answer")), mail, ctx)
    invitation = ctx.invitations.get(decision.invitation_id or 0)
    if invitation is None:
        return decision.review(reason("recall_no_invitation"))
    return decision.review(reason("recall_check", invitation=invitation.id,
                                  status=invitation.status))


def absence(mail: Mail, ctx: MailContext) -> Decision | None:
    """Decide an absence notice without auto headers as an auto-reply.

    One that also answers in words of its own ("Jeg kan ikke komme, jeg har ferie
    til og med den 15.") is left to plain_reply, which sends it to a person: a
    person may have written it, or a template may use answer words we cannot
    tell from theirs. Either way it is never applied unseen.
    """
    found = absence_in(mail)
    if found is None or any(h.strong for h in find_hits(found.rest)):
        return None
    shown = ", ".join(f"'{p}'" for p in found.phrases[:3])
    return link(start(mail, "auto_reply", reason("absence", phrases=shown)), mail, ctx)
