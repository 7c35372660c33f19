"""Write the held-out mails (tests/heldout/mails/*.eml) and expected.json.

Run: .venv/bin/python -m tests.heldout.make
The output is deterministic (a fixed random seed), so re-running changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.heldout import _clients as cl
from tests.heldout import _itip as it
from tests.heldout import _mime as mm
from tests.heldout import _noise as nz
from tests.heldout import _trace as tr
from tests.heldout._originals import (
    FORUM,
    SUBJECT,
    Original,
    alternate_called_103,
    confirm_accepted_105,
    confirm_declined_103,
    invitation,
    reminder_106,
)
from tests.heldout.context import AUTHSERV, MEMBERS, SENDER, Member

HERE = Path(__file__).resolve().parent
MAILS: list[tuple[str, Callable[[], bytes], dict]] = []

M = MEMBERS
TO_PLAIN = f"{FORUM} <{SENDER}>"
d = mm.local


def mail(name: str, cls: str, applied: bool, why: str, rsvp: str | None = None,
         invitation_id: int | None = None, kind: str | None = None, act: str = "rsvp",
         bounced: list[str] | None = None) -> Callable:
    """Register the decorated builder as mail NAME with its expectation."""
    def register(build: Callable[[], bytes]) -> Callable[[], bytes]:
        exp = {"class": cls, "applied": applied, "rsvp": rsvp if applied else None,
               "invitation_id": invitation_id if applied else None, "why": why}
        if kind:
            exp["kind"] = kind
        if act != "rsvp":
            exp["act"] = act
        if bounced is not None:
            exp["bounced"] = bounced
        MAILS.append((f"{cls.lower()}{len([m for m in MAILS if m[2]['class'] == cls]) + 1:02d}"
                      f"_{name}.eml", build, exp))
        return build
    return register


def P(addr: str) -> list[str]:  # noqa: N802 - short names keep the mail table readable
    """Return our verdict on genuine mail from ADDR, in the one-header form."""
    return [tr.ar_pass(tr.domain_of(addr))]


def R(addr: str, dkim: str | None = None) -> list[str]:  # noqa: N802
    """Return our verdict on genuine mail from ADDR, as rspamd writes it."""
    return [tr.ar_pass_rspamd(addr, dkim)]


def S(addr: str) -> list[str]:  # noqa: N802
    """Return our verdict on genuine mail from ADDR, as three milter headers."""
    return tr.ar_split(addr)


def sig(member: Member, text: str) -> str:
    """Return TEXT signed as MEMBER signs."""
    return f"{text}\n\n{cl.SIGNATURES[member.id]}"


def hoist_auth(raw: bytes) -> bytes:
    """Return RAW with its first Authentication-Results field moved to the very top."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    fields: list[bytes] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\r\n" + line
        else:
            fields.append(line)
    for i, f in enumerate(fields):
        if f.lower().startswith(b"authentication-results:"):
            fields.insert(0, fields.pop(i))
            break
    return b"\r\n".join(fields) + sep + body


def forged(sender: Member, relay: tuple[str, str, str], dt, subject: str, text: str,
           auth_top: list[str] | None, auth_forged: str | None, mailer: str) -> bytes:
    """Return a plain mail with a member's From, sent from somewhere else."""
    heads = tr.ours(*relay, SENDER, dt, auth_top, f"bounce-{mm.RNG.randint(1000, 9999)}@{relay[0]}")
    heads.append(("Received", f"from [192.168.1.{mm.RNG.randint(2, 250)}] (unknown "
                              f"[31.3.{mm.RNG.randint(1, 254)}.{mm.RNG.randint(1, 254)}])\n\tby "
                              f"{relay[0]} (Postfix) with ESMTPSA id "
                              f"{mm.alnum(10, '0123456789ABCDEF')}\n\tfor <{SENDER}>; "
                              f"{mm.received_date(dt)}"))
    if auth_forged:
        heads.append(("Authentication-Results", auth_forged))
    heads += [
        ("From", mm.address(sender.name, sender.email)),
        ("To", SENDER),
        ("Subject", mm.subject(subject)),
        ("Date", mm.rfc_date(dt)),
        ("Message-ID", f"<{dt:%Y%m%d%H%M%S}.{mm.hexid(6).lower()}@{tr.domain_of(sender.email)}>"),
        ("MIME-Version", "1.0"),
        ("X-Mailer", mailer),
    ]
    return mm.message(heads, mm.text(text, charset="utf-8", cte="8bit"))


# === A. Only the invitee can answer ====================================================

@mail("outsider_itip_declined_for_anne", "A", False,
      "calendar REPLY naming Anne's address, sent from an outsider's own address, no token")
