"""Agenda items and their attachments."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.models.base import Base, UTCDateTime, enum_column, utcnow
from app.models.forum import Forum, Person
from app.models.meetings import Meeting


class AgendaStatus(enum.Enum):
    """The secretary's decision on an item."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    deferred = "deferred"


class AgendaKind(enum.Enum):
    """What the item asks of the forum."""

    topic = "topic"
    seat_request = "seat_request"


class AgendaItem(Base):
    """A topic any party brings to the forum."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    #: None until the secretary schedules it.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[AgendaKind] = mapped_column(enum_column(AgendaKind), default=AgendaKind.topic)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    #: The submitter's address when they are not one of the forum's people.
    submitter_address: Mapped[str | None] = mapped_column(String(254))
    submitter_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[AgendaStatus] = mapped_column(
        enum_column(AgendaStatus), default=AgendaStatus.pending, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    decision_note: Mapped[str | None] = mapped_column(Text)
    inbound_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_messages.id", ondelete="SET NULL")
    )
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    forum: Mapped[Forum] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    submitter: Mapped[Person | None] = relationship()
    attachments: Mapped[list[AgendaAttachment]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )


class AgendaAttachment(Base):
    """A file that came with an agenda item."""

    __tablename__ = "agenda_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    #: Deferred: lists of items never load the files themselves.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))

    item: Mapped[AgendaItem] = relationship(back_populates="attachments")
