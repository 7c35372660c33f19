"""Where the IMAP worker has read to, per mailbox: UIDVALIDITY and the last UID handled."""

from __future__ import annotations

import logging

from sqlalchemy import select

from app.extensions import db
from app.models import MailboxState

log = logging.getLogger(__name__)


def mailbox_name(username: str, host: str, folder: str) -> str:
    """Return the key of one mailbox, "user@host/FOLDER"."""
    return f"{username}@{host}/{folder}"[:255]


def get(name: str) -> MailboxState:
    """Return the state of mailbox NAME, adding it (nothing read yet) when new."""
    state = db.session.scalar(select(MailboxState).filter_by(name=name))
    if state is None:
        state = MailboxState(name=name, uidvalidity=None, last_uid=0)
        db.session.add(state)
        db.session.flush()
    return state


def check_uidvalidity(state: MailboxState, uidvalidity: int) -> bool:
    """Record the server's UIDVALIDITY; reset and return True when it changed."""
    if state.uidvalidity == uidvalidity:
        return False
    if state.uidvalidity is None:
        state.uidvalidity = uidvalidity
        db.session.flush()
        return False
    log.warning("UIDVALIDITY of %s changed from %s to %s: reading it again from the start",
                state.name, state.uidvalidity, uidvalidity)
    reset(state, uidvalidity)
    return True


def reset(state: MailboxState, uidvalidity: int | None) -> None:
    """Forget how far STATE was read, under a new UIDVALIDITY."""
    state.uidvalidity = uidvalidity
    state.last_uid = 0
    db.session.flush()


def advance(state: MailboxState, uid: int) -> None:
    """Mark every UID up to UID as handled; never move backwards."""
    if uid > (state.last_uid or 0):
        state.last_uid = uid
        db.session.flush()
