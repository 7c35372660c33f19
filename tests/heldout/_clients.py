"""Replies as Gmail, Outlook, Apple Mail, iPhone and Thunderbird write them."""

from __future__ import annotations

from datetime import datetime

from tests.heldout import _mime as mm
from tests.heldout import _trace as tr
from tests.heldout._originals import FORUM, Original
from tests.heldout.context import SENDER, Member

#: How each member signs off, by invitation id.
SIGNATURES = {
    101: "Anne",
    102: "Mvh Mads",
    103: ("Med venlig hilsen\n\nHenrik Lund\nSpecialkonsulent\n\nKøbenhavns Kommune\n"
          "Børne- og Ungdomsforvaltningen\nGyldenløvesgade 15\n1600 København V\n\n"
          "Mobil 2412 3456\nE-mail hlu@kk.dk\nEAN 5798009812345"),
    104: ("Venlig hilsen\n\nCamilla Brandt\nPolitikommissær\nKøbenhavns Politi\n"
          "Tlf. 4515 1234\n\nDenne e-mail kan indeholde fortrolige oplysninger. Er du ikke "
          "den rette modtager, bedes du slette den og give afsenderen besked."),
    105: "Hilsen Jesper\n\n-- \nJesper Vang\nFaglig konsulent, HK Kommunal\nTlf. 3330 4343",
    106: "Kh Lone",
}


def _addressing(m: Member, to: str, subject: str, dt: datetime, orig: Original | None,
                charset: str = "utf-8", enc: str = "Q", utc: bool = False,
                upper: bool = False) -> list[tuple[str, str]]:
    """Return From/To/Subject/Date and the threading headers of a reply."""
    heads = [
        ("From", mm.address(m.name, m.email, charset, enc, upper=upper)),
        ("To", to),
        ("Subject", mm.subject(subject, charset, enc, upper)),
        ("Date", mm.rfc_date(dt, utc=utc)),
    ]
    if orig is not None:
        heads += [("References", f"<{orig.msgid}>"), ("In-Reply-To", f"<{orig.msgid}>")]
    return heads


def forum_to(orig: Original | None, address: str | None = None) -> str:
    """Return the To of a reply: the token address the original's Reply-To carried."""
    return mm.address(FORUM, address or (orig.reply_to if orig else SENDER))


def _paragraphs_html(body: str, open_tag: str = "<div>", close_tag: str = "</div>") -> str:
    """Return BODY as HTML, one block per line, blank lines as <br>."""
    out = []
    for line in body.split("\n"):
        out.append(f"{open_tag}{mm.html_escape(line) if line else '<br>'}{close_tag}")
    return "\n".join(out)


# --- Gmail -----------------------------------------------------------------------------

def gmail_attribution(orig: Original, lang: str = "da") -> str:
    """Return Gmail's attribution line, wrapped at the address as Gmail wraps it."""
    if lang == "en":
        dt = orig.dt
        hour = dt.hour % 12 or 12
        line = (f"On {mm._DAYS[dt.weekday()]}, {mm._MONTHS[dt.month - 1]} {dt.day}, {dt.year} "
                f"at {hour}:{dt:%M} {'AM' if dt.hour < 12 else 'PM'} {orig.from_name} "
                f"<{orig.from_addr}> wrote:")
    else:
        line = (f"Den {mm.da_gmail(orig.dt)} skrev {orig.from_name} <{orig.from_addr}>:")
    if len(line) > 78:
        head, _, rest = line.partition("<")
        line = f"{head}<\n{rest}"
    return line


