"""Danish holidays, from the `holidays` library (it knows Easter and the abolished Store Bededag).

Pure: no database, no Flask.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

#: Public holidays, and the days most people have off anyway (1 May, Grundlovsdag,
#: Christmas Eve, New Year's Eve): a 16.00 meeting on them would be half empty.
CATEGORIES = ("public", "optional")


@lru_cache(maxsize=64)
def _year(year: int) -> dict[date, str]:
    """Return the Danish holidays of YEAR by day, with their Danish names."""
    found = holidays.country_holidays("DK", years=year, categories=CATEGORIES, language="da")
    return dict(found.items())


def holiday_name(day: date) -> str | None:
    """Return the Danish name of the holiday on DAY, or None on an ordinary day."""
    return _year(day.year).get(day)


def is_holiday(day: date) -> bool:
    """Tell whether DAY is a Danish holiday."""
    return holiday_name(day) is not None
