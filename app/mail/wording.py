"""Read an RSVP answer from what a person wrote, in Danish or English."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .negation import Span, doubt
from .phrases import PHRASES
from .reasons import reason

_DANISH = {"æ": "(?:æ|ae)", "ø": "(?:ø|oe)", "å": "(?:å|aa)"}
_BARE_YES = frozenset({"ja", "ja tak", "yes", "yep", "yeah", "yup", "sure", "jep", "jo tak"})
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+", re.IGNORECASE)
_PREFIX_RE = re.compile(r"^\s*(?:(?:re|sv|aw|vs|fw|fwd|tr|wg|antw|vb|vl|rv|ynt)\s*(?:\[\d+\])?"
                        r"\s*[:：]\s*)+", re.IGNORECASE)
_MARKER = r"^(?:(?:event|invitation|invitationen|begivenhed|meeting|møde) )?(?:{})\s*:"
_SUBJECT_MARKERS = (
    ("tentative", r"tentative(?:ly accepted)?|foreløbig(?:t)?(?: accepteret)?|måske|maybe"),
    ("accepted", r"accepted|accepteret|accept"),
    ("declined", r"declined|afvist|afslået|decline"),
)


def expand(pattern: str) -> str:
    """Let Danish letters in PATTERN also match the aa/ae/oe spellings."""
    return "".join(_DANISH.get(ch, ch) for ch in pattern)


_COMPILED = tuple((answer, strength, re.compile(expand(src)))
                  for answer, strength, src in PHRASES)


@dataclass(frozen=True)
class Hit:
    """One phrase that signals an answer."""

    answer: str
    strong: bool
    phrase: str
    sentence: int
    start: int = 0  # where the phrase lies in the normalised text
    end: int = 0


@dataclass
class Verdict:
    """The answer read from a text, and why (or why not)."""

    answer: str | None = None
    review: bool = False
    reasons: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


def normalize(text: str) -> str:
    """Lowercase TEXT and mark sentence ends with ' | ' for the phrase table."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _URL_RE.sub(" ", text)
    text = re.sub(r"[’‘`´]", "'", text).replace("ä", "æ").replace("ö", "ø")
    text = _join_wrapped_lines(text)
    text = re.sub(r"[.!?;:()\[\]\"“”»«*_]+|\s[-–—]+\s", " | ", text)
    text = text.replace("\n", " | ").replace(",", " , ")
    text = re.sub(r"[^\w'|,+👍#]+", " ", text)
    text = re.sub(r"(?:\s*\|\s*)+", " | ", text)
    return re.sub(r" +", " ", text).strip(" |")


