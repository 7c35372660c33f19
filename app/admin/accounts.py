"""Secretaries' accounts: invited by mail, passwords set by one-time links, access removed."""

from __future__ import annotations

import secrets

from flask import current_app, url_for
from sqlalchemy import select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.mail.compose_accounts import compose_account_link
from app.models import Forum, OutboundMessage, User, utcnow
from app.security import links, passwords
from app.services import audit, outbound
from app.services.errors import ServiceError
from app.services.mailinfo import forum_info
from app.services.roster import normalise_email


def find_user(email: str) -> User | None:
    """Return the login with EMAIL, whatever its case."""
    return db.session.scalar(select(User).filter_by(email=email.strip().lower()))


def invite_secretary(forum: Forum, email: str, name: str | None, actor: User
                     ) -> tuple[User, OutboundMessage | None]:
    """Give EMAIL access to FORUM; a new login gets a mail to choose its password. Flushes."""
    email = normalise_email(email)
    user = find_user(email)
    if user is not None and forum in user.forums:
        raise ServiceError(_l("%(email)s is already a secretary of the forum.", email=email))
    new = user is None
    if new:
        user = User(email=email, name=(name or "").strip() or None)
        user.set_password(secrets.token_urlsafe(32))  # unusable until she chooses one
        db.session.add(user)
    user.forums.append(forum)
    db.session.flush()
    audit.record(forum.id, actor.email, "secretary.added", user, email=email)
    mail = _queue_link(forum, user, "invite", inviter=actor.name or actor.email) if new else None
    return user, mail


def remove_access(forum: Forum, user: User, actor: User) -> None:
    """Take FORUM from USER's logins; a forum keeps at least one secretary. Flushes."""
    if forum not in user.forums:
        return
    if len(secretaries(forum)) == 1:
        raise ServiceError(_l("A forum needs at least one secretary: invite the new one "
                              "before removing the last."))
    user.forums.remove(forum)
    audit.record(forum.id, actor.email, "secretary.removed", user, email=user.email)
    db.session.flush()


def secretaries(forum: Forum) -> list[User]:
    """Return FORUM's secretaries by name."""
    stmt = select(User).join(User.forums).where(Forum.id == forum.id)
    return sorted(db.session.scalars(stmt), key=lambda u: (u.name or u.email).lower())


def request_reset(email: str) -> OutboundMessage | None:
    """Queue a password link to EMAIL when it is a login; nothing to tell otherwise."""
    user = find_user(email or "")
    if user is None or not user.forums:
        return None
    audit.record(None, user.email, "password.reset_requested", user)
    return _queue_link(user.forums[0], user, "reset")


def set_password(user: User, password: str) -> None:
    """Set USER's new PASSWORD if it is strong enough; every session and link ends. Flushes."""
    weak = passwords.problem(password, user.email, user.name or "")
    if weak:
        raise ServiceError(weak)
    user.set_password(password)
    audit.record(None, user.email, "password.set", user)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Change USER's password after checking the CURRENT one. Flushes."""
    if not user.check_password(current):
        raise ServiceError(_l("The current password is wrong."))
    set_password(user, new)


def _queue_link(forum: Forum, user: User, purpose: str, inviter: str | None = None
                ) -> OutboundMessage | None:
    """Queue the mail with USER's one-time link for PURPOSE, from FORUM's mailbox."""
    token = links.make(user, purpose)
    base = current_app.config["BASE_URL"].rstrip("/")
    link = base + url_for("account.set_password_page", purpose=purpose, token=token)
    event = "account_invite" if purpose == "invite" else "password_reset"
    message = compose_account_link(forum_info(forum), user.email, event, link,
                                   links.HOURS[purpose], inviter=inviter)
    key = f"{event}:{user.id}:{utcnow().isoformat()}"
    row, _created = outbound.queue(forum, key, message, event)
    return row
