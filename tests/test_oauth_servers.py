"""Tests for the OAuth 2.0 test servers: Dovecot and SMTP taking XOAUTH2 / OAUTHBEARER tokens."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from tests.servers.dovecot import TOKEN_EXPIRED_BYE, DovecotServer
from tests.servers.oauth_keys import generate_private_key_pem, mint
from tests.servers.smtp import AUTH_UNSUCCESSFUL, SMTP_AUTH_DISABLED, SMTPServer

MESSAGE = b"From: agenda@forum.test\r\nTo: b@forum.test\r\nSubject: hi\r\n\r\nbody\r\n"

AuthObject = Callable[..., str]


def xoauth2(user: str, token: str) -> AuthObject:
    """Return an smtplib auth object for XOAUTH2 that answers an error challenge empty."""
    # smtplib passes None (initial response), b"" (the server's empty 334) or the error JSON.
    return lambda challenge=None: "" if challenge else f"user={user}\x01auth=Bearer {token}\x01\x01"


def oauthbearer(user: str, token: str) -> AuthObject:
    """Return an smtplib auth object for OAUTHBEARER (RFC 7628: ^A answers an error)."""
    return lambda challenge=None: (
        "\x01" if challenge else f"n,a={user},\x01auth=Bearer {token}\x01\x01"
    )


def wait_for_log(server: DovecotServer, *parts: str, timeout: float = 2.0) -> str:
    """Return the first Dovecot log line holding every one of PARTS, waiting up to TIMEOUT."""
    deadline = time.monotonic() + timeout
    while True:
        for line in server.log_tail(400).splitlines():
            if all(part in line for part in parts):
                return line
        if time.monotonic() > deadline:
            raise AssertionError(f"no log line with {parts}:\n{server.log_tail()}")
        time.sleep(0.05)


# -- Dovecot -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_imap_token_opens_the_users_mailbox(
    dovecot_oauth2: DovecotServer, oauth2_user: tuple[str, str], mechanism: str
) -> None:
    """Log in with a good token by each mechanism and see mail stored with the password."""
    address, token = oauth2_user
    uid = dovecot_oauth2.append(address, MESSAGE)  # logs in with the password
    client = IMAPClient(dovecot_oauth2.host, port=dovecot_oauth2.port, ssl=False, timeout=10)
    with client:
        if mechanism == "XOAUTH2":
            client.oauth2_login(address, token)
        else:
            client.oauthbearer_login(address, token)
        client.select_folder("INBOX", readonly=True)
        assert client.search() == [uid]
    wait_for_log(dovecot_oauth2, "Login:", f"user=<{address}>", f"method={mechanism}")


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("expired", "Token has expired"),
        ("other user", "did not match"),
        ("wrong issuer", "is not allowed"),
        ("other key", "Bad signature"),
    ],
)
def test_imap_refuses_a_bad_token(
    dovecot_oauth2: DovecotServer, oauth2_user: tuple[str, str], case: str, reason: str
) -> None:
    """Refuse expired, other-user, wrong-issuer and forged tokens, for the expected reason."""
    address, _token = oauth2_user
    token = {
        "expired": lambda: mint(address, ttl=-60),
        "other user": lambda: mint("someone.else@forum.test"),
        "wrong issuer": lambda: mint(address, iss="https://login.evil.test/v2.0"),
        "other key": lambda: mint(address, key=generate_private_key_pem()),
    }[case]()
    client = IMAPClient(dovecot_oauth2.host, port=dovecot_oauth2.port, ssl=False, timeout=10)
    try:
        with pytest.raises(LoginError, match="AUTHENTICATIONFAILED"):
            client.oauth2_login(address, token)
    finally:
        client.shutdown()
    wait_for_log(dovecot_oauth2, f"oauth2({address},", "oauth2 failed", reason)


def test_imap_oauth2_server_takes_passwords_but_not_as_tokens(
    dovecot_oauth2: DovecotServer,
) -> None:
    """Log in by password as on the plain server, and refuse that password as a bearer token."""
    address, password = dovecot_oauth2.add_user()
    with dovecot_oauth2.client(address) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    with pytest.raises(LoginError):
        dovecot_oauth2.oauth2_client(address, password)


def test_imap_end_sessions_says_bye_to_an_idling_user_only(
    dovecot_oauth2: DovecotServer, oauth2_user: tuple[str, str]
) -> None:
    """End one user's IDLE with Exchange's BYE, and leave another user's session alone."""
    address, token = oauth2_user
    other, _password = dovecot_oauth2.add_user()
    bystander = dovecot_oauth2.oauth2_client(other, mint(other))
    client = dovecot_oauth2.oauth2_client(address.upper(), token)  # names match in any case
    try:
        client.select_folder("INBOX")
        client.idle()
        assert dovecot_oauth2.end_sessions(address) == 1
        responses = client.idle_check(timeout=5)
        assert responses[0][0] == b"BYE"
        assert b" ".join(responses[0][1:]).decode() == TOKEN_EXPIRED_BYE
        with pytest.raises(IMAPClient.AbortError):
            client.idle_done()  # the server has hung up
        assert bystander.noop()[0].startswith(b"NOOP")
    finally:
        client.shutdown()
        bystander.logout()


