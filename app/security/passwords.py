"""What a secretary's password must be: long enough, and not on the lists attackers try first."""

from __future__ import annotations

from zxcvbn import zxcvbn

from app.i18n import gettext as _

MIN_LENGTH = 10
#: zxcvbn's score (0-4) below which a password is among the guessable ones: its offline
#: lists hold the 30,000 most common passwords, names, words and keyboard patterns.
MIN_SCORE = 3


def problem(password: str, *related: str) -> str | None:
    """Return why PASSWORD may not be used (in the reader's language), or None when it may.

    RELATED are the user's own details (address, name): a password built on them is weak.
    """
    if len(password) < MIN_LENGTH:
        return _("The password must be at least %(count)d characters long.", count=MIN_LENGTH)
    inputs = [part for text in related if text for part in text.replace("@", " ").split()]
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_SCORE:
        return _("The password is too easy to guess: it is a common password, or built on "
                 "a word, a name or a pattern. Use a few unrelated words.")
    return None
