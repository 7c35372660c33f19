"""Snapshot tests: the Danish and English texts of every mail, headers and calendars included.

Rewrite the snapshots after an intended change with
UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/compose -q, then review the diff.
"""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.compose.cases import CASES
from tests.compose.helpers import body_of, part_of, reparse, structure

SNAPSHOTS = Path(__file__).parent / "snapshots"
HEADERS = (
    "From",
    "To",
    "Reply-To",
    "Subject",
    "Content-Language",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
)


def snapshot_texts(msg: EmailMessage) -> dict[str, str]:
    """Return the snapshot file contents for MSG by suffix: headers and text, and HTML."""
    parsed = reparse(msg)
    lines = [f"{name}: {parsed[name]}" for name in HEADERS if parsed[name] is not None]
    lines.append(f"Structure: {structure(parsed)}")
    text = body_of(parsed, "text/plain")
    texts = {".txt": "\n".join(lines) + "\n\n" + text, ".html": body_of(parsed, "text/html")}
    if part_of(parsed, "text/calendar") is not None:
        # The calendar as sent (ORGANIZER, VTIMEZONE and all), with LF for a readable diff.
        texts[".ics"] = body_of(parsed, "text/calendar")
    return texts


def check_snapshot(path: Path, actual: str) -> None:
    """Compare ACTUAL with the snapshot at PATH, or rewrite it under UPDATE_SNAPSHOTS=1."""
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_snapshot(name: str) -> None:
    for suffix, actual in snapshot_texts(CASES[name]()).items():
        check_snapshot(SNAPSHOTS / f"{name}{suffix}", actual)


def test_no_stale_snapshots() -> None:
    stale = {p.stem for p in SNAPSHOTS.glob("*.*")} - set(CASES)
    assert not stale, f"snapshots without a case: {sorted(stale)}"


def test_composing_is_deterministic_with_injected_now_and_message_id() -> None:
    for make in CASES.values():
        assert make().as_bytes() == make().as_bytes()
