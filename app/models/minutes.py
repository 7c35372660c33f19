"""Minutes (referat) of a meeting: sections for the agenda items and free ones, attendance."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, enum_column, utcnow
from app.models.forum import Person
from app.models.meetings import Meeting


class MinutesStatus(enum.Enum):
    """Where the minutes are in their life."""

    draft = "draft"
    approved = "approved"
    sent = "sent"


class Minutes(Base):
    """The minutes of one meeting."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[MinutesStatus] = mapped_column(
        enum_column(MinutesStatus), default=MinutesStatus.draft
    )
    #: Who came, who sent apologies, which alternates stood in: recomputed from the
    #: answers and the marks below on every save until the minutes are approved.
    attendance: Mapped[str] = mapped_column(Text, default="")
    #: The secretary's own lines after the attendance (e.g. others who came).
    attendance_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    approved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    sections: Mapped[list[MinutesSection]] = relationship(
        back_populates="minutes", order_by="MinutesSection.position", cascade="all, delete-orphan"
    )
    presences: Mapped[list[MinutesPresence]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan"
    )


class SectionKind(enum.Enum):
    """Where a section of the minutes comes from."""

    #: An approved agenda item.
    item = "item"
    #: An item taken up on the day: numbered after the agenda's items.
    added = "added"
    #: A free, unnumbered section such as "Meddelelser" or "Eventuelt".
    free = "free"


class MinutesSection(Base):
    """What was said and decided under one agenda item."""

    __tablename__ = "minutes_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    heading: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[SectionKind] = mapped_column(
        enum_column(SectionKind), default=SectionKind.item, server_default="item"
    )

    minutes: Mapped[Minutes] = relationship(back_populates="sections")


class MinutesPresence(Base):
    """The secretary's word on whether one person came, where it differs from their answer."""

    __tablename__ = "minutes_presences"
    __table_args__ = (UniqueConstraint("minutes_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(Boolean)

    minutes: Mapped[Minutes] = relationship(back_populates="presences")
    person: Mapped[Person] = relationship()
