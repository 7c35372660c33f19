"""Microsoft 365 tokens against the fake identity provider: app-only and signed-in."""

from __future__ import annotations

import re
import socket
import threading
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
import requests
import requests.certs

from app.mail.accounts.providers import MICROSOFT365, MICROSOFT365_DELEGATED, PASSWORD
from app.mail.accounts.refusals import explain
from app.mail.accounts.tokens import TokenError, TokenSettings, TokenSource

MAILBOX = "agenda@forum.test"
CALLBACK = "https://forumpost.test/mail/connect/done"


def claims(idp, token):
    """Return the claims of TOKEN after checking it as the IMAP and SMTP servers do."""
    return jwt.decode(
        token, idp.public_key_pem, algorithms=["RS256"], audience=idp.audience, issuer=idp.issuer
    )


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        """Start at an arbitrary moment."""
        self.now = 1_000_000.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


@pytest.fixture
def app_only(idp):
    """Return a function making (client, TokenSource) for a new app-only registration."""

    def make(*, certificate=False, thumbprint=True, ttl=3600, **source_kwargs):
        """Register a client on the IdP and build a source for it."""
        client = idp.add_client(MAILBOX, certificate=certificate, ttl=ttl)
        settings = TokenSettings(
            MICROSOFT365,
            MAILBOX,
            tenant="ignored-when-authority-is-set",
            client_id=client.client_id,
            client_secret="" if certificate else client.secret,
            certificate_pem=client.certificate_pem,
            certificate_thumbprint=client.thumbprint if thumbprint else "",
            authority=idp.authority,
            ca_bundle=idp.ca_pem_path,
        )
        return client, TokenSource(settings, **source_kwargs)

    return make


@pytest.fixture
def delegated(idp):
    """Return a function making (client, TokenSource, saved refresh tokens) for sign-in."""

    def make(refresh_token="", client=None, **source_kwargs):
        """Build a delegated source for CLIENT (new by default), saving rotated tokens."""
        client = client or idp.add_client(MAILBOX)
        saved: list[str] = []
        settings = TokenSettings(
            MICROSOFT365_DELEGATED,
            MAILBOX,
            client_id=client.client_id,
            client_secret=client.secret,
            refresh_token=refresh_token,
            authority=idp.authority,
            ca_bundle=idp.ca_pem_path,
        )
        source_kwargs.setdefault("on_refresh_token", saved.append)
        return client, TokenSource(settings, **source_kwargs), saved

    return make


def sign_in(idp, source, response_mode="form_post", login_hint=None):
    """Drive the authorize endpoint like a browser; return (flow, fields sent back)."""
    started = source.begin_sign_in(CALLBACK, response_mode=response_mode, login_hint=login_hint)
    answer = requests.get(started.url, verify=idp.ca_pem_path, allow_redirects=False, timeout=5)
    if response_mode == "query":
        assert answer.status_code == 302
        return started.flow, dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
    assert f'action="{CALLBACK}"' in answer.text
    return started.flow, dict(re.findall(r'name="(\w+)" value="([^"]*)"', answer.text))


def test_app_only_token_is_for_the_mailbox_and_cached(app_only, idp):
    """The first call asks the IdP; the second is served from the cache."""
    client, source = app_only()
    user, token = source.credentials()
    assert user == MAILBOX
    assert claims(idp, token)["email"] == MAILBOX
    assert client.token_requests == 1
    assert source.access_token() == token
    assert client.token_requests == 1


@pytest.mark.parametrize("thumbprint", [True, False], ids=["sha1-thumbprint", "from-certificate"])
def test_app_only_with_a_certificate(app_only, idp, thumbprint):
    """A certificate signs the client assertion, with or without a thumbprint typed in."""
    client, source = app_only(certificate=True, thumbprint=thumbprint)
    assert claims(idp, source.access_token())["appid"] == client.client_id


def test_certificate_of_another_app_is_refused(app_only, idp):
    """The IdP checks the assertion against the registered certificate."""
    other = idp.add_client(MAILBOX, certificate=True)
    client, _ = app_only(certificate=True)
    settings = TokenSettings(
        MICROSOFT365, MAILBOX, client_id=client.client_id, certificate_pem=other.certificate_pem,
        authority=idp.authority, ca_bundle=idp.ca_pem_path,
    )
    with pytest.raises(TokenError) as refused:
        TokenSource(settings).access_token()
    assert (refused.value.error, refused.value.code) == ("invalid_client", "AADSTS7000215")


