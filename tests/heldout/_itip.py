"""Calendar replies (iTIP METHOD:REPLY) as Outlook, Google Calendar and Apple Calendar send them."""

from __future__ import annotations

from datetime import datetime

from tests.heldout import _mime as mm
from tests.heldout import _trace as tr
from tests.heldout._originals import FORUM, PLACE, SUBJECT
from tests.heldout.context import MEETING_UID, SENDER, Member

_OUTLOOK_WORD = {"ACCEPTED": "Accepteret", "DECLINED": "Afvist", "TENTATIVE": "Foreløbig"}
_GOOGLE_WORD = {"ACCEPTED": "Accepteret", "DECLINED": "Afvist", "TENTATIVE": "Måske"}
_GOOGLE_TEXT = {"ACCEPTED": "har accepteret denne invitation",
                "DECLINED": "har afvist denne invitation",
                "TENTATIVE": "har svaret måske til denne invitation"}

_ROMANCE = """BEGIN:VTIMEZONE
TZID:Romance Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE"""

_COPENHAGEN = """BEGIN:VTIMEZONE
TZID:Europe/Copenhagen
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
DTSTART:19810329T020000
TZNAME:CEST
TZOFFSETTO:+0200
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
DTSTART:19961027T030000
TZNAME:CET
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE"""


def fold_ical(text: str) -> str:
    """Return TEXT with content lines folded at 75 octets (RFC 5545), CRLF line ends."""
    out = []
    for line in text.split("\n"):
        chunk, size = "", 0
        for ch in line:
            n = len(ch.encode())
            if size + n > 75:
                out.append(chunk)
                chunk, size = " ", 1
            chunk += ch
            size += n
        out.append(chunk)
    return "\r\n".join(out) + "\r\n"


def ical_text(value: str) -> str:
    """Return VALUE escaped as an iCalendar TEXT value."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def outlook_ics(m: Member, partstat: str, stamp: datetime, comment: str = "",
                uid: str = MEETING_UID, attendee: str | None = None) -> str:
    """Return the VCALENDAR an Exchange mailbox sends as a meeting response."""
    stamp_utc = f"{stamp.astimezone(mm.ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
    comment_line = (f"COMMENT;LANGUAGE=da-DK:{ical_text(comment)}\\n\n" if comment else "")
    return fold_ical(f"""BEGIN:VCALENDAR
METHOD:REPLY
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
{_ROMANCE}
BEGIN:VEVENT
ATTENDEE;PARTSTAT={partstat};CN={m.name}:mailto:{attendee or m.email}
{comment_line}SUMMARY;LANGUAGE=da-DK:{_OUTLOOK_WORD[partstat]}: {ical_text(SUBJECT)}
DTSTART;TZID=Romance Standard Time:20260312T160000
DTEND;TZID=Romance Standard Time:20260312T180000
UID:{uid}
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:{stamp_utc}
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=da-DK:{ical_text(PLACE)}
X-MICROSOFT-CDO-APPT-SEQUENCE:0
X-MICROSOFT-CDO-OWNERAPPTID:-1423859311
X-MICROSOFT-CDO-REPLYTIME:{stamp_utc}
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:0
X-MICROSOFT-DONOTFORWARDMEETING:FALSE
X-MICROSOFT-DISALLOW-COUNTER:FALSE
X-MICROSOFT-REQUESTEDATTENDANCEMODE:DEFAULT
X-MICROSOFT-ISRESPONSEREQUESTED:FALSE
END:VEVENT
END:VCALENDAR""")


def outlook_reply(m: Member, partstat: str, dt: datetime, *, to: str,
                  auth: list[str] | None, comment: str = "", consumer: bool = False,
                  uid: str = MEETING_UID, trace: list | None = None,
                  attendee: str | None = None, from_addr: str | None = None) -> bytes:
    """Return an Outlook meeting response: text, HTML and the text/calendar REPLY."""
    word = _OUTLOOK_WORD[partstat]
    sender = from_addr or m.email
    if trace is None:
        heads, fqdn = tr.exchange_trace(_bare(to), dt, auth, sender, consumer)
    else:
        heads, fqdn = trace, f"AM0PR07MB{mm.RNG.randint(1000, 9999)}.eurprd07.prod.outlook.com"
    heads += [
        ("From", mm.address(m.name, sender, "iso-8859-1")),
        ("To", to),
        ("Subject", mm.subject(f"{word}: {SUBJECT}", "iso-8859-1")),
        ("Thread-Topic", mm.subject(SUBJECT, "iso-8859-1")),
        ("Thread-Index", tr.thread_index()),
        ("Date", mm.rfc_date(dt, utc=True)),
        ("Message-ID", tr.exchange_msgid(fqdn)),
        *tr.exchange_tail(),
        ("x-ms-exchange-calendar-series-instance-id", "BAAAAIIA4AB0xbcQGoLgCAAAAAD" +
         mm.b64sig(40) + "=="),
        ("MIME-Version", "1.0"),
    ]
    plain = comment or ""
    html = ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            '\n</head>\n<body>\n' + (f"<div>{mm.html_lines(comment)}</div>\n" if comment else "")
            + "</body>\n</html>\n")
    ics = outlook_ics(m, partstat, dt, comment, uid, attendee)
    cal = mm.Part([("Content-Type", 'text/calendar; charset="utf-8"; method=REPLY'),
                   ("Content-Transfer-Encoding", "base64")], mm.b64(ics.encode()))
    body = mm.multipart("alternative", [
        mm.text(plain + "\n", charset="utf-8"),
        mm.text(html, "html", charset="utf-8"),
        cal,
    ], mm.boundary("outlook"))
    return mm.message(heads, body)


def google_ics(m: Member, partstat: str, stamp: datetime, comment: str = "",
               organizer: str = SENDER, uid: str = MEETING_UID) -> str:
    """Return the VCALENDAR Google Calendar sends when a guest answers."""
    s = f"{stamp.astimezone(mm.ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
    comment_line = f"COMMENT:{ical_text(comment)}\n" if comment else ""
    return fold_ical(f"""BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REPLY
