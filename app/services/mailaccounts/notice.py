"""The one mail of a failure episode: the forum's secretary hears that its mailbox fails."""

from __future__ import annotations

from app.extensions import db
from app.mail import compose_notices
from app.models import MailAccount
from app.services import outbound
from app.services.mailinfo import forum_info


def mailbox_failing(account_id: int):
    """Queue the mail telling the secretary that ACCOUNT_ID's mailbox has failed a while."""
    account = db.session.get(MailAccount, account_id)
    if account is None or account.failing_since_dt is None:
        return None  # it works again: nothing to tell
    forum = account.forum
    if not forum.secretary_address:
        return None
    message = compose_notices.compose_mailbox_failing(
        forum_info(forum), account.address, account.last_error or "",
        account.failing_since_dt, forum.secretary_address)
    key = f"mailbox_failing:{account.id}:{account.failing_since_dt.isoformat()}"
    row, created = outbound.queue(forum, key, message, "mailbox_failing")
    return row if created else None