def test_token_is_renewed_a_margin_before_it_expires(app_only, idp):
    """With 600 s tokens and a 300 s margin, renewal comes after 300 s, not at expiry."""
    clock = Clock()
    client, source = app_only(ttl=600, margin=300, clock=clock)
    first = source.access_token()
    clock.now += 299
    assert source.access_token() == first
    clock.now += 2  # 301 s in: the first token is still valid for another 299 s
    second = source.access_token()
    assert second != first
    assert client.token_requests == 2
    assert source.expires_at == clock.now + 600


def test_short_lived_tokens_are_renewed_half_way_not_each_call(app_only):
    """A token shorter than twice the margin is kept for half its life."""
    clock = Clock()
    client, source = app_only(ttl=4, margin=300, clock=clock)
    first = source.access_token()
    clock.now += 1.9
    assert source.access_token() == first
    clock.now += 0.2
    assert source.access_token() != first
    assert client.token_requests == 2


def test_forget_makes_the_next_call_fetch_a_new_token(app_only):
    """After a server said the token expired, the source asks the IdP again."""
    client, source = app_only()
    first = source.access_token()
    source.forget()
    assert source.access_token() != first
    assert client.token_requests == 2


@pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended:UserWarning")
@pytest.mark.parametrize("response_mode", ["form_post", "query"])
def test_delegated_sign_in_with_pkce_end_to_end(delegated, idp, response_mode):
    """Sign-in sends an S256 challenge, redeems the code with the verifier, saves the token."""
    _, source, saved = delegated()
    flow, answer = sign_in(idp, source, response_mode)
    assert "code_challenge_method=S256" in flow["auth_uri"]
    assert flow["code_verifier"] not in flow["auth_uri"]
    token = source.complete_sign_in(flow, answer)
    assert claims(idp, token)["email"] == MAILBOX
    assert len(saved) == 1
    assert source.access_token() == token


def test_sign_in_with_a_wrong_code_verifier_is_refused(delegated, idp):
    """The IdP checks the PKCE verifier against the challenge."""
    _, source, saved = delegated()
    flow, answer = sign_in(idp, source)
    flow["code_verifier"] = "x" * 43
    with pytest.raises(TokenError) as refused:
        source.complete_sign_in(flow, answer)
    assert refused.value.code == "AADSTS501481"
    assert saved == []


def test_sign_in_as_another_account_is_logged(delegated, idp, caplog):
    """Someone signing in with their own account gets tokens that may not open the mailbox."""
    _, source, saved = delegated()
    flow, answer = sign_in(idp, source, login_hint="chair@forum.test")
    assert "login_hint=chair%40forum.test" in flow["auth_uri"]
    token = source.complete_sign_in(flow, answer)
    assert claims(idp, token)["email"] == "chair@forum.test"
    assert "Signed in as chair@forum.test for the mailbox agenda@forum.test" in caplog.text


def test_sign_in_answer_for_another_flow_is_refused(delegated, idp):
    """An answer whose state is not the flow's is refused before any token request."""
    client, source, _ = delegated()
    flow, answer = sign_in(idp, source)
    with pytest.raises(TokenError) as refused:
        source.complete_sign_in(flow, {**answer, "state": "forged"})
    assert refused.value.code == "invalid_state"
    assert client.token_requests == 0


def test_each_rotated_refresh_token_is_saved_and_old_ones_refused(delegated, idp):
    """Every renewal hands the new refresh token to the callback; spent ones are refused."""
    client = idp.add_client(MAILBOX)
    first = idp.grant_refresh_token(client)
    _, source, saved = delegated(first, client)
    source.access_token()
    source.forget()
    source.access_token()
    assert len(saved) == 2 and first not in saved and saved[0] != saved[1]
    for spent in (first, saved[0]):
        with pytest.raises(TokenError) as refused:
            delegated(spent, client)[1].access_token()
        assert refused.value.code == "invalid_grant"
        assert "»Forbind«" in explain(str(refused.value)).da
    assert delegated(saved[1], client)[1].access_token()