def test_imap_end_sessions_aborts_the_next_command_and_a_new_token_logs_in(
    dovecot_oauth2: DovecotServer, oauth2_user: tuple[str, str]
) -> None:
    """Abort the next command with the BYE text; then log in again as a worker would."""
    address, token = oauth2_user
    client = dovecot_oauth2.oauth2_client(address, token)
    try:
        assert dovecot_oauth2.end_sessions() == 1
        with pytest.raises(IMAPClient.AbortError, match=f"SELECT => {TOKEN_EXPIRED_BYE}$"):
            client.select_folder("INBOX")
    finally:
        client.shutdown()
    assert dovecot_oauth2.end_sessions(address) == 0
    with dovecot_oauth2.oauth2_client(address, mint(address)) as again:
        assert again.select_folder("INBOX")[b"EXISTS"] == 0


# -- SMTP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("initial_response_ok", [True, False])
@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_smtp_token_sends_and_the_message_carries_the_user(
    smtp_oauth2: SMTPServer, mechanism: str, initial_response_ok: bool
) -> None:
    """Send after AUTH by each mechanism, with and without initial response, as that user."""
    user = "agenda@forum.test"
    auth = (xoauth2 if mechanism == "XOAUTH2" else oauthbearer)(user, mint(user))
    with smtplib.SMTP(smtp_oauth2.host, smtp_oauth2.port, timeout=10) as client:
        client.ehlo("test")
        assert client.has_extn("auth")
        assert client.esmtp_features["auth"].split() == ["OAUTHBEARER", "XOAUTH2"]
        code, _text = client.auth(mechanism, auth, initial_response_ok=initial_response_ok)
        assert code == 235
        client.sendmail(user, ["b@forum.test"], MESSAGE)
    (message,) = smtp_oauth2.wait_for(1)
    assert message.auth_data == user
    assert message.data == MESSAGE
    assert [(login.mechanism, login.refused) for login in smtp_oauth2.logins] == [(mechanism, None)]


def test_smtp_takes_a_token_as_fat_as_real_ones(smtp_oauth2: SMTPServer) -> None:
    """Accept an AUTH line of several kilobytes (aiosmtpd's default limit is 512 bytes)."""
    user = "agenda@forum.test"
    token = mint(user, groups_overage="g" * 6000)
    assert len(token) > 8000
    with smtplib.SMTP(smtp_oauth2.host, smtp_oauth2.port, timeout=10) as client:
        client.ehlo("test")
        assert client.auth("XOAUTH2", xoauth2(user, token))[0] == 235


