"""How a mailbox's failures read on the page: known refusals and network failures in Danish."""

import smtplib
import socket

from app.mailer import LoginError
from app.services.mailaccounts.state import describe


def _wrapped(cause: BaseException) -> LoginError:
    try:
        try:
            raise cause
        except OSError as exc:
            raise LoginError(f"cannot connect to SMTP server: {exc}", permanent=False) from exc
    except LoginError as error:
        return error


def test_a_name_that_cannot_be_found_is_explained(app):
    text = describe(_wrapped(socket.gaierror(-2, "Name or service not known")))
    assert text.startswith("Serverens navn kan ikke findes")
    assert "Name or service not known" in text  # the error itself stays for IT


def test_a_refused_connection_and_a_silent_server_are_told_apart(app):
    assert "porten" in describe(ConnectionRefusedError(111, "Connection refused"))
    assert "svarer ikke" in describe(_wrapped(TimeoutError("timed out")))


def test_a_known_refusal_wins(app):
    error = smtplib.SMTPAuthenticationError(535, b"5.7.139 Authentication unsuccessful")
    assert "SMTP-godkendelse er slået fra" in describe(error)


def test_anything_else_is_shown_as_it_is(app):
    assert describe(ValueError("odd")) == "odd"
