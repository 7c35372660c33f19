"""The kinds of mail account the forum can use, with their servers, scopes and labels.

A provider names how the forum's mailbox logs in: a password, or one of four OAuth 2.0
flows at Microsoft 365 or Google Workspace. The host defaults fill the settings form; IT
can override every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PASSWORD = "password"
MICROSOFT365 = "microsoft365"
MICROSOFT365_DELEGATED = "microsoft365_delegated"
GOOGLE_SERVICE_ACCOUNT = "google_service_account"
GOOGLE_OAUTH = "google_oauth"

#: Entra ID's authority for a tenant; tests and national clouds override it whole.
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com/{tenant}"
#: Google's token endpoint; tests override it.
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"


class TlsMode(StrEnum):
    """How a connection is protected."""

    SSL = "ssl"  # TLS from the first byte (IMAPS 993, SMTPS 465)
    STARTTLS = "starttls"  # plain greeting, then STARTTLS (SMTP submission 587)
    PLAIN = "plain"  # no TLS: only for servers on the same machine


class Flow(StrEnum):
    """How the account proves who it is."""

    PASSWORD = "password"  # LOGIN / AUTH PLAIN with a password or an app password
    CLIENT_CREDENTIALS = "client_credentials"  # the app itself, no user (app-only)
    AUTHORIZATION_CODE = "authorization_code"  # a person signs in once; refresh tokens after
    SERVICE_ACCOUNT = "service_account"  # Google domain-wide delegation, JWT-bearer grant
    REFRESH_TOKEN = "refresh_token"  # a refresh token obtained elsewhere


@dataclass(frozen=True)
class Endpoint:
    """Where one side (IMAP or SMTP) connects; host None means IT must type it."""

    host: str | None
    port: int
    tls: TlsMode


@dataclass(frozen=True)
class Provider:
    """One kind of mail account and its defaults."""

    name: str
    label_da: str
    label_en: str
    flow: Flow
    imap: Endpoint
    smtp: Endpoint
    #: OAuth scopes asked for; empty for passwords.
    scopes: tuple[str, ...] = ()

    @property
    def uses_oauth(self) -> bool:
        """Tell whether the account logs in with XOAUTH2 rather than a password."""
        return self.flow is not Flow.PASSWORD


_OUTLOOK = "https://outlook.office365.com"
_MS_IMAP = Endpoint("outlook.office365.com", 993, TlsMode.SSL)
_MS_SMTP = Endpoint("smtp.office365.com", 587, TlsMode.STARTTLS)
_GOOGLE_IMAP = Endpoint("imap.gmail.com", 993, TlsMode.SSL)
_GOOGLE_SMTP = Endpoint("smtp.gmail.com", 587, TlsMode.STARTTLS)
_GMAIL_SCOPES = ("https://mail.google.com/",)

PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider(
            PASSWORD,
            "Adgangskode (alle IMAP/SMTP-servere, app-adgangskoder)",
            "Password (any IMAP/SMTP server, app passwords)",
            Flow.PASSWORD,
            Endpoint(None, 993, TlsMode.SSL),
            Endpoint(None, 587, TlsMode.STARTTLS),
        ),
        Provider(
            MICROSOFT365,
            "Microsoft 365, app-adgang (klienthemmelighed eller certifikat)",
            "Microsoft 365, app-only (client secret or certificate)",
            Flow.CLIENT_CREDENTIALS,
            _MS_IMAP,
            _MS_SMTP,
            (f"{_OUTLOOK}/.default",),
        ),
        Provider(
            MICROSOFT365_DELEGATED,
            "Microsoft 365, log ind som postkassen",
            "Microsoft 365, sign in as the mailbox",
            Flow.AUTHORIZATION_CODE,
            _MS_IMAP,
            _MS_SMTP,
            (f"{_OUTLOOK}/IMAP.AccessAsUser.All", f"{_OUTLOOK}/SMTP.Send", "offline_access"),
        ),
        Provider(
            GOOGLE_SERVICE_ACCOUNT,
            "Google Workspace, tjenestekonto med domæneomfattende delegering",
            "Google Workspace, service account with domain-wide delegation",
            Flow.SERVICE_ACCOUNT,
            _GOOGLE_IMAP,
            _GOOGLE_SMTP,
            _GMAIL_SCOPES,
        ),
        Provider(
            GOOGLE_OAUTH,
            "Google, OAuth-klient med opdateringstoken",
            "Google, OAuth client with a refresh token",
            Flow.REFRESH_TOKEN,
            _GOOGLE_IMAP,
            _GOOGLE_SMTP,
            _GMAIL_SCOPES,
        ),
    )
}


def get_provider(name: str) -> Provider:
    """Return the provider called NAME, or raise ValueError naming the known ones."""
    try:
        return PROVIDERS[name]
    except KeyError:
        known = ", ".join(PROVIDERS)
        raise ValueError(f"unknown mail provider {name!r} (known: {known})") from None
