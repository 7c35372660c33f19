"""A fake OAuth 2.0 identity provider over TLS on 127.0.0.1, playing Entra ID and Google.

It serves OpenID discovery, JWKS, an authorize endpoint that consents at once, and token
endpoints for client credentials (secret or certificate assertion), authorization code with
PKCE (S256), rotating refresh tokens and Google's JWT-bearer grant. Access tokens are RS256
JWTs that the test IMAP and SMTP servers check with ``issuer``, ``audience``, ``kid`` and
``public_key_pem``. Knobs on each client make it refuse like the real ones or issue
short-lived tokens, and it counts token requests so tests can see caching::

    client = idp.add_client("agenda@forum.test", ttl=60)  # app-only tokens for this mailbox
    client.failure = "AADSTS7000222"  # from now on refuse it like an expired secret
    client.token_requests  # how many token requests it made
    token = idp.issue("agenda@forum.test", ttl=5)  # a token straight from the key
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import ipaddress
import logging
import secrets
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import Flask, Response, jsonify, redirect, request
from werkzeug.serving import WSGIRequestHandler, make_server

log = logging.getLogger(__name__)

TENANT = "test-tenant"
KID = "k1"
AUDIENCE = "https://outlook.office365.com"
GOOGLE_AUDIENCE = "https://oauth2.googleapis.com/token"  # google-auth's aud, whatever token_uri
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

#: Knob name -> (HTTP status, OAuth error, description) as the real providers answer.
FAILURES: dict[str, tuple[int, str, str]] = {
    "AADSTS7000222": (401, "invalid_client", "AADSTS7000222: The provided client secret keys "
                      "for app '{client_id}' are expired. Visit the Azure portal to create new "
                      "keys for your app."),
    "AADSTS65001": (400, "invalid_grant", "AADSTS65001: The user or administrator has not "
                    "consented to use the application with ID '{client_id}'. Send an "
                    "interactive authorization request for this user and resource."),
    "AADSTS700082": (400, "invalid_grant", "AADSTS700082: The refresh token has expired due "
                     "to inactivity. The token was issued on 2025-01-01T00:00:00Z and was "
                     "inactive for 90.00:00:00."),
    "invalid_grant": (400, "invalid_grant", "Token has been expired or revoked."),
}


@dataclass
class FakeClient:
    """One registered app or Google service account, with its knobs and counter."""

    client_id: str
    mailbox: str  # whom client-credential tokens are for
    secret: str = field(default="", repr=False)
    #: Certificate login: private key then certificate, as TokenSettings.certificate_pem takes.
    certificate_pem: str = field(default="", repr=False)
    thumbprint: str = ""  # SHA-1 of the certificate, hex, as Entra ID shows it
    #: A Google service account's JSON key file, as a dict.
    service_account_info: dict[str, Any] = field(default_factory=dict, repr=False)
    ttl: int = 3600  # lifetime of the tokens issued to this client, in seconds
    failure: str | None = None  # a FAILURES key: refuse every token request so
    token_requests: int = 0
    public_key: Any = field(default=None, repr=False)
    x5t: tuple[str, ...] = ()  # base64url SHA-1 and SHA-256 thumbprints, as in JWT headers


class FakeIdP:
    """The fake identity provider; start() serves it in a thread, stop() ends it."""

    def __init__(self, directory: Path) -> None:
        """Make TLS material in DIRECTORY and keep the signing key there across restarts."""
        self.directory = Path(directory)
        self.tenant, self.kid, self.audience = TENANT, KID, AUDIENCE
        self._key = _load_or_make_key(self.directory / "signing-key.pem")
        self.public_key_pem = _public_pem(self._key)
        ca_path, cert_path, key_path = _write_tls(self.directory)
        self.ca_pem_path = str(ca_path)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        self._clients: dict[str, FakeClient] = {}
        self._refresh: dict[str, tuple[str, str]] = {}  # refresh token -> client_id, email
        self._codes: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self.token_requests = 0
        self._server = make_server(
            "127.0.0.1", 0, self._make_app(), threaded=True,
            ssl_context=context, request_handler=_QuietHandler,
        )
        self.base_url = f"https://127.0.0.1:{self._server.server_port}"
        self._thread: threading.Thread | None = None

    def start(self) -> FakeIdP:
        """Serve in a background thread."""
        # A short poll interval makes stop() quick; the default waits up to half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeIdP:
        """Start the server for a with block."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the server at the end of the with block."""
        self.stop()

    @property
    def authority(self) -> str:
        """Return the Entra-style authority to give msal."""
        return f"{self.base_url}/{self.tenant}"

    @property
    def issuer(self) -> str:
        """Return the iss of every token issued here."""
        return f"{self.authority}/v2.0"

    @property
    def token_endpoint(self) -> str:
        """Return the Entra-style token endpoint."""
        return f"{self.authority}/oauth2/v2.0/token"

    @property
    def google_token_uri(self) -> str:
        """Return the Google-style token endpoint."""
        return f"{self.base_url}/token"

    # -- for tests -----------------------------------------------------------------------------

    def add_client(self, mailbox: str, *, certificate: bool = False, ttl: int = 3600) -> FakeClient:
        """Register an app with a secret (and a certificate) whose app-only tokens open MAILBOX."""
        client = FakeClient(str(uuid.uuid4()), mailbox, secret=secrets.token_urlsafe(16), ttl=ttl)
        if certificate:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "forumpost-app")])
            cert = _certificate(name, key.public_key(), name, key, ca=False)
            client.certificate_pem = _private_pem(key) + cert.public_bytes(_PEM).decode()
            client.thumbprint = cert.fingerprint(hashes.SHA1()).hex().upper()
            client.public_key = key.public_key()
            client.x5t = tuple(_b64(cert.fingerprint(h)) for h in (hashes.SHA1(), hashes.SHA256()))
        with self._lock:
            self._clients[client.client_id] = client
        return client

    def add_service_account(self, *, ttl: int = 3600) -> FakeClient:
        """Register a Google service account; its service_account_info is the JSON key file."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        email = f"mailer-{uuid.uuid4().hex[:8]}@test-project.iam.gserviceaccount.com"
        info = {
            "type": "service_account", "project_id": "test-project",
            "private_key_id": uuid.uuid4().hex, "private_key": _private_pem(key),
            "client_email": email, "client_id": str(uuid.uuid4().int)[:21],
            "token_uri": self.google_token_uri,
        }
        client = FakeClient(email, email, service_account_info=info, ttl=ttl)
        client.public_key = key.public_key()
        with self._lock:
            self._clients[email] = client
        return client

    def grant_refresh_token(self, client: FakeClient, email: str | None = None) -> str:
        """Return a refresh token for CLIENT acting for EMAIL (default: its mailbox)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._refresh[token] = (client.client_id, email or client.mailbox)
        return token

    def issue(self, email: str, ttl: int = 3600, *, client_id: str = "", scope: str = "") -> str:
        """Return an access token for EMAIL, valid for TTL seconds, signed with the stable key."""
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.audience, "sub": email, "email": email,
            "preferred_username": email, "iat": now, "nbf": now, "exp": now + ttl,
            "scope": scope, "appid": client_id, "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    # -- endpoints -----------------------------------------------------------------------------

    def _make_app(self) -> Flask:
        """Return the Flask app serving the endpoints."""
        app = Flask("fake_idp")
        base = f"/{self.tenant}"
        app.add_url_rule(f"{base}/v2.0/.well-known/openid-configuration", "oidc", self._oidc)
        app.add_url_rule(f"{base}/discovery/v2.0/keys", "jwks", self._jwks)
        app.add_url_rule(f"{base}/oauth2/v2.0/authorize", "authorize", self._authorize)
        app.add_url_rule(f"{base}/oauth2/v2.0/token", "token", self._token, methods=["POST"])
        app.add_url_rule("/token", "google_token", self._token, methods=["POST"])
        return app

    def _oidc(self) -> Response:
        """Serve the OpenID discovery document msal reads first."""
        return jsonify(
            issuer=self.issuer, token_endpoint=self.token_endpoint,
            authorization_endpoint=f"{self.authority}/oauth2/v2.0/authorize",
            jwks_uri=f"{self.authority}/discovery/v2.0/keys",
            response_types_supported=["code"], code_challenge_methods_supported=["S256"],
            id_token_signing_alg_values_supported=["RS256"], subject_types_supported=["public"],
        )

    def _jwks(self) -> Response:
        """Serve the public signing key."""
        key = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return jsonify(keys=[{**key, "kid": self.kid, "use": "sig", "alg": "RS256"}])

    def _authorize(self) -> Response:
        """Consent at once for login_hint (or the client's mailbox) and send back a code."""
        args = request.args
        client = self._clients.get(args.get("client_id", ""))
        if client is None:
            return _error("unauthorized_client", "AADSTS700016: Application not found.")
        back, state = args.get("redirect_uri", ""), args.get("state", "")
        form_post = args.get("response_mode") == "form_post"
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            description = "AADSTS9002325: Proof Key for Code Exchange is required."
            return _answer(back, form_post, error="invalid_request", state=state,
                           error_description=description)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "client_id": client.client_id, "redirect_uri": back,
                "challenge": args["code_challenge"], "nonce": args.get("nonce", ""),
                "email": args.get("login_hint") or client.mailbox, "scope": args.get("scope", ""),
            }
        return _answer(back, form_post, code=code, state=state)

    def _token(self) -> Response:
        """Answer one token request, after the failure knob of its client."""
        form, grant = request.form, request.form.get("grant_type", "")
        with self._lock:
            self.token_requests += 1
            if grant == JWT_BEARER:
                return self._jwt_bearer(form.get("assertion", ""))
            client = self._client(form)
            if isinstance(client, Response):
                return client
            if refused := self._refused(client):
                return refused
            if grant == "client_credentials":
                return self._grant(client, client.mailbox, form.get("scope", ""))
            if grant == "refresh_token":
                return self._refresh_grant(client, form.get("refresh_token", ""), form)
            if grant == "authorization_code":
                return self._code_grant(client, form)
        return _error("unsupported_grant_type", f"grant_type {grant!r} is not supported")

    def _refused(self, client: FakeClient) -> Response | None:
        """Count a request of CLIENT and return the refusal its knob asks for, if any."""
        client.token_requests += 1
        if client.failure is None:
            return None
        status, error, text = FAILURES[client.failure]
        return _error(error, text.format(client_id=client.client_id), status)

    def _client(self, form: Any) -> FakeClient | Response:
        """Identify the client by its secret (form or HTTP Basic) or its signed assertion."""
        if form.get("client_assertion_type") == CLIENT_ASSERTION:
            client = self._asserted_client(form.get("client_assertion", ""))
        else:
            basic = request.authorization
            cid, secret = (basic.username, basic.password) if basic else (
                form.get("client_id", ""), form.get("client_secret", ""))
            client = self._clients.get(cid or "")
            if client and not (client.secret and hmac.compare_digest(client.secret, secret or "")):
                client = None
        if client is None:
            return _error("invalid_client", "AADSTS7000215: Invalid client secret provided.", 401)
        return client

    def _asserted_client(self, assertion: str) -> FakeClient | None:
        """Return the client whose certificate signed ASSERTION for this endpoint, or None."""
        try:
            issuer = jwt.decode(assertion, options={"verify_signature": False}).get("iss", "")
            header = jwt.get_unverified_header(assertion)
            client = self._clients.get(issuer)
            if client is None or not client.x5t:
                return None
            thumbprint = header.get("x5t#S256") or header.get("x5t") or ""
            if thumbprint.rstrip("=") not in client.x5t:  # msal pads x5t; Entra takes both
                return None
            jwt.decode(assertion, client.public_key, algorithms=["RS256", "PS256"],
                       audience=request.base_url, issuer=client.client_id,
                       options={"require": ["exp", "aud", "iss", "sub"]})
        except jwt.PyJWTError as e:
            log.info("Refused a client assertion: %s", e)
            return None
        return client

    def _jwt_bearer(self, assertion: str) -> Response:
        """Issue a token for the subject of a service account's signed assertion."""
        try:
            issuer = jwt.decode(assertion, options={"verify_signature": False}).get("iss", "")
            client = self._clients.get(issuer)
            if client is None or not client.service_account_info:
                return _error("invalid_client", "The OAuth client was not found.", 401)
            claims = jwt.decode(assertion, client.public_key, algorithms=["RS256"],
                                audience=[GOOGLE_AUDIENCE, request.base_url])
        except jwt.PyJWTError as e:
            return _error("invalid_grant", f"Invalid JWT Signature: {e}")
        if refused := self._refused(client):
            return refused
        # Domain-wide delegation: the token opens the subject's mailbox.
        return self._grant(client, claims.get("sub") or issuer, claims.get("scope", ""))

    def _refresh_grant(self, client: FakeClient, old: str, form: Any) -> Response:
        """Rotate a refresh token: the old one is refused from now on."""
        owner = self._refresh.get(old)
        if owner is None or owner[0] != client.client_id:
            return _error("invalid_grant", "The refresh token is unknown or was already used.")
        del self._refresh[old]
        return self._grant(client, owner[1], form.get("scope", ""), refresh=True)

    def _code_grant(self, client: FakeClient, form: Any) -> Response:
        """Redeem an authorization code once, checking redirect_uri and the PKCE verifier."""
        entry = self._codes.pop(form.get("code", ""), None)
        if entry is None or (entry["client_id"], entry["redirect_uri"]) != (
            client.client_id, form.get("redirect_uri", "")
        ):
            return _error("invalid_grant", "AADSTS70008: The authorization code is invalid.")
        verifier = form.get("code_verifier", "").encode()
        if _b64(hashlib.sha256(verifier).digest()) != entry["challenge"]:
            return _error("invalid_grant", "AADSTS501481: The Code_Verifier does not match "
                          "the code_challenge supplied in the authorization request.")
        return self._grant(client, entry["email"], entry["scope"], refresh=True,
                           nonce=entry["nonce"])

    def _grant(self, client: FakeClient, email: str, scope: str, *, refresh: bool = False,
               nonce: str | None = None) -> Response:
        """Issue an access token (and a refresh token and an ID token when asked)."""
        body: dict[str, Any] = {
            "token_type": "Bearer", "scope": scope, "expires_in": client.ttl,
            "ext_expires_in": client.ttl,
            "access_token": self.issue(email, client.ttl, client_id=client.client_id, scope=scope),
        }
        if refresh:
            body["refresh_token"] = secrets.token_urlsafe(32)
            self._refresh[body["refresh_token"]] = (client.client_id, email)
        if nonce is not None:
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": client.client_id, "sub": email, "nonce": nonce,
                      "preferred_username": email, "tid": self.tenant, "iat": now,
                      "exp": now + client.ttl}
            body["id_token"] = jwt.encode(claims, self._key, "RS256", headers={"kid": self.kid})
        return jsonify(body)


