"""Recognise delivery failure reports (bounces) and whom they are about."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32

from .body import attached_messages, body_text, content_type, leaves, part_text
from .context import MailContext
from .parse import ADDRESS_RE, Mail, first_address
from .reasons import Reason, reason
from .textcodec import decode_bytes

_DAEMON_RE = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon|"
                        r"mail\.delivery\.system|bounces?)@", re.IGNORECASE)
_DSN_SUBJECT_RE = re.compile(
    r"^\s*(?:\*+\s*)?(?:undelivered mail|undeliverable|undelivered|delivery status notification|"
    r"mail delivery failed|returned mail|failure notice|failed mail|delivery failure|"
    r"non[- ]?delivery|nondeliverable|delivery notification: delivery has failed|"
    r"message you sent blocked|mail system error|ikke leveret|kan ikke leveres|"
    r"levering mislykkedes|(?:din )?meddelelse\w* (?:kunne|blev) ikke (?:leveres|leveret)|"
    r"unzustellbar|non remis|delivery status notification|"
    r"mail could not be delivered|returned mail|email delivery error|"
    r"delivery status notification|warning: could not send|warning: message|"
    r"delivery notification|message delayed)", re.IGNORECASE)
_WEAK_SUBJECT_RE = re.compile(r"fail|error|return|bounce|deliver|notification|leveret|"
                              r"leveres|notice|rejected|unknown", re.IGNORECASE)
_DELAY_RE = re.compile(r"delay|warning|forsinket|still trying|will retry|not yet been delivered"
                       r"|transient", re.IGNORECASE)
_COPY_RE = re.compile(r"^.*(?:copy of the (?:original )?message|original message|returned "
                      r"message|headers? of the original|message headers follow|below this "
                      r"line|original message follows|undelivered message).*$",
                      re.IGNORECASE | re.MULTILINE)
_BASE64_RE = re.compile(r"[A-Za-z0-9+/=\s]+")
_FIELD_RE = re.compile(r"^(action|final-recipient|original-recipient|status)\s*:\s*(.*)$",
                       re.IGNORECASE | re.MULTILINE)


@dataclass
class BounceFacts:
    """What a delivery report says."""

    failed: bool = False  # a permanent failure: a bounce
    delayed: bool = False  # a report that is not (yet) a failure: noise
    reasons: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    returned: Message | None = None  # the returned original, or its headers


def read_bounce(mail: Mail, ctx: MailContext) -> BounceFacts | None:
    """Return the bounce facts of MAIL, or None when it is no delivery report."""
    facts = BounceFacts(returned=_returned(mail.msg))
    groups = _dsn_groups(mail.msg)
    if groups or _report_type(mail) == "delivery-status":
        _judge_dsn(groups, mail, facts)
    elif mail.header("X-Failed-Recipients"):
        facts.failed = True
        facts.reasons.append(reason("x_failed_recipients"))
    elif _looks_like_report(mail):
        delayed = bool(_DELAY_RE.search(mail.subject))
        facts.failed, facts.delayed = not delayed, delayed
        facts.reasons.append(_evidence(mail))
    else:
        return None
    if facts.failed:
        facts.recipients = _recipients(mail, ctx, groups, facts.returned)
    return facts


def _report_type(mail: Mail) -> str:
    """Return the report-type parameter of a multipart/report, lowercase."""
    try:
        return str(mail.msg.get_param("report-type") or "").lower()
    except Exception:
        return ""


def _dsn_groups(msg: Message) -> list[dict[str, str]]:
    """Return the per-recipient field groups of the message/delivery-status parts."""
    groups = []
    for leaf in leaves(msg):
        if content_type(leaf) not in ("message/delivery-status", "text/delivery-status"):
            continue
        for block in re.split(r"\n\s*\n", _part_source(leaf)):
            fields = {k.lower(): v.strip() for k, v in _FIELD_RE.findall(block)}
            if "action" in fields or "status" in fields:
                groups.append(fields)
    return groups


def _part_source(part: Message) -> str:
    """Return the text of a delivery-status part: field blocks and any body text."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return part_text(part) or str(payload or "")
    chunks = []
    for block in payload:
        if not isinstance(block, Message):
            continue
        chunks.append("\n".join(f"{k}: {v}" for k, v in _items(block)))
        body = block.get_payload()
        if isinstance(body, str):
            chunks.append(_maybe_base64(body))
    return "\n\n".join(chunks)


