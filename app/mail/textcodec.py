"""Turn bytes of unknown or lying charsets into text without raising."""

from __future__ import annotations

import codecs

# Labels real clients send that Python does not know, or knows by another name.
_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "uft-8": "utf-8",
    "utf8": "utf-8",
    "x-mac-roman": "mac-roman",
    "iso-8859-8-i": "iso-8859-8",
    "gb2312": "gb18030",  # a superset: mails labelled gb2312 often use more
}
# Labels that mean "some Western single-byte text": Outlook often sends
# windows-1252 under them, and some clients send UTF-8 under them.
_WESTERN = frozenset({"ascii", "iso8859-1", "cp1252"})


def codec_for(label: str | None) -> str | None:
    """Return a Python codec name for the charset LABEL, or None if unknown."""
    name = (label or "").strip().strip('"').lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, label: str | None = None) -> str:
    """Decode DATA by its label, else UTF-8, else windows-1252; never raise."""
    codec = codec_for(label)
    specific = codec is not None and codec not in _WESTERN
    if specific:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if specific:
        try:
            return data.decode(codec, errors="replace")
        except (LookupError, ValueError):
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def unescape_surrogates(text: str) -> str:
    """Repair raw 8-bit header bytes that the email package kept as surrogates."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    return decode_bytes(raw)
