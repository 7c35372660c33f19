"""Find a message's readable text, its attachments and its calendar parts."""

from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Iterator
from email.message import Message

from .decision import Attachment
from .htmltext import html_to_text
from .parse import Mail
from .textcodec import decode_bytes, unescape_surrogates

_MAX_DEPTH = 12  # deeper nesting is hostile or broken; stop walking there
CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar",
                            "application/octet-stream"})


# Parsing Content-Type with policy.default is slow and the rules ask often.
_TYPES: weakref.WeakKeyDictionary[Message, str] = weakref.WeakKeyDictionary()


def content_type(part: Message) -> str:
    """Return PART's content type, lowercase, tolerating broken headers."""
    if part not in _TYPES:
        try:
            _TYPES[part] = part.get_content_type()
        except Exception:
            _TYPES[part] = "application/octet-stream"
    return _TYPES[part]


def filename(part: Message) -> str:
    """Return PART's file name, or ''."""
    try:
        return unescape_surrogates(part.get_filename() or "")
    except Exception:
        return ""


_FILENAME_MAX = 200


def clean_filename(name: str) -> str:
    """Return NAME safe to show and to save: no control, bidi or format characters
    (U+202E turns "gpj.exe" into "exe.jpg" on screen), no path, at most 200 characters."""
    kept = "".join(" " if ch in "\t\r\n" else ch for ch in name
                   if ch in "\t\r\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    kept = kept.replace("/", "_").replace("\\", "_")
    kept = " ".join(kept.split()).lstrip(". ")
    if len(kept) > _FILENAME_MAX:  # keep the extension, which says what opens it
        stem, dot, ext = kept.rpartition(".")
        ext = dot + ext if dot and len(ext) <= 10 else ""
        kept = kept[:_FILENAME_MAX - len(ext)] + ext
    return kept


def is_attachment(part: Message) -> bool:
    """Say whether PART is a file rather than body text."""
    try:
        disposition = (part.get_content_disposition() or "").lower()
    except Exception:
        disposition = ""
    return disposition == "attachment" or (disposition != "inline" and bool(filename(part)))


def payload_bytes(part: Message) -> bytes:
    """Return PART's decoded payload bytes, or b'' for containers and garbage."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def part_text(part: Message) -> str:
    """Return a text part's content as str, whatever its charset claims."""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_bytes(payload_bytes(part), charset)


# The rules walk each message's tree a dozen times; the pipeline never changes it.
_CHILDREN: weakref.WeakKeyDictionary[Message, list[Message]] = weakref.WeakKeyDictionary()


def children(part: Message) -> list[Message]:
    """Return the sub-parts of a multipart, or [] (message/* are leaves here)."""
    found = _CHILDREN.get(part)
    if found is None:
        found = _CHILDREN[part] = _children(part)
    return list(found)


def _children(part: Message) -> list[Message]:
    """Find the sub-parts of PART."""
    if content_type(part).startswith("message/"):
        return []
    try:
        payload = part.get_payload()
    except Exception:
        return []
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def leaves(part: Message, depth: int = 0) -> Iterator[Message]:
    """Yield the leaf parts, not descending into attached messages."""
    subs = children(part) if depth < _MAX_DEPTH else []
    if not subs:
        yield part
        return
    for sub in subs:
        yield from leaves(sub, depth + 1)


def body_text(part: Message, depth: int = 0) -> str:
    """Return the readable text of PART: plain text preferred, else HTML as text."""
    ctype = content_type(part)
    if depth > _MAX_DEPTH or (depth and is_attachment(part)):
        return ""
    if ctype == "text/plain" or (ctype == "text/html"):
        text = part_text(part)
        return html_to_text(text) if ctype == "text/html" else text
    subs = children(part)
    if ctype.startswith("multipart/") and not subs:
        return _unsplit_multipart(part)
    if ctype == "multipart/alternative":
        return _best_alternative(subs, depth)
    if ctype in ("multipart/report", "multipart/signed", "multipart/encrypted"):
        subs = subs[:1]  # the human-readable part; the rest is machine data
    texts = [body_text(sub, depth + 1) for sub in subs]
    return "\n\n".join(t.strip("\n") for t in texts if t.strip())


def _unsplit_multipart(part: Message) -> str:
    """Return the raw text of a multipart whose boundary never appears."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return ""
    return unescape_surrogates(payload)


def mail_text(mail: Mail) -> str:
    """Return the readable text of MAIL, computed once."""
    if "text" not in mail.cache:
        mail.cache["text"] = body_text(mail.msg)
    return str(mail.cache["text"])


def _best_alternative(subs: list[Message], depth: int) -> str:
    """Pick the plain alternative when it has words, else the richest other."""
    ranked = sorted(subs, key=lambda p: content_type(p) != "text/plain")
    for sub in ranked:
        text = body_text(sub, depth + 1)
        if text.strip():
            return text
    return ""


def attachments(part: Message) -> list[Attachment]:
    """Return the files attached to PART (not inside attached messages)."""
    found = []
    for leaf in leaves(part):
        ctype = content_type(leaf)
        if leaf is part or ctype == "message/rfc822" or not is_attachment(leaf):
            continue
        name = clean_filename(filename(leaf)) or "attachment"
        found.append(Attachment(name, ctype, payload_bytes(leaf)))
    return found


def attached_messages(part: Message) -> list[Message]:
    """Return the messages attached as message/rfc822 parts."""
    found = []
    for leaf in leaves(part):
        if content_type(leaf) != "message/rfc822":
            continue
        try:
            inner = leaf.get_payload()
        except Exception:
            continue
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, Message):
            found.append(inner)
    return found


def calendar_parts(part: Message) -> list[tuple[bytes, str]]:
    """Return (payload, method= parameter) of PART's iCalendar parts, wherever they sit."""
    found = []
    for leaf in leaves(part):
        ctype = content_type(leaf)
        name = filename(leaf).lower()
        if ctype in CALENDAR_TYPES and (ctype != "application/octet-stream"
                                        or name.endswith((".ics", ".vcs"))):
            data = payload_bytes(leaf)
            if b"BEGIN:VCALENDAR" in data.upper():
                found.append((data, str(leaf.get_param("method") or "")))
    return found
