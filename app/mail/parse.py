"""Parse raw bytes into a Mail: a tolerant, read-only view of one message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.headerregistry import UnstructuredHeader
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from .readpolicy import READ_POLICY
from .textcodec import unescape_surrogates

ADDRESS_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
MSGID_RE = re.compile(r"<([^<>\s]+)>")
# Headers that name where the mail was delivered; some servers only keep these.
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To",
                     "X-Envelope-To", "X-Delivered-To")


@dataclass
class Mail:
    """A parsed message with the header facts every rule needs."""

    msg: Message
    raw: bytes
    compat: Message | None = None  # compat32 twin, made on the first header error
    errors: list[str] = field(default_factory=list)
    cache: dict[str, object] = field(default_factory=dict)  # derived facts, computed once

    def header(self, name: str) -> str:
        """Return header NAME as clean text, or '' if absent or undecodable (cached)."""
        key = f"header:{name.lower()}"
        if key not in self.cache:
            self.cache[key] = self._header(name)
        return str(self.cache[key])

    def _header(self, name: str) -> str:
        """Read header NAME, falling back to compat32 when policy.default refuses it."""
        plain = _plain_value(self._raw_headers(), name)
        if plain is not None:
            return _clean(plain)
        try:
            value = self.msg.get(name)
            return _clean(str(value)) if value is not None else ""
        except Exception as exc:  # policy.default refuses some broken headers
            self.errors.append(f"header {name}: {exc}")
        return _compat_header(self._compat(), name)

    def _raw_headers(self) -> dict[str, str]:
        """Return the first raw value of each header, by lowercase name (cached)."""
        if "raw_headers" not in self.cache:
            found: dict[str, str] = {}
            try:
                for key, value in self.msg.raw_items():
                    found.setdefault(key.lower(), value)
            except Exception:  # noqa: BLE001 - the slow path will say what is wrong
                found = {}
            self.cache["raw_headers"] = found
        return self.cache["raw_headers"]  # type: ignore[return-value]

    def _compat(self) -> Message:
        """Parse the raw bytes again with compat32, once."""
        if self.compat is None:
            self.compat = message_from_bytes(self.raw, policy=policy.compat32)
        return self.compat

    @property
    def sender(self) -> str:
        """Return the From address, lowercase, else Sender or Return-Path (cached)."""
        if "sender" not in self.cache:
            self.cache["sender"] = self._sender()
        return str(self.cache["sender"])

    def _sender(self) -> str:
        """Find the sender's address in From, Sender or Return-Path."""
        for name in ("From", "Sender", "Return-Path"):
            address = first_address(self._address_text(name))
            if address:
                return address
        return ""

    @property
    def sender_name(self) -> str:
        """Return the From display name (cached)."""
        if "sender_name" not in self.cache:
            self.cache["sender_name"] = parseaddr(self._address_text("From"))[0].strip()
        return str(self.cache["sender_name"])

    def _address_text(self, name: str) -> str:
        """Return address header NAME as text to read addresses from: one plain mailbox as
        it stands, which policy.default's slow parse would read the same (tests show it)."""
        plain = self._ascii_raw(name)
        if "=?" not in plain and _SIMPLE_MAILBOX.fullmatch(plain):
            return _clean(plain)
        return self.header(name)

    def _ascii_raw(self, name: str) -> str:
        """Return header NAME's raw value unfolded, or '' when absent or not plain ASCII."""
        raw = self._raw_headers().get(name.lower())
        return _UNFOLD.sub("", raw).strip() if isinstance(raw, str) and raw.isascii() else ""

    @property
    def subject(self) -> str:
        """Return the subject on one line."""
        return " ".join(self.header("Subject").split())

    @property
    def message_id(self) -> str:
        """Return the Message-ID without angle brackets."""
        plain = self._ascii_raw("Message-ID")
        value = plain if MSGID_RE.fullmatch(plain) else self.header("Message-ID")
        ids = message_ids(value)
        return ids[0] if ids else value.strip("<> ")

    @property
    def in_reply_to(self) -> str:
        """Return the first In-Reply-To id without angle brackets."""
        ids = message_ids(self.header("In-Reply-To"))
        return ids[0] if ids else ""

    def addressed_to(self, address: str) -> bool:
        """Say whether ADDRESS, or a sub-address of it, is among the recipients."""
        base = _base(address)
        return bool(base) and any(_base(r) == base for r in self.recipients())

    def recipients(self) -> list[str]:
        """Return every address the mail was sent or delivered to, lowercase (cached)."""
        if "recipients" not in self.cache:
            self.cache["recipients"] = self._recipients()
        return list(self.cache["recipients"])  # type: ignore[call-overload]

    def _recipients(self) -> list[str]:
        """Collect the addresses of the recipient headers from their raw values."""
        # Raw values suffice to pick addresses from, and spare policy.default's slow parse.
        wanted = {name.lower() for name in RECIPIENT_HEADERS}
        found: list[str] = []
        try:
            items = list(self.msg.raw_items())
        except Exception:
            items = []
        for name, value in items:
            if name.lower() in wanted:
                found.extend(a.lower() for a in ADDRESS_RE.findall(str(value)))
        return list(dict.fromkeys(found))

    def broken_structure(self) -> bool:
        """Say whether the MIME structure was broken (lost boundaries and the like)."""
        broken = ("BoundaryDefect", "MultipartInvariantViolationDefect",
                  "StartBoundaryNotFoundDefect", "CloseBoundaryNotFoundDefect")
        try:
            parts = list(self.msg.walk())
        except Exception:
            return True
        return any(type(d).__name__ in broken for p in parts for d in getattr(p, "defects", []))

    def content_type(self) -> str:
        """Return the top-level content type, lowercase."""
        try:
            return self.msg.get_content_type()
        except Exception:
            return "text/plain"


