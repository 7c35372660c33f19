"""Forums of the installation: created and archived by an administrator."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import Forum, utcnow
from app.services import audit
from app.services.errors import ServiceError
from app.services.roster import normalise_email

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def create_forum(name: str, slug: str, sender_address: str, agenda_address: str,
                 secretary_address: str | None, actor: str) -> Forum:
    """Create a forum with its addresses; the slug names it in addresses of pages. Flushes."""
    name, slug = (name or "").strip(), (slug or "").strip().lower()
    if not name:
        raise ServiceError(_l("The forum must have a name."))
    if not SLUG.match(slug):
        raise ServiceError(_l("The short name may hold only a–z, digits and hyphens "
                              "(2–63 characters)."))
    if db.session.scalar(select(Forum).filter_by(slug=slug)) is not None:
        raise ServiceError(_l("A forum named %(slug)s exists already.", slug=slug))
    sender, agenda = normalise_email(sender_address), normalise_email(agenda_address)
    if sender == agenda:
        raise ServiceError(_l("Answers and agenda items need two different addresses."))
    secretary = normalise_email(secretary_address) if secretary_address else None
    forum = Forum(name=name, slug=slug, sender_address=sender, agenda_address=agenda,
                  secretary_address=secretary)
    db.session.add(forum)
    db.session.flush()
    audit.record(forum.id, actor, "forum.created", forum, slug=slug)
    return forum


def archive(forum: Forum, actor: str) -> None:
    """Archive FORUM: its pages stay to read; its mailbox is no longer read. Flushes."""
    forum.archived_dt = utcnow()
    account = getattr(forum, "mail_account", None)
    if account is not None:
        account.is_enabled = False
        account.version += 1  # a worker holding it lets go
    audit.record(forum.id, actor, "forum.archived", forum)
    db.session.flush()


def restore(forum: Forum, actor: str) -> None:
    """Take FORUM out of the archive (its mailbox stays off until the secretary enables it)."""
    forum.archived_dt = None
    audit.record(forum.id, actor, "forum.restored", forum)
    db.session.flush()


def all_forums() -> list[Forum]:
    """Return every forum: active ones first, then the archived, by name."""
    forums = db.session.scalars(select(Forum)).all()
    return sorted(forums, key=lambda f: (f.archived_dt is not None, f.name.lower()))
