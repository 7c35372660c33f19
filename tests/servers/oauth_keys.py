"""OAuth 2.0 for the test servers: a signing key, tokens shaped like Microsoft's, their checks.

The Dovecot and SMTP test servers accept a token when it is an RS256 JWT signed by the key
of an `OAuth2Settings`, with its issuer, audience and kid, unexpired, and naming the login
user in its ``email`` claim. `settings()` describes this module's own key; `mint()` signs
tokens with it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# Made-up tenant. Exchange Online access tokens (aud https://outlook.office365.com) are v1
# tokens, issued by sts.windows.net whichever endpoint handed them out.
TENANT_ID = "f0e1d2c3-b4a5-4697-8877-665544332211"
ISSUER = f"https://sts.windows.net/{TENANT_ID}/"
AUDIENCE = "https://outlook.office365.com"
KID = "T3stF0rump0stS1gn1ngKey-01"  # Microsoft's kids are base64url thumbprints like this
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
SCOPES = "IMAP.AccessAsUser.All SMTP.Send"


@dataclass(frozen=True)
class OAuth2Settings:
    """What a server needs to check tokens locally: who issues them, for whom, which key."""

    issuer: str
    audience: str
    kid: str
    public_key_pem: str

    @classmethod
    def of(cls, source: Any) -> OAuth2Settings:
        """Return the settings of SOURCE, anything with these four attributes (e.g. a fake IdP)."""
        return cls(source.issuer, source.audience, source.kid, source.public_key_pem)


def generate_private_key_pem() -> str:
    """Return a new 2048-bit RSA private key as PKCS#8 PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_key_pem_of(private_key_pem: str) -> str:
    """Return the SubjectPublicKeyInfo PEM of PRIVATE_KEY_PEM (what Dovecot reads)."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


# Generated on first use rather than at import: every test run imports the plugin, and
# most never need a key. Cached, so the key stays the same for the whole session, which
# matters because Dovecot's auth process caches the keys it has read.
@functools.cache
def private_key_pem() -> str:
    """Return this session's signing key (PKCS#8 PEM)."""
    return generate_private_key_pem()


@functools.cache
def settings() -> OAuth2Settings:
    """Return the settings that accept the tokens of `mint`."""
    return OAuth2Settings(ISSUER, AUDIENCE, KID, public_key_pem_of(private_key_pem()))


def mint(
    email: str,
    ttl: float = 3600,
    *,
    kid: str | None = KID,
    key: str | None = None,
    **overrides: Any,
) -> str:
    """Return an RS256 access token for EMAIL valid for TTL seconds (negative: expired).

    OVERRIDES replace claims (``iss="https://evil/"``); None drops one (``sub=None``).
    KEY signs instead of this session's key; KID None sends no kid header.
    """
    now = int(time.time())
    claims: dict[str, Any] = {
        "aud": AUDIENCE,
        "iss": ISSUER,
        "iat": now,
        "nbf": now,
        "exp": now + int(ttl),
        "sub": _opaque_sub(email),
        "email": email,
        "upn": email,
        "tid": TENANT_ID,
        "appid": CLIENT_ID,
        "scp": SCOPES,
        "ver": "1.0",
        "jti": uuid.uuid4().hex,
    }
    if ttl < 0:
        # An expired token was valid once: keep iat and nbf before exp.
        claims["iat"] = claims["nbf"] = claims["exp"] - 3600
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    headers = {"kid": kid, "x5t": kid} if kid is not None else {}
    return jwt.encode(claims, key or private_key_pem(), algorithm="RS256", headers=headers)


def _opaque_sub(email: str) -> str:
    """Return a stable pairwise-looking subject for EMAIL, as Entra ID's sub is no address."""
    digest = hashlib.sha256(email.lower().encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def refusal(oauth2: OAuth2Settings, user: str, token: str) -> str | None:
    """Return why TOKEN must not log USER in under OAUTH2, or None when it may.

    Mirrors Dovecot's local validation: known kid, RS256 signature, iss, aud, exp and sub
    required, iat and nbf not in the future, and the email claim equal to USER ignoring case.
    """
    try:
        kid = jwt.get_unverified_header(token).get("kid", "default")
        if kid != oauth2.kid:
            return f"RS256 key '{kid}' not found"
        claims = jwt.decode(
            token,
            oauth2.public_key_pem,
            algorithms=["RS256"],
            audience=oauth2.audience,
            issuer=oauth2.issuer,
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError as error:
        return str(error) or type(error).__name__
    email = claims.get("email")
    if not isinstance(email, str):
        return "No username returned"
    if email.lower() != user.lower():
        return f"Username '{email}' did not match '{user}'"
    return None


def parse_sasl(mechanism: str, raw: bytes) -> tuple[str, str]:
    """Return (user, token) from a decoded XOAUTH2 or OAUTHBEARER initial response.

    XOAUTH2 is ``user=U^Aauth=Bearer T^A^A``; OAUTHBEARER (RFC 7628) is
    ``n,a=U,^Ahost=H^Aport=P^Aauth=Bearer T^A^A``. Missing parts come back empty.
    """
    text = raw.decode("utf-8", "replace")
    head, *fields = text.split("\x01")
    values = dict(field.split("=", 1) for field in [head, *fields] if "=" in field)
    if mechanism.upper() == "OAUTHBEARER":
        user = next((part[2:] for part in head.split(",") if part.startswith("a=")), "")
    else:
        user = values.get("user", "")
    auth = values.get("auth", "")
    token = auth[len("Bearer ") :] if auth[:7].lower() == "bearer " else ""
    return user, token.strip()
