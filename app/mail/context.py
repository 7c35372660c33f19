"""Plain data the pipeline needs to understand one inbound mail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class InvitationRef:
    """One invitation as the matcher sees it."""

    id: int
    email: str  # the invited person's address, lowercase
    meeting_uid: str  # iCalendar UID of the meeting
    status: str  # pending/accepted/declined/tentative/replaced


@dataclass(frozen=True)
class MailContext:
    """What the app knows when a mail arrives."""

    # Production passes lazy DB-backed mappings: use only .get(), [] and `in`, never iterate.

    sender_address: str
    agenda_address: str
    own_addresses: frozenset[str]
    token_secret: bytes
    invitations: Mapping[int, InvitationRef] = field(default_factory=dict)
    message_ids: Mapping[str, int] = field(default_factory=dict)
    uid_attendees: Mapping[tuple[str, str], int] = field(default_factory=dict)
    open_invitations: Mapping[str, Sequence[int]] = field(default_factory=dict)
