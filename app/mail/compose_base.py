"""Shared machinery for composing outbound mail: templates, headers and MIME parts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup, escape

from app.mail.dates import format_meeting_date_short, format_meeting_time, language_of
from app.mail.messages import ForumInfo, MeetingInfo, RecipientInfo
from app.mail.tokens import reply_address

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "emails"

# RFC 5322 caps a line at 998 octets; 78 is the polite limit for unencoded text.
_PLAIN_LINE_LIMIT = 78
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def html_paragraphs(text: str) -> Markup:
    """Return TEXT as escaped HTML paragraphs, keeping single line breaks as <br>."""
    # Markup, not CSS white-space: Outlook's Word engine ignores white-space: pre-line.
    blocks = [block.strip() for block in _BLANK_LINE.split(text.strip()) if block.strip()]
    return Markup("").join(
        Markup('<p style="margin:0 0 8px 0;">{}</p>').format(
            Markup("<br>").join(escape(line) for line in block.splitlines())
        )
        for block in blocks
    )


@lru_cache(maxsize=1)
def bytecode_cache() -> FileSystemBytecodeCache | None:
    """Return the cache of compiled templates this user's processes share, if one can be
    made."""
    # Compiling the templates of an invitation costs a new worker some 50 ms before its
    # first mail (5 ms a template), and every web process as much again; loading them
    # compiled costs a tenth of that. Jinja checks each entry against the template's
    # source, so an edited template is compiled anew. Its directory is made in the
    # temporary folder, private to this user.
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no private temporary folder: compile every time
        return None


@lru_cache(maxsize=1)
def template_env() -> Environment:
    """Return the shared Jinja environment for templates/emails/ (autoescaped for .html)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"], default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates ship with the code; skipping the mtime check keeps batch sends fast.
        auto_reload=False,
        bytecode_cache=bytecode_cache(),
    )
    env.filters["paragraphs"] = html_paragraphs
    env.filters["first_upper"] = first_upper
    return env


