"""Meetings, the invitations to them, and the guest lists they invite."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, enum_column, utcnow
from app.models.forum import Forum, Person, Seat


class MeetingKind(enum.Enum):
    """Why the meeting is held."""

    regular = "regular"
    summer = "summer"
    extraordinary = "extraordinary"


class MeetingStatus(enum.Enum):
    """Where a meeting is in its life."""

    planned = "planned"
    invited = "invited"
    held = "held"
    minutes_sent = "minutes_sent"
    cancelled = "cancelled"


meeting_guest_lists = Table(
    "meeting_guest_lists",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("guest_list_id", ForeignKey("guest_lists.id", ondelete="CASCADE"), primary_key=True),
)


class GuestList(Base):
    """People invited as guests to some meetings, e.g. Socialudvalget."""

    __tablename__ = "guest_lists"
    __table_args__ = (UniqueConstraint("forum_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Quarters whose meetings invite this list automatically, e.g. "1,3".
    invite_quarters: Mapped[str | None] = mapped_column(String(16))

    forum: Mapped[Forum] = relationship()
    members: Mapped[list[GuestListMember]] = relationship(
        back_populates="guest_list", cascade="all, delete-orphan"
    )

    @property
    def quarters(self) -> set[int]:
        """Return the quarters whose meetings invite this list."""
        return {int(q) for q in (self.invite_quarters or "").split(",") if q.strip()}


class GuestListMember(Base):
    """A person on a guest list."""

    __tablename__ = "guest_list_members"
    __table_args__ = (UniqueConstraint("guest_list_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guest_list_id: Mapped[int] = mapped_column(
        ForeignKey("guest_lists.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))

    guest_list: Mapped[GuestList] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class Meeting(Base):
    """One meeting of the forum."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.planned
    )
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(300))
    #: Stable across updates so calendars replace the event instead of adding one.
    ical_uid: Mapped[str] = mapped_column(String(255), unique=True)
    #: iCalendar SEQUENCE: grows with every change of time or place.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    forum: Mapped[Forum] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    guest_lists: Mapped[list[GuestList]] = relationship(secondary=meeting_guest_lists)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.start_dt:%Y-%m-%d}>"


class InvitationRole(enum.Enum):
    """In which capacity someone is invited."""

    member = "member"
    alternate = "alternate"
    guest = "guest"


class InvitationStatus(enum.Enum):
    """The invitee's answer, or what became of the invitation."""

    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    tentative = "tentative"
    #: An alternate's invitation withdrawn because the member will come after all.
    replaced = "replaced"


class AnswerChannel(enum.Enum):
    """How an answer reached us."""

    mail = "mail"
    calendar = "calendar"
    link = "link"
    secretary = "secretary"


class Invitation(Base):
    """One person invited to one meeting, with their answer."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: The seat a member or alternate attends for; None for guests.
    seat_id: Mapped[int | None] = mapped_column(ForeignKey("seats.id", ondelete="SET NULL"))
    role: Mapped[InvitationRole] = mapped_column(enum_column(InvitationRole))
    #: Signed reply token; set once the id is known.
    reply_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus), default=InvitationStatus.pending
    )
    answered_via: Mapped[AnswerChannel | None] = mapped_column(enum_column(AnswerChannel))
    answered_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The meeting's start when the answer was given: once the meeting moves, the
    #: answer was to the old time (the update asks again).
    answered_start_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    #: How often this (alternate's) invitation was withdrawn: each withdrawal is a CANCEL,
    #: and the next invitation must outrank it (see app.services.notify).
    releases: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: For an alternate: the member's invitation this one stands in for.
    stands_in_for_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    person: Mapped[Person] = relationship()
    seat: Mapped[Seat | None] = relationship()
    stands_in_for: Mapped[Invitation | None] = relationship(remote_side=[id])

    @property
    def answered_old_time(self) -> bool:
        """Say whether the answer was given to a start time the meeting has left."""
        return (self.answered_start_dt is not None
                and self.answered_start_dt != self.meeting.start_dt)

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.role.value} {self.status.value}>"
