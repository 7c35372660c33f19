"""Mails no person typed as an answer: bounces, receipts, recalls, notices, auto-replies."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta

from tests.heldout import _mime as mm
from tests.heldout import _trace as tr
from tests.heldout._originals import FORUM, Original
from tests.heldout.context import SENDER, Member

Headers = list[tuple[str, str]]


_MIXED = 'multipart/mixed; boundary="===============4815162342=="'


def original_headers(orig: Original, ctype: str = _MIXED) -> str:
    """Return the header block our mail ORIG went out with."""
    m = orig.member
    return "\n".join(mm.fold(n, v) for n, v in [
        ("Return-Path", f"<{SENDER}>"),
        ("Received", "from app1.samarbejdsforum.test (app1.samarbejdsforum.test [10.0.0.12])"
                     "\n\tby mail.samarbejdsforum.test (Postfix) with ESMTP id 4ZQ1nV2f3Kz9sT4"
                     f"\n\tfor <{m.email}>; {mm.received_date(orig.dt)}"),
        ("Content-Type", ctype),
        ("MIME-Version", "1.0"),
        ("Subject", mm.subject(orig.subject)),
        ("From", f"{FORUM} <{SENDER}>"),
        ("Reply-To", f"{FORUM} <{orig.reply_to}>"),
        ("To", mm.address(m.name, m.email)),
        ("Date", mm.rfc_date(orig.dt)),
        ("Message-ID", f"<{orig.msgid}>"),
        ("Auto-Submitted", "auto-generated"),
        ("X-Auto-Response-Suppress", "OOF"),
    ])


#: One failed recipient of a bounce: address, status, remote MTA (host[ip]), its SMTP reply.
Failure = tuple[str, str, str, str]


def postfix_bounce(returned: str, failures: list[Failure], dt: datetime, reporting_mta: str,
                   rcpt: str, auth: list[str] | None, helo: tuple[str, str, str],
                   queue_id: str, arrival: datetime, full: bool = False) -> bytes:
    """Return a Postfix non-delivery report: RETURNED is the returned mail (or its headers)."""
    lines = "\n\n".join(textwrap.fill(f"<{a}>: host {mta} said: {reply} (in reply to end of"
                                       " DATA command)", 78, subsequent_indent="    ",
                                       break_long_words=False, break_on_hyphens=False)
                         for a, _s, mta, reply in failures)
    notice = (f"This is the mail system at host {reporting_mta}.\n\nI'm sorry to have to inform"
              " you that your message could not\nbe delivered to one or more recipients. It's"
              " attached below.\n\nFor further assistance, please send mail to postmaster.\n\n"
              "If you do so, please include this problem report. You can\ndelete your own text"
              " from the attached returned message.\n\n"
              f"                   The mail system\n\n{lines}\n")
    status = (f"Reporting-MTA: dns; {reporting_mta}\nX-Postfix-Queue-ID: {queue_id}\n"
              f"X-Postfix-Sender: rfc822; {SENDER}\n"
              f"Arrival-Date: {mm.rfc_date(arrival)} ({arrival.tzname()})\n")
    for addr, code, mta, reply in failures:
        status += (f"\nFinal-Recipient: rfc822; {addr}\nOriginal-Recipient: rfc822;{addr}\n"
                   f"Action: failed\nStatus: {code}\nRemote-MTA: dns; {mta.split('[')[0]}\n"
                   f"Diagnostic-Code: smtp; {reply}\n")
    kind = ("message/rfc822", "Undelivered Message") if full else \
        ("text/rfc822-headers", "Undelivered Message Headers")
    parts = [
        mm.Part([("Content-Description", "Notification"),
                 ("Content-Type", "text/plain; charset=us-ascii")], mm.crlf(notice).encode()),
        mm.Part([("Content-Description", "Delivery report"),
                 ("Content-Type", "message/delivery-status")], mm.crlf(status).encode()),
        mm.Part([("Content-Description", kind[1]), ("Content-Type", kind[0])],
                mm.crlf(returned.rstrip("\n") + "\n").encode()),
    ]
    body = mm.multipart("report", parts, f"{queue_id}.{int(dt.timestamp())}/{reporting_mta}",
                        '; report-type=delivery-status',
                        preamble="This is a MIME-encapsulated message.")
    heads = tr.ours(*helo, rcpt, dt, auth, "")
    heads += [
        ("Received", f"by {reporting_mta} (Postfix)\n\tid {mm.alnum(12, '0123456789ABCDEF')}; "
                     f"{mm.received_date(dt)}"),
        ("Date", f"{mm.rfc_date(dt)} ({dt.tzname()})"),
        ("From", f"MAILER-DAEMON@{reporting_mta} (Mail Delivery System)"),
        ("Subject", "Undelivered Mail Returned to Sender"),
        ("To", rcpt),
        ("Auto-Submitted", "auto-replied"),
        ("MIME-Version", "1.0"),
        ("Message-Id", f"<{mm.alnum(14, '0123456789ABCDEF')}@{reporting_mta}>"),
    ]
    return mm.message(heads, body)


def read_receipt(m: Member, orig: Original, dt: datetime, auth: list[str] | None) -> bytes:
    """Return a Danish Exchange read receipt (Læst:) for ORIG."""
    heads, fqdn = tr.exchange_trace(SENDER, dt, auth, m.email, consumer=False)
    sent = orig.dt.astimezone(mm.ZoneInfo("UTC"))
    notice = (f"Din meddelelse\n\n    Til: {m.name}\n    Emne: {orig.subject}\n"
              f"    Sendt: {mm.da_long(sent).split(' den ')[1]}:{sent:%S} (UTC+00:00) Monrovia,"
              " Reykjavik\n\n"
              f"blev læst den {mm.da_long(dt).split(' den ')[1]}:{dt:%S} (UTC+01:00) København,"
              " Bruxelles, Madrid, Paris.\n")
    mdn = (f"Reporting-UA: {fqdn}; Microsoft Exchange Server\n"
           f"Final-Recipient: rfc822;{m.email}\nOriginal-Message-ID: <{orig.msgid}>\n"
           "Disposition: manual-action/MDN-sent-manually; displayed\n")
    body = mm.multipart("report", [
        mm.text(notice, charset="iso-8859-1"),
        mm.Part([("Content-Type", "message/disposition-notification")], mm.crlf(mdn).encode()),
    ], mm.boundary("outlook"), '; report-type=disposition-notification')
    heads += [
        ("From", mm.address(m.name, m.email, "iso-8859-1")),
        ("To", f"{FORUM} <{SENDER}>"),
        ("Subject", mm.subject(f"Læst: {orig.subject}", "iso-8859-1")),
        ("Thread-Topic", mm.subject(orig.subject, "iso-8859-1")),
        ("Thread-Index", tr.thread_index()),
        ("Date", mm.rfc_date(dt, utc=True)),
        ("Message-ID", tr.exchange_msgid(fqdn)),
        ("References", f"<{orig.msgid}>"),
        ("In-Reply-To", f"<{orig.msgid}>"),
        ("Content-Language", "da-DK"),
        ("X-MS-Has-Attach", ""),
        ("X-MS-TNEF-Correlator", ""),
        ("x-ms-publictraffictype", "Email"),
        ("MIME-Version", "1.0"),
    ]
    return mm.message(heads, body)


def delivered_report(m: Member, orig: Original, dt: datetime, auth: list[str] | None) -> bytes:
    """Return the Exchange 'Leveret:' delivery report a recipient's server sent back."""
    heads, fqdn = tr.exchange_trace(SENDER, dt, auth, "postmaster@kk.dk", consumer=False)
    html = ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
            'charset=utf-8">\n</head>\n<body>\n<p><b><font color="#000066" size="3" '
            'face="Arial">Din meddelelse er blevet leveret til følgende modtagere:</font></b></p>'
            f'\n<font color="#000000" size="2" face="Tahoma"><p><a href="mailto:{m.email}">'
            f'{m.name} ({m.email})</a><br>\n</p>\n<p>Emne: {mm.html_escape(orig.subject)}</p>'
            '\n</font>\n</body>\n</html>\n')
    status = (f"Reporting-MTA: dns;{fqdn}\nReceived-From-MTA: dns;mail.samarbejdsforum.test\n"
              f"Arrival-Date: {mm.rfc_date(orig.dt, utc=True)}\n\n"
              f"Final-Recipient: rfc822;{m.email}\nAction: delivered\nStatus: 2.0.0\n"
              f"X-Display-Name: {m.name}\n")
    body = mm.multipart("report", [
        mm.multipart("alternative", [
            mm.text(f"Din meddelelse er blevet leveret til følgende modtagere:\n\n{m.name}"
                    f" ({m.email})\n\nEmne: {orig.subject}\n", charset="utf-8",
                    cte="base64"),
            mm.text(html, "html", charset="utf-8", cte="base64"),
        ], mm.boundary("outlook")),
        mm.Part([("Content-Type", "message/delivery-status")], mm.crlf(status).encode()),
        mm.Part([("Content-Type", "text/rfc822-headers")],
                mm.crlf(original_headers(orig) + "\n").encode()),
    ], mm.boundary("outlook"), '; report-type=delivery-status')
    ex = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@kk.dk"
    heads += [
        ("From", f"Microsoft Outlook <{ex}>"),
        ("To", f"{FORUM} <{SENDER}>"),
        ("Date", mm.rfc_date(dt, utc=True)),
        ("Content-Language", "da-DK"),
        ("Message-ID", f"<{mm.uuid().lower()}@{fqdn}>"),
        ("In-Reply-To", f"<{orig.msgid}>"),
        ("References", f"<{orig.msgid}>"),
        ("Thread-Topic", mm.subject(orig.subject, "utf-8", "B")),
        ("Subject", mm.subject(f"Leveret: {orig.subject}", "utf-8", "B")),
        ("MIME-Version", "1.0"),
    ]
    return mm.message(heads, body)


