"""Known login refusals, explained in Danish and English."""

from __future__ import annotations

import pytest

from app.mail.accounts.refusals import _KNOWN, Refusal, explain


@pytest.mark.parametrize(
    ("text", "code", "danish"),
    [
        (
            "(535, b'5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
            "for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.')",
            "535 5.7.139",
            "-SmtpClientAuthenticationDisabled $false",
        ),
        (
            "(535, b'5.7.3 Authentication unsuccessful [LO4P123CA0001.GBRP123.PROD.OUTLOOK.COM]')",
            "535 5.7.3",
            "Add-MailboxPermission",
        ),
        (
            "550 5.7.30 Basic authentication is not supported for Client Submission.",
            "550 5.7.30",
            "OAuth",
        ),
        (
            "invalid_client: AADSTS7000222: The provided client secret keys for app 'x' are "
            "expired.",
            "AADSTS7000222",
            "ny hemmelighed",
        ),
        (
            "invalid_grant: AADSTS700082: The refresh token has expired due to inactivity.",
            "AADSTS700082",
            "»Forbind«",
        ),
        (
            "invalid_grant: AADSTS65001: The user or administrator has not consented.",
            "AADSTS65001",
            "samtykke",
        ),
        ("invalid_grant: Token has been expired or revoked.", "invalid_grant", "»Forbind«"),
        ("b'[AUTHENTICATIONFAILED] AUTHENTICATE failed.'", "AUTHENTICATIONFAILED", "IMAP"),
        ("* BYE Session invalidated - AccessTokenExpired", "AccessTokenExpired", "af sig selv"),
        ("not_connected: no refresh token yet: sign in", "not_connected", "»Forbind«"),
        ("unreachable: Max retries exceeded", "unreachable", "netværk"),
    ],
)
def test_known_refusal_is_explained(text, code, danish):
    """The code is found in a real-looking text, and the Danish says what to do."""
    refusal = explain(text)
    assert refusal is not None
    assert refusal.code == code
    assert danish in refusal.da


@pytest.mark.parametrize(
    "text",
    [
        "550 5.1.1 User unknown",
        "535 5.7.300 something else",  # not 5.7.30, nor 5.7.3
        "535 5.7.1390",
        "AADSTS70002: another error",  # not AADSTS700082
        "AADSTS70002150: a longer code",  # not AADSTS7000215
        "",
    ],
)
def test_unknown_refusal_is_none(text):
    """Texts without a known code are left to the caller, even near-miss codes."""
    assert explain(text) is None


def test_expired_access_token_is_transient_and_an_expired_secret_is_not():
    """Only refusals the program mends by itself are marked transient."""
    assert explain("BYE Session invalidated - AccessTokenExpired").transient
    assert not explain("AADSTS7000222: expired").transient


def test_every_explanation_is_short_sentences_in_both_languages():
    """Each refusal has a Danish and a different English text of short sentences."""
    for _pattern, refusal in _KNOWN:
        assert isinstance(refusal, Refusal)
        assert refusal.da and refusal.en and refusal.da != refusal.en
        for sentence in refusal.da.split(". "):
            assert len(sentence.split()) <= 25, sentence


def test_a_wrong_client_secret_is_told_apart_from_an_expired_one():
    wrong = explain("invalid_client: AADSTS7000215: Invalid client secret provided.")
    expired = explain("invalid_client: AADSTS7000222: The provided client secret keys are expired.")
    assert (wrong.code, expired.code) == ("AADSTS7000215", "AADSTS7000222")
    assert "forkert" in wrong.da and "udløbet" in expired.da
