"""Decide what one inbound mail is: the entry point of the mail package."""

from __future__ import annotations

from collections.abc import Callable

from . import rules, rules_noise
from .context import MailContext
from .decision import Decision
from .parse import Mail, parse
from .reasons import reason

Rule = Callable[[Mail, MailContext], Decision | None]

# The chain, in order; the first rule that returns a Decision wins.
# Calendar replies come before noise because Google Calendar marks its
# replies Auto-Submitted; bounces come before auto-replies because Postfix
# and Exim mark theirs so too; the agenda address wins over RSVP wording; and
# client and absence notices, which no header gives away, are told apart
# before the wording of answers is read.
CHAIN: tuple[tuple[str, Rule], ...] = (
    ("too-many-parts", rules.too_many_parts),
    ("calendar-reply", rules.calendar_reply),
    ("bounce", rules.bounce),
    ("auto-reply", rules.auto_reply),
    ("client-notice", rules_noise.client_notice),
    ("agenda-item", rules.agenda_item),
    ("foreign-calendar", rules.foreign_calendar),
    ("absence", rules_noise.absence),
    ("plain-reply", rules.plain_reply),
    ("fallback", rules.fallback),
)


def decide(raw: bytes, ctx: MailContext, mail: Mail | None = None) -> Decision:
    """Return the Decision for RAW; never raise, whatever the bytes.

    MAIL is parse(RAW), for a caller that has read the message already.
    """
    try:
        return _run_chain(mail if mail is not None else parse(raw), ctx)
    except Exception as exc:  # a bug must not lose the mail: a person will look at it
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return Decision(kind="unknown", needs_review=True,
                        reasons=[reason("internal_error", detail=detail)], error=detail)


def _run_chain(mail: Mail, ctx: MailContext) -> Decision:
    """Run the rules in CHAIN order and return the first decision."""
    for _name, rule in CHAIN:
        decision = rule(mail, ctx)
        if decision is not None:
            decision.error = "; ".join(dict.fromkeys(mail.errors))[:500] or None
            return decision
    raise AssertionError("the fallback rule always decides")
