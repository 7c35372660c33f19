"""Smoke tests for the real-server fixtures of tests/servers."""

from __future__ import annotations

import smtplib
import threading

import pytest
import redis
from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError

from tests.servers.dovecot import DovecotServer
from tests.servers.plugin import DovecotVariant
from tests.servers.smtp import SMTPServer

RAW = (
    b"From: Alice <alice@forum.test>\r\n"
    b"To: agenda@forum.test\r\n"
    b"Subject: =?utf-8?q?R=C3=A9union?=\r\n"
    b"Message-ID: <smoke-1@forum.test>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"R\xc3\xa9union jeudi.\r\n"
    b".a line starting with a dot\r\n"
    b"\r\n"
    b"trailing spaces   \r\n"
)


def _message(number: int) -> bytes:
    """Return a small CRLF message numbered NUMBER."""
    return (
        f"From: a@forum.test\r\nTo: b@forum.test\r\nSubject: message {number}\r\n\r\n"
        f"body {number}\r\n.dot line\r\n"
    ).encode()


# -- Dovecot -------------------------------------------------------------------------------------


def test_imap_append_is_fetched_back_byte_identical(
    dovecot: DovecotServer, imap_user: tuple[str, str]
) -> None:
    """Log in, APPEND, and fetch the same bytes back with BODY.PEEK[]."""
    address, _password = imap_user
    uid = dovecot.append(address, RAW)
    assert isinstance(uid, int)
    with dovecot.client(address) as client:
        client.select_folder("INBOX", readonly=True)
        assert client.search() == [uid]
        fetched = client.fetch([uid], ["BODY.PEEK[]", "FLAGS"])[uid]
    assert fetched[b"BODY[]"] == RAW
    assert b"\\Seen" not in fetched[b"FLAGS"]


def test_imap_user_is_fresh_and_uidvalidity_is_int(
    dovecot: DovecotServer, imap_user: tuple[str, str]
) -> None:
    """Give each test an empty mailbox and an integer UIDVALIDITY."""
    address, password = imap_user
    with IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=5) as client:
        client.login(address, password)
        selected = client.select_folder("INBOX")
        caps = client.capabilities()
    assert selected[b"EXISTS"] == 0
    assert isinstance(selected[b"UIDVALIDITY"], int)
    assert {b"IDLE", b"MOVE", b"UIDPLUS"} <= set(caps)


def test_imap_refuses_a_wrong_password(dovecot: DovecotServer, imap_user: tuple[str, str]) -> None:
    """Refuse a login with the wrong password, so the passdb really checks."""
    address, password = imap_user
    with (
        IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=5) as client,
        pytest.raises(LoginError),
    ):
        client.login(address, password + "x")


def test_imap_idle_wakes_up_on_append_from_another_connection(
    dovecot: DovecotServer, imap_user: tuple[str, str]
) -> None:
    """Wake an IDLE connection with an APPEND made on a second connection."""
    address, _password = imap_user
    with dovecot.client(address) as watcher:
        watcher.select_folder("INBOX")
        watcher.idle()
        appender = threading.Timer(0.2, dovecot.append, (address, RAW))
        appender.start()
        try:
            responses = watcher.idle_check(timeout=5)
        finally:
            appender.join()
            watcher.idle_done()
    assert (1, b"EXISTS") in responses


def test_imap_move_puts_message_in_other_folder(
    dovecot: DovecotServer, imap_user: tuple[str, str]
) -> None:
    """MOVE a message to another folder and find it there, gone from INBOX."""
    address, _password = imap_user
    uid = dovecot.append(address, RAW)
    with dovecot.client(address) as client:
        client.create_folder("Archive")
        client.select_folder("INBOX")
        client.move([uid], "Archive")
        assert client.search() == []
        client.select_folder("Archive", readonly=True)
        moved = client.search()
        assert len(moved) == 1
        assert client.fetch(moved, ["BODY.PEEK[]"])[moved[0]][b"BODY[]"] == RAW


