"""Negations the phrase table cannot resolve, found so that they go to a person.

A phrase row reads one negation next to its verb ("kan ikke komme"). It cannot
read a negation that governs the answer from another clause, or two that cancel:
"Jeg kan ikke se, hvorfor jeg ikke skulle komme" holds "ikke ... komme" and means
yes. The rule (wording.classify applies it), within one sentence:

1. two negations, the first not on an answer verb of its own, and an answer
   after it ("ikke noget imod at komme", "can't say I won't be there");
2. one negation on a verb of thinking or saying, governing a yes in a later
   clause ("Jeg tror ikke, at jeg kommer", "I don't think I'll come");
3. a negation inside an if- or unless-clause beside an answer ("Hvis ikke der
   kommer noget i vejen, kommer jeg").

Any of these is "double negation": review, never the opposite answer. A negation
on its own verb, with a reason in another clause ("Jeg kan ikke komme, da jeg
ikke har fri"), is no doubt.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from .reasons import Reason

_NEGATIONS = frozenset({"ikke", "ik", "ingen", "intet", "aldrig", "ej", "not", "never",
                        "cannot", "cant", "wont", "dont", "nobody", "nothing", "neither"})
# Words that are negative in themselves: "not ... against it" is a second negation.
_POLARITY = frozenset({"imod", "against", "mind", "objection", "objections", "indvendinger",
                       "indvending", "tvivl"})
# "No" negates as a determiner ("no reason I can't"); as an answer it is no negation.
_NO_NOUNS = frozenset({"reason", "objection", "objections", "way", "doubt"})
_ANSWER_VERBS = frozenset({"komme", "kommer", "deltage", "deltager", "deltagelse", "nå",
                           "come", "coming", "attend", "attending", "join", "joining",
                           "participate", "participating", "miss", "make", "there", "present"})
_MODALS = frozenset({"kan", "vil", "skal", "når", "må", "can", "will", "could", "would",
                     "shall", "do", "does", "am", "i'm"})
# Verbs that take a clause: a negation on them governs that clause.
_THINKING = frozenset({"tror", "synes", "mener", "regner", "ser", "ved", "siger", "forventer",
                       "think", "believe", "expect", "see", "say", "know", "suppose", "reckon",
                       "guess", "imagine", "thought"})
_FILLERS = frozenset({"desværre", "desvaerre", "altså", "jo", "dog", "nu", "bare", "helt",
                      "lige", "rigtig", "jeg", "i", "vi", "det", "da", "unfortunately",
                      "really", "be", "able", "to", "going", "at", "get", "gonna", "possibly"})
# Where a negation's own phrase ends, and where its reach over the sentence ends.
_COMPLEMENTIZERS = frozenset({",", "at", "om", "hvorfor", "fordi", "hvis", "that", "if",
                              "whether", "why", "because"})
_BREAKS = frozenset({"og", "men", "så", "da", "for", "and", "but", "so", "as", "since",
                     "because"})
_CONDITIONALS = frozenset({"hvis", "medmindre", "såfremt", "if", "unless"})
_TOKEN_RE = re.compile(r"[^\s|]+")
_WINDOW = 4


@dataclass(frozen=True)
class Span:
    """A phrase the table matched: its answer and where it lies in the normalised text."""

    answer: str
    phrase: str
    start: int
    end: int


def is_negation(token: str) -> bool:
    """Say whether TOKEN negates ("ikke", "not", "won't")."""
    return token in _NEGATIONS or token.endswith("n't")


def _negates(words: list[str], i: int) -> bool:
    """Say whether word I of WORDS negates, "no" only before a noun ("no reason")."""
    word = words[i]
    return is_negation(word) or (word == "no" and i + 1 < len(words)
                                 and words[i + 1] in _NO_NOUNS)


def doubt(norm: str, spans: list[Span]) -> str:
    """Return why NORM's negations cannot be read safely, or '' when they can."""
    # Spans by start, each sentence's found by bisection: a mail of thousands of parts has
    # thousands of sentences and spans, and filtering all spans per sentence is quadratic.
    ordered = sorted(spans, key=lambda s: s.start)
    starts = [s.start for s in ordered]
    for start, sentence in _sentences(norm):
        tokens = [(m.start() + start, m.group(0)) for m in _TOKEN_RE.finditer(sentence)
                  if m.group(0).strip("#")]
        inside = ordered[bisect_left(starts, start):bisect_left(starts, start + len(sentence))]
        reason = _sentence_doubt([t for _, t in tokens], [p for p, _ in tokens], inside)
        if reason:
            return Reason("double_negation", detail=reason)
    return ""


