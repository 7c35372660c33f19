"""The forum's own mailbox: where it reads and sends, how it logs in, and how it is doing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, backref, deferred, mapped_column, relationship

from app.mail.accounts.providers import PASSWORD, get_provider
from app.models.base import Base, UTCDateTime, utcnow
from app.models.forum import Forum


class MailAccount(Base):
    """One forum's mailbox; a forum without one reads and sends as the installation does."""

    __tablename__ = "mail_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(
        ForeignKey("forums.id", ondelete="CASCADE"), unique=True
    )
    #: The mailbox, and the user an OAuth login names.
    address: Mapped[str] = mapped_column(String(254))
    #: A name of app.mail.accounts.providers.PROVIDERS.
    provider: Mapped[str] = mapped_column(String(32), default=PASSWORD)
    #: The login for a password account, when it is not the address.
    username: Mapped[str | None] = mapped_column(String(254))
    imap_host: Mapped[str] = mapped_column(String(255))
    imap_port: Mapped[int] = mapped_column(Integer, default=993)
    imap_tls: Mapped[str] = mapped_column(String(16), default="ssl")
    smtp_host: Mapped[str] = mapped_column(String(255))
    smtp_port: Mapped[int] = mapped_column(Integer, default=587)
    smtp_tls: Mapped[str] = mapped_column(String(16), default="starttls")
    #: The folders read, in order; handled mail moves to processed_folder.
    folders: Mapped[list] = mapped_column(JSON, default=lambda: ["INBOX"])
    processed_folder: Mapped[str] = mapped_column(String(255), default="Processed")
    #: Entra ID tenant (a GUID or domain) and the app's client id.
    tenant: Mapped[str | None] = mapped_column(String(255))
    client_id: Mapped[str | None] = mapped_column(String(255))
    #: authserv-ids whose Authentication-Results this mailbox's server writes.
    authserv_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: password, client secret, certificate, service account: sealed by
    #: app.mail.accounts.credentials with the installation's key, never shown again.
    secrets: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: Kept apart from the rest: it rotates at every renewal and is saved at once.
    refresh_token: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: When the client secret runs out, as Entra ID shows it: the page warns ahead.
    secret_expires_on: Mapped[date | None] = mapped_column(Date)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: What the page shows: the last good login, the last mail read, the last error.
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Since when it has failed without a good login between; the secretary is told
    #: once (failure_notified_dt) when that lasts FAILING_NOTICE_MINUTES.
    failing_since_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_notified_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last "test the connection": {"imap": ..., "smtp": ..., "ok": bool}, in Danish.
    last_check: Mapped[dict | None] = mapped_column(JSON)
    last_check_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Grows with every saved change of settings or secrets: workers holding an older
    #: version log in afresh, and cached tokens of it are dropped.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    forum: Mapped[Forum] = relationship(backref=backref("mail_account", uselist=False))

    @property
    def uses_oauth(self) -> bool:
        """Tell whether this mailbox logs in with OAuth 2.0 (XOAUTH2)."""
        return get_provider(self.provider).uses_oauth

    def failing_for(self, now: datetime) -> float:
        """Return how many minutes the mailbox has failed without a good login (0: it works)."""
        if self.failing_since_dt is None:
            return 0.0
        return (now - self.failing_since_dt).total_seconds() / 60

    @property
    def login(self) -> str:
        """Return the user named at login."""
        return self.username or self.address

    def __repr__(self) -> str:
        return f"<MailAccount {self.address} {self.provider}>"
