"""Find the person's own words in a reply: no quotes, attributions or signature."""

from __future__ import annotations

import re

from mailparser_reply import EmailReplyParser
from mailparser_reply.constants import MAIL_LANGUAGES

from .wording import find_hits

LANGUAGES = ["da", "en"]
_MAX_CHARS = 20000  # own words sit at the top; the library's regexes are slow on megabytes
_SAID = r"\b(?:wrote|skrev|schrieb|a écrit|escribió|schreef)\b"
# "On <date>, Anne <anne@x> wrote:" and "Den <dato> skrev Anne <a@x>:", which
# Gmail wraps over two or three lines; the first line starts like a date.
_WRAPPED_ATTRIBUTION_RE = re.compile(
    r"^[ \t]*(?:on|den|d\.|am|le|el|op|il|\w{2,7}\.?,? \d{1,2}\.?|\d{1,4}[./-])\s"
    r"[^\n]{0,200}(?:\n[^\n]{0,200}){0,2}?" + _SAID + r"[^\n]{0,100}(?:\n[^\n]{0,100})?:[ \t]*$",
    re.MULTILINE | re.IGNORECASE)
_ATTRIBUTION_RE = re.compile(r"^[^\n>]{0,200}" + _SAID + r"[^\n]{0,100}:[ \t]*$",
                             re.MULTILINE | re.IGNORECASE)
_SEPARATOR_RE = re.compile(
    r"^[ \t>]*(?:-{2,}[ \t]*(?:original message|oprindelig (?:meddelelse|besked)|forwarded "
    r"message|videresendt (?:meddelelse|besked)|ursprüngliche nachricht|message d'origine)"
    r"[ \t]*-{2,}|(?:begin forwarded message|start på videresendt besked|videresendt besked|"
    r"start of forwarded message)[ \t]*:|_{20,}[ \t]*$)",
    re.MULTILINE | re.IGNORECASE)
_HEADER_BLOCK_RE = re.compile(
    r"^[ \t>*]*(?:from|fra|von)[ \t*]*:[^\n]*\n(?:[^\n]*\n){0,2}?"
    r"[ \t>*]*(?:sent|sendt|date|dato|gesendet|to|til|subject|emne)[ \t*]*:",
    re.MULTILINE | re.IGNORECASE)


def _words(key: str) -> str:
    """Return the library's regex alternatives for KEY in our languages."""
    found = []
    for lang in LANGUAGES:
        value = MAIL_LANGUAGES[lang].get(key, [])
        found.extend(value if isinstance(value, list) else [value])
    return "|".join(found)


_SENT_FROM_RE = re.compile(rf"^(?:{_words('sent_from')})", re.IGNORECASE)
_CLOSING_RE = re.compile(rf"^(?:{_words('signatures')})\b[\s,.!:]*", re.IGNORECASE)


def own_words(text: str) -> str:
    """Return what the person wrote above (or, failing that, below) the quoted mail."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")[:_MAX_CHARS]
    text = text.lstrip("\ufeff")
    top = _top_words(text[:_first_cut(text)])
    return top or _top_words(_bottom_posted(text))


def fold(text: str) -> tuple[str, str]:
    """Split TEXT into what to show and the quoted mail below it, to fold away.

    The cut is the first quote attribution, separator, header block or '>' line; a
    text that starts with a quote (a bottom-posted reply) is shown whole.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    head = text[:_MAX_CHARS]
    cut = _first_cut(head)
    quoted = re.search(r"^[ \t]*>", head, re.MULTILINE)
    if quoted is not None:
        cut = min(cut, quoted.start())
    if cut >= len(text) or not text[:cut].strip():
        return text.strip("\n"), ""
    return text[:cut].rstrip(), text[cut:].strip("\n")


def _bottom_posted(text: str) -> str:
    """Return the unquoted text below the last '>' line (a bottom-posted reply), or ''."""
    lines = text.split("\n")
    quoted = [i for i, line in enumerate(lines) if line.lstrip().startswith(">")]
    if not quoted:
        return ""
    tail = "\n".join(lines[quoted[-1] + 1:])
    return tail[:_first_cut(tail)]


def _top_words(text: str) -> str:
    """Return TEXT without quoted lines, quoted header blocks and signature."""
    text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))
    message = EmailReplyParser(languages=list(LANGUAGES)).read(text)
    if not message.replies or message.replies[0].headers:
        return ""  # the text starts with a quoted header block: nothing of their own
    content = message.replies[0].content
    return _strip_signature(message.SIGNATURE_REGEX, content).strip()


def _first_cut(text: str) -> int:
    """Return where the first quote attribution, separator or header block starts."""
    cuts = [len(text)]
    for regex in (_SEPARATOR_RE, _HEADER_BLOCK_RE):
        match = regex.search(text)
        if match:
            cuts.append(match.start())
    for regex in (_WRAPPED_ATTRIBUTION_RE, _ATTRIBUTION_RE):
        for match in regex.finditer(text):
            if re.search(r"\d|@", match.group(0)):  # a date or an address: not prose
                cuts.append(match.start())
                break
    return min(cuts)


def _strip_signature(regex: re.Pattern[str], content: str) -> str:
    """Cut CONTENT at the first signature that is a real closing line."""
    # The library's Danish list has "Tak" and "Hilsen", so it would cut "Tak for
    # invitationen, jeg kommer gerne" as a signature: we cut only at a closing
    # phrase followed by at most a name.
    pos = 0
    while pos < len(content):
        match = regex.search(content, pos)
        if not match:
            return content
        first = match.group(0).strip().split("\n", 1)[0]
        if is_closing_line(first):
            return content[:match.start()]
        pos = max(content.find(first, match.start()) + len(first), match.start() + 1)
    return content


def is_closing_line(line: str) -> bool:
    """Say whether LINE is a sign-off ('Mvh Anne', '--', 'Sendt fra min iPhone')."""
    line = line.strip().lstrip(">").strip().lstrip("-_").strip()
    if not line or _SENT_FROM_RE.match(line):
        return True
    rest = _CLOSING_RE.sub("", line, count=1)
    return len(rest.split()) <= 3 and not any(h.strong for h in find_hits(rest))