def _a1() -> bytes:
    outsider = Member(0, "Anne Kristensen", "k.nielsen1984@outlook.dk", "")
    return it.outlook_reply(outsider, "DECLINED", d(2026, 3, 4, 21, 47, 12), to=TO_PLAIN,
                            auth=R(outsider.email), consumer=True,
                            attendee=M[101].email)


@mail("mads_itip_declined_dmarc_fail", "A", False,
      "calendar REPLY from Mads's address but our server says spf=fail, dmarc=fail")
def _a2() -> bytes:
    m, dt = M[102], d(2026, 3, 5, 6, 2, 44)
    ip = "185.244.180.17"
    trace = tr.ours("mail.vps-4471.example", "vps-4471.hostkey.example", ip, SENDER, dt, None,
                    m.email)
    trace.append(("Received", "from [127.0.0.1] (localhost [127.0.0.1])\n\tby "
                              "mail.vps-4471.example (Postfix) with ESMTPSA id 9C1F2A0411\n\t"
                              f"for <{SENDER}>; {mm.received_date(dt)}"))
    raw = it.outlook_reply(m, "DECLINED", dt, to=TO_PLAIN, auth=None, trace=trace)
    return b"Authentication-Results: " + mm.crlf(tr.ar_fail(m.email, ip)).encode() + \
        b"\r\n" + raw


@mail("forged_afbud_camilla_no_auth", "A", False,
      "plain afbud with Camilla's From, sent from a web host, no token, no verdict of ours")
def _a3() -> bytes:
    return forged(M[104], ("mailer.kvikhost.example", "mailer.kvikhost.example",
                           "91.214.65.12"), d(2026, 3, 4, 10, 15, 22), "Afbud 12. marts",
                  "Hej\n\nJeg melder afbud til mødet den 12. marts.\n\nVenlig hilsen\n"
                  "Camilla Brandt\n", None, None, "Microsoft Outlook 16.0")


@mail("forged_afbud_anne_ar_pass_below_fail", "A", False,
      "plain afbud with Anne's From; our top verdict says dmarc=fail, a forged dmarc=pass below")
def _a4() -> bytes:
    m, ip = M[101], "91.214.65.12"
    top = [tr.ar_fail(m.email, ip).replace("spf=fail", "spf=softfail")]
    fake = f"{AUTHSERV}; dkim=pass header.d=gmail.com; spf=pass smtp.mailfrom=gmail.com;" \
           " dmarc=pass header.from=gmail.com"
    return forged(m, ("mailer.kvikhost.example", "mailer.kvikhost.example", ip),
                  d(2026, 3, 6, 23, 58, 3), "Re: Indkaldelse",
                  "Hej\n\nJeg melder afbud til torsdag.\n\nAnne\n", top, fake,
                  "Microsoft Outlook 16.0")


@mail("backscatter_dsn_two_members", "A", False, act="bounce",
      why="DMARC backscatter from an outside host: the returned mail is not ours (Message-ID"
          " of kvikmail.net), so neither member's address bounced")