def test_imap_variant_hides_idle_and_move(dovecot_variant: DovecotVariant) -> None:
    """Serve a Dovecot that advertises neither IDLE nor MOVE, for fallback paths."""
    server = dovecot_variant(without=("IDLE", "MOVE"))
    address, _password = server.add_user()
    uid = server.append(address, RAW)
    with server.client(address) as client:
        caps = set(client.capabilities())
        assert b"IDLE" not in caps and b"MOVE" not in caps
        assert b"UIDPLUS" in caps
        client.select_folder("INBOX")
        with pytest.raises(CapabilityError):
            client.move([uid], "INBOX")
        with pytest.raises(CapabilityError):
            client.idle()


# -- SMTP ----------------------------------------------------------------------------------------


def test_smtp_records_two_messages_on_one_connection(smtp: SMTPServer) -> None:
    """Receive two messages sent over one connection, byte for byte with their envelopes."""
    first, second = _message(1), RAW
    with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client:
        assert client.sendmail("bounce@forum.test", ["x@forum.test"], first) == {}
        assert client.sendmail("bounce@forum.test", ["y@forum.test", "z@forum.test"], second) == {}
    got = smtp.wait_for(2, timeout=2)
    assert [m.data for m in got] == [first, second]
    assert [m.mail_from for m in got] == ["bounce@forum.test"] * 2
    assert [m.rcpt_tos for m in got] == [("x@forum.test",), ("y@forum.test", "z@forum.test")]


def test_smtp_drop_after_disconnects_half_way(smtp: SMTPServer) -> None:
    """Drop the connection after the first message, then serve a reconnection normally."""
    smtp.drop_after(1)
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=5)
    try:
        client.sendmail("bounce@forum.test", ["x@forum.test"], _message(1))
        with pytest.raises(smtplib.SMTPServerDisconnected):
            client.sendmail("bounce@forum.test", ["x@forum.test"], _message(2))
    finally:
        client.close()
    assert [m.data for m in smtp.messages] == [_message(1)]
    with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client:
        client.sendmail("bounce@forum.test", ["x@forum.test"], _message(3))
    assert [m.data for m in smtp.wait_for(2, timeout=2)] == [_message(1), _message(3)]


def test_smtp_fail_rcpt_refuses_recipients(smtp: SMTPServer) -> None:
    """Refuse a recipient permanently, and another one temporarily for one attempt."""
    smtp.fail_rcpt("gone@forum.test", 550, "5.1.1 No such user")
    smtp.fail_rcpt("busy@forum.test", 450, times=1)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("bounce@forum.test", ["Gone@forum.test"], _message(1))
        assert refused.value.recipients == {"Gone@forum.test": (550, b"5.1.1 No such user")}
        partial = client.sendmail(
            "bounce@forum.test", ["busy@forum.test", "ok@forum.test"], _message(2)
        )
        assert partial["busy@forum.test"][0] == 450
        client.sendmail("bounce@forum.test", ["busy@forum.test"], _message(3))
    got = smtp.wait_for(2, timeout=2)
    assert [m.rcpt_tos for m in got] == [("ok@forum.test",), ("busy@forum.test",)]


def test_smtp_wait_for_times_out(smtp: SMTPServer) -> None:
    """Raise TimeoutError when fewer messages than expected arrive."""
    with pytest.raises(TimeoutError):
        smtp.wait_for(1, timeout=0.1)


# -- Redis ---------------------------------------------------------------------------------------


def test_redis_set_get_on_a_non_zero_db(redis_url: str) -> None:
    """Set and get a key in the session's own, non-zero database."""
    client = redis.Redis.from_url(redis_url)
    with client:
        assert client.connection_pool.connection_kwargs["db"] != 0
        client.set("forumpost:smoke", "été")
        assert client.get("forumpost:smoke") == "été".encode()
        client.delete("forumpost:smoke")