class _QuietHandler(WSGIRequestHandler):
    """Log requests to our logger at debug level, not through werkzeug's stderr handler."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """Send one request line to the module's logger."""
        log.debug(message, *args)


def _error(error: str, description: str, status: int = 400) -> Response:
    """Return an OAuth error response, with Entra's error_codes when the text has one."""
    body: dict[str, Any] = {"error": error, "error_description": description}
    if description.startswith("AADSTS"):
        body["error_codes"] = [int(description[6:].split(":")[0])]
    response = jsonify(body)
    response.status_code = status
    return response


def _answer(redirect_uri: str, form_post: bool, **params: str) -> Response:
    """Send PARAMS back to REDIRECT_URI: a self-posting form, or a redirect with a query."""
    if not form_post:
        sep = "&" if "?" in redirect_uri else "?"
        return redirect(f"{redirect_uri}{sep}{urlencode(params)}")
    fields = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items()
    )
    page = (f'<html><body onload="document.forms[0].submit()"><form method="post" '
            f'action="{html.escape(redirect_uri)}">{fields}</form></body></html>')
    return Response(page, mimetype="text/html")


def _b64(data: bytes) -> str:
    """Return DATA in unpadded base64url, as JWT headers and PKCE use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_PEM = serialization.Encoding.PEM


def _private_pem(key: rsa.RSAPrivateKey) -> str:
    """Return KEY as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        _PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _public_pem(key: rsa.RSAPrivateKey) -> str:
    """Return the public half of KEY as SubjectPublicKeyInfo PEM."""
    info = serialization.PublicFormat.SubjectPublicKeyInfo
    return key.public_key().public_bytes(_PEM, info).decode()