def _join_wrapped_lines(text: str) -> str:
    """Join lines a mail client wrapped mid-sentence; keep real line breaks."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        wrapped = len(out[-1]) >= 50 and line[:1].islower()
        out[-1 if wrapped else len(out):] = [f"{out[-1]} {line}"] if wrapped else [line]
    return "\n".join(out)


def find_hits(text: str) -> list[Hit]:
    """Return the signal phrases in TEXT, specific rows masking general ones."""
    return scan(text)[1]


def scan(text: str) -> tuple[str, list[Hit]]:
    """Return TEXT normalised, with its non-signal phrases blanked, and its signal phrases."""
    norm = normalize(text)
    quiet = norm
    hits: list[Hit] = []
    for answer, strength, pattern in _COMPILED:
        matches = list(pattern.finditer(norm))
        if not matches:
            continue  # most rows match nothing: no need to mask
        for match in matches:
            phrase = match.group(0).strip(" |,")
            if answer and phrase:
                hits.append(Hit(answer, strength == "strong", phrase,
                                norm.count("|", 0, match.start()), match.start(), match.end()))
            elif not answer:  # "ikke noget problem": its negation negates no answer
                quiet = quiet[:match.start()] + "#" * len(match.group(0)) + quiet[match.end():]
        norm = blank(norm, matches, "#")
    return quiet, hits


def blank(text: str, matches: list[re.Match[str]], fill: str) -> str:
    """Return TEXT with each of MATCHES (found in it, in order) overwritten with FILL.

    What pattern.sub(lambda m: fill * len(m.group(0)), text) gives, without a second
    scan of the text by a pattern whose matches are already known.
    """
    pieces, end = [], 0
    for match in matches:
        pieces += [text[end:match.start()], fill * (match.end() - match.start())]
        end = match.end()
    return "".join(pieces) + text[end:]


def resolve(hits: list[Hit], source: str = "body") -> Verdict:
    """Turn HITS into one answer, or into a review when they disagree."""
    used = [h for h in hits if h.strong] or hits
    answers = {h.answer for h in used}
    if not used:
        return Verdict(reasons=[reason(f"{source}_no_answer")], review=True)
    if len(answers) > 1 and _hedged(used):
        answers = {"tentative"}
    if len(answers) > 1:
        shown = ", ".join(f"{h.answer} ('{h.phrase}')" for h in used[:4])
        return Verdict(review=True, hits=hits, reasons=[reason("conflicting", shown=shown)])
    answer = answers.pop()
    phrases = list(dict.fromkeys(h.phrase for h in used if h.answer == answer))[:3]
    reasons = [reason(f"{source}_says", phrase=p) for p in phrases]
    return Verdict(answer=answer, hits=hits, reasons=reasons)


def _hedged(hits: list[Hit]) -> bool:
    """Say whether every non-tentative hit is hedged by a 'maybe' in its sentence."""
    maybe = {h.sentence for h in hits if h.answer == "tentative"}
    others = [h for h in hits if h.answer != "tentative"]
    return bool(maybe) and all(h.sentence in maybe or h.phrase in _BARE_YES for h in others)


def classify(text: str, source: str = "body") -> Verdict:
    """Read the answer in TEXT (the person's own words, quotes removed).

    Negations the phrase rows cannot resolve (two in a sentence, or one that
    governs the answer from another clause: see negation.py) go to a person with
    the reason "double negation", whatever the rows say.
    """
    quiet, hits = scan(text)
    unsure = doubt(quiet, [Span(h.answer, h.phrase, h.start, h.end) for h in hits])
    if unsure:
        return Verdict(review=True, hits=hits, reasons=[unsure])
    return resolve(hits, source)


def classify_subject(subject: str) -> Verdict:
    """Read a calendar marker ('Afvist:') or, in a fresh mail, the subject's words."""
    stripped = _PREFIX_RE.sub("", subject or "")
    lowered = stripped.strip().lower()
    for answer, words in _SUBJECT_MARKERS:
        match = re.match(expand(_MARKER.format(words)), lowered)
        if match:
            return Verdict(answer=answer,
                           reasons=[reason("subject_says", phrase=stripped[:match.end()])])
    if stripped != subject or not lowered:
        return Verdict()  # a reply's subject is the invitation's title: no answer there
    return classify(stripped, "subject")


def read_answer(own_words: str, subject: str) -> Verdict:
    """Combine body and subject: the body speaks first, the subject fills silence."""
    body = classify(own_words)
    subject_verdict = classify_subject(subject)
    body_strong = any(h.strong for h in body.hits)
    if subject_verdict.answer and not body_strong:
        return subject_verdict
    if subject_verdict.answer and body.answer and body.answer != subject_verdict.answer:
        return Verdict(review=True, hits=body.hits, reasons=[reason(
            "subject_vs_body", subject=subject_verdict.answer, body=body.answer)])
    if body.answer and subject_verdict.answer:
        body.reasons += subject_verdict.reasons
    return body


def asks_question(own_words: str) -> bool:
    """Say whether the person asked something (a '?' outside links)."""
    return "?" in _URL_RE.sub(" ", own_words or "")