def recall(m: Member, recalled_subject: str, dt: datetime, to: str,
           auth: list[str] | None, consumer: bool, lang: str) -> bytes:
    """Return the recall message Outlook sends when a member recalls a mail."""
    heads, fqdn = tr.exchange_trace(tr_bare(to), dt, auth, m.email, consumer)
    if lang == "en":
        word, text = "Recall", f'{m.name} would like to recall the message, "{recalled_subject}".'
    else:
        word = "Tilbagekald"
        text = f'{m.name} vil gerne tilbagekalde meddelelsen "{recalled_subject}".'
    heads += [
        ("From", mm.address(m.name, m.email, "iso-8859-1")),
        ("To", to),
        ("Subject", mm.subject(f"{word}: {recalled_subject}", "iso-8859-1")),
        ("Thread-Topic", mm.subject(recalled_subject.split(": ", 1)[1], "iso-8859-1")),
        ("Thread-Index", tr.thread_index()),
        ("Date", mm.rfc_date(dt, utc=True)),
        ("Message-ID", tr.exchange_msgid(fqdn)),
        *tr.exchange_tail("en-US" if lang == "en" else "da-DK"),
        ("x-ms-exchange-recallreportgenerated", "false"),
        ("MIME-Version", "1.0"),
    ]
    return mm.message(heads, mm.text(text + "\n", charset="iso-8859-1"))


