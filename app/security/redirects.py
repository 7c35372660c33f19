"""Where a form may send the browser back to: a path on this site, never another host."""

from __future__ import annotations

from urllib.parse import urlsplit

#: Browsers ignore tabs and newlines in URLs and read a backslash as a slash, so
#: "/\tevil.example" and "/\\evil.example" both lead off the site.
_UNSAFE = {"\\", "\t", "\n", "\r"}


def safe_target(target: str | None, fallback: str) -> str:
    """Return TARGET when it is a plain path on this site, else FALLBACK."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if any(char in _UNSAFE or ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
