"""Meeting times as Danish or English phrases, via Babel's CLDR data."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_interval, format_skeleton

# Babel locale and date pattern per mail language. Danish uses CLDR's own full
# date ("tirsdag den 8. december 2026"); English uses en_GB for the 24-hour
# clock and day-month order, without CLDR's comma after the weekday.
_STYLES: dict[str, tuple[str, str, str]] = {
    "da": ("da", "full", " kl. "),
    "en": ("en_GB", "EEEE d MMMM y", ", "),
}


def language_of(code: str | None) -> str:
    """Return the mail language ("da" or "en") for a locale code such as "en_GB"."""
    return "en" if (code or "").lower().startswith("en") else "da"


@lru_cache(maxsize=16)
def _zone(tz: str) -> ZoneInfo:
    """Return the zone named TZ."""
    return ZoneInfo(tz)


@lru_cache(maxsize=256)
def format_meeting_time(start: datetime, end: datetime, tz: str, locale: str) -> str:
    """Return "tirsdag den 8. december 2026 kl. 16.00–18.00" for a meeting."""
    babel_locale, date_format, joiner = _STYLES[language_of(locale)]
    local_start, local_end = start.astimezone(_zone(tz)), end.astimezone(_zone(tz))
    day = format_date(local_start, date_format, locale=babel_locale)
    if local_start.date() == local_end.date():
        hours = format_interval(local_start, local_end, "Hm", locale=babel_locale)
        return f"{day}{joiner}{hours}"
    # A meeting past midnight names both days rather than a misleading "16.00–02.00".
    end_day = format_date(local_end, date_format, locale=babel_locale)
    start_hm, end_hm = format_clock(start, tz, locale), format_clock(end, tz, locale)
    return f"{day}{joiner}{start_hm} – {end_day}{joiner}{end_hm}"


@lru_cache(maxsize=256)
def format_meeting_date_short(start: datetime, tz: str, locale: str) -> str:
    """Return the short date of a meeting for subjects: "8. dec. 2026" / "8 Dec 2026"."""
    babel_locale = _STYLES[language_of(locale)][0]
    return format_skeleton("yMMMd", start.astimezone(_zone(tz)), locale=babel_locale)


def format_clock(moment: datetime, tz: str, locale: str) -> str:
    """Return the local clock time of MOMENT: "16.00" / "16:00"."""
    babel_locale = _STYLES[language_of(locale)][0]
    return format_skeleton("Hm", moment.astimezone(_zone(tz)), locale=babel_locale)
