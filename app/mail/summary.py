"""The summary of an agenda item: its first paragraph of substance, never a greeting.

Pure: the item's text in, one short paragraph out. A forwarded item's text is the
forwarder's note, the marker below, the original's headers and the original; the
original says what the item is about, the note only asks to put it on the agenda.
"""

from __future__ import annotations

import re

#: The line the intake puts between the forwarder's note and the forwarded original.
FORWARD_MARKER = "---------- Videresendt ----------"

_GREETING_WORDS = (
    r"hej|hejsa|hey|hi|hello|hallo|halløj|kære|dear|goddag|god dag|god morgen|godmorgen|"
    r"good morning|good afternoon|til rette vedkommende|to whom it may concern"
)
# A line that only greets: "Hej sekretariat", "Kære alle", "Hej,", "Dear John,".
_GREETING_LINE = re.compile(rf"^(?:{_GREETING_WORDS})\b(?:\s+[\w.'’-]+){{0,4}}\s*[,.!:]?$",
                            re.IGNORECASE)
# A greeting opening a sentence: "Hej sekretariat, kan vi …".
_GREETING_LEAD = re.compile(rf"^(?:{_GREETING_WORDS})\b(?:\s+[\w.'’-]+){{0,3}}\s*[,!:]\s+(?=\S)",
                            re.IGNORECASE)
_CLOSING_LINE = re.compile(
    r"^(?:(?:med )?venlig(?:st)? hilsen|(?:de )?bedste hilsner|mange hilsner|hilsen|mvh|vh|"
    r"kind regards|best regards|regards|best|cheers|thanks|tak)\b(?:\s+[\w.'’-]+){0,3}\s*[,.!]?$",
    re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
LIMIT = 300


def agenda_summary(body: str, limit: int = LIMIT) -> str:
    """Return the first paragraph of substance of BODY, at most LIMIT characters."""
    text = (body or "").replace("\r\n", "\n").strip()
    note, marker, original = text.partition(FORWARD_MARKER)
    found = _first_substance(_without_headers(original)) if marker else ""
    found = found or _first_substance(note)
    return found if len(found) <= limit else found[: limit - 1].rstrip() + "…"


def _without_headers(original: str) -> str:
    """Return the forwarded ORIGINAL without the header lines above its first blank line."""
    _headers, _blank, rest = original.lstrip("\n").partition("\n\n")
    return rest


def _first_substance(text: str) -> str:
    """Return the first paragraph of TEXT that is neither a greeting nor a closing."""
    for block in _PARAGRAPHS.split(text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith(">")]
        while lines and _GREETING_LINE.match(lines[0]):
            lines.pop(0)
        if not lines or _CLOSING_LINE.match(lines[0]):
            continue
        sentence = " ".join(lines)
        lead = _GREETING_LEAD.match(sentence)
        if lead:
            sentence = sentence[lead.end():]
            sentence = sentence[:1].upper() + sentence[1:]
        return sentence
    return ""
