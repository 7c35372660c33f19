"""The mail ledger: every message in and out, and the IMAP worker's place."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.models.base import Base, UTCDateTime, enum_column, utcnow


class InboundState(enum.Enum):
    """What became of an inbound message; every message ends in one of these."""

    received = "received"
    applied = "applied"
    review = "review"
    quarantined = "quarantined"
    ignored = "ignored"


class InboundMessage(Base):
    """One received message, kept raw so it can be decided again after a fix."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None while the message cannot be tied to a forum.
    forum_id: Mapped[int | None] = mapped_column(
        ForeignKey("forums.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    #: SHA-256 of the raw bytes: the same message fetched twice is stored once.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    mailbox: Mapped[str | None] = mapped_column(String(255))
    imap_uid: Mapped[int | None] = mapped_column(BigInteger)
    imap_uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    sender: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(32))
    rsvp: Mapped[str | None] = mapped_column(String(16))
    #: The HTML body as sanitised once at intake (app.services.htmlbody), shown as is;
    #: "" when the message has none, None when it was stored before intake made it.
    html: Mapped[str | None] = deferred(mapped_column(Text))
    #: Why the HTML shown is less than the message's ("too_deep", "too_large"), or None.
    html_note: Mapped[str | None] = mapped_column(String(32))
    #: The readable text body as found at intake (at most TEXT_MAX characters), shown on
    #: the Post page; None when stored before intake kept it.
    text_body: Mapped[str | None] = deferred(mapped_column(Text))
    #: The attached files as found at intake, in order: [{"filename", "content_type",
    #: "size"}]; the bytes stay in the raw message.
    attachments: Mapped[list | None] = mapped_column(JSON)
    #: The pipeline's decision as JSON, for the secretary and `flask mail explain`.
    decision: Mapped[dict | None] = mapped_column(JSON)
    state: Mapped[InboundState] = mapped_column(
        enum_column(InboundState), default=InboundState.received, index=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    received_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its bytes and bodies were purged by the forum's retention period.
    purged_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboundState(enum.Enum):
    """Where an outgoing message is."""

    queued = "queued"
    sent = "sent"
    failed = "failed"


class OutboundMessage(Base):
    """One outgoing message: recorded before it is sent, marked after."""

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    #: What makes this message unique, so a retried job never sends it twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(Text)
    #: The message as composed: a retry or a resend sends exactly these bytes.
    raw: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    state: Mapped[OutboundState] = mapped_column(
        enum_column(OutboundState), default=OutboundState.queued, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its bytes were purged by the forum's retention period.
    purged_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailboxState(Base):
    """How far the IMAP worker has read one mailbox."""

    __tablename__ = "mailbox_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: account/folder, e.g. "sekretariat@samarbejdsforum.test/INBOX".
    name: Mapped[str] = mapped_column(String(255), unique=True)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# The raw mail is most of the ledger's bytes, and PostgreSQL compresses every value
# over 2 kB of it as it is written. LZ4 does that at a fraction of the default pglz's
# cost (a meeting's 20 invitations are stored in a third less time); a server built
# without it keeps pglz. Migration 0016 does the same for an upgraded database.
_LZ4 = DDL("""DO $$ BEGIN
    ALTER TABLE %(table)s ALTER COLUMN raw SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$""")

for _table in (InboundMessage.__table__, OutboundMessage.__table__):
    event.listen(_table, "after_create", _LZ4.execute_if(dialect="postgresql"))
