"""What the pipeline decided about one mail, with its reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .reasons import as_data

KINDS = ("rsvp", "agenda_item", "bounce", "auto_reply", "unknown")
ANSWERS = ("accepted", "declined", "tentative")


@dataclass(frozen=True)
class Attachment:
    """A file carried by a mail."""

    filename: str
    content_type: str
    data: bytes

    def to_dict(self) -> dict[str, Any]:
        """Describe the file without its bytes."""
        return {"filename": self.filename, "content_type": self.content_type,
                "size": len(self.data)}


@dataclass
class AgendaDraft:
    """An issue someone sent (or forwarded) to the agenda address."""

    original_sender: str = ""
    original_sender_name: str = ""
    original_subject: str = ""
    original_date: str | datetime | None = None
    body: str = ""
    note: str = ""  # the forwarder's own words above the forwarded mail
    attachments: list[Attachment] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-safe data."""
        date = self.original_date
        return {
            "original_sender": self.original_sender,
            "original_sender_name": self.original_sender_name,
            "original_subject": self.original_subject,
            "original_date": date.isoformat() if isinstance(date, datetime) else date,
            "body": self.body,
            "note": self.note,
            "attachments": [a.to_dict() for a in self.attachments],
        }


@dataclass
class Decision:
    """The outcome for one mail: a kind, the details found, and why."""

    kind: str = "unknown"
    rsvp: str | None = None
    invitation_id: int | None = None
    matched_by: str | None = None  # token, in-reply-to, itip, sender
    needs_review: bool = False
    reasons: list[str] = field(default_factory=list)
    via: str | None = None  # mail or calendar, for rsvp
    comment: str = ""
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    bounced_recipients: list[str] = field(default_factory=list)
    agenda: AgendaDraft | None = None
    error: str | None = None
    proposal: dict[str, str | None] | None = None  # a COUNTER's {"start", "end"}, ISO UTC

    def review(self, reason: str) -> Decision:
        """Flag the decision for a person to look at, saying why."""
        self.needs_review = True
        self.reasons.append(reason)
        return self

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-safe data: no bytes, attachments as name/type/size."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["reasons"] = [as_data(r) for r in self.reasons]
        out["bounced_recipients"] = list(self.bounced_recipients)
        out["agenda"] = self.agenda.to_dict() if self.agenda else None
        out["proposal"] = dict(self.proposal) if self.proposal else None
        return out
