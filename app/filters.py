"""Template filters: dates and times in the forum's zone and the reader's language."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from markupsafe import Markup, escape

from app.models.base import utcnow


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
    app.jinja_env.globals["get_locale"] = get_locale
    install_extra(app)


def status_label(status) -> str:
    """Return the secretary's word for a meeting, invitation or agenda status."""
    from flask_babel import gettext as _

    labels = {
        "planned": _("Planned"),
        "invited": _("Invited"),
        "held": _("Held"),
        "minutes_sent": _("Minutes sent"),
        "cancelled": _("Cancelled"),
        "pending": _("No answer"),
        "accepted": _("Coming"),
        "declined": _("Not coming"),
        "tentative": _("Maybe"),
        "replaced": _("Called off"),
    }
    value = getattr(status, "value", status)
    return labels.get(value, value)


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
    from flask_babel import gettext as _

    labels = {"member": _("Member"), "alternate": _("Alternate"), "guest": _("Guest")}
    value = getattr(role, "value", role)
    return labels.get(value, value)


def channel_label(channel) -> str:
    """Return how an answer came in, in words."""
    from flask_babel import gettext as _

    if channel is None:
        return ""
    labels = {"mail": _("by mail"), "calendar": _("calendar button"), "link": _("answer link"),
              "secretary": _("by the secretary")}
    return labels.get(channel.value, channel.value)


def kind_label(kind: str | None) -> str:
    """Return what the pipeline found a message to be, in words."""
    from flask_babel import gettext as _

    labels = {"rsvp": _("Answer"), "agenda_item": _("Agenda item"), "bounce": _("Bounce"),
              "auto_reply": _("Automatic reply"), "unknown": _("Not understood")}
    return labels.get(kind or "", kind or "")


def state_label(state) -> str:
    """Return where an inbound message ended, in words."""
    from flask_babel import gettext as _

    labels = {"received": _("Received"), "applied": _("Done"), "review": _("Needs review"),
              "quarantined": _("Quarantined"), "ignored": _("Set aside")}
    value = getattr(state, "value", state)
    return labels.get(value, value)


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