def _sentences(norm: str) -> list[tuple[int, str]]:
    """Return (offset, text) of each sentence of the normalised text."""
    found, pos = [], 0
    for part in norm.split("|"):
        found.append((pos, part))
        pos += len(part) + 1
    return found


def _sentence_doubt(words: list[str], offsets: list[int], spans: list[Span]) -> str:
    """Apply the three rules to one sentence's WORDS (at OFFSETS) and phrase SPANS."""
    for i, word in enumerate(words):
        if not _negates(words, i) or _attached(words, i):
            continue
        after = [s for s in spans if s.end > offsets[i]]
        second = _second_negation(words, i)
        if second is not None and (after or _answer_verb_after(words, second)):
            return Reason("neg_two", first=word, second=words[second])
        if _governs(words, i) and not _tentative_at(spans, offsets[i]):
            yes = [s for s in after if s.answer == "accepted" and s.start > offsets[i]]
            if yes and not _broken(words, offsets, i, yes[0].start):
                return Reason("neg_governs", word=word, phrase=yes[0].phrase)
    for i, word in enumerate(words):
        if spans and _negates(words, i) and _in_conditional(words, i):
            return Reason("neg_condition", word=word)
    return ""


def _attached(words: list[str], i: int) -> bool:
    """Say whether negation I sits on an answer verb of its own ("kommer ikke", "can't come")."""
    window, ends_clause = [], True
    for word in words[i + 1:]:
        if is_negation(word) or word in _POLARITY:
            ends_clause = False  # "wouldn't mind", "ikke ... imod": a pair, not an ellipsis
            break
        if word in _COMPLEMENTIZERS or word in _THINKING:
            ends_clause = word == ","  # "don't think I'll come": the negation is on "think"
            break
        if word not in _FILLERS:
            window.append(word)
        if len(window) == _WINDOW:
            break
    if any(w in _ANSWER_VERBS for w in window):
        return True
    before = [w for w in words[:i] if w not in _FILLERS][-1:]
    if before and before[0] in _ANSWER_VERBS:
        return True
    modal = (before and before[0] in _MODALS) or words[i] in ("cannot", "cant") or (
        words[i].endswith("n't") and words[i] not in ("don't", "doesn't", "didn't"))
    return bool(modal) and not window and ends_clause  # "Jeg kan ikke.", "I can't, sorry"


def _is_break(words: list[str], j: int) -> bool:
    """Say whether a new main clause starts at J ("..., og", "men", "but")."""
    return words[j] in ("men", "but") or (words[j] in _BREAKS and words[j - 1] == ",")


def _second_negation(words: list[str], i: int) -> int | None:
    """Return the next negation within negation I's reach, or None."""
    for j in range(i + 1, len(words)):
        if _is_break(words, j):
            return None
        if _negates(words, j) or words[j] in _POLARITY:
            return j
    return None


def _answer_verb_after(words: list[str], j: int) -> bool:
    """Say whether an answer verb follows position J."""
    return any(w in _ANSWER_VERBS for w in words[j + 1:])


def _governs(words: list[str], i: int) -> bool:
    """Say whether negation I sits on a verb of thinking or saying, or opens a clause."""
    near = [w for w in words[max(0, i - 2):i + 2] if w not in ("jeg", "i", "vi", "det")]
    return any(w in _THINKING for w in near) or (
        i + 1 < len(words) and words[i + 1] in _COMPLEMENTIZERS - {","})


def _tentative_at(spans: list[Span], offset: int) -> bool:
    """Say whether a tentative phrase ("ved ikke om", "not sure") holds the negation."""
    return any(s.answer == "tentative" and s.start <= offset < s.end for s in spans)


def _broken(words: list[str], offsets: list[int], i: int, until: int) -> bool:
    """Say whether a new main clause ("..., men", "and") starts between I and UNTIL."""
    for j in range(i + 1, len(words)):
        if offsets[j] >= until:
            return False
        if _is_break(words, j):
            return True
    return False


def _in_conditional(words: list[str], i: int) -> bool:
    """Say whether negation I stands in an if- or unless-clause ("hvis ikke ...")."""
    for j in range(i - 1, -1, -1):
        if words[j] == ",":
            return False
        if words[j] in _CONDITIONALS:
            return True
    return False
