"""The forum, its seats, the people who hold them and their mandates."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, enum_column, utcnow


class Forum(Base):
    """A standing committee: the unit everything else belongs to."""

    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: Invitations and minutes come from here; replies come back here.
    sender_address: Mapped[str] = mapped_column(String(254))
    sender_name: Mapped[str | None] = mapped_column(String(200))
    #: Mail to this address becomes a pending agenda item.
    agenda_address: Mapped[str] = mapped_column(String(254))
    #: The secretary's own mailbox, for notices that need a person.
    secretary_address: Mapped[str | None] = mapped_column(String(254))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    language: Mapped[str] = mapped_column(String(8), default="da")
    meeting_minutes: Mapped[int] = mapped_column(Integer, default=120)
    #: Exchange Online accepts 30 messages a minute from one mailbox.
    send_per_minute: Mapped[int] = mapped_column(Integer, default=30)
    #: Days before a meeting: the reminder to those who have not answered, and the final
    #: agenda; None: the installation's REMINDER_DAYS and FINAL_AGENDA_DAYS.
    reminder_days: Mapped[int | None] = mapped_column(Integer)
    final_agenda_days: Mapped[int | None] = mapped_column(Integer)
    #: How long mail's own bytes are kept (GDPR): after that only who, when, what and why
    #: stay (app.privacy.retention); audit events go after audit_retention_years.
    inbound_retention_days: Mapped[int] = mapped_column(Integer, default=90,
                                                        server_default="90")
    outbound_retention_days: Mapped[int] = mapped_column(Integer, default=90,
                                                         server_default="90")
    audit_retention_years: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Archived: read-only history; no mail is read or sent for it, no rules run.
    archived_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    seats: Mapped[list[Seat]] = relationship(
        back_populates="forum", order_by="Seat.position", cascade="all, delete-orphan"
    )
    people: Mapped[list[Person]] = relationship(
        back_populates="forum", order_by="Person.name", cascade="all, delete-orphan"
    )
    appointing_bodies: Mapped[list[AppointingBody]] = relationship(
        back_populates="forum", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Forum {self.slug}>"


class AppointingBody(Base):
    """Who fills a seat, and whom to tell when it falls vacant."""

    __tablename__ = "appointing_bodies"
    __table_args__ = (UniqueConstraint("forum_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    contact_name: Mapped[str | None] = mapped_column(String(200))

    forum: Mapped[Forum] = relationship(back_populates="appointing_bodies")


class SeatKind(enum.Enum):
    """What kind of seat: an organisation's, a neighbour's, or the secretary's."""

    organisation = "organisation"
    neighbour = "neighbour"
    secretary = "secretary"


class Seat(Base):
    """A place at the table, held by one member at a time."""

    __tablename__ = "seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SeatKind] = mapped_column(enum_column(SeatKind))
    label: Mapped[str] = mapped_column(String(200))
    appointing_body_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointing_bodies.id", ondelete="SET NULL")
    )
    #: Length of a term in months; None for seats without terms (organisations).
    term_months: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_on: Mapped[date | None]
    #: A seat the forum has abolished keeps its history but is no longer shown.
    abolished_on: Mapped[date | None]

    forum: Mapped[Forum] = relationship(back_populates="seats")
    appointing_body: Mapped[AppointingBody | None] = relationship()
    mandates: Mapped[list[Mandate]] = relationship(
        back_populates="seat", order_by="Mandate.starts_on", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Seat {self.label!r}>"


class Person(Base):
    """Someone the forum writes to: member, alternate, guest or submitter."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("forum_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Stored lowercase so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: None: the forum's language.
    language: Mapped[str | None] = mapped_column(String(8))
    #: Set when mail to this address bounces; no more confirmations go there.
    bouncing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bounce_reason: Mapped[str | None] = mapped_column(Text)

    forum: Mapped[Forum] = relationship(back_populates="people")
    mandates: Mapped[list[Mandate]] = relationship(back_populates="person")

    @property
    def is_bouncing(self) -> bool:
        """Tell whether mail to this person currently bounces."""
        return self.bouncing_since is not None

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


class MandateRole(enum.Enum):
    """Whether a mandate makes its holder the member or the alternate of a seat."""

    member = "member"
    alternate = "alternate"


class Mandate(Base):
    """A person holds a seat, as member or alternate, for a span of days.

    History is kept: a mandate is ended, never overwritten, and a
    re-appointment is a new mandate.
    """

    __tablename__ = "mandates"

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("seats.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MandateRole] = mapped_column(enum_column(MandateRole))
    starts_on: Mapped[date]
    #: The last day of the term as appointed; None for open-ended mandates.
    term_ends_on: Mapped[date | None]
    #: The last day actually served, when the mandate ended before its term.
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    seat: Mapped[Seat] = relationship(back_populates="mandates")
    person: Mapped[Person] = relationship(back_populates="mandates")

    @property
    def last_day(self) -> date | None:
        """Return the last day of the mandate, or None when it has no end."""
        days = [d for d in (self.term_ends_on, self.ended_on) if d is not None]
        return min(days) if days else None

    def is_active_on(self, day: date) -> bool:
        """Tell whether the mandate is in force on DAY."""
        last = self.last_day
        return self.starts_on <= day and (last is None or day <= last)

    def __repr__(self) -> str:
        return f"<Mandate {self.role.value} seat={self.seat_id} person={self.person_id}>"
