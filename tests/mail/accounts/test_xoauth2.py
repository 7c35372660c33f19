"""SASL XOAUTH2: the string and the auth object smtplib calls."""

from __future__ import annotations

import base64
import smtplib

import pytest

from app.mail.accounts.xoauth2 import XOAuth2, xoauth2_string

CREDENTIALS = "user=agenda@forum.test\x01auth=Bearer tok.en\x01\x01"


class ScriptedSMTP(smtplib.SMTP):
    """An unconnected smtplib client whose server replies come from a list."""

    def __init__(self, replies: list[tuple[int, bytes]]) -> None:
        """Answer each command with the next of REPLIES and record the commands."""
        super().__init__()
        self.replies = replies
        self.sent: list[str] = []

    def docmd(self, cmd: str, args: str = "") -> tuple[int, bytes]:
        """Record CMD and ARGS and return the next scripted reply."""
        self.sent.append(f"{cmd} {args}".strip())
        return self.replies.pop(0)


def _decoded(line: str) -> str:
    """Return the base64 payload at the end of an SMTP line, decoded."""
    return base64.b64decode(line.split()[-1] if line.strip() else "").decode()


def test_xoauth2_string_is_user_and_bearer_token_with_ctrl_a():
    """The initial response is user=, auth=Bearer, separated and ended by ^A."""
    assert xoauth2_string("agenda@forum.test", "tok.en") == CREDENTIALS


def test_smtplib_sends_the_credentials_as_initial_response():
    """With an initial response, AUTH XOAUTH2 carries the base64 credentials at once."""
    smtp = ScriptedSMTP([(235, b"2.7.0 Authentication successful")])
    assert smtp.auth("XOAUTH2", XOAuth2("agenda@forum.test", "tok.en"))[0] == 235
    assert smtp.sent[0].startswith("AUTH XOAUTH2 ")
    assert _decoded(smtp.sent[0]) == CREDENTIALS


def test_smtplib_without_initial_response_answers_the_empty_challenge():
    """Without an initial response the credentials answer the server's empty 334 (b"")."""
    smtp = ScriptedSMTP([(334, b""), (235, b"2.7.0 Authentication successful")])
    smtp.auth("XOAUTH2", XOAuth2("agenda@forum.test", "tok.en"), initial_response_ok=False)
    assert smtp.sent[0] == "AUTH XOAUTH2"
    assert _decoded(smtp.sent[1]) == CREDENTIALS


def test_error_challenge_gets_an_empty_answer_and_the_refusal_surfaces():
    """A refused token's JSON challenge is answered with an empty line, then 535 is raised."""
    error = base64.b64encode(b'{"status":"401","schemes":"bearer"}')
    smtp = ScriptedSMTP([(334, error), (535, b"5.7.3 Authentication unsuccessful")])
    with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
        smtp.auth("XOAUTH2", XOAuth2("agenda@forum.test", "tok.en"))
    assert refused.value.smtp_code == 535
    assert smtp.sent[1] == ""


def test_imaplib_style_empty_continuation_gets_the_credentials():
    """imaplib calls the object with the server's empty "+ " as b""."""
    assert XOAuth2("agenda@forum.test", "tok.en")(b"") == CREDENTIALS


def test_repr_never_shows_the_token():
    """The object may end up in a log line; the token must not."""
    shown = repr(XOAuth2("agenda@forum.test", "secret-token"))
    assert "agenda@forum.test" in shown
    assert "secret-token" not in shown