def _a5() -> bytes:
    dt = d(2026, 3, 5, 10, 33, 40)
    spam = "\n".join(mm.fold(n, v) for n, v in [
        ("Received", "from [103.77.4.19] (unknown [103.77.4.19])\n\tby mx1.kvikmail.net (Postfix)"
                     f" with ESMTPA id 7A3C21F4B2;\n\t{mm.received_date(nz.minutes(dt, -1))}"),
        ("From", f'"Samarbejdsforum" <{SENDER}>'),
        ("To", f"{M[101].email}, {M[102].email}"),
        ("Subject", mm.subject("Vigtigt: Bekræft dit medlemskab inden fredag")),
        ("Date", mm.rfc_date(nz.minutes(dt, -1))),
        ("Message-ID", "<20260305103311.7A3C21F4B2@mx1.kvikmail.net>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/html; charset="utf-8"'),
    ])
    failures = [
        (M[101].email, "5.7.26", "gmail-smtp-in.l.google.com[142.250.102.27]",
         "550-5.7.26 Unauthenticated email from samarbejdsforum.test is not accepted due to"
         " domain's DMARC policy. 550 5.7.26 gsmtp"),
        (M[102].email, "5.7.509", "outlook-com.olc.protection.outlook.com[52.101.73.4]",
         "550 5.7.509 Access denied, sending domain SAMARBEJDSFORUM.TEST does not pass DMARC"
         " verification and has a DMARC policy of reject."),
    ]
    auth = [f"{AUTHSERV};\n\tdkim=none;\n\tspf=pass (mx.samarbejdsforum.test: domain of"
            " mx1.kvikmail.net designates 185.199.219.45 as permitted sender)"
            " smtp.helo=mx1.kvikmail.net;\n\tdmarc=none"]
    return nz.postfix_bounce(spam, failures, dt, "mx1.kvikmail.net", SENDER, auth,
                             ("mx1.kvikmail.net", "mx1.kvikmail.net", "185.199.219.45"),
                             "7A3C21F4B2", nz.minutes(dt, -1))


@mail("anne_gmail_ja_tak_proven_no_token", "A", True, rsvp="accepted", invitation_id=101,
      why="Anne's own address, our verdict dkim/spf/dmarc=pass, threaded under her invitation")
def _a6() -> bytes:
    m = M[101]
    return hoist_auth(cl.gmail(m, "Ja tak\n\nAnne", invitation(101), d(2026, 2, 24, 12, 3, 51),
                               auth=P(m.email), to=TO_PLAIN))


@mail("lone_new_mail_ja_tak_proven", "A", True, rsvp="accepted", invitation_id=106,
      why="a fresh mail (no token, no In-Reply-To) from Lone's proven address; one open"
          " invitation")
def _a7() -> bytes:
    m = M[106]
    return cl.outlook(m, "Hej\n\nJa tak, jeg kommer gerne til mødet på torsdag den 12. marts."
                         "\n\nKh Lone", None, d(2026, 3, 2, 19, 21, 7), auth=P(m.email),
                      to=TO_PLAIN, subject="Mødet den 12. marts", charset="utf-8", web=True,
                      consumer=True)


@mail("mads_itip_accepted_proven_no_token", "A", True, rsvp="accepted", invitation_id=102,
      why="calendar REPLY ACCEPTED with the meeting UID from Mads's proven address")
def _a8() -> bytes:
    m = M[102]
    return hoist_auth(it.outlook_reply(m, "ACCEPTED", d(2026, 2, 25, 8, 40, 2), to=TO_PLAIN,
                                       auth=P(m.email), consumer=True))


@mail("our_relay_bounce_camilla", "A", True, act="bounce", bounced=[M[104].email],
      why="our own relay's bounce, returning our invitation to Camilla (our Message-ID, our"
          " recipient)")
def _a9() -> bytes:
    orig = invitation(104)
    dt = nz.minutes(orig.dt, 1)
    returned = nz.original_headers(orig, 'text/plain; charset="utf-8"\n'
                                         "Content-Transfer-Encoding: quoted-printable")
    returned += "\n\n" + mm.qp(orig.body, "utf-8").decode().replace("\r\n", "\n")
    failures = [(M[104].email, "5.1.10", "politi-dk.mail.protection.outlook.com[52.101.68.10]",
                 "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient cbr004@politi.dk not"
                 " found by SMTP address lookup")]
    auth = [f"{AUTHSERV}; dkim=none; spf=pass smtp.helo=mail.samarbejdsforum.test;"
            " dmarc=none"]
    return nz.postfix_bounce(returned, failures, dt, "mail.samarbejdsforum.test", SENDER,
                             auth, ("mail.samarbejdsforum.test", "mail.samarbejdsforum.test",
                                    "10.0.0.25"), "4ZQ1nV2f3Kz9sT4", orig.dt, full=True)


@mail("mads_afbud_only_microsoft_auth", "A", False,
      "plain afbud from Mads's address with no verdict of ours, only Microsoft's own"
      " Authentication-Results (no trusted authserv-id)")
def _a10() -> bytes:
    m = M[102]
    foreign = ("spf=pass (sender IP is 40.92.91.81)\n smtp.mailfrom=outlook.com; dkim=pass"
               " (signature was verified)\n header.d=outlook.com;dmarc=pass action=none\n"
               " header.from=outlook.com;compauth=pass reason=100")
    return cl.outlook(m, "Hej\n\nAfbud fra mig den 12., desværre.\n\nMvh Mads", None,
                      d(2026, 3, 9, 16, 44, 30), auth=None, to=TO_PLAIN,
                      subject="Afbud torsdag", charset="utf-8", web=True, consumer=True,
                      extra_auth=foreign)


# === B. Auto-replies without Auto-Submitted ============================================

@mail("camilla_ikke_paa_kontoret", "B", False, kind="auto_reply",
      why="Exchange out-of-office text under SV:, no Auto-Submitted header")
def _b1() -> bytes:
    m = M[104]
    text = ("Jeg er ikke på kontoret fra mandag den 2. marts og er tilbage mandag den 9. marts."
            "\n\nJeg har ikke adgang til min mail i perioden. I akutte sager kan du kontakte"
            " vagtchefen på tlf. 4515 0000.\n\nVenlig hilsen\nCamilla Brandt\nPolitikommissær")
    return cl.outlook(m, text, invitation(104), d(2026, 3, 3, 7, 0, 9), auth=R(m.email),
                      to=TO_PLAIN, quote=False, charset="iso-8859-1")


@mail("anne_gmail_ferie", "B", False, kind="auto_reply",
      why="holiday responder: 'Jeg har ferie til og med ...', Re: subject kept")
def _b2() -> bytes:
    m = M[101]
    text = ("Hej\n\nJeg har ferie til og med fredag den 6. marts og læser ikke mail i den"
            " periode.\nJeg svarer, så snart jeg er tilbage.\n\nVenlig hilsen\nAnne Kristensen")
    return cl.gmail(m, text, invitation(101), d(2026, 2, 24, 9, 12, 40), auth=S(m.email),
                    quote=False)


@mail("henrik_paa_kursus", "B", False, kind="auto_reply",
      why="'Tak for din mail. Jeg er på kursus og læser ikke mails før ...'")
def _b3() -> bytes:
    m = M[103]
    text = ("Tak for din mail.\n\nJeg er på kursus og læser ikke mails før onsdag den 11. marts."
            " Din mail bliver ikke videresendt.\n\nHaster din henvendelse, kan du kontakte"
            " forvaltningens sekretariat på tlf. 3317 0000.\n\nMed venlig hilsen\nHenrik Lund")
    return cl.outlook(m, text, invitation(103), d(2026, 3, 3, 8, 0, 31),
                      auth=R(m.email, "kbhkommune.onmicrosoft.com"), to=TO_PLAIN, quote=False,
                      charset="utf-8")


@mail("mads_out_of_office_en", "B", False, kind="auto_reply",
      why="English 'I am out of the office until ...' under Re:")
def _b4() -> bytes:
    m = M[102]
    text = ("Thank you for your email.\n\nI am out of the office until Monday 9 March with"
            " limited access to email. I will not be able to respond before then.\n\nFor urgent"
            " matters, please call me on +45 2233 4455.\n\nBest regards\nMads Nørgaard")
    return cl.outlook(m, text, invitation(102), d(2026, 3, 3, 8, 1, 2), auth=P(m.email),
                      subject=f"Re: {SUBJECT}", lang="en", quote=False, charset="utf-8",
                      consumer=True)


@mail("jesper_holder_fri_html_only", "B", False, kind="auto_reply",
      why="HTML-only absence notice from HK's own server: 'kan ikke træffes' until the 10th")
def _b5() -> bytes:
    m, dt, orig = M[105], d(2026, 3, 3, 8, 0, 14), invitation(105)
    html = ("<html><body><p>Hej</p><p>Jeg holder fri frem til og med tirsdag den 10. marts og"
            " kan ikke træffes i perioden. Jeg ser din mail, når jeg er tilbage.</p><p>"
            "Henvendelser om overenskomsten kan rettes til <a href=\"mailto:kommunal@hk.dk\">"
            "kommunal@hk.dk</a>.</p><p>Venlig hilsen<br>Jesper Vang<br>HK Kommunal</p>"
            "</body></html>\n")
    heads = tr.hk_trace(orig.reply_to, dt, R(m.email), m.email)
    heads += [("From", mm.address(m.name, m.email)), ("To", cl.forum_to(orig)),
              ("Subject", mm.subject(f"Re: {orig.subject}")), ("Date", mm.rfc_date(dt)),
              ("Message-ID", f"<vacation.{mm.hexid(16).lower()}@smtp.hk.dk>"),
              ("In-Reply-To", f"<{orig.msgid}>"), ("References", f"<{orig.msgid}>"),
              ("MIME-Version", "1.0")]
    return mm.message(heads, mm.text(html, "html", charset="utf-8"))


@mail("lone_barsel", "B", False, kind="auto_reply",
      why="parental-leave notice: 'kan ikke træffes ... frem til 1. august', SV: subject")
def _b6() -> bytes:
    m = M[106]
    text = ("Tak for din mail.\n\nJeg er på barsel frem til 1. august 2026 og kan ikke træffes"
            " på denne mail. Din mail bliver hverken læst eller videresendt.\n\nMed venlig"
            " hilsen\nLone Østergaard")
    return cl.outlook(m, text, invitation(106), d(2026, 2, 24, 9, 12, 58), auth=P(m.email),
                      quote=False, charset="utf-8", web=True, consumer=True)


@mail("camilla_bilingual_oof_quoting", "B", False, kind="auto_reply",
      why="Danish/English absence text with the invitation quoted below (\"Svar ja eller nej\")")
def _b7() -> bytes:
    m = M[104]
    text = ("Jeg er ikke på kontoret og er tilbage tirsdag den 10. marts.\nI am out of the office"
            " and will be back on Tuesday 10 March.\n\nVenlig hilsen / Kind regards\nCamilla"
            " Brandt")
    return cl.outlook(m, text, invitation(104), d(2026, 3, 5, 14, 2, 18), auth=R(m.email),
                      charset="iso-8859-1")


# === C. Client notices that are no replies =============================================

@mail("henrik_recall_da", "C", False, why="Outlook recall 'Tilbagekald: SV: Indkaldelse ...'")
def _c1() -> bytes:
    m = M[103]
    return nz.recall(m, f"SV: {SUBJECT}", d(2026, 2, 26, 8, 9, 11), cl.forum_to(invitation(103)),
                     R(m.email, "kbhkommune.onmicrosoft.com"), False, "da")


@mail("mads_recall_en", "C", False, why="Outlook recall 'Recall: RE: Indkaldelse ...'")
def _c2() -> bytes:
    m = M[102]
    return nz.recall(m, f"RE: {SUBJECT}", d(2026, 2, 25, 8, 52, 40),
                     cl.forum_to(invitation(102)), P(m.email), True, "en")


@mail("camilla_read_receipt_laest", "C", False,
      why="Danish Exchange read receipt 'Læst: ...' (disposition-notification)")
def _c3() -> bytes:
    m = M[104]
    return nz.read_receipt(m, invitation(104), d(2026, 2, 24, 9, 41, 17), R(m.email))


@mail("henrik_delivered_leveret", "C", False,
      why="Exchange delivery report 'Leveret: ...', Action: delivered (no bounce, no answer)")
def _c4() -> bytes:
    return nz.delivered_report(M[103], invitation(103), d(2026, 2, 24, 9, 12, 19),
                               P("postmaster@kk.dk"))


@mail("henrik_videresendt_moedeinvitation", "C", False,
      why="Exchange meeting-forward notice to the organizer (Henrik forwarded to Pia)")
def _c5() -> bytes:
    m = M[103]
    return nz.forward_notification(m, d(2026, 2, 26, 8, 31, 5), R(m.email), False, "da",
                                   "Pia Mikkelsen <pimi@kk.dk>",
                                   "torsdag den 12. marts 2026 16:00-18:00.", SUBJECT)


@mail("mads_meeting_forward_notification_en", "C", False,
      why="English 'Meeting Forward Notification: ...' from Exchange")
def _c6() -> bytes:
    m = M[102]
    return nz.forward_notification(m, d(2026, 2, 27, 13, 5, 44), P(m.email), True, "en",
                                   "Sara Holm <sara.holm@outlook.com>",
                                   "Thursday, March 12, 2026 4:00 PM-6:00 PM.", SUBJECT)


@mail("teams_message_notice", "C", False,
      why="Teams notice quoting a chat from Anne ('når desværre ikke mødet'): not her mail")
def _c7() -> bytes:
    dt = d(2026, 3, 10, 11, 26, 3)
    link = ("https://teams.microsoft.com/l/message/19:a1b2c3d4e5f6a7b8c9d0@unq.gbl.spaces/"
            f"{int(dt.timestamp())}000")
    text = ("Anne Kristensen har sendt dig en besked\n\nAnne Kristensen\n\"Hej! Jeg når desværre"
            " ikke mødet på torsdag – kan du give besked videre?\"\n\nSvar i Teams\n"
            f"{link}\n\nInstallér Microsoft Teams nu\niOS | Android\n\nDenne mail blev sendt fra"
            " en postkasse, der ikke overvåges. Opdater dine indstillinger for mail i Teams.\n"
            "© 2026 Microsoft Corporation, One Microsoft Way, Redmond WA 98052-7329\n")
    html = ("<html><body><table><tr><td><h1>Anne Kristensen har sendt dig en besked</h1>"
            "<p>&quot;Hej! Jeg når desværre ikke mødet på torsdag – kan du give besked videre?"
            f"&quot;</p><a href=\"{link}\">Svar i Teams</a></td></tr></table></body></html>\n")
    return nz.microsoft_service("Microsoft Teams <noreply@email.teams.microsoft.com>",
                                "email.teams.microsoft.com",
                                "Anne Kristensen har sendt dig en besked", text, html, dt,
                                P("noreply@email.teams.microsoft.com"),
                                [("X-MS-Exchange-Organization-AuthAs", "Anonymous")])


@mail("sharepoint_delt_fil", "C", False,
      why="SharePoint sharing notice (Reply-To Henrik) whose message says 'Ja, ...'")
def _c8() -> bytes:
    dt = d(2026, 3, 9, 15, 2, 37)
    name = "Budgetopfølgning 2026.xlsx"
    url = "https://kbhkommune.sharepoint.com/:x:/s/Samarbejdsforum/EaB3kQ9zT1xLm2?e=4kQ9zT"
    text = (f"Henrik Lund har delt en fil med dig\n\nHer er regnearket til punkt 2. Ja, det er"
            f" den opdaterede version – den gamle kan I slette.\n\n{name}\n\nÅbn\n{url}\n\n"
            "Dette link fungerer kun for de direkte modtagere af denne meddelelse.\n\n"
            "Erklæring om beskyttelse af personlige oplysninger:"
            " https://go.microsoft.com/fwlink/?LinkId=521839\nMicrosoft Corporation, One"
            " Microsoft Way, Redmond, WA 98052\n")
    html = (f"<html><body><p>Henrik Lund har delt en fil med dig</p><p>Her er regnearket til"
            f" punkt 2. Ja, det er den opdaterede version – den gamle kan I slette.</p><p><a"
            f" href=\"{url}\">{mm.html_escape(name)}</a></p></body></html>\n")
    sender = "Henrik Lund (via SharePoint Online) <no-reply@sharepointonline.com>"
    return nz.microsoft_service(sender,
                                "sharepointonline.com",
                                f'Henrik Lund har delt "{name}" med dig', text, html, dt,
                                P("no-reply@sharepointonline.com"),
                                [("Reply-To", mm.address("Henrik Lund", M[103].email))])


# === D. Double negation and rhetoric ===================================================

@mail("camilla_kan_ikke_se_hvorfor_ikke", "D", False,
      why="'Jeg kan ikke se, hvorfor jeg ikke skulle komme' (a yes built of two negations)")
def _d1() -> bytes:
    m = M[104]
    return cl.outlook(m, sig(m, "Hej\n\nJeg kan ikke se, hvorfor jeg ikke skulle komme. Vi ses"
                                " på torsdag."), invitation(104), d(2026, 2, 25, 10, 4, 55),
                      auth=R(m.email))


@mail("anne_ikke_fordi_jeg_ikke_vil", "D", False,
      why="'Det er ikke fordi jeg ikke vil, men ...' (leans no, says neither)")
def _d2() -> bytes:
    m = M[101]
    return cl.gmail(m, "Hej\n\nDet er ikke fordi jeg ikke vil, men jeg har et andet møde kl. 15,"
                       " som måske trækker ud.\n\nAnne", invitation(101),
                    d(2026, 2, 27, 22, 13, 40), auth=S(m.email))


@mail("lone_ikke_noget_imod", "D", False,
      why="'Jeg har ikke noget imod at komme, hvis ...' (a conditional, double negative yes)")
def _d3() -> bytes:
    m = M[106]
    return cl.apple(m, "Hej\n\nJeg har ikke noget imod at komme, hvis I mangler folk til at"
                       " være beslutningsdygtige.\n\nKh Lone", invitation(106),
                    d(2026, 2, 28, 9, 37, 2), auth=P(m.email))


@mail("mads_cant_say_wont_be_there", "D", False,
      why="'I can't say I won't be there' (English double negation)")
def _d4() -> bytes:
    m = M[102]
    return cl.outlook(m, "Hi\n\nI can’t say I won’t be there, but I can’t promise either."
                         "\n\nMads", invitation(102), d(2026, 3, 1, 20, 5, 9), auth=P(m.email),
                      lang="en", charset="utf-8", web=True, consumer=True)


@mail("jesper_ingen_grund_til_ikke", "D", False,
      why="'Jeg ser ingen grund til ikke at komme' (double negative, Thunderbird)")
def _d5() -> bytes:
    m = M[105]
    return cl.thunderbird(m, "Hej\n\nJeg ser ingen grund til ikke at komme, men jeg skal lige"
                             " høre min leder først.\n\nJesper", invitation(105),
                          d(2026, 2, 24, 13, 2, 26), auth=S(m.email))


@mail("anne_iphone_nej_ikke_afbud", "D", False,
      why="'Nej, jeg har ikke tænkt mig at melde afbud' (nej + ikke + afbud)")
def _d6() -> bytes:
    m = M[101]
    return cl.iphone(m, "Nej, jeg har ikke tænkt mig at melde afbud. Hvorfor spørger I?",
                     invitation(101), d(2026, 3, 3, 17, 48, 0), auth=P(m.email), trace="gmail")


# === E. Acknowledgements of our own notices ============================================

@mail("henrik_ok_tak_for_besked", "E", False,
      why="'OK, tak for besked' to the confirmation of his afbud (quoted: 'noteret dit afbud')")
def _e1() -> bytes:
    m = M[103]
    return cl.outlook(m, sig(m, "OK, tak for besked."), confirm_declined_103(),
                      d(2026, 2, 26, 9, 2, 14), auth=R(m.email, "kbhkommune.onmicrosoft.com"))


@mail("henrik_iphone_super_tak_suppleant", "E", False,
      why="'Super, tak!' to the 'Suppleant indkaldt' notice, In-Reply-To our notice")
def _e2() -> bytes:
    m = M[103]
    return cl.iphone(m, "Super, tak!", alternate_called_103(), d(2026, 2, 26, 8, 44, 51),
                     auth=R(m.email, "kbhkommune.onmicrosoft.com"), to=TO_PLAIN, trace="o365")


@mail("lone_ja_tak_har_set_det", "E", False,
      why="'Ja tak, jeg har set det' to the reminder: an acknowledgement, not an answer")
def _e3() -> bytes:
    m = M[106]
    return cl.outlook(m, "Ja tak, jeg har set det.\n\nKh Lone", reminder_106(),
                      d(2026, 3, 3, 8, 26, 40), auth=P(m.email), charset="utf-8", web=True,
                      consumer=True)


@mail("jesper_thanks_noted", "E", False,
      why="'Thanks, noted!' to the English confirmation that he will attend")
def _e4() -> bytes:
    m = M[105]
    return cl.thunderbird(m, "Thanks, noted!\n\nJesper", confirm_accepted_105(),
                          d(2026, 2, 25, 15, 1, 9), auth=S(m.email))


@mail("jesper_iphone_perfekt_tak", "E", False,
      why="'Perfekt, tak 👍' to the confirmation, iPhone, base64")
def _e5() -> bytes:
    m = M[105]
    return cl.iphone(m, "Perfekt, tak 👍", confirm_accepted_105(), d(2026, 2, 25, 14, 41, 30),
                     auth=R(m.email), trace="hk", cte="base64")


# === F. Someone else answering through a token =========================================

def anne_forward() -> Original:
    """Return Anne's Gmail forward of her invitation to Mads, as Mads's Outlook shows it."""
    inv = invitation(101)
    body = ("Hej Mads\n\nJeg er blevet syg. Kan du tage mødet for mig?\n\nAnne\n\n"
            "---------- Videresendt meddelelse ---------\n"
            f"Fra: {FORUM} <{SENDER}>\nDate: {mm.da_gmail(inv.dt)}\nSubject: {inv.subject}\n"
            f"To: {M[101].name} <{M[101].email}>\n\n\n{inv.body}")
    return Original(f"Fwd: {SUBJECT}", d(2026, 3, 11, 7, 58, 20), body,
                    f"CAF{mm.alnum(45)}@mail.gmail.com", 101, M[101].name, M[101].email)


@mail("mads_via_annes_token_i_stedet_for", "F", False,
      why="Mads (proven, his own address) writes to Anne's token: 'jeg kommer i stedet for Anne'")
def _f1() -> bytes:
    m, fwd = M[102], anne_forward()
    block = (f"________________________________\nFra: {fwd.from_name} <{fwd.from_addr}>\n"
             f"Sendt: {mm.da_long(fwd.dt)}\nTil: {m.name} <{m.email}>\nEmne: {fwd.subject}")
    return cl.outlook(m, "Hej\n\nAnne er syg, så jeg kommer i stedet for Anne på torsdag.\n\n"
                         "Mvh Mads", fwd, d(2026, 3, 11, 8, 20, 5), auth=P(m.email),
                      to=cl.forum_to(invitation(101)), subject=f"SV: Fwd: {SUBJECT}",
                      charset="utf-8", web=True, consumer=True, block=block,
                      cc=mm.address(M[101].name, M[101].email),
                      references=f"<{invitation(101).msgid}>\n <{fwd.msgid}>")


@mail("camilla_ja_tak_on_henriks_token", "F", False,
      why="Camilla (proven) replies 'Ja tak' to Henrik's invitation he sent her as attachment")
def _f2() -> bytes:
    m = M[104]
    return cl.outlook(m, sig(m, "Ja tak, jeg kommer."), invitation(103),
                      d(2026, 2, 27, 11, 15, 48), auth=R(m.email), charset="Windows-1252")


@mail("lone_apple_itip_to_annes_token", "F", False,
      why="Lone's calendar REPLY (ATTENDEE Lone) sent to Anne's token from Anne's forwarded .ics")
def _f3() -> bytes:
    m = M[106]
    return it.apple_reply(m, "ACCEPTED", d(2026, 3, 11, 9, 3, 31),
                          to=cl.forum_to(invitation(101)), auth=P(m.email))


# === G. Plain genuine answers through the token ========================================

@mail("camilla_outlook_ja_tak_cp1252", "G", True, rsvp="accepted", invitation_id=104,
      why="Outlook desktop, windows-1252 quoted-printable, 'Ja tak, jeg kommer.'")
def _g1() -> bytes:
    m = M[104]
    return cl.outlook(m, sig(m, "Ja tak, jeg kommer."), invitation(104),
                      d(2026, 2, 24, 10, 31, 7), auth=R(m.email), charset="Windows-1252")


@mail("anne_gmail_maa_desvaerre_melde_afbud", "G", True, rsvp="declined", invitation_id=101,
      why="Gmail, utf-8 quoted-printable with HTML: 'Jeg må desværre melde afbud'")
def _g2() -> bytes:
    m = M[101]
    return cl.gmail(m, "Hej\n\nJeg må desværre melde afbud – jeg er på forretningsrejse i"
                       " Aarhus den dag.\n\nAnne", invitation(101), d(2026, 2, 25, 7, 55, 30),
                    auth=S(m.email))


@mail("lone_apple_maaske", "G", True, rsvp="tentative", invitation_id=106,
      why="Apple Mail: 'Måske, jeg ved det ikke endnu.'")
def _g3() -> bytes:
    m = M[106]
    return cl.apple(m, "Måske, jeg ved det ikke endnu. Jeg giver besked, så snart jeg ved mere."
                       "\n\nKh Lone", invitation(106), d(2026, 2, 24, 18, 2, 44),
                    auth=P(m.email))


@mail("mads_outlookcom_yes_ill_be_there", "G", True, rsvp="accepted", invitation_id=102,
      why="Outlook.com in English: 'Yes, I’ll be there.' (curly apostrophe)")
def _g4() -> bytes:
    m = M[102]
    return cl.outlook(m, "Yes, I’ll be there.\n\nMads", invitation(102),
                      d(2026, 2, 24, 11, 17, 33), auth=P(m.email), lang="en", charset="utf-8",
                      web=True, consumer=True)


@mail("anne_google_calendar_accepted", "G", True, rsvp="accepted", invitation_id=101,
      why="Google Calendar REPLY ACCEPTED sent to the token address (our ORGANIZER)")
def _g5() -> bytes:
    m = M[101]
    return it.google_reply(m, "ACCEPTED", d(2026, 2, 24, 9, 30, 12),
                           to=invitation(101).reply_to, auth=R(m.email))


@mail("camilla_iphone_afbud_base64", "G", True, rsvp="declined", invitation_id=104,
      why="iPhone, base64 utf-8, one word: 'Afbud' above 'Sendt fra min iPhone'")
def _g6() -> bytes:
    m = M[104]
    return cl.iphone(m, "Afbud", invitation(104), d(2026, 3, 2, 7, 12, 9), auth=R(m.email),
                     trace="o365", cte="base64")


@mail("mads_outlook_itip_declined_comment", "G", True, rsvp="declined", invitation_id=102,
      why="Outlook calendar REPLY DECLINED with a comment, to the token address")
def _g7() -> bytes:
    m = M[102]
    return it.outlook_reply(m, "DECLINED", d(2026, 3, 6, 12, 40, 51),
                            to=cl.forum_to(invitation(102)), auth=P(m.email), consumer=True,
                            comment="Beklager, jeg er på kursus den dag.")


@mail("jesper_thunderbird_alligevel_afbud", "G", True, rsvp="declined", invitation_id=105,
      why="Thunderbird, 8bit utf-8 format=flowed: 'Jeg må alligevel melde afbud'")
def _g8() -> bytes:
    m = M[105]
    return cl.thunderbird(m, sig(m, "Hej\n\nJeg må alligevel melde afbud – der er kommet et"
                                    " forhandlingsmøde i vejen."), invitation(105),
                          d(2026, 3, 9, 8, 5, 17), auth=S(m.email))


def main() -> None:
    """Write every mail and the expectations."""
    out = HERE / "mails"
    out.mkdir(exist_ok=True)
    expected = {}
    for name, build, exp in MAILS:
        (out / name).write_bytes(build())
        expected[name] = exp
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    print(f"wrote {len(MAILS)} mails to {out}")


if __name__ == "__main__":
    main()
