"""Mail.header() reads plain headers straight from the raw value: the same text as the parse."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.mail.parse import Mail, parse
from app.mail.routing import delivered_to, delivered_to_message

from .builders import CORPUS

DATA = Path(__file__).resolve().parents[1] / "data"
# Every header the rules read, and a few structured ones the fast path must leave alone.
NAMES = ["Subject", "From", "Sender", "Return-Path", "In-Reply-To", "References", "Message-ID",
         "Auto-Submitted", "Precedence", "X-Autoreply", "X-Auto-Response-Suppress", "List-Id",
         "List-Unsubscribe", "X-Failed-Recipients", "Date", "To", "Content-Type", "Thread-Topic"]


def _parsed(mail: Mail, name: str) -> str:
    """Return header NAME the slow way: policy.default's object, as Mail.header() did."""
    mail.cache["raw_headers"] = {}  # an empty index sends every header down the full parse
    try:
        return mail.header(name)
    finally:
        mail.cache.clear()


def _messages() -> list[Path]:
    """Return the project's fixtures and, where present, the shared corpus."""
    found = sorted(p for p in DATA.rglob("*.eml"))
    if CORPUS.is_dir():
        found += sorted(p for p in CORPUS.rglob("*") if p.is_file()
                        and p.suffix not in (".md", ".tsv"))
    return found


@pytest.mark.parametrize("path", _messages(), ids=lambda p: p.name)
def test_every_header_reads_as_the_full_parse_gives_it(path: Path) -> None:
    raw = path.read_bytes()
    mail = parse(raw)
    names = set(NAMES) | {key for key, _ in _safe_items(mail)}
    for name in sorted(names):
        fast = mail.header(name)
        assert fast == _parsed(parse(raw), name), name


def _safe_items(mail: Mail) -> list[tuple[str, str]]:
    try:
        return list(mail.msg.raw_items())
    except Exception:  # noqa: BLE001
        return []


_VALUE = st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x17F,
                                        blacklist_characters="\r\n"), max_size=120)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(["Subject", "Auto-Submitted", "In-Reply-To", "X-Autoreply",
                             "Thread-Topic", "Precedence"]),
       value=_VALUE, fold=st.booleans())
def test_any_unstructured_value_reads_as_the_full_parse_gives_it(name, value, fold) -> None:
    if fold and " " in value.strip():
        head, _, tail = value.strip().partition(" ")
        value = f"{head}\r\n {tail}"
    raw = f"From: a@example.dk\r\n{name}: {value}\r\n\r\nbody\r\n".encode("utf-8", "replace")
    assert parse(raw).header(name) == _parsed(parse(raw), name)


@pytest.mark.parametrize("path", _messages(), ids=lambda p: p.name)
def test_routing_from_the_parsed_message_finds_what_routing_from_bytes_finds(path: Path) -> None:
    raw = path.read_bytes()
    assert delivered_to_message(parse(raw).msg) == delivered_to(raw)


def _slow_sender(raw: bytes) -> tuple[str, str]:
    """Return (sender, sender name) read through policy.default's address objects."""
    mail = parse(raw)
    mail.cache["raw_headers"] = {}
    return mail.sender, mail.sender_name


@pytest.mark.parametrize("path", _messages(), ids=lambda p: p.name)
def test_sender_reads_as_through_the_full_parse(path: Path) -> None:
    raw = path.read_bytes()
    mail = parse(raw)
    assert (mail.sender, mail.sender_name) == _slow_sender(raw)


_NAME = st.text(alphabet=st.sampled_from("abcAB09 -.,'\"()<>@;:\\=?\t"), max_size=30)


@settings(max_examples=400, deadline=None)
@given(name=_NAME, local=st.sampled_from(["anne", "a.b", "x+tag", "\"odd one\""]),
       shape=st.sampled_from(["{q}{name}{q} <{addr}>", "{addr} ({name})", "{addr}",
                              "<{addr}>", "{name} <{addr}>, other <o@x.dk>"]),
       quoted=st.booleans())
