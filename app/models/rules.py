"""The forum's own rules: its meeting pattern, its vacancies, its decisions on seat requests."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.agenda import AgendaItem
from app.models.base import Base, UTCDateTime, utcnow
from app.models.forum import Forum, Mandate, Seat


class PlanPattern(Base):
    """When the forum's regular meetings fall: "second Tuesday of the quarter's middle month"."""

    __tablename__ = "plan_patterns"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(
        ForeignKey("forums.id", ondelete="CASCADE"), unique=True
    )
    #: 0 = Monday … 6 = Sunday.
    weekday: Mapped[int] = mapped_column(Integer, default=1)
    #: Which of those weekdays in the month: 1–4, or -1 for the last.
    ordinal: Mapped[int] = mapped_column(Integer, default=2)
    #: Which month of the quarter: 1–3 (2: February, May, August, November).
    month_in_quarter: Mapped[int] = mapped_column(Integer, default=2)
    start_time: Mapped[time] = mapped_column(Time, default=time(16))
    location: Mapped[str | None] = mapped_column(String(300))
    #: Whether the June meeting on summer activities is proposed unless switched off.
    summer: Mapped[bool] = mapped_column(Boolean, default=True)

    forum: Mapped[Forum] = relationship()


class SeatVacancy(Base):
    """A span of days in which a seat had no member, and when its appointer was told."""

    __tablename__ = "seat_vacancies"
    __table_args__ = (UniqueConstraint("seat_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("seats.id", ondelete="CASCADE"), index=True)
    #: The first day without a member.
    starts_on: Mapped[date]
    #: The day the appointing body was first told; reminders follow monthly.
    noticed_on: Mapped[date | None]
    #: The day a new member took the seat (or the seat was abolished).
    filled_on: Mapped[date | None]

    seat: Mapped[Seat] = relationship()


class SeatRequestDecision(Base):
    """The forum's decision on a request for a seat, taken at a meeting."""

    __tablename__ = "seat_request_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), unique=True
    )
    approved: Mapped[bool] = mapped_column(Boolean)
    #: The seat an approval created, and its first mandate.
    seat_id: Mapped[int | None] = mapped_column(ForeignKey("seats.id", ondelete="SET NULL"))
    mandate_id: Mapped[int | None] = mapped_column(
        ForeignKey("mandates.id", ondelete="SET NULL")
    )
    decided_on: Mapped[date]
    actor: Mapped[str] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship()
    seat: Mapped[Seat | None] = relationship()
    mandate: Mapped[Mandate | None] = relationship()
