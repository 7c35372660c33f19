"""Template filters: dates and times in the forum's zone and the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache

import flask_babel
from flask import Flask
from flask_babel import format_decimal, get_locale, get_timezone
from markupsafe import Markup, escape

from app import i18n
from app.i18n import gettext
from app.models.base import utcnow


def _remembered(babel_format: Callable[[object, str], str]) -> Callable[[object, str], str]:
    """Return Flask-Babel's BABEL_FORMAT, each value formatted once per pattern, language
    and zone in the life of the process.

    A page shows the same meetings' dates on every request, and Babel takes 30 to 45 us
    to format one: a twentieth of a page's time on the meetings list.
    """
    @lru_cache(maxsize=4096)
    def remembered(value, pattern: str, language: str, zone: str) -> str:
        return babel_format(value, pattern)  # LANGUAGE and ZONE are the request's own

    def formatted(value, pattern: str) -> str:
        return remembered(value, pattern, str(get_locale()), str(get_timezone()))

    return formatted


format_date = _remembered(flask_babel.format_date)
format_datetime = _remembered(flask_babel.format_datetime)


def meeting_time(value: datetime) -> str:
    """Return e.g. 'tirsdag den 8. december 2026 kl. 16.00' for a meeting start."""
    if str(get_locale()) == "da":
        return format_datetime(value, "EEEE 'den' d. MMMM y 'kl.' HH.mm")
    return format_datetime(value, "EEEE d MMMM y, HH:mm")


def short_date(value: date | datetime | None) -> str:
    """Return a compact date such as '8. dec. 2026'."""
    if value is None:
        return ""
    return format_date(value, "medium")


def day_month(value: date | None) -> str:
    """Return a day of this year or the next, such as '30. dec.'."""
    if value is None:
        return ""
    return format_date(value, "d. MMM" if str(get_locale()) == "da" else "d MMM")


def register(app: Flask) -> None:
    """Install the filters on APP."""
    app.jinja_env.filters["meeting_time"] = meeting_time
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.filters["day_month"] = day_month
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["cover_label"] = cover_label
    app.jinja_env.globals["get_locale"] = get_locale
    i18n.install(app)
    install_extra(app)


def N_(text: str) -> str:
    """Mark TEXT for translation where it is shown (pybabel finds N_ by default)."""
    return text


#: The secretary's word for a meeting, invitation or agenda status.
STATUS_LABELS = {
    "planned": N_("Planned"),
    "invited": N_("Invited"),
    "held": N_("Held"),
    "minutes_sent": N_("Minutes sent"),
    "cancelled": N_("Cancelled"),
    "pending": N_("No answer"),
    "accepted": N_("Coming"),
    "declined": N_("Not coming"),
    "tentative": N_("Maybe"),
    "replaced": N_("Called off"),
}
ROLE_LABELS = {"member": N_("Member"), "alternate": N_("Alternate"), "guest": N_("Guest")}
#: How an answer came in.
CHANNEL_LABELS = {"mail": N_("by mail"), "calendar": N_("calendar button"),
                  "link": N_("answer link"), "secretary": N_("by the secretary")}
#: What the pipeline found a message to be.
KIND_LABELS = {"rsvp": N_("Answer"), "agenda_item": N_("Agenda item"), "bounce": N_("Bounce"),
               "auto_reply": N_("Automatic reply"), "unknown": N_("Not understood")}
#: Where an inbound message ended.
STATE_LABELS = {"received": N_("Received"), "applied": N_("Done"), "review": N_("Needs review"),
                "quarantined": N_("Quarantined"), "ignored": N_("Set aside")}


#: How a seat stands for the next meeting (app.services.coverage.Cover).
COVER_LABELS = {
    "member_coming": N_("Member coming"),
    "alternate_coming": N_("Alternate coming"),
    "alternate_called": N_("Alternate called in"),
    "maybe": N_("Maybe"),
    "no_answer": N_("No answer yet"),
    "unrepresented": N_("Unrepresented"),
    "not_invited": N_("Not invited yet"),
    "vacant": N_("Vacant seat"),
}


def _label(labels: dict, value) -> str:
    """Return the translated label of VALUE (an enum or its value), else the value."""
    value = getattr(value, "value", value)
    label = labels.get(value)
    # Only the label shown is translated: a table calls this once a row.
    return gettext(label) if label is not None else value


def cover_label(cover) -> Markup:
    """Return a seat's standing for the next meeting as a labelled span."""
    return Markup('<span class="cover cover-{}">{}</span>').format(
        cover.value, _label(COVER_LABELS, cover))


def status_label(status) -> str:
    """Return the secretary's word for a meeting, invitation or agenda status."""
    return _label(STATUS_LABELS, status)


def paragraphs(text: str | None) -> Markup:
    """Return plain TEXT as escaped HTML paragraphs, keeping its line breaks."""
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("".join(
        f"<p>{'<br>'.join(escape(line) for line in block.splitlines())}</p>" for block in blocks
    ))


def filesize(size: int) -> str:
    """Return SIZE in bytes as a short readable figure in the reader's language (2,0 kB)."""
    for unit in ("B", "kB", "MB"):
        if size < 1024 or unit == "MB":
            break
        size /= 1024
    if unit == "B":
        return f"{size:.0f} B"
    return f"{format_decimal(round(size, 1), format='#,##0.0')} {unit}"


def local_time(value: datetime | None, pattern: str = "HH:mm") -> str:
    """Return VALUE in the reader's zone with the Babel PATTERN."""
    return format_datetime(value, pattern) if value else ""


def role_label(role) -> str:
    """Return the secretary's word for an invitation role."""
    return _label(ROLE_LABELS, role)


def channel_label(channel) -> str:
    """Return how an answer came in, in words."""
    return "" if channel is None else _label(CHANNEL_LABELS, channel)


def kind_label(kind: str | None) -> str:
    """Return what the pipeline found a message to be, in words."""
    return _label(KIND_LABELS, kind or "")


def state_label(state) -> str:
    """Return where an inbound message ended, in words."""
    return _label(STATE_LABELS, state)


def install_extra(app: Flask) -> None:
    """Install the text filters on APP."""
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["channel_label"] = channel_label
    app.jinja_env.globals["kind_label"] = kind_label
    app.jinja_env.globals["state_label"] = state_label
    app.jinja_env.globals["now_utc"] = utcnow
