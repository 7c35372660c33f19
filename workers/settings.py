"""The IMAP worker's settings, read from the app's configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ImapSettings:
    """Where to read mail and how patiently."""

    host: str
    username: str
    password: str = field(default="", repr=False)
    port: int = 143
    ssl: bool = False
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    #: More folders read after FOLDER (IDLE watches FOLDER; these are looked at in turn).
    more_folders: tuple[str, ...] = ()
    #: An OAuth mailbox: a TokenSource (app.mail.accounts.tokens) for XOAUTH2 logins.
    tokens: Any = field(default=None, repr=False, compare=False)
    #: The mail account whose mailbox this is (None: the installation's IMAP_* settings).
    account_id: int | None = None
    forum_id: int | None = None
    #: Log in afresh this long before the token expires: Exchange ends the session then.
    token_margin: float = 120.0
    #: Larger messages are recorded from their headers and never fetched whole.
    max_bytes: int = 25 * 1024 * 1024
    #: Without IDLE, look for new mail this often.
    poll_seconds: float = 30.0
    #: RFC 2177 allows 29 minutes, and NATs drop sooner; and a mail that lands in the instant
    #: between a search and the start of IDLE is never announced (Dovecot compares against
    #: the mailbox as IDLE began, seen in bench/mailboxes.py): a new look every minute.
    idle_seconds: float = 60.0
    #: Socket timeout of every command, so a dead peer is noticed.
    timeout: float = 60.0
    backoff_first: float = 1.0
    backoff_max: float = 60.0
    #: UIDs whose sizes are fetched at a time.
    chunk: int = 200
    #: Bytes of bodies fetched, stored and committed at a time.
    batch_bytes: int = 8 * 1024 * 1024

    @property
    def folders(self) -> tuple[str, ...]:
        """Return every folder read, the watched one first."""
        return (self.folder, *[f for f in self.more_folders if f != self.folder])

    @classmethod
    def from_config(cls, config: Mapping, **values) -> ImapSettings:
        """Return the settings in CONFIG (IMAP_* keys and MAIL_MAX_BYTES); VALUES win."""
        def get(key: str, default):
            """Return CONFIG[KEY] as the type of DEFAULT, or DEFAULT when unset."""
            value = config.get(key)
            return default if value is None else type(default)(value)

        mailbox = {} if values else {
            "host": config["IMAP_HOST"],
            "username": config.get("IMAP_USERNAME") or "",
            "password": config.get("IMAP_PASSWORD") or "",
            "port": get("IMAP_PORT", cls.port),
            "ssl": bool(config.get("IMAP_SSL")),
            "folder": get("IMAP_FOLDER", cls.folder),
            "processed_folder": get("IMAP_PROCESSED_FOLDER", cls.processed_folder),
        }
        return cls(
            **mailbox,
            max_bytes=get("MAIL_MAX_BYTES", cls.max_bytes),
            poll_seconds=get("IMAP_POLL_SECONDS", cls.poll_seconds),
            idle_seconds=get("IMAP_IDLE_SECONDS", cls.idle_seconds),
            timeout=get("IMAP_TIMEOUT", cls.timeout),
            backoff_first=get("IMAP_BACKOFF_FIRST", cls.backoff_first),
            backoff_max=get("IMAP_BACKOFF_MAX", cls.backoff_max),
            chunk=get("IMAP_CHUNK", cls.chunk),
            batch_bytes=get("IMAP_BATCH_BYTES", cls.batch_bytes),
            **values,
        )
