"""Snapshots of the rules' notices, Danish and English: term ending, seat vacant.

Rewrite after an intended change with UPDATE_SNAPSHOTS=1 and review the diff.
"""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.mail.compose_rules import SeatNotice, compose_seat_vacant, compose_term_ending
from tests.compose.cases import FORUM, FORUM_EN, STAMP
from tests.compose.test_snapshots import check_snapshot, snapshot_texts

SNAPSHOTS = Path(__file__).parent / "snapshots"
TERM = SeatNotice("Nabo 3", "Vesterbro Lokaludvalg", "Jens Hansen", date(2027, 1, 14),
                  count=60)
SECRETARY_TERM = SeatNotice("Sekretær", "", "Birthe Sekretær", date(2027, 3, 31), count=14)
VACANT = SeatNotice("Nabo 10", "Vesterbro Lokaludvalg", "Mette Jensen", date(2027, 1, 1))
NEVER_HELD = SeatNotice("Leder, Dugnad", "", None, date(2027, 1, 1), count=1)
BODY = ("Vesterbro Lokaludvalg", "lokaludvalg@kk.test")
SECRETARY = ("Birthe Sekretær", "sekretaer@samarbejdsforum.test")

CASES = {
    "term_ending_body_da": lambda: compose_term_ending(FORUM, TERM, *BODY, "body", **STAMP),
    "term_ending_body_en": lambda: compose_term_ending(FORUM_EN, TERM, *BODY, "body", **STAMP),
    "term_ending_secretary_da": lambda: compose_term_ending(
        FORUM, TERM, *SECRETARY, "secretary", **STAMP),
    "term_ending_secretary_no_body_email_da": lambda: compose_term_ending(
        FORUM, replace(TERM, role="alternate"), *SECRETARY, "secretary", body_told=False,
        **STAMP),
    "term_ending_elected_en": lambda: compose_term_ending(
        FORUM_EN, SECRETARY_TERM, *SECRETARY, "secretary", **STAMP),
    "seat_vacant_da": lambda: compose_seat_vacant(FORUM, VACANT, *BODY, False, **STAMP),
    "seat_vacant_en": lambda: compose_seat_vacant(FORUM_EN, VACANT, *BODY, False, **STAMP),
    "seat_vacant_reminder_da": lambda: compose_seat_vacant(
        FORUM, replace(VACANT, count=2), *BODY, True, **STAMP),
    "seat_vacant_reminder_never_held_en": lambda: compose_seat_vacant(
        FORUM_EN, NEVER_HELD, *SECRETARY, True, **STAMP),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_snapshot(name):
    for suffix, actual in snapshot_texts(CASES[name]()).items():
        check_snapshot(SNAPSHOTS / f"{name}{suffix}", actual)


def test_no_stale_snapshots():
    assert not {p.stem for p in SNAPSHOTS.glob("*.*")} - set(CASES)


def test_notices_are_automatic_and_deterministic():
    for make in CASES.values():
        message = make()
        assert message["Auto-Submitted"] == "auto-generated"
        assert message.as_bytes() == make().as_bytes()