def _load_or_make_key(path: Path) -> rsa.RSAPrivateKey:
    """Load the signing key from PATH, or make one and keep it there (servers cache keys)."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_text(_private_pem(key))
    return key


def _certificate(subject: x509.Name, public_key: Any, issuer: x509.Name, issuer_key: Any, *,
                 ca: bool, names: list[x509.GeneralName] | None = None) -> x509.Certificate:
    """Return a certificate for PUBLIC_KEY signed by ISSUER_KEY, valid for two days."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
        .public_key(public_key).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                       critical=False)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write_tls(directory: Path) -> tuple[Path, Path, Path]:
    """Write a throwaway CA and its certificate for localhost and 127.0.0.1; return the paths."""
    ca_key = ec.generate_private_key(ec.SECP256R1())  # EC: quick to make, fine for TLS
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Forumpost test CA")])
    ca = _certificate(ca_name, ca_key.public_key(), ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [
        x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    ]
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    cert = _certificate(name, key.public_key(), ca_name, ca_key, ca=False, names=names)
    paths = directory / "ca.pem", directory / "idp.pem", directory / "idp.key"
    paths[0].write_bytes(ca.public_bytes(_PEM))
    paths[1].write_bytes(cert.public_bytes(_PEM))
    paths[2].write_bytes(key.private_bytes(
        _PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths
