"""Compose the mails of secretaries' accounts: an invitation to a login, a password reset.

Both carry a one-time link; neither names anything else of the account.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage

from app.mail.compose_base import (
    Stamp,
    mail_language,
    mark_automatic,
    new_message,
    render_pair,
    seal,
    set_bodies,
)
from app.mail.messages import ForumInfo

_SUBJECTS = {
    "account_invite": ("Din adgang til Forumpost for {forum}",
                       "Your access to Forumpost for {forum}"),
    "password_reset": ("Ny adgangskode til Forumpost", "A new password for Forumpost"),
}


def compose_account_link(
    forum: ForumInfo,
    to: str,
    event: str,
    link: str,
    hours: int,
    *,
    inviter: str | None = None,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Return the mail EVENT ("account_invite", "password_reset") with its LINK to TO."""
    lang, stamp = mail_language(forum), Stamp.make(forum, now, message_id)
    danish, english = _SUBJECTS[event]
    line = (english if lang == "en" else danish).format(forum=forum.name)
    msg = new_message(forum, Address(addr_spec=to), line, stamp)
    mark_automatic(msg)
    context = {"lang": lang, "forum": forum, "link": link, "hours": hours,
               "days": hours // 24, "inviter": inviter, "automatic": True}
    set_bodies(msg, *render_pair(event, context))
    return seal(msg, stamp, lang)
