"""Which of our addresses a message was delivered to, read from its headers alone."""

from __future__ import annotations

from email.message import Message
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
    return _addresses({name: [str(v) for v in headers.get_all(name, [])]
                       for name in DELIVERY_HEADERS})


def delivered_to_message(msg: Message) -> list[str]:
    """Return what delivered_to() does, from a message parsed already (any policy)."""
    wanted: dict[str, list[str]] = {name.lower(): [] for name in DELIVERY_HEADERS}
    try:
        for name, value in msg.raw_items():
            if name.lower() in wanted:
                # compat32's reading of the raw value, exactly as delivered_to() gets it.
                wanted[name.lower()].append(str(compat32.header_fetch_parse(name, value)))
    except Exception:  # noqa: BLE001 - unreadable headers: no addresses known
        return []
    return _addresses({name: wanted[name.lower()] for name in DELIVERY_HEADERS})


def _addresses(values_by_header: dict[str, list[str]]) -> list[str]:
    """Return the base addresses in the header values, most reliable header first."""
    found: list[str] = []
    for name in DELIVERY_HEADERS:
        for _, address in getaddresses(values_by_header[name]):
            base, _ = split_subaddress(address)
            if "@" in base and base not in found:
                found.append(base)
    return found
