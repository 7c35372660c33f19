"""Meeting time phrases in Danish and English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.mail.dates import format_meeting_date_short, format_meeting_time, language_of

CPH = "Europe/Copenhagen"
WINTER_START = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
WINTER_END = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)


def test_danish_phrase_in_winter() -> None:
    phrase = format_meeting_time(WINTER_START, WINTER_END, CPH, "da")
    assert phrase == "tirsdag den 8. december 2026 kl. 16.00–18.00"


def test_english_phrase_in_winter() -> None:
    phrase = format_meeting_time(WINTER_START, WINTER_END, CPH, "en")
    assert phrase == "Tuesday 8 December 2026, 16:00–18:00"


def test_summer_time_is_two_hours_ahead_of_utc() -> None:
    start, end = datetime(2026, 6, 9, 14, tzinfo=UTC), datetime(2026, 6, 9, 16, tzinfo=UTC)
    assert format_meeting_time(start, end, CPH, "da") == "tirsdag den 9. juni 2026 kl. 16.00–18.00"


def test_meeting_past_midnight_names_both_days() -> None:
    end = datetime(2026, 12, 8, 23, 30, tzinfo=UTC)
    assert format_meeting_time(WINTER_START, end, CPH, "da") == (
        "tirsdag den 8. december 2026 kl. 16.00 – onsdag den 9. december 2026 kl. 00.30"
    )


@pytest.mark.parametrize(("locale", "expected"), [("da", "8. dec. 2026"), ("en", "8 Dec 2026")])
def test_short_date(locale: str, expected: str) -> None:
    assert format_meeting_date_short(WINTER_START, CPH, locale) == expected


@pytest.mark.parametrize(
    ("code", "lang"), [("en", "en"), ("en_GB", "en"), ("EN-us", "en"), ("da", "da"), (None, "da")]
)
def test_language_of(code: str | None, lang: str) -> None:
    assert language_of(code) == lang
