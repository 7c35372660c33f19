"""Save a forum's mailbox settings: provider defaults filled in, secrets sealed and write-only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.mail.accounts.credentials import SECRET_FIELDS
from app.mail.accounts.providers import (
    GOOGLE_OAUTH,
    GOOGLE_SERVICE_ACCOUNT,
    MICROSOFT365,
    MICROSOFT365_DELEGATED,
    PASSWORD,
    PROVIDERS,
)
from app.models import Forum, MailAccount, utcnow
from app.services import audit
from app.services.errors import ServiceError
from app.services.mailaccounts.vault import vault

#: What each provider cannot do without, beyond the address: (field, what to say).
_REQUIRED = {
    PASSWORD: (("password", _l("Type the mailbox's password or app password.")),),
    MICROSOFT365: (
        ("tenant", _l("Type the Entra ID tenant (its id or domain).")),
        ("client_id", _l("Type the app's client id from Entra ID.")),
        ("client_secret|certificate_pem",
         _l("Type the app's client secret, or paste its certificate.")),
    ),
    MICROSOFT365_DELEGATED: (
        ("client_id", _l("Type the app's client id from Entra ID.")),
        ("client_secret|certificate_pem",
         _l("Type the app's client secret, or paste its certificate.")),
    ),
    GOOGLE_SERVICE_ACCOUNT: (
        ("service_account_json", _l("Paste the service account's JSON key.")),
    ),
    GOOGLE_OAUTH: (
        ("client_id", _l("Type the OAuth client's id.")),
        ("client_secret", _l("Type the OAuth client's secret.")),
        ("refresh_token", _l("Paste the refresh token.")),
    ),
}
#: Tenants that name no organisation: app-only tokens need the organisation's own.
_SHARED_TENANTS = {"", "organizations", "common", "consumers"}


@dataclass
class AccountForm:
    """The settings as the page sends them; empty secrets keep the stored ones."""

    address: str
    provider: str
    username: str = ""
    imap_host: str = ""
    imap_port: int | None = None
    imap_tls: str = ""
    smtp_host: str = ""
    smtp_port: int | None = None
    smtp_tls: str = ""
    folders: list[str] = field(default_factory=list)
    processed_folder: str = ""
    tenant: str = ""
    client_id: str = ""
    authserv_ids: list[str] = field(default_factory=list)
    secret_expires_on: date | None = None
    is_enabled: bool = True
    #: password, client_secret, certificate_pem, service_account_json, refresh_token.
    secrets: dict[str, str] = field(default_factory=dict)
    #: Secrets to forget.
    forget: set[str] = field(default_factory=set)


def account_of(forum: Forum) -> MailAccount | None:
    """Return FORUM's mail account, if it has one."""
    return db.session.scalars(select(MailAccount).filter_by(forum_id=forum.id)).first()


def stored_secrets(account: MailAccount | None) -> set[str]:
    """Return the names of the secrets ACCOUNT holds (never their values)."""
    if account is None:
        return set()
    names = set(vault().open(account.secrets))
    return names | ({"refresh_token"} if account.refresh_token else set())


def save(forum: Forum, form: AccountForm, actor: str = "system") -> MailAccount:
    """Create or change FORUM's mail account from FORM; raise ServiceError when incomplete."""
    provider = PROVIDERS.get(form.provider)
    if provider is None:
        raise ServiceError(_l("Choose how the mailbox logs in."))
    address = form.address.strip().lower()
    if "@" not in address or " " in address:
        raise ServiceError(_l("Type the mailbox's address."))
    account = account_of(forum)
    if account is None:
        account = MailAccount(forum_id=forum.id, version=0)
        db.session.add(account)
    secrets = _merged_secrets(account, form)
    refresh = _refresh_token(account, form)
    _check_complete(form, secrets, refresh)
    changed = _apply(account, form, address, provider)
    vault_ = vault()
    account.secrets = vault_.seal({k: v for k, v in secrets.items() if k in SECRET_FIELDS})
    if "refresh_token" in form.forget or form.secrets.get("refresh_token"):
        account.refresh_token = vault_.seal_text(refresh)
    account.version = (account.version or 0) + 1
    account.updated_dt = utcnow()
    db.session.flush()
    audit.record(forum.id, actor, "mail_account", account, provider=provider.name,
                 changed=sorted(changed), secrets=sorted(_named(form)))
    return account


def _merged_secrets(account: MailAccount, form: AccountForm) -> dict[str, str]:
    """Return the stored secrets with FORM's new ones over them and forgotten ones out."""
    secrets = vault().open(account.secrets) if account.secrets else {}
    for name in form.forget:
        secrets.pop(name, None)
    for name in SECRET_FIELDS:
        value = (form.secrets.get(name) or "").strip()
        if value:
            secrets[name] = value
    return secrets


def _refresh_token(account: MailAccount, form: AccountForm) -> str:
    """Return the refresh token the account will hold after FORM."""
    typed = (form.secrets.get("refresh_token") or "").strip()
    if typed:
        return typed
    if "refresh_token" in form.forget or not account.refresh_token:
        return ""
    return vault().open_text(account.refresh_token)


def _check_complete(form: AccountForm, secrets: Mapping[str, str], refresh: str) -> None:
    """Raise ServiceError naming the first thing the provider needs and FORM lacks."""
    have = {**secrets, "refresh_token": refresh, "tenant": form.tenant.strip(),
            "client_id": form.client_id.strip()}
    for needed, message in _REQUIRED[form.provider]:
        if not any(have.get(name) for name in needed.split("|")):
            raise ServiceError(message)
    if form.provider == MICROSOFT365 and form.tenant.strip().lower() in _SHARED_TENANTS:
        raise ServiceError(_l("App-only access needs the organisation's own tenant, "
                              "not %(tenant)s.", tenant=form.tenant or "organizations"))


def _apply(account: MailAccount, form: AccountForm, address: str, provider) -> set[str]:
    """Copy FORM's plain settings onto ACCOUNT, defaults for blanks; return what changed."""
    values = {
        "address": address,
        "provider": provider.name,
        "username": form.username.strip() or None,
        "imap_host": form.imap_host.strip() or provider.imap.host,
        "imap_port": form.imap_port or provider.imap.port,
        "imap_tls": form.imap_tls or provider.imap.tls.value,
        "smtp_host": form.smtp_host.strip() or provider.smtp.host,
        "smtp_port": form.smtp_port or provider.smtp.port,
        "smtp_tls": form.smtp_tls or provider.smtp.tls.value,
        "folders": _clean_list(form.folders) or ["INBOX"],
        "processed_folder": form.processed_folder.strip() or "Processed",
        "tenant": form.tenant.strip() or None,
        "client_id": form.client_id.strip() or None,
        "authserv_ids": [i.lower() for i in _clean_list(form.authserv_ids)],
        "secret_expires_on": form.secret_expires_on,
        "is_enabled": form.is_enabled,
    }
    if not values["imap_host"] or not values["smtp_host"]:
        raise ServiceError(_l("Type the IMAP and SMTP servers' names."))
    changed = {k for k, v in values.items() if getattr(account, k, None) != v}
    for key, value in values.items():
        setattr(account, key, value)
    return changed


def _clean_list(items: Iterable[str]) -> list[str]:
    """Return ITEMS stripped, without blanks or repeats, in order."""
    return list(dict.fromkeys(i.strip() for i in items if i and i.strip()))


def _named(form: AccountForm) -> set[str]:
    """Return the names (never the values) of the secrets FORM sets or forgets."""
    return {k for k, v in form.secrets.items() if v and v.strip()} | set(form.forget)
