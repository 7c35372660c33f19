"""Signed reply tokens carried as the sub-address of a Reply-To address.

A token names one invitation and is signed with the app's secret, so a reply
from any address can be matched, and a forged or altered token is refused.
Tokens use only lowercase letters and digits because some mail servers
lowercase the local part of an address.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_SIG_CHARS = 16  # 80 bits of HMAC-SHA256 in base32: ample against forgery.
_TOKEN_RE = re.compile(r"^([0-9a-z]{1,13})x([a-z2-7]{16})$")
_B32 = "abcdefghijklmnopqrstuvwxyz234567"


def _b36(number: int) -> str:
    """Return NUMBER in base 36, lowercase."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
        if not number:
            return out


def _signature(payload: str, secret: bytes, purpose: str) -> str:
    """Return the truncated base32 HMAC of PAYLOAD for PURPOSE."""
    mac = hmac.new(secret, f"{purpose}:{payload}".encode(), hashlib.sha256).digest()
    bits = int.from_bytes(mac[:10], "big")
    return "".join(_B32[(bits >> (5 * i)) & 31] for i in reversed(range(_SIG_CHARS)))


def make_token(invitation_id: int, secret: bytes, purpose: str = "rsvp") -> str:
    """Return the signed token for INVITATION_ID."""
    if invitation_id < 0:
        raise ValueError("invitation id must be non-negative")
    payload = _b36(invitation_id)
    return f"{payload}x{_signature(payload, secret, purpose)}"


def read_token(token: str, secret: bytes, purpose: str = "rsvp") -> int | None:
    """Return the invitation id of TOKEN, or None when it is malformed or forged."""
    match = _TOKEN_RE.match((token or "").strip().lower())
    if not match:
        return None
    payload, sig = match.groups()
    if not hmac.compare_digest(sig, _signature(payload, secret, purpose)):
        return None
    return int(payload, 36)


def reply_address(address: str, token: str) -> str:
    """Return ADDRESS with TOKEN as its sub-address: local+token@domain."""
    local, _, domain = address.partition("@")
    return f"{local}+{token}@{domain}"


#: Sub-addresses of per-message return paths (VERP) start so; they are no reply tokens.
BOUNCE_TAG = "b-"


def bounce_address(address: str, outbound_id: int, secret: bytes) -> str:
    """Return ADDRESS with a signed per-message return path for ledger row OUTBOUND_ID."""
    return reply_address(address, BOUNCE_TAG + make_token(outbound_id, secret, "bounce"))


def read_bounce_tag(tag: str | None, secret: bytes) -> int | None:
    """Return the ledger id a return-path sub-address names, or None when it is none or forged."""
    if not tag or not tag.startswith(BOUNCE_TAG):
        return None
    return read_token(tag[len(BOUNCE_TAG):], secret, "bounce")


def split_subaddress(address: str) -> tuple[str, str | None]:
    """Return (base address, sub-address or None) of ADDRESS, lowercased."""
    local, _, domain = (address or "").strip().lower().partition("@")
    base, plus, tag = local.partition("+")
    return f"{base}@{domain}", (tag if plus else None)
