"""What a mail says in the writer's own words, read once and shared by the rules."""

from __future__ import annotations

from .absence import Absence, read_absence
from .body import mail_text
from .parse import Mail
from .quotes import own_words


def own_text(mail: Mail) -> str:
    """Return the writer's own words in MAIL, quotes and signature removed (cached)."""
    if "own_words" not in mail.cache:
        mail.cache["own_words"] = own_words(mail_text(mail))
    return str(mail.cache["own_words"])


def absence_in(mail: Mail) -> Absence | None:
    """Return the absence notice MAIL's own words make, or None (cached)."""
    if "absence" not in mail.cache:
        mail.cache["absence"] = read_absence(own_text(mail))
    return mail.cache["absence"]  # type: ignore[return-value]
