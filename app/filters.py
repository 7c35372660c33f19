"""Template filters: dates and times in the forum's zone and the reader's language."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale


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


def register(app: Flask) -> None:
    """Install the filters on APP."""
    app.jinja_env.filters["meeting_time"] = meeting_time
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["get_locale"] = get_locale


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
