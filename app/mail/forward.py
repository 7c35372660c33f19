"""Find the original mail inside a forward: inline header blocks or attached."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr

from .parse import ADDRESS_RE

_KEYS = {
    "from": ("from", "fra", "von", "de", "van", "från"),
    "date": ("date", "dato", "sent", "sendt", "datum", "gesendet", "envoyé", "skickat"),
    "subject": ("subject", "emne", "betreff", "objet", "ämne", "onderwerp"),
    "to": ("to", "til", "an", "à", "till", "aan"),
    "cc": ("cc", "kopi", "kopia", "bcc"),
}
_LABEL = {word: key for key, words in _KEYS.items() for word in words}
_LABEL_RE = "|".join(sorted(map(re.escape, _LABEL), key=len, reverse=True))
_HEADER_LINE_RE = re.compile(rf"^[ \t>*]*({_LABEL_RE})[ \t*]*:[ \t*]*(.*)$", re.IGNORECASE)
_MARKER_RE = re.compile(
    r"^[ \t>]*(?:-{2,}[ \t]*(?:forwarded message|videresendt (?:meddelelse|besked)|original "
    r"message|oprindelig (?:meddelelse|besked)|weitergeleitete nachricht|message transféré)"
    r"[ \t]*-{2,}|(?:begin forwarded message|start på videresendt besked|videresendt besked|"
    r"start of forwarded message|anfang der weitergeleiteten nachricht)[ \t]*:)(.*)$",
    re.IGNORECASE | re.MULTILINE)
_BLOCK_RE = re.compile(
    rf"^[ \t>*]*(?:from|fra|von|de)[ \t*]*:[^\n]*\n(?:[^\n]*\n){{0,2}}?[ \t>*]*(?:{_LABEL_RE})"
    r"[ \t*]*:", re.IGNORECASE | re.MULTILINE)
_SAID_RE = re.compile(r"^[ \t>]*((?:den\b|d\.|on\b)[^\n]{0,80}?)\s+(?:skrev|wrote)\s+"
                      r"([^\n]{1,160}?)\s*:[ \t]*$", re.IGNORECASE | re.MULTILINE)
FORWARD_PREFIX_RE = re.compile(r"^\s*(?:(?:vs|fw|fwd|tr|wg|i|rv|vb)\s*:\s*)+", re.IGNORECASE)


@dataclass
class Forwarded:
    """The forwarded mail found in a body, and the forwarder's text above it."""

    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    date: str = ""
    body: str = ""
    before: str = ""  # the forwarder's text, still with signature


def split_forward(text: str) -> Forwarded | None:
    """Return the forwarded mail in TEXT, or None when TEXT is no forward."""
    text = (text or "").replace("\r\n", "\n").lstrip("\ufeff")
    marker = _MARKER_RE.search(text)
    block = _BLOCK_RE.search(text)
    said = _SAID_RE.search(text)
    starts = [(m.start(), kind) for m, kind in ((marker, "marker"), (block, "block"),
                                                (said, "said")) if m]
    if not starts:
        return None
    start, kind = min(starts)
    if kind == "said" and said:
        return _from_attribution(text, said)
    rest = text[start:]
    if kind == "marker" and marker:
        rest = _unfold_inline(marker.group(1)) + text[marker.end():]
    found = _read_block(rest.split("\n"))
    found.before = text[:start]
    return found


def _unfold_inline(tail: str) -> str:
    """Put Yahoo's one-line header run ('Fra: x Til: y Emne: z') on separate lines."""
    if not tail.strip():
        return ""
    return "\n" + re.sub(rf"(?<=\S)\s*(?=(?:{_LABEL_RE}):)", "\n", tail.strip(),
                          flags=re.IGNORECASE)


def _read_block(lines: list[str]) -> Forwarded:
    """Read the header lines at the top of LINES, then the body below them."""
    values: dict[str, str] = {}
    last, index = "", 0
    while index < len(lines) and not lines[index].strip(" >"):
        index += 1  # blank lines between separator and headers
    while index < len(lines):
        line = lines[index]
        match = _HEADER_LINE_RE.match(line)
        if match:
            last = _LABEL[match.group(1).lower()]
            values.setdefault(last, match.group(2).strip())
        elif last in ("to", "cc") and line.strip(" >") and values[last].endswith((",", ";")):
            values[last] += " " + line.strip(" >")
        else:
            break
        index += 1
    found = Forwarded(subject=values.get("subject", ""), date=values.get("date", ""))
    found.sender_name, found.sender = person(values.get("from", ""))
    found.body = unquote("\n".join(lines[index:])).strip()
    return found


def _from_attribution(text: str, said: re.Match[str]) -> Forwarded:
    """Read 'D. 28/10/2021 12.46 skrev "John Doe" <john@x>:' and what follows."""
    name, address = person(said.group(2))
    date = re.sub(r"^(?:den|d\.|on)\s+", "", said.group(1), flags=re.IGNORECASE).strip(" ,")
    body = unquote(text[said.end():]).strip()
    return Forwarded(address, name, "", date, body, text[:said.start()])


def person(value: str) -> tuple[str, str]:
    """Return (name, address) from 'Name <a@x>', 'Name [mailto:a@x]' or 'a@x'."""
    value = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", value or "").strip()
    name, address = parseaddr(value)
    if "@" not in address:
        match = ADDRESS_RE.search(value)
        address = match.group(0) if match else ""
        name = name or ADDRESS_RE.sub("", value).strip(' <>"')
    return name.strip().strip('"'), address.lower()


def unquote(text: str) -> str:
    """Remove one level of '> ' quoting (Apple Mail quotes forwards) or indentation."""
    lines = text.split("\n")
    filled = [line for line in lines if line.strip()]
    if filled and all(line.lstrip().startswith(">") for line in filled):
        return "\n".join(re.sub(r"^\s*> ?", "", line) for line in lines)
    if filled and all(line.startswith(("    ", "\t")) for line in filled):
        return "\n".join(line[4:] if line.startswith("    ") else line[1:] for line in lines)
    return text


def strip_forward_prefix(subject: str) -> str:
    """Return SUBJECT without 'VS:', 'Fw:', 'Fwd:' and similar prefixes."""
    return FORWARD_PREFIX_RE.sub("", subject or "").strip()