def gmail(m: Member, reply: str, orig: Original | None, dt: datetime, *,
          auth: list[str] | None, to: str | None = None, subject: str | None = None,
          lang: str = "da", cte: str = "quoted-printable", html: bool = True,
          quote: bool = True) -> bytes:
    """Return a Gmail web reply: text and HTML alternatives, the original quoted."""
    subject = subject or f"Re: {orig.subject}"
    text_body = reply
    html_body = f'<div dir="ltr">{_gmail_html(reply)}</div>'
    if orig is not None and quote:
        attribution = gmail_attribution(orig, lang)
        text_body += f"\n\n{attribution}\n\n{mm.quote_lines(orig.body)}\n"
        html_body += (
            '<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" '
            f'class="gmail_attr">{_gmail_attr_html(orig, lang)}<br></div><blockquote '
            'class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
            'rgb(204,204,204);padding-left:1ex">'
            f'{mm.html_lines(orig.body)}</blockquote></div>')
    parts = [mm.text(text_body, charset="UTF-8", cte=cte)]
    if html:
        parts.append(mm.text(html_body + "\n", "html", charset="UTF-8", cte=cte))
    body = mm.multipart("alternative", parts, mm.boundary("gmail")) if html else parts[0]
    heads = tr.gmail_trace(orig.reply_to if orig and to is None else _bare(to), dt, auth,
                           m.email)
    heads += [("MIME-Version", "1.0")]
    addr = _addressing(m, to or forum_to(orig), subject, dt, orig, "UTF-8")
    heads += [h for h in addr if h[0] in ("References", "In-Reply-To")]
    heads += [h for h in addr if h[0] in ("From", "Date")]
    heads += [("Message-ID", f"<CA{mm.alnum(2)}{mm.alnum(44)}@mail.gmail.com>")]
    heads += [h for h in addr if h[0] in ("Subject", "To")]
    return mm.message(heads, body)


def _gmail_html(reply: str) -> str:
    """Return REPLY as Gmail's editor writes it: one <div> per line."""
    lines = reply.split("\n")
    first, rest = lines[0], lines[1:]
    out = mm.html_escape(first)
    for line in rest:
        out += f"<div>{mm.html_escape(line) if line else '<br>'}</div>"
    return out


def _gmail_attr_html(orig: Original, lang: str) -> str:
    """Return Gmail's attribution in HTML, with the mailto link."""
    link = f'&lt;<a href="mailto:{orig.from_addr}">{orig.from_addr}</a>&gt;'
    if lang == "en":
        text = gmail_attribution(orig, "en").replace("\n", "")
        return mm.html_escape(text.split("<")[0]) + link + " wrote:"
    return f"Den {mm.da_gmail(orig.dt)} skrev {orig.from_name} {link}:"


def _bare(addr: str | None) -> str:
    """Return the address inside 'Name <addr>'."""
    if not addr:
        return SENDER
    return addr.rpartition("<")[2].rstrip(">").strip()


# --- Outlook ---------------------------------------------------------------------------

_OUTLOOK_STYLE = """<style><!--
/* Font Definitions */
@font-face
\t{font-family:"Cambria Math";
\tpanose-1:2 4 5 3 5 4 6 3 2 4;}
@font-face
\t{font-family:Aptos;}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
\t{margin:0cm;
\tfont-size:11.0pt;
\tfont-family:"Aptos",sans-serif;
\tmso-ligatures:standardcontextual;
\tmso-fareast-language:EN-US;}
span.E-mailSkabelon19
\t{mso-style-type:personal-reply;
\tfont-family:"Aptos",sans-serif;
\tcolor:windowtext;}
.MsoChpDefault
\t{mso-style-type:export-only;
\tfont-size:10.0pt;
\tmso-ligatures:none;}
@page WordSection1
\t{size:612.0pt 792.0pt;
\tmargin:3.0cm 2.0cm 3.0cm 2.0cm;}
div.WordSection1
\t{page:WordSection1;}
--></style>"""


def outlook_header_block(orig: Original, lang: str = "da", web: bool = False) -> str:
    """Return the Fra:/Sendt:/Til:/Emne: block Outlook puts above the quoted mail."""
    m = orig.member
    if lang == "en":
        sent = mm.en_outlook(orig.dt)
        block = (f"From: {orig.from_name} <{orig.from_addr}>\nSent: {sent}\n"
                 f"To: {m.name} <{m.email}>\nSubject: {orig.subject}")
    else:
        sent = mm.da_long(orig.dt) if web else mm.da_outlook(orig.dt)
        block = (f"Fra: {orig.from_name} <{orig.from_addr}>\nSendt: {sent}\n"
                 f"Til: {m.name} <{m.email}>\nEmne: {orig.subject}")
    return ("________________________________\n" + block) if web else block


