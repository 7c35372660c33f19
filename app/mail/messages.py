"""Plain input records for composing outbound mail: no ORM objects cross this line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from typing import Literal, NamedTuple

Role = Literal["member", "alternate", "guest"]
Answer = Literal["accepted", "declined", "tentative"]


@dataclass(frozen=True, slots=True)
class ForumInfo:
    """The forum as a mail sender."""

    name: str
    sender_address: str
    sender_name: str
    agenda_address: str
    # Domain for Message-IDs; empty means the domain of sender_address.
    domain: str = ""
    # Public root of the web app, for one-click answer links; empty means no link.
    base_url: str = ""
    timezone: str = "Europe/Copenhagen"
    language: str = "da"

    @property
    def msgid_domain(self) -> str:
        """Return the domain to put in Message-IDs."""
        return self.domain or self.sender_address.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class AgendaLine:
    """One approved agenda item."""

    position: int
    title: str
    summary: str = ""


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    """One meeting as the calendar sees it; start and end are aware datetimes."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    location: str
    title: str
    kind: str = "ordinary"
    agenda: Sequence[AgendaLine] = ()
    status: str = "confirmed"

    def __post_init__(self) -> None:
        """Refuse naive or reversed times, which would put the meeting at the wrong hour."""
        # A tuple keeps the record hashable, so a meeting can key the calendar cache.
        object.__setattr__(self, "agenda", tuple(self.agenda))
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("meeting start and end must be timezone-aware")
        if self.end < self.start:
            raise ValueError("meeting end is before its start")


@dataclass(frozen=True, slots=True)
class RecipientInfo:
    """One person a mail goes to."""

    name: str
    email: str
    language: str | None = None
    role: Role = "member"
    seat_label: str = ""
    # For an alternate: the name of the member they stand in for.
    stands_in_for: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message ready for the ledger and the wire."""

    message_id: str  # without the angle brackets, as the ledger keeps it
    recipient: str  # the one address it goes to, lowercased
    subject: str
    raw: bytes  # CRLF line ends, as sent

    @classmethod
    def of(cls, message: EmailMessage) -> Outgoing:
        """Return the composed MESSAGE, serialised for SMTP."""
        return cls(
            message_id=message["Message-ID"].strip().strip("<>"),
            recipient=message["To"].addresses[0].addr_spec.lower(),
            subject=str(message["Subject"]),
            raw=message.as_bytes(policy=SMTP),
        )


class Attachment(NamedTuple):
    """A file to attach: a plain (filename, content_type, data) tuple works too."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class MinutesItem:
    """The minutes of one agenda item, or of a free section (no number)."""

    position: int | None
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class MinutesInfo:
    """The minutes (referat) of one meeting."""

    items: Sequence[MinutesItem]
    attendance: Sequence[str] = ()
    attachments: Sequence[Attachment] = field(default_factory=tuple)