@pytest.mark.parametrize(
    ("token_for", "reason"),
    [
        (lambda user: mint(user, ttl=-60), "Signature has expired"),
        (lambda user: mint("someone.else@forum.test"), "did not match"),
        (lambda user: mint(user, aud="https://graph.microsoft.com"), "Audience doesn't match"),
        (lambda user: mint(user, kid="unknown-kid"), "key 'unknown-kid' not found"),
    ],
    ids=["expired", "other user", "wrong audience", "unknown kid"],
)
def test_smtp_refuses_a_bad_token_with_535(
    smtp_oauth2: SMTPServer, token_for: Callable[[str], str], reason: str
) -> None:
    """Refuse a bad token with the JSON challenge and then 535 5.7.8 and the reason."""
    user = "agenda@forum.test"
    with smtplib.SMTP(smtp_oauth2.host, smtp_oauth2.port, timeout=10) as client:
        client.ehlo("test")
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.auth("XOAUTH2", xoauth2(user, token_for(user)))
        with pytest.raises(smtplib.SMTPSenderRefused) as not_logged_in:
            client.sendmail(user, ["b@forum.test"], MESSAGE)
    assert refused.value.smtp_code == 535
    assert refused.value.smtp_error.decode().startswith("5.7.8 ")
    assert reason in refused.value.smtp_error.decode()
    assert not_logged_in.value.smtp_code == 530
    assert smtp_oauth2.messages == []


@pytest.mark.parametrize("reply", [SMTP_AUTH_DISABLED, AUTH_UNSUCCESSFUL])
def test_smtp_refuse_auth_gives_the_canned_reply_the_given_times(
    smtp_oauth2: SMTPServer, reply: str
) -> None:
    """Refuse a good token with the canned Exchange reply once, then accept it."""
    user = "agenda@forum.test"
    smtp_oauth2.refuse_auth(reply, times=1)
    for expected in (reply, None):
        with smtplib.SMTP(smtp_oauth2.host, smtp_oauth2.port, timeout=10) as client:
            client.ehlo("test")
            if expected is None:
                assert client.auth("XOAUTH2", xoauth2(user, mint(user)))[0] == 235
                continue
            with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
                client.auth("XOAUTH2", xoauth2(user, mint(user)))
        assert f"{refused.value.smtp_code} {refused.value.smtp_error.decode()}" == reply


def test_smtp_refuse_auth_holds_until_reset(smtp_oauth2_server: SMTPServer) -> None:
    """Keep refusing every AUTH until reset, which the smtp_oauth2 fixture does per test."""
    user = "agenda@forum.test"
    smtp_oauth2_server.reset()
    smtp_oauth2_server.refuse_auth()
    try:
        for _attempt in range(2):
            with smtplib.SMTP(smtp_oauth2_server.host, smtp_oauth2_server.port) as client:
                client.ehlo("test")
                with pytest.raises(smtplib.SMTPAuthenticationError, match="5.7.139"):
                    client.auth("XOAUTH2", xoauth2(user, mint(user)))
        assert [login.refused for login in smtp_oauth2_server.logins] == [SMTP_AUTH_DISABLED] * 2
    finally:
        smtp_oauth2_server.reset()
    with smtplib.SMTP(smtp_oauth2_server.host, smtp_oauth2_server.port) as client:
        client.ehlo("test")
        assert client.auth("XOAUTH2", xoauth2(user, mint(user)))[0] == 235


# -- both ----------------------------------------------------------------------------------------


def test_one_token_opens_imap_and_smtp(
    dovecot_oauth2: DovecotServer, smtp_oauth2: SMTPServer, oauth2_user: tuple[str, str]
) -> None:
    """Use one minted token for the IMAP login and the SMTP AUTH, as the app will."""
    address, token = oauth2_user
    with dovecot_oauth2.oauth2_client(address, token) as imap:
        assert imap.select_folder("INBOX")[b"EXISTS"] == 0
    with smtplib.SMTP(smtp_oauth2.host, smtp_oauth2.port, timeout=10) as client:
        client.ehlo("test")
        client.auth("XOAUTH2", xoauth2(address, token))
        client.sendmail(address, [address], MESSAGE)
    assert smtp_oauth2.wait_for(1)[0].auth_data == address
