"""Sign-in with Microsoft Entra ID (OpenID Connect, by msal), when IT configures it.

Only people who already have a login here get in: the work account's address must be a
secretary's. The authorization-code flow with PKCE is kept in the (signed) session between
the two requests; the answer comes back as a top-level GET, which carries that cookie.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import msal
import requests
from flask import current_app

from app.i18n import lazy_gettext as _l

AUTHORITY = "https://login.microsoftonline.com/{tenant}"


class EntraError(Exception):
    """A sign-in that did not succeed, with the provider's words for IT."""


def configured(config: Mapping[str, Any]) -> bool:
    """Tell whether Entra ID sign-in is set up."""
    return bool(config.get("ENTRA_CLIENT_ID") and config.get("ENTRA_CLIENT_SECRET")
                and config.get("ENTRA_TENANT"))


def _client() -> msal.ConfidentialClientApplication:
    """Return msal's client for the configured app registration."""
    config = current_app.config
    http = requests.Session()
    if config.get("OAUTH_CA_BUNDLE"):  # a test server's, or a proxy's, own CA alone
        http.trust_env, http.verify = False, config["OAUTH_CA_BUNDLE"]
    authority = config.get("OAUTH_AUTHORITY") or AUTHORITY.format(tenant=config["ENTRA_TENANT"])
    return msal.ConfidentialClientApplication(
        config["ENTRA_CLIENT_ID"], client_credential=config["ENTRA_CLIENT_SECRET"],
        authority=authority, instance_discovery=not config.get("OAUTH_AUTHORITY"),
        http_client=http)


def begin(redirect_uri: str) -> dict:
    """Start a sign-in; return msal's flow (its auth_uri is where the browser goes)."""
    with warnings.catch_warnings():
        # msal advises form_post; but a cross-site POST back carries no SameSite=Lax session
        # cookie, and the flow lives in the session to bind the answer to this browser.
        warnings.filterwarnings("ignore", message="response_mode='form_post'")
        return _client().initiate_auth_code_flow(["User.Read"], redirect_uri=redirect_uri,
                                                 response_mode="query")


def complete(flow: Mapping[str, Any], answer: Mapping[str, str]) -> str:
    """Finish the sign-in; return the address of the work account signed in."""
    try:
        result = _client().acquire_token_by_auth_code_flow(dict(flow), dict(answer))
    except ValueError as error:  # the state differs: not the answer to this sign-in
        raise EntraError(str(error)) from error
    if "error" in result:
        raise EntraError(result.get("error_description") or result["error"])
    claims = result.get("id_token_claims") or {}
    tenant = current_app.config["ENTRA_TENANT"]
    if tenant not in ("common", "organizations") and claims.get("tid") != tenant:
        raise EntraError(_l("the account belongs to another organisation (%(tenant)s)",
                            tenant=claims.get("tid")))
    address = claims.get("preferred_username") or claims.get("email") or ""
    if "@" not in address:
        raise EntraError(_l("the sign-in named no address"))
    return address.strip().lower()