BEGIN:VEVENT
DTSTART:20260312T150000Z
DTEND:20260312T170000Z
DTSTAMP:{s}
ORGANIZER;CN={FORUM}:mailto:{organizer}
UID:{uid}
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN={m.name};X-NUM-GUESTS=0:mailto:{m.email}
{comment_line}CREATED:20260224T081204Z
DESCRIPTION:
LAST-MODIFIED:{s}
LOCATION:{ical_text(PLACE)}
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:{ical_text(SUBJECT)}
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR""")


def google_reply(m: Member, partstat: str, dt: datetime, *, to: str, auth: list[str] | None,
                 comment: str = "") -> bytes:
    """Return a Google Calendar answer: mixed{alternative{text, html, calendar}, invite.ics}."""
    organizer = _bare(to)
    when = "tor. 12. mar. 2026 16.00 - 18.00 (CET)"
    subject = f"{_GOOGLE_WORD[partstat]}: {SUBJECT} @ {when} ({organizer})"
    ics = google_ics(m, partstat, dt, comment, organizer)
    said = _GOOGLE_TEXT[partstat]
    plain = f"{m.name} {said}.\n"
    if comment:
        plain += f"\n{m.name} siger:\n{comment}\n"
    plain += (f"\n{SUBJECT}\ntorsdag 12. marts 2026 ⋅ 16.00–18.00\nCentraleuropæisk tid -"
              f" København\n\nSted\n{PLACE}\n\nArrangør\n{FORUM}\n{organizer}\n\n"
              "Invitation fra Google Kalender: https://calendar.google.com/calendar/\n\n"
              f"Du modtager denne mail, fordi {m.email} er gæst i begivenheden.\n")
    html = (f'<span itemscope itemtype="http://schema.org/InformAction"><span '
            f'style="display:none" itemprop="about" itemscope itemtype="http://schema.org/Person">'
            f'<meta itemprop="description" content="{m.name} {said}"/></span></span>'
            f'<div style=""><table role="presentation"><tr><td><h2>{mm.html_escape(m.name)} '
            f'{said}</h2></td></tr></table></div>\n')
    alt = mm.multipart("alternative", [
        mm.text(plain, charset="UTF-8", cte="quoted-printable"),
        mm.text(html, "html", charset="UTF-8", cte="quoted-printable"),
        mm.Part([("Content-Type", 'text/calendar; charset="UTF-8"; method=REPLY'),
                 ("Content-Transfer-Encoding", "quoted-printable")], mm.qp(ics, "utf-8")),
    ], mm.boundary("gmail"))
    attachment = mm.Part([("Content-Type", 'application/ics; name="invite.ics"'),
                          ("Content-Disposition", 'attachment; filename="invite.ics"'),
                          ("Content-Transfer-Encoding", "base64")], mm.b64(ics.encode()))
    body = mm.multipart("mixed", [alt, attachment], mm.boundary("gmail"))
    heads = tr.gmail_trace(organizer, dt, auth, m.email)
    heads += [
        ("MIME-Version", "1.0"),
        ("Reply-To", mm.address(m.name, m.email, "UTF-8")),
        ("Sender", "Google Calendar <calendar-notification@google.com>"),
        ("Auto-Submitted", "auto-generated"),
        ("Message-ID", f"<calendar-{mm.uuid().lower()}@google.com>"),
        ("Date", mm.rfc_date(dt.astimezone(mm.ZoneInfo("UTC")))),
        ("Subject", mm.subject(subject, "UTF-8")),
        ("From", mm.address(m.name, m.email, "UTF-8")),
        ("To", organizer),
    ]
    return mm.message(heads, body)


def apple_ics(m: Member, partstat: str, stamp: datetime, attendee: str | None = None,
              uid: str = MEETING_UID, organizer: str = SENDER) -> str:
    """Return the VCALENDAR Apple Calendar (macOS) attaches to an answer."""
    s = f"{stamp.astimezone(mm.ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
    email = attendee or m.email
    return fold_ical(f"""BEGIN:VCALENDAR