#: More boundary-like lines, and only the headers are read (the stdlib takes seconds on 10,000).
MAX_PARTS = 200


def parse(raw: bytes) -> Mail:
    """Parse RAW into a Mail; never raise for any input bytes."""
    if not isinstance(raw, bytes | bytearray):
        raw = str(raw).encode("utf-8", "replace")
    parts = max(raw.count(b"\n--"), 4 * raw.count(b"message/rfc822"))  # nesting costs too
    try:
        msg = BytesParser(policy=READ_POLICY).parsebytes(bytes(raw),
                                                         headersonly=parts > MAX_PARTS)
        mail = Mail(msg=msg, raw=bytes(raw), cache={"too_many_parts": parts > MAX_PARTS and parts})
    except Exception as exc:  # the parser is lenient; this is a last resort
        msg = message_from_bytes(bytes(raw), policy=policy.compat32)
        mail = Mail(msg=msg, raw=bytes(raw), compat=msg, errors=[f"parse: {exc}"])
    return mail


def _base(address: str) -> str:
    """Return ADDRESS lowercase without its +sub-address."""
    local, _, domain = (address or "").strip().lower().partition("@")
    return f"{local.partition('+')[0]}@{domain}" if domain else ""


def first_address(value: str) -> str:
    """Return the first address in a header value, lowercase."""
    try:
        pairs = getaddresses([value])
    except Exception:
        pairs = []
    for _name, address in pairs:
        if "@" in address:
            return address.strip().lower()
    match = ADDRESS_RE.search(value or "")
    return match.group(0).lower() if match else ""


def message_ids(value: str) -> list[str]:
    """Return the message ids in an In-Reply-To or References value."""
    return MSGID_RE.findall(value or "")


# One plain mailbox: "Anne Jensen <anne@x.dk>", "\"Jensen, Anne\" <anne@x.dk>" or "anne@x.dk".
# Comments, groups, lists and broken syntax take the full parse (it reads some differently).
_SIMPLE_MAILBOX = re.compile(
    r"""(?:(?:[A-Za-z0-9 .'-]*|"[^"\\\t]*")[ \t]*<[^<>@\s"(),;:]+@[A-Za-z0-9.-]+>"""
    r"""|[^<>@\s"(),;:]+@[A-Za-z0-9.-]+)""")
_REGISTRY = policy.default.header_factory.registry
_UNFOLD = re.compile(r"[\r\n]")


def _plain_value(raw_headers: dict[str, str], name: str) -> str | None:
    """Return header NAME's raw text where policy.default would give the same (plain ASCII,
    unstructured): "" when absent, None where the full parse is needed. Parsing costs 0.1 ms,
    and the rules read twenty headers of every message, most of them absent or plain."""
    key = name.lower()
    value = raw_headers.get(key)
    if value is None:
        return "" if raw_headers else None
    kind = _REGISTRY.get(key, UnstructuredHeader)
    if not issubclass(kind, UnstructuredHeader) or not isinstance(value, str):
        return None
    if not value.isascii() or "=?" in value:
        return None
    return _UNFOLD.sub("", value)  # unfolded, as policy.default does before parsing


def _clean(value: str) -> str:
    """Repair surrogates and drop NULs and line breaks from a header value."""
    value = unescape_surrogates(value)
    return re.sub(r"[\x00\r\n]+", " ", value).strip()


def _decode_compat(value: object) -> str:
    """Decode a compat32 header value, tolerating unknown charsets."""
    try:
        return _clean(str(make_header(decode_header(str(value)))))
    except Exception:
        return _clean(str(value))


def _compat_header(msg: Message, name: str) -> str:
    """Return header NAME from a compat32 message, decoded, or ''."""
    value = msg.get(name)
    return _decode_compat(value) if value is not None else ""
