"""Minutes (referat) of a meeting, one section per agenda item."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, enum_column, utcnow
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
    #: Who came, who sent apologies, which alternates stood in.
    attendance: Mapped[str] = mapped_column(Text, default="")
    approved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    sections: Mapped[list[MinutesSection]] = relationship(
        back_populates="minutes", order_by="MinutesSection.position", cascade="all, delete-orphan"
    )


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

    minutes: Mapped[Minutes] = relationship(back_populates="sections")
