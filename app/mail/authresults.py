"""Whether a mail's From is proven: the receiving server's Authentication-Results (RFC 8601).

Anyone can write a member's address in From. What a sender cannot forge is
the verdict our own receiving server adds on top of the message: DMARC, or
SPF and DKIM, passing for the From domain. A message may carry any number of
Authentication-Results headers written by the sender or by servers on the
way; only the topmost one from an authserv-id we trust is our server's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import authres

from .parse import Mail
from .reasons import reason

#: Exchange Online writes its verdict without an authserv-id ("spf=pass (sender IP
#: is ...) ...; dmarc=pass ..."); trusting this name trusts that form.
EXCHANGE_ONLINE = "exchange-online"
#: Exchange's header firewall removes X-MS-Exchange-Organization-* from mail that
#: arrives from outside, so this one marks a sender authenticated inside the tenant.
_EXCHANGE_INTERNAL = "X-MS-Exchange-Organization-AuthAs"


@dataclass(frozen=True)
class SenderCheck:
    """Whether the From address is proven, and what the receiving server said."""

    proven: bool
    reason: str


def check_sender(mail: Mail, trusted: frozenset[str]) -> SenderCheck:
    """Return whether MAIL's From is proven by a trusted server's Authentication-Results."""
    domain = mail.sender.rpartition("@")[2]
    if not domain:
        return SenderCheck(False, reason("no_from"))
    if not trusted:
        return SenderCheck(False, reason("no_trusted_server"))
    if EXCHANGE_ONLINE in trusted and _exchange_internal(mail):
        return SenderCheck(True, reason("exchange_tenant"))
    header = _trusted_header(mail, trusted)
    if header is None:
        return SenderCheck(False, reason("no_trusted_results"))
    return _judge(header, domain)


def _trusted_header(mail: Mail, trusted: frozenset[str]):
    """Return the topmost parsed Authentication-Results whose authserv-id is trusted."""
    for value in _values(mail, "Authentication-Results"):
        header = _parse(value)
        if header is not None and header.authserv_id.lower() in trusted:
            return header
    return None


def _values(mail: Mail, name: str) -> list[str]:
    """Return every raw value of header NAME, topmost first."""
    try:
        return [str(v) for k, v in mail.msg.raw_items() if k.lower() == name.lower()]
    except Exception:  # noqa: BLE001 - unreadable headers prove nothing
        return []


def _parse(value: str):
    """Parse one header value; Exchange Online's form gets its pseudo authserv-id."""
    value = " ".join(value.split())
    try:
        return authres.AuthenticationResultsHeader.parse_value(value)
    except authres.AuthResError:
        pass
    first = value.split(";", 1)[0]
    if "=" not in first:
        return None  # an authserv-id we could not read: nothing to trust
    try:
        return authres.AuthenticationResultsHeader.parse_value(f"{EXCHANGE_ONLINE}; {value}")
    except authres.AuthResError:
        return None


def _judge(header, domain: str) -> SenderCheck:
    """Say whether HEADER's results prove mail from DOMAIN: DMARC, or SPF and aligned DKIM."""
    results = {}
    for result in header.results:
        results.setdefault(result.method.lower(), []).append(result)
    said = ", ".join(f"{r.method}={r.result}" for r in header.results) or "none"
    where = f"{header.authserv_id}: {said}"
    if any(_passes(r, "from", domain) for r in results.get("dmarc", [])):
        return SenderCheck(True, reason("dmarc_passed", where=where))
    spf = any(r.result.lower() == "pass" for r in results.get("spf", []))
    dkim = any(_passes(r, "d", domain, required=True) for r in results.get("dkim", []))
    if spf and dkim:
        return SenderCheck(True, reason("spf_dkim_passed", where=where))
    return SenderCheck(False, reason("server_not_proven", where=where))


def _passes(result, prop: str, domain: str, required: bool = False) -> bool:
    """Say whether RESULT passed for DOMAIN (its header.PROP equal to, or a parent of, it)."""
    if result.result.lower() != "pass":
        return False
    named = [p.value.lower() for p in result.properties
             if p.type.lower() == "header" and p.name.lower() == prop and p.value]
    if not named:
        return not required
    # Relaxed alignment: the signing domain may be a parent of the From domain.
    return any(domain == d or ("." in d and domain.endswith("." + d)) for d in named)


def _exchange_internal(mail: Mail) -> bool:
    """Say whether Exchange Online marked the sender as authenticated in the tenant."""
    values = _values(mail, _EXCHANGE_INTERNAL)
    return bool(values) and values[0].strip().lower() == "internal"