def _maybe_base64(text: str) -> str:
    """Decode TEXT if it is base64 (some MTAs encode the status part), else keep it."""
    if len(text) < 16 or not _BASE64_RE.fullmatch(text.strip()):
        return text
    try:
        return decode_bytes(base64.b64decode(text))
    except (ValueError, binascii.Error):
        return text


def _items(block: Message) -> list[tuple[str, str]]:
    """Return the header items of BLOCK, tolerating undecodable values."""
    try:
        return [(k, str(v)) for k, v in block.items()]
    except Exception:
        return [(k, str(v)) for k, v in block.raw_items()]  # undecoded, still readable


def _judge_dsn(groups: list[dict[str, str]], mail: Mail, facts: BounceFacts) -> None:
    """Decide failed or delayed from the DSN's Action and Status fields."""
    actions = [g.get("action", "").lower().split()[0] if g.get("action") else
               ("failed" if g.get("status", "").startswith("5") else "delayed")
               for g in groups]
    if "failed" in actions:
        facts.failed = True
        facts.reasons.append(reason("dsn_failed"))
    elif actions:
        facts.delayed = True
        facts.reasons.append(reason("dsn_actions", actions=", ".join(sorted(set(actions)))))
    else:  # a report whose status part is missing or broken: go by the subject
        facts.delayed = bool(_DELAY_RE.search(mail.subject))
        facts.failed = not facts.delayed
        facts.reasons.append(reason("dsn_unreadable"))


def _looks_like_report(mail: Mail) -> bool:
    """Say whether sender, Return-Path and subject mark a non-MIME bounce."""
    subject = mail.subject
    if _DSN_SUBJECT_RE.search(subject):
        return True
    daemon = bool(_DAEMON_RE.match(mail.sender)) or "mail delivery" in mail.sender_name.lower()
    empty_path = mail.header("Return-Path").strip() in ("<>", "")
    has_path = "Return-Path" in mail.msg
    return (daemon or (empty_path and has_path)) and bool(_WEAK_SUBJECT_RE.search(subject))


def _evidence(mail: Mail) -> Reason:
    """Name what made a mail look like a bounce, with its subject."""
    subject = mail.subject[:60]
    if _DAEMON_RE.match(mail.sender):
        return reason("bounce_from", who=mail.sender.split("@")[0], subject=subject)
    if mail.header("Return-Path").strip() in ("<>", ""):
        return reason("bounce_empty_return_path", subject=subject)
    return reason("bounce_subject", subject=subject)


def _returned(msg: Message) -> Message | None:
    """Return the returned original (message/rfc822) or its headers part."""
    attached = attached_messages(msg)
    if attached:
        return attached[0]
    for leaf in leaves(msg):
        if content_type(leaf) in ("text/rfc822-headers", "message/rfc822-headers"):
            return HeaderParser(policy=compat32).parsestr(part_text(leaf))
    return None


def _recipients(mail: Mail, ctx: MailContext, groups: list[dict[str, str]],
                returned: Message | None) -> list[str]:
    """Return the failed recipients: DSN fields, X-Failed-Recipients, text, original."""
    skip = set(ctx.own_addresses) | {mail.sender}
    found = [first_address(g.get("final-recipient") or g.get("original-recipient") or "")
             for g in groups if g.get("action", "failed").lower().startswith("failed")]
    found += ADDRESS_RE.findall(mail.header("X-Failed-Recipients"))
    if not any(found):
        text = body_text(mail.msg)
        cut = _COPY_RE.search(text)
        found += ADDRESS_RE.findall(text[:cut.start()] if cut else text[:4000])
    if not any(found) and returned is not None:
        found += ADDRESS_RE.findall(header_text(returned, "To"))
    clean = [a.lower().strip(".") for a in found if a]
    return [a for a in dict.fromkeys(clean) if a not in skip and not _DAEMON_RE.match(a)][:10]


def header_text(msg: Message, name: str) -> str:
    """Return header NAME of an embedded message, or '' when it cannot be read."""
    try:
        return str(msg.get(name, ""))
    except Exception:
        return ""
