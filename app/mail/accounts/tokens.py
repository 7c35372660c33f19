"""Access tokens for the forum's mailbox, the same for the IMAP and the SMTP side.

A `TokenSource` turns plain settings into ``(user, access_token)`` for an XOAUTH2 login. It
keeps each token until a margin before it expires. Refresh tokens rotate: each new one goes
to the ``on_refresh_token`` callback the moment the provider returns it, before the access
token is handed out, because the old one is already spent and a lost new one means a new
sign-in. Only msal and google-auth talk to the token endpoints.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import google.auth.credentials
import google.auth.exceptions
import google.oauth2.credentials
import msal
import requests
from google.auth.transport.requests import Request as GoogleRequest
from google.oauth2 import service_account

from app.mail.accounts.providers import GOOGLE_TOKEN_URI, MICROSOFT_AUTHORITY, Flow, get_provider

log = logging.getLogger(__name__)

#: TokenError codes of our own; the provider's codes (AADSTS..., invalid_grant) pass through.
NOT_CONNECTED = "not_connected"
UNREACHABLE = "unreachable"
INVALID_SETTINGS = "invalid_settings"
INVALID_STATE = "invalid_state"

_SHARED = frozenset({"organizations", "common", "consumers"})  # no app-only tokens from these
_MSAL_RESERVED = frozenset({"openid", "profile", "offline_access"})  # msal adds them itself
_AADSTS = re.compile(r"\bAADSTS\d+")
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)
_NEEDS: dict[Flow, tuple[str, ...]] = {
    Flow.CLIENT_CREDENTIALS: ("client_id", "client_secret|certificate_pem"),
    Flow.AUTHORIZATION_CODE: ("client_id", "client_secret|certificate_pem"),
    Flow.SERVICE_ACCOUNT: ("service_account_json",),
    Flow.REFRESH_TOKEN: ("client_id", "client_secret", "refresh_token"),
}


@dataclass(frozen=True)
class TokenSettings:
    """What the settings form holds for one OAuth mail account."""

    provider: str
    address: str  # the mailbox, and the user named in the XOAUTH2 login
    tenant: str = "organizations"
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    #: Entra ID certificate login: the private key PEM, optionally followed by the certificate.
    certificate_pem: str = field(default="", repr=False)
    #: SHA-1 thumbprint in hex as Entra ID shows it; not needed if the PEM has the certificate.
    certificate_thumbprint: str = ""
    refresh_token: str = field(default="", repr=False)
    service_account_json: str = field(default="", repr=False)
    #: Replaces the authority built from the tenant (national clouds, tests).
    authority: str = ""
    #: Replaces Google's token endpoint (tests).
    token_uri: str = ""
    #: Trust only this CA file, and ignore REQUESTS_CA_BUNDLE and proxy variables (tests).
    ca_bundle: str = ""
    timeout: float = 10.0


@dataclass(frozen=True)
class SignIn:
    """A started sign-in: send the person to URL, and keep FLOW (secret, JSON-able) meanwhile."""

    url: str
    flow: dict[str, Any] = field(repr=False)

    @property
    def state(self) -> str:
        """Return the state the provider sends back, to find the flow again by."""
        return self.flow["state"]


@dataclass(frozen=True)
class _Grant:
    """What one token request returned."""

    token: str
    lifetime: float
    refresh_token: str | None = None


class TokenError(Exception):
    """The provider refused to issue a token, or could not be reached."""

    def __init__(self, error: str, description: str = "", provider: str = "") -> None:
        """Keep the OAuth ERROR, its DESCRIPTION and the most specific code found in them."""
        found = _AADSTS.search(description)
        self.error = error
        self.code = found.group() if found else error
        self.description = description
        self.provider = provider
        super().__init__(f"{error}: {description}" if description else error)


class TokenSource:
    """Access tokens for one mailbox, renewed a margin before they expire; thread-safe."""

    def __init__(
        self,
        settings: TokenSettings,
        *,
        on_refresh_token: Callable[[str], None] | None = None,
        margin: float = 300.0,
        clock: Callable[[], float] = time.time,
        load_refresh_token: Callable[[], str] | None = None,
    ) -> None:
        """Check SETTINGS; ON_REFRESH_TOKEN must save each new refresh token it is given.

        LOAD_REFRESH_TOKEN returns the latest saved one: another process sharing the
        account may have rotated it since this source last did.
        """
        self.settings = settings
        self.provider = get_provider(settings.provider)
        if not self.provider.uses_oauth:
            raise ValueError(f"provider {self.provider.name!r} logs in with a password")
        _check(settings, self.provider.flow)
        self._on_refresh_token = on_refresh_token
        self._load_refresh_token = load_refresh_token
        self._refresh_token = settings.refresh_token
        self._margin = margin
        self._clock = clock
        self._token: str | None = None
        self._expires_at = self._renew_at = 0.0
        # One renewal at a time: two at once would spend the same rotating refresh token,
        # and the provider refuses the second.
        self._lock = threading.Lock()
        self._http = _Session(settings.ca_bundle, settings.timeout)
        self._fetch = {
            Flow.CLIENT_CREDENTIALS: self._app_only,
            Flow.AUTHORIZATION_CODE: self._delegated,
            Flow.SERVICE_ACCOUNT: self._service_account,
            Flow.REFRESH_TOKEN: self._google_oauth,
        }[self.provider.flow]

    @property
    def user(self) -> str:
        """Return the user named in the XOAUTH2 login: the mailbox address."""
        return self.settings.address

    @property
    def expires_at(self) -> float | None:
        """Return when the cached access token expires, on the source's clock, if there is one."""
        return self._expires_at if self._token else None

    def credentials(self) -> tuple[str, str]:
        """Return (user, access token) for an XOAUTH2 login to IMAP or SMTP."""
        return self.user, self.access_token()

    def access_token(self) -> str:
        """Return a valid access token, asking the provider only when the cached one is due."""
        with self._lock:
            now = self._clock()
            if self._token is not None and now < self._renew_at:
                return self._token
            with _translated(self.provider.name):
                grant = self._fetch_latest()
            return self._accept(grant, now)

    def _fetch_latest(self) -> _Grant:
        """Fetch a token with the latest saved refresh token; once more if it moved meanwhile."""
        if self._load_refresh_token is None or self.provider.flow in (
                Flow.CLIENT_CREDENTIALS, Flow.SERVICE_ACCOUNT):
            return self._fetch()
        self._refresh_token = self._load_refresh_token() or self._refresh_token
        try:
            return self._fetch()
        except TokenError as error:
            # Another process may have spent ours between the load and the request.
            latest = self._load_refresh_token()
            if error.error != "invalid_grant" or not latest or latest == self._refresh_token:
                raise
            self._refresh_token = latest
            return self._fetch()

    def forget(self) -> None:
        """Drop the cached access token, after a server said it has expired."""
        with self._lock:
            self._token = None

    def begin_sign_in(
        self, redirect_uri: str, *, login_hint: str | None = None, response_mode: str = "form_post"
    ) -> SignIn:
        """Start the authorization-code flow with PKCE; send the person to the URL returned.

        With "form_post" (RFC 9700's advice) the provider's page POSTs code and state to
        REDIRECT_URI. That cross-site POST carries no SameSite=Lax session cookie, so keep the
        flow on the server under SignIn.state. "query" puts them in a redirect's URL instead.
        """
        self._require_sign_in()
        with _translated(self.provider.name):
            flow = self._msal_app().initiate_auth_code_flow(
                self._msal_scopes(),
                redirect_uri=redirect_uri,
                login_hint=login_hint or self.user,
                response_mode=response_mode,
            )
        return SignIn(flow["auth_uri"], flow)

    def complete_sign_in(self, flow: Mapping[str, Any], response: Mapping[str, str]) -> str:
        """Finish a sign-in with the fields the provider sent back; return an access token."""
        self._require_sign_in()
        with self._lock, _translated(self.provider.name):
            now = self._clock()
            app = self._msal_app()
            try:
                result = app.acquire_token_by_auth_code_flow(dict(flow), dict(response))
            except ValueError as e:  # msal: the state differs, so not the answer to this flow
                raise TokenError(INVALID_STATE, str(e), self.provider.name) from e
            grant = self._msal_grant(result)
            who = result.get("id_token_claims", {}).get("preferred_username", self.user)
            if who.lower() != self.user.lower():  # works only with full access to the mailbox
                log.warning("Signed in as %s for the mailbox %s", who, self.user)
            return self._accept(grant, now)

    def _accept(self, grant: _Grant, now: float) -> str:
        """Hand a rotated refresh token to the callback, then cache the access token."""
        if grant.refresh_token and grant.refresh_token != self._refresh_token:
            # Keep it first: the old one is spent whatever the callback does. If saving
            # fails, the access token is not cached, so the next call rotates and saves again.
            self._refresh_token = grant.refresh_token
            if self._on_refresh_token is not None:
                self._on_refresh_token(grant.refresh_token)
        # Renew a margin before expiry, but at the latest half-way, so short-lived tokens
        # are not fetched anew on every call.
        self._renew_at = now + grant.lifetime - min(self._margin, grant.lifetime / 2)
        self._token, self._expires_at = grant.token, now + grant.lifetime
        log.info("New token for %s (%s), %d s", self.user, self.provider.name, grant.lifetime)
        return grant.token

    def _require_sign_in(self) -> None:
        """Refuse a sign-in for providers without one."""
        if self.provider.flow is not Flow.AUTHORIZATION_CODE:
            raise ValueError(f"provider {self.provider.name!r} has no sign-in")

    # -- one method per flow ---------------------------------------------------------------

    def _app_only(self) -> _Grant:
        """Get a token for the app itself (client credentials)."""
        result = self._msal_app().acquire_token_for_client(scopes=list(self.provider.scopes))
        return self._msal_grant(result)

    def _delegated(self) -> _Grant:
        """Get a token for the signed-in mailbox with the latest refresh token."""
        if not self._refresh_token:
            raise TokenError(NOT_CONNECTED, "no refresh token yet: sign in", self.provider.name)
        app = self._msal_app()
        result = app.acquire_token_by_refresh_token(self._refresh_token, self._msal_scopes())
        return self._msal_grant(result)

    def _service_account(self) -> _Grant:
        """Get a token for the mailbox through a Google service account's delegation."""
        try:
            info = json.loads(self.settings.service_account_json)
            if self.settings.token_uri:
                info["token_uri"] = self.settings.token_uri
            creds = service_account.Credentials.from_service_account_info(
                info, scopes=list(self.provider.scopes), subject=self.user
            )
        except (ValueError, KeyError, TypeError) as e:
            description = f"service account JSON: {e}"
            raise TokenError(INVALID_SETTINGS, description, self.provider.name) from e
        return self._google_grant(creds)

    def _google_oauth(self) -> _Grant:
        """Get a token for the mailbox with a Google OAuth client's refresh token."""
        creds = google.oauth2.credentials.Credentials(
            None,
            refresh_token=self._refresh_token,
            token_uri=self.settings.token_uri or GOOGLE_TOKEN_URI,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            scopes=list(self.provider.scopes),
        )
        grant = self._google_grant(creds)
        return replace(grant, refresh_token=creds.refresh_token)

    # -- the libraries ---------------------------------------------------------------------

    def _msal_app(self) -> msal.ConfidentialClientApplication:
        """Build an msal client; a new one each time, as msal's cache would answer renewals."""
        # We cache tokens ourselves, with our margin; msal's cache would hand an early renewal
        # the very token we hold. The cost is one discovery request per renewal.
        s = self.settings
        try:
            return msal.ConfidentialClientApplication(
                s.client_id,
                client_credential=self._client_credential(),
                authority=s.authority or MICROSOFT_AUTHORITY.format(tenant=s.tenant),
                # Instance discovery asks login.microsoftonline.com about the authority; one
                # that IT typed in whole (national cloud, test server) is trusted as given.
                instance_discovery=not s.authority,
                http_client=self._http,
            )
        except ValueError as e:  # discovery failed, or a credential msal cannot use
            raise TokenError(INVALID_SETTINGS, str(e), self.provider.name) from e

    def _client_credential(self) -> str | dict[str, str]:
        """Return the client secret, or msal's description of the certificate."""
        s = self.settings
        if not s.certificate_pem:
            return s.client_secret
        blocks = {m.group(1): m.group(0) for m in _PEM_BLOCK.finditer(s.certificate_pem)}
        key = next((pem for kind, pem in blocks.items() if kind.endswith("PRIVATE KEY")), "")
        credential = {"private_key": key}
        if s.certificate_thumbprint:
            credential["thumbprint"] = s.certificate_thumbprint.replace(":", "")
        if "CERTIFICATE" in blocks:
            credential["public_certificate"] = blocks["CERTIFICATE"]
        return credential

    def _msal_scopes(self) -> list[str]:
        """Return the provider's scopes without those msal adds itself and refuses."""
        return [scope for scope in self.provider.scopes if scope not in _MSAL_RESERVED]

    def _msal_grant(self, result: Mapping[str, Any]) -> _Grant:
        """Turn msal's answer into a grant, or raise its error."""
        if "access_token" not in result:
            error = result.get("error") or "unknown_error"
            raise TokenError(error, result.get("error_description", ""), self.provider.name)
        lifetime = float(result.get("expires_in", 3600))
        return _Grant(result["access_token"], lifetime, result.get("refresh_token"))

    def _google_grant(self, creds: google.auth.credentials.Credentials) -> _Grant:
        """Refresh google-auth credentials and return the token they got."""
        creds.refresh(GoogleRequest(self._http))
        # google-auth keeps a naive UTC expiry; our cache runs on its own clock.
        lifetime = (creds.expiry - datetime.now(UTC).replace(tzinfo=None)).total_seconds()
        return _Grant(creds.token, lifetime)


