"""Google Workspace tokens against the fake identity provider: service account and OAuth."""

from __future__ import annotations

import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.mail.accounts.providers import GOOGLE_OAUTH, GOOGLE_SERVICE_ACCOUNT
from app.mail.accounts.refusals import explain
from app.mail.accounts.tokens import TokenError, TokenSettings, TokenSource

MAILBOX = "agenda@forum.test"


def claims(idp, token):
    """Return the claims of TOKEN after checking it as the IMAP and SMTP servers do."""
    return jwt.decode(
        token, idp.public_key_pem, algorithms=["RS256"], audience=idp.audience, issuer=idp.issuer
    )


@pytest.fixture
def service_account(idp):
    """Return a function making (account, TokenSource) for a new service account."""

    def make(info_changes=None):
        """Register a service account and build a source acting for MAILBOX through it."""
        account = idp.add_service_account()
        info = {**account.service_account_info, **(info_changes or {})}
        settings = TokenSettings(
            GOOGLE_SERVICE_ACCOUNT,
            MAILBOX,
            service_account_json=json.dumps(info),
            ca_bundle=idp.ca_pem_path,
        )
        return account, TokenSource(settings)

    return make


@pytest.fixture
def google_oauth(idp):
    """Return a function making (client, TokenSource, saved refresh tokens) for a refresh token."""

    def make(refresh_token=None, client=None):
        """Build a source for CLIENT (new by default) with REFRESH_TOKEN (a new one by default)."""
        client = client or idp.add_client(MAILBOX)
        saved: list[str] = []
        settings = TokenSettings(
            GOOGLE_OAUTH,
            MAILBOX,
            client_id=client.client_id,
            client_secret=client.secret,
            refresh_token=refresh_token or idp.grant_refresh_token(client),
            token_uri=idp.google_token_uri,
            ca_bundle=idp.ca_pem_path,
        )
        return client, TokenSource(settings, on_refresh_token=saved.append), saved

    return make


def test_service_account_token_opens_the_subject_mailbox(service_account, idp):
    """Domain-wide delegation: the token is for the mailbox, not the service account."""
    account, source = service_account()
    user, token = source.credentials()
    assert user == MAILBOX
    assert claims(idp, token)["email"] == MAILBOX != account.client_id
    assert source.access_token() == token
    assert account.token_requests == 1


def test_service_account_json_names_the_token_endpoint(service_account):
    """The token_uri in the JSON key file is where the grant goes, without a setting."""
    _, source = service_account()
    assert source.settings.token_uri == ""
    assert source.access_token()


def test_service_account_signed_with_another_key_is_refused(service_account):
    """The IdP checks the assertion's signature against the account's registered key."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _, source = service_account({"private_key": other.decode()})
    with pytest.raises(TokenError) as refused:
        source.access_token()
    assert refused.value.code == "invalid_grant"
    assert "domæneomfattende" in explain(str(refused.value)).da


def test_unreadable_service_account_json_is_a_settings_error(idp):
    """A pasted key file that is not JSON is reported as bad settings, not a crash."""
    settings = TokenSettings(GOOGLE_SERVICE_ACCOUNT, MAILBOX, service_account_json="{not json")
    with pytest.raises(TokenError) as refused:
        TokenSource(settings).access_token()
    assert refused.value.code == "invalid_settings"


def test_google_oauth_refresh_saves_the_new_refresh_token(google_oauth, idp):
    """A refresh returns a token for the mailbox, and the rotated refresh token is saved."""
    client, source, saved = google_oauth()
    first = source.settings.refresh_token
    assert claims(idp, source.access_token())["email"] == MAILBOX
    assert len(saved) == 1 and saved[0] != first
    with pytest.raises(TokenError) as refused:  # the spent one
        google_oauth(first, client)[1].access_token()
    assert refused.value.code == "invalid_grant"


def test_revoked_google_grant_asks_for_a_new_connection(google_oauth):
    """Google's invalid_grant surfaces with its description and Danish advice."""
    client, source, saved = google_oauth()
    client.failure = "invalid_grant"
    with pytest.raises(TokenError) as refused:
        source.access_token()
    assert refused.value.code == "invalid_grant"
    assert refused.value.description == "Token has been expired or revoked."
    assert "»Forbind«" in explain(str(refused.value)).da
    assert saved == []