def forward_notification(m: Member, dt: datetime, auth: list[str] | None, consumer: bool,
                         lang: str, to_whom: str, when: str, subject: str) -> bytes:
    """Return Exchange's notice to the organizer that an attendee forwarded the meeting."""
    heads, fqdn = tr.exchange_trace(SENDER, dt, auth, m.email, consumer)
    if lang == "en":
        word = "Meeting Forward Notification"
        text = (f"Your meeting was forwarded\n\n{m.name} <{m.email}> has forwarded your meeting"
                f" request to additional recipients.\n\nMeeting\n{subject}\n\nMeeting Time\n"
                f"{when}\n\nRecipients\n{to_whom}\n\nAll meeting participants have been"
                " invited to this meeting.\n")
    else:
        word = "Videresendt mødeinvitation"
        text = (f"Din mødeindkaldelse blev videresendt\n\n{m.name} <{m.email}> har videresendt"
                f" din mødeindkaldelse til flere modtagere.\n\nMøde\n{subject}\n\n"
                f"Mødetidspunkt\n{when}\n\nModtagere\n{to_whom}\n\nAlle mødedeltagere er"
                " blevet inviteret til mødet.\n")
    html = ("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; "
            "charset=utf-8\">\n</head>\n<body>\n"
            + "".join(f"<p>{mm.html_escape(p).replace(chr(10), '<br>')}</p>\n"
                      for p in text.strip().split("\n\n"))
            + "</body>\n</html>\n")
    heads += [
        ("From", mm.address(m.name, m.email, "utf-8", "B")),
        ("To", f"{FORUM} <{SENDER}>"),
        ("Subject", mm.subject(f"{word}: {subject}", "utf-8", "B")),
        ("Thread-Topic", mm.subject(subject, "utf-8", "B")),
        ("Thread-Index", tr.thread_index()),
        ("Date", mm.rfc_date(dt, utc=True)),
        ("Message-ID", tr.exchange_msgid(fqdn)),
        *tr.exchange_tail("en-US" if lang == "en" else "da-DK"),
        ("MIME-Version", "1.0"),
    ]
    body = mm.multipart("alternative", [mm.text(text, charset="utf-8", cte="base64"),
                                        mm.text(html, "html", charset="utf-8", cte="base64")],
                        mm.boundary("outlook"))
    return mm.message(heads, body)


