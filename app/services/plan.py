"""The yearly plan: four regular meetings by the forum's pattern, and the optional June one.

`propose()` is pure date logic; the rest reads the forum's pattern and meetings and,
once the secretary confirms, creates the meetings (flushing, never committing).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from sqlalchemy import select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import Forum, MandateRole, Meeting, MeetingKind, MeetingStatus
from app.models.rules import PlanPattern
from app.services import archive, meetings, roster
from app.services.errors import ServiceError
from app.services.holidays_dk import holiday_name

#: The terms of reference: "et femte møde i juni omkring sommeraktiviteter".
SUMMER_MONTH = 6
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Pattern:
    """When regular meetings fall: the ORDINAL WEEKDAY of the quarter's MONTH_IN_QUARTER."""

    weekday: int = 1
    ordinal: int = 2
    month_in_quarter: int = 2
    start: time = time(16)
    minutes: int = 120
    location: str | None = None
    summer: bool = True


@dataclass(frozen=True)
class Skip:
    """A day the rule gave but the plan could not use: a holiday (named) or another meeting."""

    day: date
    holiday: str | None = None


@dataclass(frozen=True)
class Proposal:
    """One proposed meeting."""

    day: date
    start: time
    end: time
    kind: MeetingKind
    quarter: int
    skipped: tuple[Skip, ...] = field(default=())


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date:
    """Return the ORDINAL (1-4, or -1 for last) WEEKDAY (0 = Monday) of MONTH."""
    if ordinal == -1:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = following - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7) + (ordinal - 1) * WEEK


def _quarter(day: date) -> int:
    """Return the quarter (1-4) of DAY."""
    return (day.month - 1) // 3 + 1


def _weeks_around(day: date) -> Iterator[date]:
    """Yield DAY, the same weekday in later weeks of its quarter, then in earlier weeks."""
    for step in (WEEK, -WEEK):
        candidate = day if step == WEEK else day - WEEK
        while _quarter(candidate) == _quarter(day) and candidate.year == day.year:
            yield candidate
            candidate += step


def free_day(day: date, taken: set[date],
             holiday: Callable[[date], str | None] = holiday_name) -> tuple[date, tuple[Skip, ...]]:
    """Return the first usable day from DAY on, a week at a time, and the days skipped.

    Later weeks first; when they all leave the quarter, earlier weeks, so a meeting
    never slips into the next quarter (or year).
    """
    skipped: list[Skip] = []
    for candidate in _weeks_around(day):
        name = holiday(candidate)
        if name is None and candidate not in taken:
            return candidate, tuple(skipped)
        skipped.append(Skip(candidate, name))
    raise ValueError(f"no free {day:%A} in the quarter of {day}")


def propose(year: int, pattern: Pattern, summer: bool, taken: set[date] = frozenset(),
            planned_quarters: set[int] = frozenset(), summer_planned: bool = False,
            holiday: Callable[[date], str | None] = holiday_name) -> list[Proposal]:
    """Return YEAR's meetings by PATTERN: one per quarter not yet planned, and June's if wanted."""
    wanted = [(q, (q - 1) * 3 + pattern.month_in_quarter, MeetingKind.regular)
              for q in range(1, 5) if q not in planned_quarters]
    if summer and not summer_planned:
        wanted.append((2, SUMMER_MONTH, MeetingKind.summer))
    end = (datetime.combine(date(year, 1, 1), pattern.start)
           + timedelta(minutes=pattern.minutes)).time()
    found, used = [], set(taken)
    for quarter, month, kind in wanted:
        rule = nth_weekday(year, month, pattern.weekday, pattern.ordinal)
        day, skipped = free_day(rule, used, holiday)
        used.add(day)
        found.append(Proposal(day, pattern.start, end, kind, quarter, skipped))
    return sorted(found, key=lambda p: p.day)


# --- the forum's pattern and meetings ------------------------------------------------


def pattern_row(forum: Forum) -> PlanPattern | None:
    """Return the forum's stored pattern, if the secretary ever set one."""
    return db.session.scalars(select(PlanPattern).filter_by(forum_id=forum.id)).first()


def pattern_for(forum: Forum) -> Pattern:
    """Return the forum's pattern, or the default (second Tuesday of the middle month, 16.00)."""
    row = pattern_row(forum)
    base = Pattern(minutes=forum.meeting_minutes)
    if row is None:
        return base
    return replace(base, weekday=row.weekday, ordinal=row.ordinal,
                   month_in_quarter=row.month_in_quarter, start=row.start_time,
                   location=row.location, summer=row.summer)


def save_pattern(forum: Forum, pattern: Pattern) -> PlanPattern:
    """Store PATTERN as the forum's rule for planning."""
    if not (0 <= pattern.weekday <= 6 and pattern.ordinal in (1, 2, 3, 4, -1)
            and 1 <= pattern.month_in_quarter <= 3):
        raise ServiceError(_l("That is not a pattern the plan can follow."))
    row = pattern_row(forum) or PlanPattern(forum_id=forum.id)
    row.weekday, row.ordinal, row.month_in_quarter = (
        pattern.weekday, pattern.ordinal, pattern.month_in_quarter)
    row.start_time, row.location, row.summer = pattern.start, pattern.location, pattern.summer
    db.session.add(row)
    db.session.flush()
    return row