def render_pair(event: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render templates/emails/EVENT.txt and EVENT.html with CONTEXT."""
    env = template_env()
    text = env.get_template(f"{event}.txt").render(context)
    html = env.get_template(f"{event}.html").render(context)
    return text, html


@dataclass(frozen=True, slots=True)
class Stamp:
    """When a message is composed and its Message-ID: injectable for deterministic tests."""

    now: datetime
    message_id: str

    @classmethod
    def make(cls, forum: ForumInfo, now: datetime | None, message_id: str | None) -> Stamp:
        """Return a stamp, filling in the current time and a fresh Message-ID."""
        return cls(
            now=now or datetime.now(UTC),
            message_id=message_id or make_msgid(domain=forum.msgid_domain),
        )


def mail_language(forum: ForumInfo, recipient: RecipientInfo | None = None) -> str:
    """Return "da" or "en": the recipient's own language first, else the forum's."""
    chosen = recipient.language if recipient and recipient.language else forum.language
    return language_of(chosen)


# Danish titles as the app names meetings ("Møde i X"), and how a sentence names them.
_DANISH_TITLES = (
    (re.compile(r"^Ekstraordinært møde i (.+)$", re.IGNORECASE), "det ekstraordinære møde i {}"),
    (re.compile(r"^Sommermøde i (.+)$", re.IGNORECASE), "sommermødet i {}"),
    (re.compile(r"^Møde i (.+)$", re.IGNORECASE), "mødet i {}"),
)


def meeting_phrase(title: str, lang: str) -> str:
    """Return how a sentence names the meeting TITLE: "mødet i Samarbejdsforum"."""
    # "Du er indkaldt til Møde i X" reads as a capital in mid-sentence; a title of the
    # secretary's own ("Budgetseminar") is quoted as a name instead.
    if lang == "en":
        return title
    for pattern, phrase in _DANISH_TITLES:
        found = pattern.match(title.strip())
        if found:
            return phrase.format(found.group(1))
    return f"mødet »{title.strip()}«"


def first_upper(text: str) -> str:
    """Return TEXT with its first letter in upper case, the rest as it is."""
    return text[:1].upper() + text[1:]


def meeting_context(forum: ForumInfo, meeting: MeetingInfo, lang: str) -> dict[str, Any]:
    """Return the template variables every meeting mail shares."""
    return {
        "lang": lang,
        "forum": forum,
        "meeting": meeting,
        "the_meeting": meeting_phrase(meeting.title, lang),
        "when": format_meeting_time(meeting.start, meeting.end, forum.timezone, lang),
        "short_date": format_meeting_date_short(meeting.start, forum.timezone, lang),
    }


def one_line(value: str) -> str:
    """Return VALUE with all whitespace runs, line breaks included, as single spaces."""
    # A line break in a title or name would otherwise make the header invalid.
    return " ".join(value.split())


def new_message(forum: ForumInfo, to: Address, subject: str, stamp: Stamp) -> EmailMessage:
    """Return a message with the headers every outbound mail carries."""
    # SMTP policy: as_bytes() yields CRLF line ends, ready for the wire.
    msg = EmailMessage(policy=policy.SMTP)
    msg["Message-ID"] = stamp.message_id
    msg["Date"] = format_datetime(stamp.now.astimezone(ZoneInfo(forum.timezone)))
    msg["From"] = Address(one_line(forum.name), addr_spec=forum.sender_address)
    msg["To"] = to
    msg["Subject"] = one_line(subject)
    return msg


def recipient_address(recipient: RecipientInfo) -> Address:
    """Return the To address of RECIPIENT."""
    return Address(one_line(recipient.name), addr_spec=recipient.email.strip())


def stand_in_phrase(recipient: RecipientInfo) -> str:
    """Return whom an alternate stands in for: "Jens Hansen (FOA)", or the seat alone."""
    if recipient.stands_in_for and recipient.seat_label:
        return f"{recipient.stands_in_for} ({recipient.seat_label})"
    return recipient.stands_in_for or recipient.seat_label


def mark_automatic(msg: EmailMessage) -> None:
    """Mark MSG as machine-sent so auto-responders neither answer it nor loop with us."""
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"


def reply_to_token(msg: EmailMessage, forum: ForumInfo, token: str | None) -> None:
    """Route replies to MSG to the invitation's token address, so they find their invitation."""
    # A reply to a confirmation or a notice ("jeg kommer alligevel") is matched like an
    # answer to the invitation; without the token it would need a proven sender.
    if token:
        address = reply_address(forum.sender_address, token)
        msg["Reply-To"] = Address(one_line(forum.name), addr_spec=address)


def thread_to(msg: EmailMessage, in_reply_to: str | None) -> None:
    """Thread MSG under the inbound message it answers, when there is one."""
    # The ledger and the parser keep ids bare; mail clients thread only on "<id>".
    bare = (in_reply_to or "").strip().strip("<>").strip()
    if bare:
        msg["In-Reply-To"] = f"<{bare}>"
        msg["References"] = f"<{bare}>"


def text_cte(text: str) -> str:
    """Return 7bit for short ASCII lines, else quoted-printable (never raw 8bit)."""
    lines = text.splitlines()
    if text.isascii() and all(len(line) <= _PLAIN_LINE_LIMIT for line in lines):
        return "7bit"
    return "quoted-printable"


def set_bodies(msg: EmailMessage, text: str, html: str) -> None:
    """Make MSG multipart/alternative with TEXT and HTML bodies."""
    msg.set_content(text, subtype="plain", charset="utf-8", cte=text_cte(text))
    msg.add_alternative(html, subtype="html", charset="utf-8", cte=text_cte(html))


#: The calendar attached as a file, for clients that ignore iMIP inside alternatives.
CALENDAR_FILENAME = "invite.ics"


def add_calendar(msg: EmailMessage, ics: str, method: str) -> None:
    """Add the iMIP calendar to MSG's bodies, and the same calendar as invite.ics."""
    # The CalConnect iMIP layout, as Google sends it: multipart/mixed holding the
    # alternatives (text, HTML, text/calendar with METHOD matching the VCALENDAR's)
    # and an application/ics attachment. The attachment carries no method, so a
    # client that reads both acts on the invitation once. base64 keeps the CRLFs
    # and folding whitespace of iCalendar intact in transit.
    msg.add_alternative(
        ics, subtype="calendar", charset="utf-8", cte="base64", params={"method": method}
    )
    # The attachment is the calendar part's own bytes, so the two copies cannot differ.
    data = msg.get_payload()[-1].get_payload(decode=True)
    msg.add_attachment(data, maintype="application", subtype="ics",
                       filename=CALENDAR_FILENAME, params={"name": CALENDAR_FILENAME})


def seal(msg: EmailMessage, stamp: Stamp, lang: str) -> EmailMessage:
    """Finish MSG: its Content-Language, and boundaries derived from the Message-ID."""
    # Set last: set_content() drops every Content-* header, and add_attachment()
    # moves them into the inner part.
    msg["Content-Language"] = lang
    digest = boundary_digest(stamp.message_id)
    for index, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_{digest}_{index}")
    for part in msg.iter_parts() if msg.is_multipart() else ():
        # add_alternative() stamps MIME-Version on sub-parts; it belongs on the top only.
        _drop_mime_version(part)
    return msg


def boundary_digest(message_id: str) -> str:
    """Return the unique part of the MIME boundaries of the message MESSAGE_ID."""
    # "=_" cannot occur in base64 or quoted-printable text, and the digest of a
    # unique Message-ID makes a clash with a 7bit body practically impossible.
    return hashlib.sha256(message_id.encode()).hexdigest()[:24]


def _drop_mime_version(part: EmailMessage) -> None:
    """Remove MIME-Version from PART and everything below it."""
    del part["MIME-Version"]
    for child in part.iter_parts() if part.is_multipart() else ():
        _drop_mime_version(child)


# Subject lines as (Danish, English); the bodies live in templates/emails/.
_SUBJECTS: dict[str, tuple[str, str]] = {
    "invitation": ("Indkaldelse: {title} {date}", "Invitation: {title} {date}"),
    "invitation_updated": ("Ændret: {title} {date}", "Updated: {title} {date}"),
    "meeting_cancelled": ("Aflyst: {title} {date}", "Cancelled: {title} {date}"),
    "alternate_released": (
        "Du er ikke længere indkaldt: {title} {date}",
        "No longer invited: {title} {date}",
    ),
    "reminder": ("Påmindelse: {title} {date}", "Reminder: {title} {date}"),
    "final_agenda": ("Endelig dagsorden: {title} {date}", "Final agenda: {title} {date}"),
    "minutes": ("Referat: {title} {date}", "Minutes: {title} {date}"),
    "alternate_called": (
        "Din suppleant er indkaldt: {title} {date}",
        "Your alternate has been invited: {title} {date}",
    ),
    "seat_unrepresented": (
        "Ikke repræsenteret: {seat} – {title} {date}",
        "Seat not represented: {seat} – {title} {date}",
    ),
    "rsvp_accepted": ("Tilmelding noteret: {title} {date}", "Attendance noted: {title} {date}"),
    "rsvp_declined": ("Afbud noteret: {title} {date}", "Apology noted: {title} {date}"),
    "rsvp_tentative": (
        "Foreløbigt svar noteret: {title} {date}",
        "Tentative answer noted: {title} {date}",
    ),
    "agenda_receipt": ("Forslag modtaget: {item}", "Proposal received: {item}"),
    "agenda_approved": ("På dagsordenen: {item}", "On the agenda: {item}"),
    "agenda_rejected": ("Ikke optaget på dagsordenen: {item}", "Not on the agenda: {item}"),
    "address_bouncing": ("Mail kan ikke leveres til {name}", "Mail cannot be delivered to {name}"),
    "mailbox_failing": ("Postkassen {address} virker ikke", "The mailbox {address} is failing"),
}


def subject(key: str, lang: str, **fields: str) -> str:
    """Return the subject line KEY in LANG with FIELDS filled in."""
    danish, english = _SUBJECTS[key]
    return (english if lang == "en" else danish).format(**fields)


def answer_url(forum: ForumInfo, token: str | None) -> str | None:
    """Return the one-click answer link for TOKEN, or None without a base URL."""
    if not (forum.base_url and token):
        return None
    return f"{forum.base_url.rstrip('/')}/r/{token}"