def tr_bare(addr: str) -> str:
    """Return the address inside 'Name <addr>'."""
    return addr.rpartition("<")[2].rstrip(">").strip()


def microsoft_service(sender: str, sender_domain: str, subject: str, text: str, html: str,
                      dt: datetime, auth: list[str] | None, extra: Headers) -> bytes:
    """Return a notification from a Microsoft 365 service (Teams, SharePoint)."""
    heads = tr.ours("NAM12-DM6-obe.outbound.protection.outlook.com",
                    "mail-dm6nam12on2095.outbound.protection.outlook.com", "40.107.243.95",
                    SENDER, dt, auth, f"bounces@{sender_domain}")
    heads += [
        ("DKIM-Signature", f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={sender_domain};"
                           f" s=selector1;\n h=From:Date:Subject:Message-ID:Content-Type:"
                           f"MIME-Version;\n bh={mm.b64sig(43)}=;\n b={mm.b64sig(72)}\n"
                           f" {mm.b64sig(60)}=="),
        ("From", sender),
        ("To", SENDER),
        ("Subject", mm.subject(subject, "utf-8", "B")),
        ("Date", mm.rfc_date(dt, utc=True)),
        ("Message-ID", f"<{mm.uuid().lower()}@{sender_domain}>"),
        ("MIME-Version", "1.0"),
        *extra,
    ]
    body = mm.multipart("alternative", [mm.text(text, charset="utf-8"),
                                        mm.text(html, "html", charset="utf-8")],
                        "--boundary_" + mm.hexid(8).lower() + "_" + mm.uuid().lower())
    return mm.message(heads, body)


def minutes(dt: datetime, n: int) -> datetime:
    """Return DT plus N minutes."""
    return dt + timedelta(minutes=n)
