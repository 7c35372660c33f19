"""Compose the secretary's own answer to a mail, written on the Post page.

Not automatic: a person wrote it, so it carries no Auto-Submitted, and an answer to
it is read like any other mail. It threads under the mail it answers (In-Reply-To,
and References with that mail's own references before it), so every client shows
the two together.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage

from app.mail.compose_base import (
    Stamp,
    mail_language,
    new_message,
    recipient_address,
    render_pair,
    reply_to_token,
    seal,
    set_bodies,
)
from app.mail.messages import ForumInfo, RecipientInfo

_PREFIX_RE = re.compile(r"^\s*(?:(?:re|sv|aw|vs|fw|fwd|vb)\s*(?:\[\d+\])?\s*:\s*)+",
                        re.IGNORECASE)
_MAX_REFERENCES = 20  # RFC 5322 lets the middle go; a long thread keeps the first and last


def reply_subject(original: str, lang: str) -> str:
    """Return "Sv: ORIGINAL" (Danish) or "Re: ORIGINAL", without doubled prefixes."""
    bare = _PREFIX_RE.sub("", original or "").strip()
    return f"{'Re' if lang == 'en' else 'Sv'}: {bare}" if bare else (
        "Re:" if lang == "en" else "Sv:")


def references(in_reply_to: str, earlier: list[str]) -> str:
    """Return the References header: EARLIER (the answered mail's own) then IN_REPLY_TO."""
    ids = [i.strip().strip("<>") for i in [*earlier, in_reply_to] if i and i.strip("<> ")]
    ids = list(dict.fromkeys(ids))
    if len(ids) > _MAX_REFERENCES:
        ids = ids[:1] + ids[-(_MAX_REFERENCES - 1):]
    return " ".join(f"<{i}>" for i in ids)


def compose_reply(
    forum: ForumInfo,
    recipient: RecipientInfo,
    original_subject: str,
    text: str,
    *,
    in_reply_to: str = "",
    earlier_references: list[str] | None = None,
    token: str | None = None,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Return the secretary's answer TEXT to RECIPIENT, threaded under IN_REPLY_TO.

    TOKEN, the reply token of the invitation the answered mail was matched to, goes in
    Reply-To, so an answer to this mail finds that invitation.
    """
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    msg = new_message(forum, recipient_address(recipient),
                      reply_subject(original_subject, lang), stamp)
    reply_to_token(msg, forum, token)
    if in_reply_to.strip("<> "):
        msg["In-Reply-To"] = f"<{in_reply_to.strip().strip('<>')}>"
        msg["References"] = references(in_reply_to, earlier_references or [])
    context = {"lang": lang, "forum": forum, "recipient": recipient, "text": text.strip(),
               "automatic": False}
    set_bodies(msg, *render_pair("secretary_reply", context))
    return seal(msg, stamp, lang)
