"""Recognise notices a mail client or service sends in a person's name: none is an answer.

Outlook's message recall, delivery notices, meeting-forward notifications and
Teams or SharePoint messages come from a person's address or quote their words
("Ja, jeg kommer på torsdag" in a Teams chat), so the wording of answers would
read them as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .body import content_type, leaves, mail_text, payload_bytes
from .parse import Mail
from .reasons import reason

_RECALL_SUBJECT_RE = re.compile(r"^\s*(?:tilbagekald|tilbagekaldelse|recall|rückruf|"
                                r"återkalla|rappel)\s*:", re.IGNORECASE)
_RECALL_TEXT_RE = re.compile(r"\btilbagekalde (?:meddelelsen|beskeden|mailen)\b"
                             r"|\b(?:would like|wishes|wants) to recall the message\b"
                             r"|möchte die nachricht .{0,40}zurückrufen", re.IGNORECASE)
# Exchange stamps its recall requests so; the TNEF attachment names the message class.
_RECALL_HEADERS = ("X-MS-Exchange-RecallReportGenerated", "X-MS-Exchange-Recall")
_RECALL_CLASS = b"IPM.Outlook.Recall"
_DELIVERED_SUBJECT_RE = re.compile(r"^\s*(?:leveret|delivered|relayed|videresendt til"
                                   r"|zugestellt)\s*:", re.IGNORECASE)
_FORWARD_NOTICE_RE = re.compile(r"^\s*(?:meeting forward notification|videresendt mødeinvitation"
                                r"|meddelelse om videresendt møde|besprechungsweiterleitung"
                                r"|mötesvidarebefordran)\b", re.IGNORECASE)
_SERVICE_SENDERS = (
    ("teams", re.compile(r"@(?:[\w-]+\.)*(?:teams\.mail\.microsoft|teams\.microsoft\.com)$")),
    ("sharepoint", re.compile(r"@(?:[\w-]+\.)*(?:sharepointonline\.com|sharepoint\.com)$")),
    ("onedrive", re.compile(r"@(?:[\w-]+\.)*onedrive\.com$")),
)
# The same notices relayed by a tenant's own no-reply address.
_SERVICE_SUBJECT_RE = re.compile(r"\bhar delt\b.{0,200}\bmed dig\b|\bshared\b.{0,200}\bwith you\b"
                                 r"|\bsent you a message\b|\bmicrosoft teams\b"
                                 r"|\bhar sendt dig en (?:besked|meddelelse)\b", re.IGNORECASE)
_NO_REPLY_RE = re.compile(r"^(?:no-?reply|do-?not-?reply|noreply-\w+)@")


@dataclass(frozen=True)
class ClientNotice:
    """A notice no person wrote as an answer: what kind, and why we think so."""

    kind: str  # recall, delivery, meeting-forward, teams, sharepoint, onedrive
    reason: str


def read_client_notice(mail: Mail) -> ClientNotice | None:
    """Return the client notice MAIL is, or None when it is none."""
    for check in (_recall, _delivered, _meeting_forward, _service):
        found = check(mail)
        if found is not None:
            return found
    return None


def _recall(mail: Mail) -> ClientNotice | None:
    """Find Outlook's request to recall a message sent before."""
    for name in _RECALL_HEADERS:
        if mail.header(name).strip().lower() in ("true", "1", "yes"):
            return ClientNotice("recall", reason("recall_header", header=name.lower()))
    if "legacyoutlookrecall" in mail.header("X-MS-TrafficTypeDiagnostic").lower():
        return ClientNotice("recall", reason("recall_header",
                                                header="traffic type LegacyOutlookRecall"))
    text = mail_text(mail)[:2000]
    recall_subject = _RECALL_SUBJECT_RE.match(mail.subject)
    if recall_subject and (_RECALL_TEXT_RE.search(text) or _tnef_recall(mail)):
        return ClientNotice("recall", reason("recall_subject", subject=mail.subject[:40]))
    if _RECALL_TEXT_RE.search(text[:500]):
        return ClientNotice("recall", reason("recall_text"))
    return None


def _tnef_recall(mail: Mail) -> bool:
    """Say whether a winmail.dat attachment carries the recall message class."""
    return any(content_type(part) == "application/ms-tnef"
               and _RECALL_CLASS in payload_bytes(part)[:4096] for part in leaves(mail.msg))


def _delivered(mail: Mail) -> ClientNotice | None:
    """Find a delivery notice written as text ("Leveret: ...") rather than as a DSN."""
    if _DELIVERED_SUBJECT_RE.match(mail.subject):
        return ClientNotice("delivery", reason("delivery_notice", subject=mail.subject[:40]))
    return None


def _meeting_forward(mail: Mail) -> ClientNotice | None:
    """Find Exchange's note to the organiser that an attendee forwarded the invitation."""
    match = _FORWARD_NOTICE_RE.match(mail.subject)
    if match:
        return ClientNotice("meeting-forward",
                            reason("meeting_forward", phrase=match.group(0)))
    return None


def _service(mail: Mail) -> ClientNotice | None:
    """Find a Teams, SharePoint or OneDrive notice by its sending service."""
    for kind, pattern in _SERVICE_SENDERS:
        if pattern.search(mail.sender):
            return ClientNotice(kind, reason("service_notice", service=kind, sender=mail.sender))
    if _NO_REPLY_RE.match(mail.sender) and _SERVICE_SUBJECT_RE.search(mail.subject):
        return ClientNotice("service", reason("sharing_notice", sender=mail.sender))
    return None
