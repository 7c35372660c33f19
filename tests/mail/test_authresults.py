"""Reading the receiving server's Authentication-Results, as each server writes them."""

from __future__ import annotations

import pytest

from app.mail.authresults import EXCHANGE_ONLINE, check_sender
from app.mail.parse import parse

TRUSTED = frozenset({"mx.forum.test"})


def _mail(headers: str, sender: str = "anne@example.dk") -> bytes:
    return parse(f"{headers}From: Anne <{sender}>\r\nTo: s@forum.test\r\nSubject: x\r\n\r\nja\r\n"
                 .encode())


@pytest.mark.parametrize("header, proven", [
    ("mx.forum.test; dmarc=pass (p=none dis=none) header.from=example.dk", True),
    ("mx.forum.test 1; dmarc=pass header.from=example.dk", True),  # with a version
    ("mx.forum.test; spf=pass smtp.mailfrom=example.dk; dkim=pass header.d=example.dk", True),
    ("mx.forum.test; spf=pass smtp.mailfrom=mail.example.dk; dkim=pass header.d=example.dk",
     True),
    ("mx.forum.test; spf=pass smtp.mailfrom=example.dk; dkim=fail header.d=example.dk", False),
    ("mx.forum.test; spf=pass smtp.mailfrom=example.dk", False),
    ("mx.forum.test; dkim=pass header.d=example.dk", False),
    ("mx.forum.test; dmarc=pass header.from=other.example", False),
    ("mx.forum.test; dmarc=fail header.from=example.dk", False),
    ("mx.forum.test; dkim=pass header.d=dk; spf=pass smtp.mailfrom=x.dk", False),
    ("mx.forum.test; none", False),
    ("MX.Forum.Test; dmarc=pass header.from=example.dk", True),  # ids are case-insensitive
    ("mx.other.test; dmarc=pass header.from=example.dk", False),
    ("mx.forum.test; this is not a header (", False),
])
def test_verdicts(header, proven):
    check = check_sender(_mail(f"Authentication-Results: {header}\r\n"), TRUSTED)
    assert check.proven is proven, check.reason


def test_only_the_topmost_trusted_header_counts():
    ours = "Authentication-Results: mx.forum.test; dmarc=fail header.from=example.dk\r\n"
    forged = "Authentication-Results: mx.forum.test; dmarc=pass header.from=example.dk\r\n"
    assert not check_sender(_mail(ours + forged), TRUSTED).proven
    assert check_sender(_mail(forged + ours), TRUSTED).proven  # order is what tells them apart


def test_untrusted_headers_above_ours_are_skipped():
    relay = "Authentication-Results: relay.other; dmarc=fail\r\n"
    ours = "Authentication-Results: mx.forum.test; dmarc=pass header.from=example.dk\r\n"
    assert check_sender(_mail(relay + ours), TRUSTED).proven


EXCHANGE = ("Authentication-Results: spf=pass (sender IP is 209.85.128.41)\r\n"
            " smtp.mailfrom=example.dk; dkim=pass (signature was verified)\r\n"
            " header.d=example.dk;dmarc=pass action=none header.from=example.dk;compauth=pass\r\n"
            " reason=100\r\n")


def test_exchange_online_form_counts_only_when_trusted():
    assert check_sender(_mail(EXCHANGE), frozenset({EXCHANGE_ONLINE})).proven
    assert not check_sender(_mail(EXCHANGE), TRUSTED).proven


def test_exchange_internal_sender():
    internal = "X-MS-Exchange-Organization-AuthAs: Internal\r\n"
    assert check_sender(_mail(internal), frozenset({EXCHANGE_ONLINE})).proven
    assert not check_sender(_mail(internal), TRUSTED).proven
    anonymous = "X-MS-Exchange-Organization-AuthAs: Anonymous\r\n"
    assert not check_sender(_mail(anonymous), frozenset({EXCHANGE_ONLINE})).proven


def test_nothing_trusted_proves_nothing():
    header = "Authentication-Results: mx.forum.test; dmarc=pass header.from=example.dk\r\n"
    check = check_sender(_mail(header), frozenset())
    assert (check.proven, check.reason) == (False, "no trusted authserv-id configured")