def outlook(m: Member, reply: str, orig: Original | None, dt: datetime, *,
            auth: list[str] | None, to: str | None = None, subject: str | None = None,
            lang: str = "da", charset: str = "Windows-1252", web: bool = False,
            consumer: bool = False, extra_auth: str | None = None,
            quoted: str | None = None, block: str | None = None, quote: bool = True,
            html: bool = True, extra: tuple = (), cc: str | None = None,
            references: str | None = None) -> bytes:
    """Return an Outlook (desktop or web) reply sent through Exchange Online.

    QUOTED and BLOCK replace the quoted body and its Fra:/Sendt: block; QUOTE=False
    threads the reply under ORIG without quoting it (as Exchange's own replies do).
    """
    prefix = "RE: " if lang == "en" else "SV: "
    subject = subject or f"{prefix}{orig.subject}"
    text_body = reply + "\n"
    shown = orig if quote else None
    if shown is not None:
        block = block or outlook_header_block(orig, lang, web)
        text_body += f"\n{block}\n\n{quoted or orig.body}\n"
    rcpt = _bare(to) if to else orig.reply_to
    heads, fqdn = tr.exchange_trace(rcpt, dt, auth, m.email, consumer, extra_auth)
    addr = _addressing(m, to or forum_to(orig), subject, dt, orig, "iso-8859-1", utc=True)
    heads += [h for h in addr if h[0] in ("From", "To")]
    heads += [("Cc", cc)] if cc else []
    heads += [h for h in addr if h[0] == "Subject"]
    topic = orig.subject if orig else subject
    heads += [("Thread-Topic", mm.subject(topic, "iso-8859-1")),
              ("Thread-Index", tr.thread_index()), addr[3],
              ("Message-ID", tr.exchange_msgid(fqdn))]
    heads += [(n, references if n == "References" and references else v)
              for n, v in addr if n in ("References", "In-Reply-To")]
    heads += tr.exchange_tail("en-US" if lang == "en" else "da-DK")
    heads += list(extra)
    parts = [mm.text(text_body, charset=charset)]
    if html:
        parts.append(mm.text(_outlook_html(reply, shown, block or "", charset, lang, quoted),
                             "html", charset=charset))
    body = mm.multipart("alternative", parts, mm.boundary("outlook")) if html else parts[0]
    heads += [("MIME-Version", "1.0")]
    return mm.message(heads, body)


def _outlook_html(reply: str, orig: Original | None, block: str, charset: str, lang: str,
                  quoted: str | None) -> str:
    """Return the Word-made HTML of an Outlook reply."""
    paras = "\n".join(
        f'<p class="MsoNormal">{mm.html_escape(line) if line else "<o:p>&nbsp;</o:p>"}'
        f'{"<o:p></o:p>" if line else ""}</p>' for line in reply.split("\n"))
    quote = ""
    if orig is not None:
        rows = [line for line in block.split("\n") if not line.startswith("____")]
        labels = "<br>\n".join(
            f"<b>{mm.html_escape(r.split(':', 1)[0])}:</b>{mm.html_escape(r.split(':', 1)[1])}"
            for r in rows)
        body = "\n".join(
            f'<p class="MsoNormal">{mm.html_escape(line) if line else "&nbsp;"}<o:p></o:p></p>'
            for line in (quoted or orig.body).split("\n"))
        quote = ('\n<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n<div>\n<div style="border:none;'
                 'border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\n'
                 f'<p class="MsoNormal">{labels}<o:p></o:p></p>\n</div>\n</div>\n'
                 f'<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n{body}')
    lang_attr = "EN-US" if lang == "en" else "DA"
    return ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com'
            ':office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://'
            'schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">'
            f'\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
            '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
            f'{_OUTLOOK_STYLE}\n</head>\n<body lang="{lang_attr}" link="#467886" vlink="#96607D"'
            ' style="word-wrap:break-word">\n<div class="WordSection1">\n'
            f'{paras}{quote}\n</div>\n</body>\n</html>\n')


# --- Apple Mail and iPhone -------------------------------------------------------------

def apple_attribution(orig: Original) -> str:
    """Return Apple Mail's Danish attribution line."""
    return f"Den {mm.da_apple(orig.dt)} skrev {orig.from_name} <{orig.from_addr}>:"


