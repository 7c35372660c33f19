"""Replies to our own mails that ask nothing: confirmations, notices, receipts.

"OK, tak for besked" to the notice that the alternate is called in acknowledges
the notice; read as an answer it turned a decline into an accept and released the
alternate. So a reply to one of our mails other than the invitation and the
reminder (which ask "ja eller nej?") counts only for an unambiguous answer in the
person's own words, and one that changes the recorded answer must say so
("jeg kommer alligevel") or go to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .context import MailContext
from .parse import Mail, message_ids
from .reasons import reason
from .wording import Verdict, expand

#: Our mail that asks for an answer; a reply to any other kind may only acknowledge it,
#: save that a reminder asks "ja eller nej?" again, so a bare "ja" answers it.
ASKING = frozenset({"invitation"})
ASKING_AGAIN = frozenset({"reminder"})
#: Answers we have recorded; pending and tentative ones wait for a definite answer.
_RECORDED = frozenset({"accepted", "declined"})
# "Ja tak" and "nej" answer a question; to a notice that asked none they acknowledge it.
_PARTICLES = frozenset({"ja", "ja tak", "jo tak", "jep", "jeps", "yes", "yep", "yeah", "yup",
                        "sure", "nej", "nej tak", "nix", "næ", "no", "nope", "nah", "nei"})
_CHANGE_RE = re.compile(expand(
    r"\balligevel\b|\btrods alt\b|\bæ?ndre\w* (?:\w+ )?svar|\bskifte\w* (?:\w+ )?svar|"
    r"\bplaner\w* (?:er |har )?(?:\w+ )?ændret|\b(?:kan|kommer) (?:\w+ )?nu\b|\bnu kan jeg\b|"
    r"\bafter all\b|\banyway\b|\bchange (?:my|our) (?:answer|reply|response|rsvp)\b|"
    r"\bplans (?:have |has )?changed\b|\b(?:i )?can now\b|\bnow i can\b"), re.IGNORECASE)
_LABELS = {"alternate_called": "notice that the alternate is called in",
           "alternate_released": "release notice", "agenda_receipt": "agenda receipt",
           "final_agenda": "final agenda"}


@dataclass
class Judgement:
    """What a reply to one of our mails amounts to: an answer, an acknowledgement, or a doubt."""

    action: str  # answer, acknowledgement or review
    reasons: list[str] = field(default_factory=list)


def replied_kind(mail: Mail, ctx: MailContext) -> tuple[str, str] | None:
    """Return (Message-ID, kind) of our mail MAIL replies to, newest reference first."""
    ids = message_ids(mail.header("In-Reply-To"))
    ids += list(reversed(message_ids(mail.header("References"))))
    for msgid in dict.fromkeys(ids):
        kind = ctx.message_kinds.get(msgid)
        if kind:
            return msgid, kind
    return None


def label(kind: str) -> str:
    """Return how a reason names our mail of KIND."""
    return _LABELS.get(kind, kind.replace("_", " "))


def judge(verdict: Verdict, kind: str | None, status: str | None, words: str) -> Judgement:
    """Judge VERDICT, read from WORDS replying to our mail of KIND, against the recorded STATUS."""
    strong = [h for h in verdict.hits if h.strong]
    shown = ", ".join(f"'{h.phrase}'" for h in (strong or verdict.hits)[:3])
    if kind is None or kind in ASKING:  # a reply we cannot place answers the invitation
        if verdict.answer and not strong and status in _RECORDED and verdict.answer != status:
            return Judgement("review", [reason("weak_against_recorded", shown=shown,
                                               status=status)])
        return Judgement("answer")
    said = [h for h in strong if kind in ASKING_AGAIN or h.phrase not in _PARTICLES]
    if not said:
        if strong and status is not None and verdict.answer != status:
            return Judgement("review", [reason("would_change_ack", shown=shown, kind=kind,
                                               label=label(kind), status=status)])
        heard = f" ({shown})" if shown else ""
        return Judgement("acknowledgement", [reason("acknowledges", kind=kind, label=label(kind),
                                                    heard=heard)])
    if verdict.answer is None or status not in _RECORDED or verdict.answer == status:
        return Judgement("answer")  # the wording's own doubt, if any, stands
    change = _CHANGE_RE.search(words or "")
    if change:
        return Judgement("answer", [reason("says_it_changes", status=status,
                                           phrase=change.group(0))])
    return Judgement("review", [reason("would_change", status=status, answer=verdict.answer)])
