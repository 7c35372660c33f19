"""The forum's people: their details, changed by the secretary and audited."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import Person
from app.services import audit
from app.services.errors import ServiceError
from app.services.roster import normalise_email

FIELDS = ("name", "email", "phone", "organisation", "language")


def update_person(person: Person, actor: str, **values: str | None) -> list[str]:
    """Set PERSON's details to VALUES; return the names of the fields changed. Flushes.

    An address is one per forum whatever its case. A new address keeps the reply links
    already sent working: they name the invitation, not the address.
    """
    values = {key: (value.strip() or None) if isinstance(value, str) else value
              for key, value in values.items() if key in FIELDS}
    if not values.get("name"):
        raise ServiceError(_l("A person must have a name."))
    if not values.get("email"):
        raise ServiceError(_l("A person must have an email address."))
    values["email"] = normalise_email(values["email"])
    _check_address_free(person, values["email"])
    changed = [key for key, value in values.items() if getattr(person, key) != value]
    if not changed:
        return []
    details = {key: getattr(person, key) for key in changed if key != "email"}
    if "email" in changed:
        details |= {"old_email": person.email, "new_email": values["email"]}
    for key in changed:
        setattr(person, key, values[key])
    audit.record(person.forum_id, actor, "person.edited", person, fields=",".join(changed),
                 **{key: value for key, value in details.items() if key != "name"})
    db.session.flush()
    return changed


def _check_address_free(person: Person, email: str) -> None:
    """Refuse EMAIL when another person of the forum has it, in any case."""
    other = db.session.scalar(select(Person).where(
        Person.forum_id == person.forum_id, Person.id != person.id,
        func.lower(Person.email) == email.lower()))
    if other is not None:
        raise ServiceError(_l("%(email)s is already the address of %(name)s.",
                              email=email, name=other.name))