METHOD:REPLY
VERSION:2.0
PRODID:-//Apple Inc.//macOS 15.3.1//EN
CALSCALE:GREGORIAN
{_COPENHAGEN}
BEGIN:VEVENT
ATTENDEE;CN="{m.name}";CUTYPE=INDIVIDUAL;EMAIL="{email}";PARTSTAT={partstat}:mailto:{email}
DTEND;TZID=Europe/Copenhagen:20260312T180000
DTSTAMP:{s}
DTSTART;TZID=Europe/Copenhagen:20260312T160000
LAST-MODIFIED:{s}
LOCATION:{ical_text(PLACE)}
ORGANIZER;CN={FORUM}:mailto:{organizer}
REQUEST-STATUS:2.0;Success
SEQUENCE:0
SUMMARY:{ical_text(SUBJECT)}
UID:{uid}
END:VEVENT
END:VCALENDAR""")


def apple_reply(m: Member, partstat: str, dt: datetime, *, to: str, auth: list[str] | None,
                attendee: str | None = None) -> bytes:
    """Return an Apple Calendar answer: a short text and the .ics attached."""
    word = {"ACCEPTED": "Accepteret", "DECLINED": "Afvist", "TENTATIVE": "Måske"}[partstat]
    ics = apple_ics(m, partstat, dt, attendee, organizer=_bare(to))
    name = f"iCal-{mm.RNG.randint(10**9, 10**10)}.ics"
    body = mm.multipart("mixed", [
        mm.text(f"{m.name} har {word.lower()} invitationen: {SUBJECT}.\n", charset="utf-8"),
        mm.Part([("Content-Type", f'text/calendar; method=REPLY; name="{name}"; charset=utf-8'),
                 ("Content-Disposition", f'attachment; filename="{name}"'),
                 ("Content-Transfer-Encoding", "quoted-printable")], mm.qp(ics, "utf-8")),
    ], mm.boundary("apple"))
    heads, _fqdn = tr.exchange_trace(_bare(to), dt, auth, m.email, consumer=True)
    heads += [
        ("From", mm.address(m.name, m.email)),
        ("Content-Class", "urn:content-classes:calendarmessage"),
        ("Mime-Version", "1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))"),
        ("Subject", mm.subject(f"{word}: {SUBJECT}")),
        ("Date", mm.rfc_date(dt)),
        ("To", to),
        ("Message-Id", f"<{mm.uuid()}@{m.email.rpartition('@')[2]}>"),
        ("X-Mailer", "Apple Mail (2.3826.400.131.1.6)"),
    ]
    return mm.message(heads, body)


def _bare(addr: str) -> str:
    """Return the address inside 'Name <addr>'."""
    return addr.rpartition("<")[2].rstrip(">").strip()
