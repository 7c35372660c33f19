"""A mail account as the IMAP worker and the sender use it: its login, with tokens cached.

Token sources live per process and per account version, so every job and every
IMAP reconnect of a worker reuses the token until it is due; a saved change of
the settings gives a new version and a new source.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import undefer

from app.extensions import db
from app.mail.accounts.providers import get_provider
from app.mail.accounts.tokens import TokenSettings, TokenSource
from app.models import Forum, MailAccount
from app.services.mailaccounts.vault import vault

_SOURCES: dict[int, tuple[int, TokenSource]] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Login:
    """How one side logs in: with a password, or with XOAUTH2 from a token source."""

    account_id: int
    version: int
    user: str
    password: str = ""
    tokens: TokenSource | None = None

    @property
    def uses_oauth(self) -> bool:
        """Tell whether this login is XOAUTH2."""
        return self.tokens is not None


def account_for(forum: Forum | int) -> MailAccount | None:
    """Return the enabled mail account of FORUM (or forum id), secrets loaded, or None."""
    forum_id = forum if isinstance(forum, int) else forum.id
    return sender_of(forum_id)[1]


def sender_of(forum_id: int) -> tuple[Forum | None, MailAccount | None]:
    """Return the forum FORUM_ID and its enabled mail account (secrets loaded), if any.

    One query: a sending job needs both before its first message.
    """
    row = db.session.execute(_SENDER_OF, {"forum_id": forum_id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


# Built once: every sending job asks, and building it with its options costs more
# than running it.
_SENDER_OF = (select(Forum, MailAccount)
              .outerjoin(MailAccount, (MailAccount.forum_id == Forum.id)
                         & MailAccount.is_enabled.is_(True))
              .where(Forum.id == bindparam("forum_id"))
              .options(undefer(MailAccount.secrets), undefer(MailAccount.refresh_token)))


def enabled_accounts() -> list[MailAccount]:
    """Return every enabled mail account, secrets loaded, in id order."""
    stmt = (select(MailAccount).filter_by(is_enabled=True).order_by(MailAccount.id)
            .options(undefer(MailAccount.secrets), undefer(MailAccount.refresh_token)))
    return list(db.session.scalars(stmt))


def login_for(account: MailAccount) -> Login:
    """Return ACCOUNT's login; an OAuth account's token source is shared per version."""
    provider = get_provider(account.provider)
    if not provider.uses_oauth:
        password = vault().open(account.secrets).get("password", "")
        return Login(account.id, account.version, account.login, password=password)
    return Login(account.id, account.version, account.address, tokens=token_source(account))


def token_source(account: MailAccount) -> TokenSource:
    """Return the token source of ACCOUNT's current version, made once per process."""
    with _LOCK:
        kept = _SOURCES.get(account.id)
        if kept is not None and kept[0] == account.version:
            return kept[1]
        app = current_app._get_current_object()
        source = TokenSource(token_settings(account),
                             on_refresh_token=_saver(app, account.id),
                             load_refresh_token=_loader(app, account.id))
        _SOURCES[account.id] = (account.version, source)
        return source


def token_settings(account: MailAccount) -> TokenSettings:
    """Return the settings a token source of ACCOUNT needs, secrets opened."""
    config, secrets = current_app.config, vault().open(account.secrets)
    return TokenSettings(
        provider=account.provider,
        address=account.address,
        tenant=account.tenant or "organizations",
        client_id=account.client_id or "",
        client_secret=secrets.get("client_secret", ""),
        certificate_pem=secrets.get("certificate_pem", ""),
        refresh_token=vault().open_text(account.refresh_token),
        service_account_json=secrets.get("service_account_json", ""),
        authority=config.get("OAUTH_AUTHORITY") or "",
        token_uri=config.get("OAUTH_TOKEN_URI") or "",
        ca_bundle=config.get("OAUTH_CA_BUNDLE") or "",
    )


def _saver(app, account_id: int):
    """Return the callback that saves a rotated refresh token at once, in its own commit."""
    def save(token: str) -> None:
        """Seal TOKEN and commit it before the access token it came with is used."""
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(update(MailAccount).where(MailAccount.id == account_id)
                         .values(refresh_token=vault().seal_text(token)))
    return save


def _loader(app, account_id: int):
    """Return the function that reads the latest saved refresh token of the account."""
    def load() -> str:
        """Return the refresh token saved last, by whichever process rotated it."""
        with app.app_context(), db.engine.connect() as conn:
            sealed = conn.scalar(select(MailAccount.refresh_token)
                                 .where(MailAccount.id == account_id))
            return vault().open_text(sealed)
    return load


def forget_sources() -> None:
    """Drop every cached token source (tests; a worker that reloads its settings)."""
    with _LOCK:
        _SOURCES.clear()
