"""Which of our addresses a message was delivered to, read from its headers alone."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from app.mail.tokens import split_subaddress

#: Headers naming where a message was delivered, most reliable first.
DELIVERY_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


def delivered_to(raw: bytes) -> list[str]:
    """Return the base addresses RAW was delivered or written to, lowercase, in order."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:65536])
    except Exception:  # noqa: BLE001 - any header garbage means: no addresses known
        return []
    found: list[str] = []
    for name in DELIVERY_HEADERS:
        values = [str(v) for v in headers.get_all(name, [])]
        for _, address in getaddresses(values):
            base, _ = split_subaddress(address)
            if "@" in base and base not in found:
                found.append(base)
    return found
