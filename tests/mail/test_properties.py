"""Mutated and random mail through decide(): nothing escapes, every mail gets a kind."""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.mail.decision import KINDS
from app.mail.pipeline import decide

from .builders import CORPUS, DATA, fixture_context

CTX = fixture_context()
_CHARSETS = [b"utf-8", b"iso-8859-1", b"windows-1252", b"x-unknown", b"utf-7", b"", b"uft-8",
             b"iso-2022-jp", b"ks_c_5601-1987", b"\"", b"us-ascii", b"binary", b"utf-16"]


def _seeds() -> list[bytes]:
    """Return the fixture mails and a sample of the corpus mails."""
    paths = sorted(DATA.rglob("*.eml"))
    if CORPUS.is_dir():
        corpus = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".eml", ".ics"))
        paths += corpus[::3]
    return [p.read_bytes()[:60000] for p in paths]


SEEDS = _seeds()


def flip_bytes(raw: bytes, rng: random.Random) -> bytes:
    """Overwrite a few bytes with random ones."""
    data = bytearray(raw)
    for _ in range(rng.randint(1, 20)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def truncate(raw: bytes, rng: random.Random) -> bytes:
    """Cut the mail anywhere."""
    return raw[:rng.randint(0, len(raw))]


def shuffle_headers(raw: bytes, rng: random.Random) -> bytes:
    """Shuffle the header lines (breaking folded headers too) and keep the body."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    rng.shuffle(lines)
    return b"\r\n".join(lines) + sep + body


def relabel_charsets(raw: bytes, rng: random.Random) -> bytes:
    """Give every charset parameter a random, possibly bogus, label."""
    return re.sub(rb"(?i)charset=\"?[\w-]*\"?",
                  lambda m: b"charset=" + rng.choice(_CHARSETS), raw)


def nest(raw: bytes, rng: random.Random) -> bytes:
    """Wrap the mail in multiparts, as an attachment or as a part, several levels deep."""
    for level in range(rng.randint(1, 6)):
        boundary = f"b{level}{rng.randrange(10**6)}".encode()
        kind = rng.choice([b"message/rfc822", b"text/plain", b"multipart/alternative"])
        raw = (b"From: x@example.dk\r\nTo: dagsorden@samarbejdsforum.test\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=\"" + boundary + b"\"\r\n\r\n--" +
               boundary + b"\r\nContent-Type: " + kind + b"\r\n\r\n" + raw + b"\r\n--" +
               boundary + rng.choice([b"--\r\n", b"\r\n", b""]))
    return raw


def splice(raw: bytes, rng: random.Random) -> bytes:
    """Insert another seed's bytes in the middle."""
    other = rng.choice(SEEDS)
    at = rng.randint(0, len(raw))
    return raw[:at] + other[:rng.randint(0, 4000)] + raw[at:]


MUTATIONS = [flip_bytes, truncate, shuffle_headers, relabel_charsets, nest, splice]


def _check(raw: bytes) -> None:
    decision = decide(raw, CTX)
    assert decision.kind in KINDS
    assert not any(r.startswith("internal error") for r in decision.reasons), decision.reasons
    decision.to_dict()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(SEEDS), ops=st.lists(st.sampled_from(MUTATIONS), min_size=1,
                                                  max_size=4),
       seed=st.integers(0, 2**32 - 1))
def test_mutated_mail_always_gets_a_kind(base, ops, seed):
    rng = random.Random(seed)
    # Several variants per example: thousands of mails within the time budget.
    for _ in range(6):
        raw = base
        for op in ops:
            raw = op(raw, rng)
        _check(raw)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_always_get_a_kind(raw):
    _check(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_random_text_bodies(text):
    raw = ("From: anne.jensen@example.dk\nTo: sekretariat@samarbejdsforum.test\n"
           "Subject: Re: Invitation\n\n" + text).encode("utf-8", "surrogatepass")
    _check(raw)