def meetings_in(forum: Forum, year: int) -> list[Meeting]:
    """Return the forum's meetings that are not cancelled and fall (locally) in YEAR."""
    zone = ZoneInfo(forum.timezone)
    first = datetime(year, 1, 1, tzinfo=zone) - timedelta(days=1)
    stmt = (select(Meeting)
            .where(Meeting.forum_id == forum.id, Meeting.status != MeetingStatus.cancelled,
                   Meeting.start_dt >= first, Meeting.start_dt < first + timedelta(days=368))
            .order_by(Meeting.start_dt))
    return [m for m in db.session.scalars(stmt)
            if meetings.local_day(forum, m.start_dt).year == year]


def proposal_for(forum: Forum, year: int, summer: bool | None = None) -> list[Proposal]:
    """Return what the plan proposes for YEAR around the meetings the forum already has."""
    pattern, existing = pattern_for(forum), meetings_in(forum, year)
    days = {meetings.local_day(forum, m.start_dt) for m in existing}
    return propose(
        year, pattern, pattern.summer if summer is None else summer, taken=days,
        planned_quarters={meetings.quarter_of(meetings.local_day(forum, m.start_dt))
                          for m in existing if m.kind is MeetingKind.regular},
        summer_planned=any(m.kind is MeetingKind.summer for m in existing),
    )


def confirm(forum: Forum, rows: list[Proposal], location: str | None,
            actor: str = "system") -> list[Meeting]:
    """Create the meetings ROWS describe; refuse any that shares a day with another meeting."""
    zone = ZoneInfo(forum.timezone)
    years = {row.day.year for row in rows}
    taken = {meetings.local_day(forum, m.start_dt) for y in years for m in meetings_in(forum, y)}
    created = []
    for row in sorted(rows, key=lambda r: r.day):
        if row.day in taken:
            raise ServiceError(_l("There is already a meeting on %(day)s.",
                                  day=format_date(row.day, "long")))
        taken.add(row.day)
        start, end = datetime.combine(row.day, row.start, zone), datetime.combine(
            row.day, row.end, zone)
        created.append(meetings.create_meeting(forum, start, end, location, row.kind,
                                               actor=actor))
    return created


# --- the demo forum --------------------------------------------------------------------

DEMO_LOCATION = "Mændenes Hjem, Lille Istedgade 2, 1706 København V"
#: Fictional members who held the demo's seats before today's holders: 63 distinct names.
FORMER_FIRST = ["Kirsten", "Poul", "Grethe", "Finn", "Inge", "Kurt", "Bente", "Preben", "Jytte"]
FORMER_LAST = ["Holm", "Dahl", "Bach", "Skov", "Lund", "Krog", "Bruun"]


def _demo_predecessors(forum: Forum, since: date, today: date) -> None:
    """Fill each seat from SINCE until its holders came; the vacant seat's member left lately."""
    domain = forum.sender_address.partition("@")[2]
    for n, holding in enumerate(roster.holdings(forum, today)):
        first = holding.member.starts_on if holding.member else None
        if first is not None and first <= since:
            continue
        last, reason = (first - timedelta(days=1), "replaced") if first else (
            today - timedelta(days=45), "moved away")
        roles = [MandateRole.member] + ([MandateRole.alternate] if holding.alternate else [])
        organisation = holding.member.person.organisation if holding.member else None
        for role in roles:
            number = 2 * n + (role is MandateRole.alternate)
            name = (f"{FORMER_FIRST[number % len(FORMER_FIRST)]} "
                    f"{FORMER_LAST[number // len(FORMER_FIRST) % len(FORMER_LAST)]}")
            person = roster.add_person(forum, name, f"tidligere.{number}@{domain}",
                                       organisation=organisation)
            mandate = roster.appoint(holding.seat, person, since, role=role, actor="demo")
            roster.end_mandate(mandate, last, reason, actor="demo")


def seed_demo_rules(forum: Forum, today: date | None = None) -> list[Meeting]:
    """Give the demo forum its pattern, and last year's meetings and this year's before TODAY,
    held, answered and minuted."""
    today = today or date.today()
    year = today.year - 1
    save_pattern(forum, replace(pattern_for(forum), location=DEMO_LOCATION))
    _demo_predecessors(forum, date(year, 1, 1), today)
    rng = random.Random(2022)  # fixed: the same demo every time
    rows = proposal_for(forum, year, summer=True) + [
        row for row in proposal_for(forum, today.year, summer=True) if row.day < today]
    held = confirm(forum, rows, DEMO_LOCATION, actor="demo")
    for meeting in held:
        topics = ([archive.SUMMER_TOPIC] if meeting.kind is MeetingKind.summer
                  else rng.sample(archive.DEMO_TOPICS, 2))
        archive.hold_demo_meeting(meeting, rng, topics)
    return held