class _Session(requests.Session):
    """The HTTP session msal and google-auth share: one CA, one timeout."""

    def __init__(self, ca_bundle: str, timeout: float) -> None:
        """Trust CA_BUNDLE alone if given; give up on a request after TIMEOUT seconds."""
        super().__init__()
        self.timeout = timeout
        if ca_bundle:
            # requests lets REQUESTS_CA_BUNDLE override Session.verify (it is set on some
            # machines), so the environment must not count when we name our own CA.
            self.trust_env = False
            self.verify = ca_bundle

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        """Send a request with our timeout; requests has no session-wide one."""
        kwargs["timeout"] = self.timeout  # also over google-auth's 120 s
        return super().request(method, url, *args, **kwargs)


@contextmanager
def _translated(provider: str) -> Iterator[None]:
    """Turn transport failures and google-auth refusals into TokenError."""
    try:
        yield
    except (requests.RequestException, google.auth.exceptions.TransportError) as e:
        raise TokenError(UNREACHABLE, str(e), provider) from e
    except google.auth.exceptions.RefreshError as e:
        data = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], Mapping) else {}
        error = data.get("error") or "refresh_failed"
        raise TokenError(error, data.get("error_description") or str(e), provider) from e


def _check(settings: TokenSettings, flow: Flow) -> None:
    """Raise ValueError naming the settings FLOW needs and SETTINGS lacks."""
    needs = ("address", *_NEEDS[flow])
    missing = [n for n in needs if not any(getattr(settings, a) for a in n.split("|"))]
    if missing:
        raise ValueError(f"{settings.provider}: missing {', '.join(missing)}")
    if flow is Flow.CLIENT_CREDENTIALS and not settings.authority and settings.tenant in _SHARED:
        raise ValueError(f"{settings.provider}: app-only needs the tenant's id or domain")
