"""Read iTIP (RFC 5546) calendar parts with icalendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import icalendar

from .body import calendar_parts
from .parse import Mail

PARTSTATS = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative",
             "DELEGATED": "declined"}


@dataclass(frozen=True)
class Attendee:
    """One ATTENDEE line of a calendar object."""

    email: str
    partstat: str  # upper case, as in the file; '' when absent
    delegated_to: str = ""


@dataclass
class CalendarObject:
    """The facts of one iTIP message that matter to us."""

    method: str
    uid: str = ""
    attendees: list[Attendee] = field(default_factory=list)
    comment: str = ""
    organizer: str = ""
    single_occurrence: bool = False  # only a RECURRENCE-ID instance was answered
    sequence: int | None = None  # the SEQUENCE answered; None when the reply leaves it out
    start: datetime | None = None  # DTSTART in UTC; None when absent, floating or a date
    end: datetime | None = None  # DTEND in UTC, the same way


def calendar_objects(mail: Mail) -> list[CalendarObject]:
    """Return every readable calendar object in MAIL, in part order (computed once)."""
    if "calendar" not in mail.cache:
        found = []
        for data, method_param in calendar_parts(mail.msg):
            obj = read_calendar(data, method_param)
            if obj is not None:
                found.append(obj)
        mail.cache["calendar"] = found
    return list(mail.cache["calendar"])  # type: ignore[call-overload]


def read_calendar(data: bytes, method_param: str = "") -> CalendarObject | None:
    """Parse one iCalendar payload; return None if icalendar cannot read it."""
    # METHOD inside the object wins over the MIME method= parameter, which
    # some clients (Proton Bridge, Google via some relays) leave out.
    try:
        cals = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception:  # icalendar raises ValueError and friends on broken input
        return None
    if not cals:
        return None
    cal = cals[0]
    method = str(cal.get("METHOD", "") or method_param).strip().upper()
    components = [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")]
    if not components:
        return CalendarObject(method=method)
    master = next((c for c in components if "RECURRENCE-ID" not in c), None)
    event = master or components[0]
    return CalendarObject(
        method=method,
        uid=str(event.get("UID", "")).strip(),
        attendees=_attendees(event),
        comment=_text(event.get("COMMENT")),
        organizer=_address(event.get("ORGANIZER")),
        single_occurrence=master is None,
        sequence=_integer(event.get("SEQUENCE")),
        start=_utc(event.get("DTSTART")),
        end=_utc(event.get("DTEND")),
    )


def _attendees(event: icalendar.cal.Component) -> list[Attendee]:
    """Return the ATTENDEE lines of EVENT."""
    raw = event.get("ATTENDEE")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        params = getattr(item, "params", {})
        out.append(Attendee(
            email=_address(item),
            partstat=str(params.get("PARTSTAT", "")).upper(),
            delegated_to=_address(params.get("DELEGATED-TO", "")),
        ))
    return out


def _address(value: object) -> str:
    """Return the mail address of a CAL-ADDRESS value, lowercase."""
    if value is None:
        return ""
    text = str(value[0] if isinstance(value, list) and value else value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().strip('"').lower()


def _text(value: object) -> str:
    """Return a TEXT property (or the first of several) as a trimmed str."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _integer(value: object) -> int | None:
    """Return an INTEGER property, or None when absent or unreadable."""
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


def _utc(value: object) -> datetime | None:
    """Return a DATE-TIME property in UTC; None for a date, a floating time or garbage."""
    try:
        moment = getattr(value, "dt", None)  # icalendar raises on a broken property
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            return None
        return moment.astimezone(UTC)
    except Exception:  # noqa: BLE001 - an unreadable time is no time
        return None