def test_any_ascii_sender_reads_as_through_the_full_parse(name, local, shape, quoted) -> None:
    value = shape.format(name=name, addr=f"{local}@example.dk", q='"' if quoted else "")
    raw = f"From: {value}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    assert (parse(raw).sender, parse(raw).sender_name) == _slow_sender(raw)


@pytest.mark.parametrize("path", _messages(), ids=lambda p: p.name)
def test_message_id_reads_as_through_the_full_parse(path: Path) -> None:
    raw = path.read_bytes()
    slow = parse(raw)
    slow.cache["raw_headers"] = {}
    assert parse(raw).message_id == slow.message_id


def test_a_header_line_seen_before_is_shared_and_reads_as_policy_default_does():
    """Mail after mail carries the same From and part Content-Type lines: each is parsed
    once, and what a rule reads is what policy.default gives for the line."""
    from email import message_from_bytes, policy

    raw = (b"From: =?utf-8?q?S=C3=B8ren?= <soren@example.test>\r\nSubject: Ja\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nJa tak\r\n")
    first, second = parse(raw), parse(raw.replace(b"Ja tak", b"Nej tak"))
    assert first.msg["From"] is second.msg["From"]
    expected = message_from_bytes(raw, policy=policy.default)
    for name in ("From", "Content-Type"):
        assert str(first.msg[name]) == str(expected[name])
    assert first.msg["From"].addresses[0].display_name == "Søren"
    assert second.msg.get_content_charset() == "utf-8"


def test_a_long_header_line_is_parsed_each_time_not_remembered():
    """A hostile mail's huge header lines are parsed for that mail only."""
    long_subject = b"Subject: " + b"x " * 800 + b"\r\n"
    raw = b"From: a@example.test\r\n" + long_subject + b"\r\nHej\r\n"
    first, second = parse(raw), parse(raw)
    assert first.msg["Subject"] == second.msg["Subject"]
    assert first.msg["Subject"] is not second.msg["Subject"]


def _walk_params(msg) -> list:
    """Return what get_param, get_params and `in` say of every part, in order."""
    found = []
    for part in msg.walk():
        for header in ("content-type", "content-disposition"):
            found.append((header in part, part.get_params(header=header),
                          part.get_params(header=header, unquote=False),
                          [part.get_param(p, header=header) for p in
                           ("charset", "boundary", "name", "filename", "report-type", "x")]))
        found.append((part.get_content_charset(), part.get_filename(), part.get_boundary()))
    return found


@pytest.mark.parametrize("path", _messages(), ids=lambda p: p.name)
def test_parameters_and_presence_read_as_policy_default_reads_them(path: Path) -> None:
    """A message's parameters are split once and kept: what a rule reads is the stdlib's."""
    from email import message_from_bytes, policy

    raw = path.read_bytes()
    try:
        expected = _walk_params(message_from_bytes(raw, policy=policy.default))
    except Exception:  # noqa: BLE001 - policy.default cannot read it: nothing to compare
        pytest.skip("policy.default refuses this message")
    mail = parse(raw)
    assert _walk_params(mail.msg) == expected
    assert _walk_params(mail.msg) == expected  # and again, from what was kept


def test_a_changed_header_is_read_anew():
    """What a message kept of its headers is forgotten when a header changes."""
    raw = (b"From: a@example.test\r\nSubject: x\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nHej\r\n")
    msg = parse(raw).msg
    assert (msg.get_content_charset(), "X-Test" in msg, msg["Subject"]) == ("utf-8", False, "x")
    msg.set_param("charset", "iso-8859-1")
    msg["X-Test"] = "1"
    msg.replace_header("Subject", "y")
    assert (msg.get_content_charset(), "X-Test" in msg, msg["Subject"]) == (
        "iso-8859-1", True, "y")
    del msg["X-Test"]
    msg.add_header("Content-Disposition", "attachment", filename="a.pdf")
    assert ("X-Test" in msg, msg.get_filename()) == (False, "a.pdf")
    params = msg.get_params(unquote=False)
    params.append(("mutated", "1"))
    assert msg.get_param("mutated") is None
