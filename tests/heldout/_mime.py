"""Byte-level helpers for writing raw mails as clients do: encodings, folding, dates."""

from __future__ import annotations

import base64
import binascii
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

CPH = ZoneInfo("Europe/Copenhagen")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DA_DAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
DA_DAYS_SHORT = ("man.", "tir.", "ons.", "tor.", "fre.", "lør.", "søn.")
DA_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
             "september", "oktober", "november", "december")
DA_MONTHS_SHORT = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.",
                   "okt.", "nov.", "dec.")
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

RNG = random.Random(20260312)


def local(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """Return a Copenhagen-time datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=CPH)


def rfc_date(dt: datetime, utc: bool = False) -> str:
    """Return DT as an RFC 5322 date, in its own zone or (Exchange style) in UTC."""
    if utc:
        dt = dt.astimezone(ZoneInfo("UTC"))
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return (f"{_DAYS[dt.weekday()]}, {dt.day} {_MONTHS[dt.month - 1]} {dt.year} "
            f"{dt:%H:%M:%S} {zone}")


def received_date(dt: datetime) -> str:
    """Return DT as Postfix writes it in a Received line (with the zone name)."""
    return f"{rfc_date(dt)} ({dt.tzname()})"


def hexid(n: int) -> str:
    """Return N random uppercase hex digits."""
    return "".join(RNG.choice("0123456789ABCDEF") for _ in range(n))


def alnum(n: int, alphabet: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
          ) -> str:
    """Return N random characters of ALPHABET."""
    return "".join(RNG.choice(alphabet) for _ in range(n))


def uuid() -> str:
    """Return a random uppercase UUID, as Apple Mail uses in Message-IDs."""
    h = hexid(32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{RNG.choice('89AB')}{h[17:20]}-{h[20:]}"


def b64sig(n: int = 344) -> str:
    """Return a DKIM-looking base64 blob of N characters."""
    return alnum(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


# --- encodings -------------------------------------------------------------------------

_Q_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/.,:")


def encoded_words(text: str, charset: str = "utf-8", enc: str = "Q", upper: bool = False) -> str:
    """Return TEXT as RFC 2047 encoded words of at most 75 characters, folded."""
    cs = charset.upper() if upper else charset
    words: list[str] = []
    chunk = ""
    for ch in text:
        trial = chunk + ch
        if len(_ew(trial, charset, cs, enc)) > 75:
            words.append(_ew(chunk, charset, cs, enc))
            trial = ch
        chunk = trial
    words.append(_ew(chunk, charset, cs, enc))
    return "\n ".join(words)


def _ew(text: str, charset: str, label: str, enc: str) -> str:
    """Return one encoded word for TEXT."""
    data = text.encode(charset)
    if enc.upper() == "B":
        return f"=?{label}?B?{base64.b64encode(data).decode()}?="
    out = "".join(chr(b) if chr(b) in _Q_SAFE else ("_" if b == 32 else f"={b:02X}")
                  for b in data)
    return f"=?{label}?Q?{out}?="


def needs_encoding(text: str) -> bool:
    """Return True when TEXT is not plain ASCII."""
    return any(ord(c) > 126 for c in text)


def subject(text: str, charset: str = "utf-8", enc: str = "Q", upper: bool = False) -> str:
    """Return a Subject value, encoded only when it has to be."""
    return encoded_words(text, charset, enc, upper) if needs_encoding(text) else text


def address(name: str, email: str, charset: str = "utf-8", enc: str = "Q",
            quote: bool = False, upper: bool = False) -> str:
    """Return 'Name <email>' with the display name encoded or quoted as needed."""
    if not name:
        return email
    if needs_encoding(name):
        return f"{encoded_words(name, charset, enc, upper)} <{email}>"
    if quote or any(c in name for c in ',.;:()<>@"'):
        return f'"{name}" <{email}>'
    return f"{name} <{email}>"


def qp(text: str, charset: str) -> bytes:
    """Return TEXT encoded in CHARSET and quoted-printable, CRLF line ends."""
    data = text.replace("\r\n", "\n").encode(charset)
    out = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    return out.replace(b"\n", b"\r\n")


def b64(data: bytes, width: int = 76) -> bytes:
    """Return DATA in base64 lines of WIDTH characters, CRLF line ends."""
    flat = base64.b64encode(data)
    lines = [flat[i:i + width] for i in range(0, len(flat), width)]
    return b"\r\n".join(lines) + b"\r\n"


def crlf(text: str) -> str:
    """Return TEXT with CRLF line ends."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


# --- parts and messages ----------------------------------------------------------------

@dataclass
class Part:
    """One MIME entity: header lines (name, value) and its encoded body bytes."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def text(body: str, subtype: str = "plain", charset: str = "utf-8",
         cte: str = "quoted-printable", params: str = "", extra: tuple = ()) -> Part:
    """Return a text part of BODY encoded as CTE (quoted-printable, base64, 8bit, 7bit)."""
    ctype = f'text/{subtype}; charset="{charset}"{params}'
    if cte == "quoted-printable":
        data = qp(body, charset)
    elif cte == "base64":
        data = b64(crlf(body).encode(charset))
    else:
        data = crlf(body).encode(charset)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return Part([("Content-Type", ctype), ("Content-Transfer-Encoding", cte), *extra], data)


def multipart(subtype: str, parts: list[Part], boundary: str, params: str = "",
              preamble: str = "") -> Part:
    """Return a multipart/SUBTYPE entity of PARTS."""
    chunks = [crlf(preamble).encode() + b"\r\n"] if preamble else []
    for part in parts:
        chunks.append(f"--{boundary}\r\n".encode() + render(part))
    chunks.append(f"--{boundary}--\r\n".encode())
    body = b"".join(c if c.endswith(b"\r\n") else c + b"\r\n" for c in chunks)
    return Part([("Content-Type", f'multipart/{subtype};{_fold_param(boundary, params)}')],
                body)


def _fold_param(boundary: str, params: str) -> str:
    """Return the boundary parameter (plus PARAMS) on a continuation line."""
    return f'\n\tboundary="{boundary}"{params}'


def fold(name: str, value: str, width: int = 76) -> str:
    """Return 'Name: value' folded at spaces near WIDTH, unless VALUE is folded already.

    The first word of VALUE stays on the header's line, as most clients keep it.
    """
    line = f"{name}: {value}"
    if "\n" in value or len(line) <= width:
        return line
    words = value.split(" ")
    out: list[str] = []
    current = f"{name}: {words[0]}"
    for word in words[1:]:
        if len(current) + 1 + len(word) > width:
            out.append(current)
            current = ("\t" if not word.startswith("=?") else " ") + word
        else:
            current = f"{current} {word}"
    out.append(current)
    return "\n".join(out)


def render(part: Part) -> bytes:
    """Return the header block and body of PART."""
    lines = [fold(n, v) for n, v in part.headers]
    head = crlf("\n".join(lines) + "\n\n")
    head.encode("ascii")  # headers must be plain ASCII: encode words first
    return head.encode("ascii") + part.body


def message(headers: list[tuple[str, str]], body: Part) -> bytes:
    """Return a whole message: HEADERS, then BODY's own Content-* headers and bytes."""
    return render(Part(headers + body.headers, body.body))


def boundary(style: str) -> str:
    """Return a MIME boundary as the named client makes them."""
    if style == "gmail":
        return "000000000000" + hexid(12).lower()
    if style == "outlook":
        return f"_000_{alnum(28, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}_"
    if style == "apple":
        return f"Apple-Mail={uuid()}"
    if style == "thunderbird":
        return "------------" + alnum(24)
    return "=_" + hexid(20).lower()


def da_long(dt: datetime) -> str:
    """Return 'tirsdag den 24. februar 2026 09:12' (Outlook's Danish long form)."""
    return f"{DA_DAYS[dt.weekday()]} den {dt.day}. {DA_MONTHS[dt.month - 1]} {dt.year} {dt:%H:%M}"


def da_outlook(dt: datetime) -> str:
    """Return '24. februar 2026 09:12' (classic Outlook's Sendt: line)."""
    return f"{dt.day}. {DA_MONTHS[dt.month - 1]} {dt.year} {dt:%H:%M}"


def da_gmail(dt: datetime) -> str:
    """Return 'tir. 24. feb. 2026 kl. 09.12' (Gmail's Danish attribution date)."""
    return (f"{DA_DAYS_SHORT[dt.weekday()]} {dt.day}. {DA_MONTHS_SHORT[dt.month - 1]} "
            f"{dt.year} kl. {dt:%H.%M}")


def da_apple(dt: datetime) -> str:
    """Return '24. feb. 2026 kl. 09.12' (Apple Mail's Danish attribution date)."""
    return f"{dt.day}. {DA_MONTHS_SHORT[dt.month - 1]} {dt.year} kl. {dt:%H.%M}"


def en_outlook(dt: datetime) -> str:
    """Return 'Tuesday, February 24, 2026 9:12 AM' (English Outlook's Sent: line)."""
    hour = dt.hour % 12 or 12
    ampm = "AM" if dt.hour < 12 else "PM"
    return (f"{EN_DAYS[dt.weekday()]}, {EN_MONTHS[dt.month - 1]} {dt.day}, {dt.year} "
            f"{hour}:{dt:%M} {ampm}")


def quote_lines(body: str, prefix: str = "> ") -> str:
    """Return BODY with each line quoted by PREFIX (empty lines get a bare '>')."""
    bare = prefix.rstrip()
    return "\n".join(prefix + line if line else bare for line in body.split("\n"))


def html_escape(text: str) -> str:
    """Return TEXT escaped for HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_lines(body: str, sep: str = "<br>") -> str:
    """Return BODY's lines escaped and joined by SEP."""
    return sep.join(html_escape(line) for line in body.split("\n"))
