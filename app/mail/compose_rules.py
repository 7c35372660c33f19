"""Compose the notices the forum's rules call for: a term running out, a seat left vacant.

Pure, like compose_notices: plain records in, an EmailMessage out, the texts in
templates/emails/term_ending.* and seat_vacant.*. Both go to the secretary or to the
body that appoints the seat, in the forum's language, marked as sent automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any, Literal

from babel.dates import format_skeleton

from app.mail.compose_base import (
    Stamp,
    mail_language,
    mark_automatic,
    new_message,
    one_line,
    render_pair,
    seal,
    set_bodies,
)
from app.mail.messages import ForumInfo

Audience = Literal["secretary", "body"]

# Subject lines as (Danish, English).
_SUBJECTS: dict[str, tuple[str, str]] = {
    "term_ending": (
        "Mandatperiode udløber {date}: {seat} – {name}",
        "Term ends {date}: {seat} – {name}",
    ),
    "seat_vacant": ("Ledig plads i {forum}: {seat}", "Vacant seat in {forum}: {seat}"),
    "seat_vacant_reminder": (
        "Påmindelse – ledig plads i {forum}: {seat}",
        "Reminder – vacant seat in {forum}: {seat}",
    ),
}
_LOCALES = {"da": "da", "en": "en_GB"}


@dataclass(frozen=True, slots=True)
class SeatNotice:
    """A seat whose holder's term runs out, or which has no member."""

    seat_label: str
    #: Whoever appoints the seat ("Vesterbro Lokaludvalg"); empty when the forum elects.
    body_name: str
    #: The holder whose term ends, or the last member of a vacant seat (None: never held).
    person_name: str | None
    #: For a term: the last day; for a vacancy: the first day without a member.
    day: date
    role: Literal["member", "alternate"] = "member"
    #: Days left of the term (terms), or whole months the seat has been vacant (vacancies).
    count: int = 0


def _subject(key: str, lang: str, **fields: str) -> str:
    """Return the subject line KEY in LANG with FIELDS filled in."""
    danish, english = _SUBJECTS[key]
    return (english if lang == "en" else danish).format(**fields)


def long_date(day: date, lang: str) -> str:
    """Return "31. januar 2027" / "31 January 2027"."""
    return format_skeleton("yMMMMd", day, locale=_LOCALES[lang])


def _notice(forum: ForumInfo, to: Address, line: str, event: str, context: dict[str, Any],
            stamp: Stamp, lang: str) -> EmailMessage:
    """Return the automatic notice EVENT to TO, rendered with CONTEXT."""
    msg = new_message(forum, to, line, stamp)
    mark_automatic(msg)
    set_bodies(msg, *render_pair(event, {**context, "automatic": True}))
    return seal(msg, stamp, lang)


def compose_term_ending(
    forum: ForumInfo,
    notice: SeatNotice,
    to_name: str,
    to_email: str,
    audience: Audience,
    *,
    body_told: bool = True,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Tell the secretary or the appointing body that a term on a seat runs out."""
    lang, stamp = mail_language(forum), Stamp.make(forum, now, message_id)
    when = long_date(notice.day, lang)
    context = {"lang": lang, "forum": forum, "notice": notice, "to_name": to_name,
               "audience": audience, "body_told": body_told, "date": when}
    line = _subject("term_ending", lang, date=when, seat=notice.seat_label,
                    name=notice.person_name or "")
    to = Address(one_line(to_name), addr_spec=to_email.strip())
    return _notice(forum, to, line, "term_ending", context, stamp, lang)


def compose_seat_vacant(
    forum: ForumInfo,
    notice: SeatNotice,
    to_name: str,
    to_email: str,
    reminder: bool,
    *,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Tell the appointing body that a seat has no member (again monthly, as a reminder)."""
    lang, stamp = mail_language(forum), Stamp.make(forum, now, message_id)
    context = {"lang": lang, "forum": forum, "notice": notice, "to_name": to_name,
               "reminder": reminder, "date": long_date(notice.day, lang)}
    key = "seat_vacant_reminder" if reminder else "seat_vacant"
    line = _subject(key, lang, forum=forum.name, seat=notice.seat_label)
    to = Address(one_line(to_name), addr_spec=to_email.strip())
    return _notice(forum, to, line, "seat_vacant", context, stamp, lang)
