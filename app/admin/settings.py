"""A forum's settings: its name and addresses, meetings, sending, and retention periods."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import Forum
from app.services import audit, plan
from app.services.errors import ServiceError
from app.services.roster import normalise_email

#: The columns the settings page edits, with their bounds where they are numbers.
BOUNDS = {
    "meeting_minutes": (15, 600), "send_per_minute": (1, 10000),
    "reminder_days": (0, 60), "final_agenda_days": (0, 60),
    "inbound_retention_days": (7, 3650), "outbound_retention_days": (7, 3650),
    "audit_retention_years": (1, 10),
}
LABELS = {
    "meeting_minutes": _l("Length of meetings (minutes)"),
    "send_per_minute": _l("Mails sent per minute"),
    "reminder_days": _l("Reminder, days before"),
    "final_agenda_days": _l("Final agenda, days before"),
    "inbound_retention_days": _l("Received mail kept (days)"),
    "outbound_retention_days": _l("Sent mail kept (days)"),
    "audit_retention_years": _l("Log kept (years)"),
}
ADDRESSES = ("sender_address", "agenda_address", "secretary_address")
TEXTS = ("name", "sender_name", "language", "timezone")
#: Addresses mail comes in to: changing one means mail to the old one is not read.
READ_ADDRESSES = ("sender_address", "agenda_address")


def update(forum: Forum, actor: str, values: dict, location: str | None) -> list[str]:
    """Apply VALUES (and the default meeting place LOCATION); return the old addresses no
    longer read. Flushes."""
    values = _checked(values)
    changed = {key: value for key, value in values.items() if getattr(forum, key) != value}
    unread = [getattr(forum, key) for key in READ_ADDRESSES if key in changed]
    for key, value in changed.items():
        setattr(forum, key, value)
    pattern = plan.pattern_for(forum)
    if (location or None) != pattern.location:
        plan.save_pattern(forum, replace(pattern, location=location or None))
        changed["location"] = location
    if changed:
        audit.record(forum.id, actor, "forum.settings", forum, fields=",".join(sorted(changed)))
    db.session.flush()
    return unread


def _checked(values: dict) -> dict:
    """Return VALUES cleaned, or raise ServiceError saying what is wrong, in Danish."""
    clean = {key: (values.get(key) or "").strip() or None for key in TEXTS}
    if not clean["name"]:
        raise ServiceError(_l("The forum must have a name."))
    if clean["language"] not in ("da", "en"):
        raise ServiceError(_l("The language must be Danish or English."))
    try:
        ZoneInfo(clean["timezone"] or "")
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ServiceError(_l("%(zone)s is not a time zone.", zone=clean["timezone"])) from error
    for key in ADDRESSES:
        address = (values.get(key) or "").strip()
        if not address and key == "secretary_address":
            clean[key] = None
            continue
        clean[key] = normalise_email(address)
    if clean["sender_address"] == clean["agenda_address"]:
        raise ServiceError(_l("Answers and agenda items need two different addresses."))
    for key in BOUNDS:
        clean[key] = _number(key, values.get(key))
    return clean


def _number(key: str, value) -> int | None:
    """Return VALUE of the setting KEY as a whole number within its bounds.

    The reminder and final-agenda days may be left empty: the installation's then apply.
    """
    if value in (None, "") and key in ("reminder_days", "final_agenda_days"):
        return None
    low, high = BOUNDS[key]
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise ServiceError(_l("%(field)s: »%(value)s« is not a whole number.",
                              field=LABELS[key], value=value or "")) from error
    if not low <= number <= high:
        raise ServiceError(_l("%(field)s must be between %(low)d and %(high)d.",
                              field=LABELS[key], low=low, high=high))
    return number