def test_refresh_token_is_saved_before_the_access_token_is_handed_out(delegated, idp):
    """If saving fails, no token is handed out, and the next call rotates and saves again."""
    client = idp.add_client(MAILBOX)
    saved: list[str] = []

    def save(token):
        """Fail the first time, like a database that is briefly away."""
        saved.append(token)
        if len(saved) == 1:
            raise OSError("database unavailable")

    _, source, _ = delegated(idp.grant_refresh_token(client), client, on_refresh_token=save)
    with pytest.raises(OSError):
        source.access_token()
    assert source.expires_at is None
    assert source.access_token()
    assert len(saved) == 2
    assert client.token_requests == 2


def test_concurrent_callers_spend_the_refresh_token_once(delegated, idp):
    """Threads asking at once share one renewal, so rotation never refuses one of them."""
    client = idp.add_client(MAILBOX)
    _, source, saved = delegated(idp.grant_refresh_token(client), client)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(source.access_token()))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tokens) == 6 and len(set(tokens)) == 1
    assert client.token_requests == 1 and len(saved) == 1


def test_delegated_account_without_refresh_token_is_not_connected(delegated):
    """Before the first sign-in there is nothing to renew with: press Forbind."""
    client, source, _ = delegated()
    with pytest.raises(TokenError) as refused:
        source.access_token()
    assert refused.value.code == "not_connected"
    assert "»Forbind«" in explain(str(refused.value)).da
    assert client.token_requests == 0


@pytest.mark.parametrize(
    ("knob", "kind", "error", "danish"),
    [
        ("AADSTS7000222", "app_only", "invalid_client", "ny hemmelighed"),
        ("AADSTS65001", "app_only", "invalid_grant", "samtykke"),
        ("AADSTS700082", "delegated", "invalid_grant", "»Forbind«"),
    ],
)
def test_idp_refusals_come_with_danish_advice(app_only, delegated, idp, knob, kind, error, danish):
    """The provider's code survives into TokenError, and refusals explains it."""
    if kind == "app_only":
        client, source = app_only()
    else:
        client = idp.add_client(MAILBOX)
        _, source, _ = delegated(idp.grant_refresh_token(client), client)
    client.failure = knob
    with pytest.raises(TokenError) as refused:
        source.access_token()
    assert (refused.value.code, refused.value.error) == (knob, error)
    assert refused.value.provider == source.provider.name
    refusal = explain(str(refused.value))
    assert refusal.code == knob
    assert danish in refusal.da


def test_unreachable_idp_is_a_token_error(idp):
    """Nothing listening: a TokenError the worker can retry, not a requests exception."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = TokenSettings(
        MICROSOFT365, MAILBOX, client_id="c", client_secret="s",
        authority=f"https://127.0.0.1:{port}/t", ca_bundle=idp.ca_pem_path, timeout=2,
    )
    with pytest.raises(TokenError) as refused:
        TokenSource(settings).access_token()
    assert refused.value.code == "unreachable"
    assert explain(str(refused.value)).transient


def test_ca_bundle_setting_beats_requests_ca_bundle(app_only, monkeypatch):
    """REQUESTS_CA_BUNDLE (set on some machines) must not replace the configured CA."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", requests.certs.where())
    client, source = app_only()
    assert source.access_token()
    unpinned = TokenSource(
        TokenSettings(MICROSOFT365, MAILBOX, client_id=client.client_id,
                      client_secret=client.secret, authority=source.settings.authority)
    )
    with pytest.raises(TokenError) as refused:  # the public CAs do not know the test CA
        unpinned.access_token()
    assert "CERTIFICATE_VERIFY_FAILED" in refused.value.description


def test_settings_are_checked_when_the_source_is_made():
    """Missing settings and password accounts are programming errors, raised at once."""
    with pytest.raises(ValueError, match=re.escape("client_secret|certificate_pem")):
        TokenSource(TokenSettings(MICROSOFT365, MAILBOX, tenant="forum.test", client_id="c"))
    with pytest.raises(ValueError, match="tenant"):  # app-only has no "organizations"
        TokenSource(TokenSettings(MICROSOFT365, MAILBOX, client_id="c", client_secret="s"))
    with pytest.raises(ValueError, match="address"):
        TokenSource(TokenSettings(MICROSOFT365_DELEGATED, "", client_id="c", client_secret="s"))
    with pytest.raises(ValueError, match="password"):
        TokenSource(TokenSettings(PASSWORD, MAILBOX))
    app_only = TokenSettings(MICROSOFT365, MAILBOX, tenant="forum.test", client_id="c",
                             client_secret="s")
    with pytest.raises(ValueError, match="no sign-in"):
        TokenSource(app_only).begin_sign_in(CALLBACK)
