"""The mail providers' defaults: servers, scopes, flows and labels."""

from __future__ import annotations

import pytest

from app.mail.accounts.providers import (
    GOOGLE_OAUTH,
    GOOGLE_SERVICE_ACCOUNT,
    MICROSOFT365,
    MICROSOFT365_DELEGATED,
    PASSWORD,
    PROVIDERS,
    Endpoint,
    Flow,
    TlsMode,
    get_provider,
)

MS_IMAP = Endpoint("outlook.office365.com", 993, TlsMode.SSL)
MS_SMTP = Endpoint("smtp.office365.com", 587, TlsMode.STARTTLS)
GOOGLE_IMAP = Endpoint("imap.gmail.com", 993, TlsMode.SSL)
GOOGLE_SMTP = Endpoint("smtp.gmail.com", 587, TlsMode.STARTTLS)


@pytest.mark.parametrize(
    ("name", "flow", "imap", "smtp"),
    [
        (MICROSOFT365, Flow.CLIENT_CREDENTIALS, MS_IMAP, MS_SMTP),
        (MICROSOFT365_DELEGATED, Flow.AUTHORIZATION_CODE, MS_IMAP, MS_SMTP),
        (GOOGLE_SERVICE_ACCOUNT, Flow.SERVICE_ACCOUNT, GOOGLE_IMAP, GOOGLE_SMTP),
        (GOOGLE_OAUTH, Flow.REFRESH_TOKEN, GOOGLE_IMAP, GOOGLE_SMTP),
    ],
)
def test_oauth_providers_default_to_their_servers(name, flow, imap, smtp):
    """Each OAuth provider knows its flow and its IMAP and SMTP servers."""
    provider = get_provider(name)
    assert (provider.flow, provider.imap, provider.smtp) == (flow, imap, smtp)
    assert provider.uses_oauth


def test_scopes_are_those_each_provider_needs():
    """App-only asks for .default; delegated for IMAP, SMTP and offline access; Google for mail."""
    assert PROVIDERS[MICROSOFT365].scopes == ("https://outlook.office365.com/.default",)
    assert PROVIDERS[MICROSOFT365_DELEGATED].scopes == (
        "https://outlook.office365.com/IMAP.AccessAsUser.All",
        "https://outlook.office365.com/SMTP.Send",
        "offline_access",
    )
    for name in (GOOGLE_SERVICE_ACCOUNT, GOOGLE_OAUTH):
        assert PROVIDERS[name].scopes == ("https://mail.google.com/",)


def test_password_provider_leaves_the_hosts_to_it():
    """Any server takes a password: only the usual ports and TLS modes are suggested."""
    provider = get_provider(PASSWORD)
    assert not provider.uses_oauth
    assert provider.scopes == ()
    assert provider.imap == Endpoint(None, 993, TlsMode.SSL)
    assert provider.smtp == Endpoint(None, 587, TlsMode.STARTTLS)


def test_every_provider_has_a_danish_and_an_english_label():
    """Labels come in Danish first and English, and they differ."""
    assert set(PROVIDERS) == {
        PASSWORD, MICROSOFT365, MICROSOFT365_DELEGATED, GOOGLE_SERVICE_ACCOUNT, GOOGLE_OAUTH
    }
    for name, provider in PROVIDERS.items():
        assert provider.name == name
        assert provider.label_da and provider.label_en
        assert provider.label_da != provider.label_en
    assert "Adgangskode" in PROVIDERS[PASSWORD].label_da


def test_unknown_provider_is_refused_with_the_known_names():
    """A misspelt provider name raises ValueError that lists the right ones."""
    with pytest.raises(ValueError, match="microsoft365_delegated"):
        get_provider("office365")