def apple(m: Member, reply: str, orig: Original, dt: datetime, *, auth: list[str] | None,
          to: str | None = None, trace: str = "outlook") -> bytes:
    """Return an Apple Mail (macOS) reply: text and HTML, the original quoted."""
    text_body = f"{reply}\n\n{mm.quote_lines(apple_attribution(orig))}\n> \n" \
                f"{mm.quote_lines(orig.body)}\n\n"
    html_body = (
        '<html aria-label="message body"><head><meta http-equiv="content-type" '
        'content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; '
        '-webkit-nbsp-mode: space; line-break: after-white-space;">'
        f'{mm.html_lines(reply)}<br id="lineBreakAtBeginningOfMessage"><div><br><blockquote '
        f'type="cite"><div>{mm.html_escape(apple_attribution(orig))}</div><br '
        'class="Apple-interchange-newline"><div><div>'
        f'{mm.html_lines(orig.body)}</div></div></blockquote></div><br></body></html>\n')
    body = mm.multipart("alternative", [
        mm.text(text_body, charset="utf-8"),
        mm.text(html_body, "html", charset="utf-8"),
    ], mm.boundary("apple"))
    return _apple_message(m, orig, dt, auth, to, body, "Re: ", trace,
                          ("X-Mailer", "Apple Mail (2.3826.400.131.1.6)"),
                          "1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))")


def iphone(m: Member, reply: str, orig: Original, dt: datetime, *, auth: list[str] | None,
           to: str | None = None, trace: str = "outlook", cte: str = "quoted-printable",
           bom: bool = True) -> bytes:
    """Return an iPhone Mail reply: plain text, 'Sendt fra min iPhone', quote below."""
    quoted = ("\ufeff" if bom else "") + orig.body
    text_body = (f"{reply}\n\nSendt fra min iPhone\n\n{mm.quote_lines(apple_attribution(orig))}"
                 f"\n> \n{mm.quote_lines(quoted)}\n")
    body = mm.text(text_body, charset="utf-8", cte=cte)
    return _apple_message(m, orig, dt, auth, to, body, "Sv: ", trace,
                          ("X-Mailer", "iPhone Mail (22D72)"), "1.0 (1.0)")


def _apple_message(m: Member, orig: Original, dt: datetime, auth: list[str] | None,
                   to: str | None, body: mm.Part, prefix: str, trace: str,
                   mailer: tuple[str, str], mime: str) -> bytes:
    """Return the headers Apple's clients write, over BODY."""
    rcpt = _bare(to) if to else orig.reply_to
    if trace == "outlook":
        heads, _fqdn = tr.exchange_trace(rcpt, dt, auth, m.email, consumer=True)
    elif trace == "o365":
        heads, _fqdn = tr.exchange_trace(rcpt, dt, auth, m.email, consumer=False)
    elif trace == "hk":
        heads = tr.hk_trace(rcpt, dt, auth, m.email)
    else:
        heads = tr.gmail_trace(rcpt, dt, auth, m.email)
    heads += [("From", mm.address(m.name, m.email)),
              ("Mime-Version", mime),
              ("Subject", mm.subject(f"{prefix}{orig.subject}")),
              ("Date", mm.rfc_date(dt)),
              ("References", f"<{orig.msgid}>"),
              ("To", to or forum_to(orig)),
              ("In-Reply-To", f"<{orig.msgid}>"),
              ("Message-Id", f"<{mm.uuid()}@{m.email.rpartition('@')[2]}>"),
              mailer]
    return mm.message(heads, body)


# --- Thunderbird -----------------------------------------------------------------------

def thunderbird(m: Member, reply: str, orig: Original, dt: datetime, *,
                auth: list[str] | None, to: str | None = None) -> bytes:
    """Return a Thunderbird reply: format=flowed, 8bit UTF-8, reply above the quote."""
    attribution = f"Den {orig.dt:%d.%m.%Y} kl. {orig.dt:%H.%M} skrev {orig.from_name}:"
    text_body = f"{reply}\n\n{attribution}\n{mm.quote_lines(orig.body, '> ')}\n"
    rcpt = _bare(to) if to else orig.reply_to
    heads = tr.hk_trace(rcpt, dt, auth, m.email)
    heads += [("Message-ID", f"<{mm.uuid().lower()}@hk.dk>"),
              ("Date", mm.rfc_date(dt)),
              ("MIME-Version", "1.0"),
              ("User-Agent", "Mozilla Thunderbird"),
              ("Subject", mm.subject(f"Re: {orig.subject}", "UTF-8", upper=True)),
              ("Content-Language", "da"),
              ("To", to or forum_to(orig)),
              ("References", f"<{orig.msgid}>"),
              ("From", mm.address(m.name, m.email, "UTF-8")),
              ("In-Reply-To", f"<{orig.msgid}>")]
    body = mm.text(text_body, charset="UTF-8", cte="8bit", params="; format=flowed")
    return mm.message(heads, body)
