"""Form letters: an invitation's texts rendered once, with blanks for each recipient.

Rendering the Jinja templates for every copy of an invitation costs more than
the rest of the copy. The recipient's name, seat, whom they stand in for and
their token are the only things that differ between copies of one kind, so
the texts are rendered once with markers in their place and filled in per
copy, HTML-escaped where the templates would escape. The first copy of each
kind in a process is checked against a direct render, so a template that does
more with a field than print it falls back to rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from markupsafe import escape

from app.mail.compose import InvitationLetter, invitation_letter
from app.mail.messages import RecipientInfo


class Fields(NamedTuple):
    """What a recipient's letter says of them: name, seat, whom they stand in for, token."""

    name: str
    seat: str
    stands_in_for: str
    token: str

    @classmethod
    def of(cls, recipient: RecipientInfo, token: str) -> Fields:
        """Return RECIPIENT's fields."""
        return cls(recipient.name, recipient.seat_label, recipient.stands_in_for or "", token)

    @property
    def fit(self) -> bool:
        """Tell whether the fields can go into a form letter (no marker characters in them)."""
        return not any(_MARK in value for value in self)


# Form letters hold markers from Unicode's private use area where the fields go.
_MARK = "\ue000"
BLANKS = Fields(*(f"{_MARK}{name}{_MARK}" for name in ("name", "seat", "for", "token")))


@dataclass(frozen=True, slots=True)
class FormLetter:
    """An invitation's texts rendered once with blanks where the recipient's fields go."""

    letter: InvitationLetter

    @classmethod
    def checked(cls, forum, meeting, recipient, token, updated) -> FormLetter | None:
        """Return the form letter for RECIPIENT's kind, or None where filling it in would
        not give what the templates write (a template that does more than print a field)."""
        blank = replace(
            recipient,
            name=BLANKS.name,
            seat_label=BLANKS.seat if recipient.seat_label else "",
            stands_in_for=BLANKS.stands_in_for if recipient.stands_in_for is not None else None,
        )
        form = cls(invitation_letter(forum, meeting, blank, BLANKS.token, updated=updated))
        kind = (forum.language, recipient.language, recipient.role, updated,
                bool(recipient.seat_label), recipient.stands_in_for is not None, meeting.kind)
        if kind in _CHECKED:
            return form  # the templates only print this kind's fields: checked before
        exact = invitation_letter(forum, meeting, recipient, token, updated=updated)
        if form.fill(Fields.of(recipient, token)) != exact:
            return None
        _CHECKED.add(kind)
        return form

    def fill(self, fields: Fields) -> InvitationLetter:
        """Return the letter with FIELDS in its blanks."""
        letter = self.letter
        return InvitationLetter(
            letter.lang, letter.subject,
            _fill(letter.text, fields, str), _fill(letter.html, fields, escape),
            _fill(letter.description, fields, str))


# Kinds of recipient whose form letter was checked against a direct render in
# this process; the templates are fixed for its life, so once is enough.
_CHECKED: set[tuple] = set()


def _fill(text: str, fields: Fields, quote) -> str:
    """Return TEXT with each blank replaced by its field, quoted with QUOTE."""
    for blank, value in zip(BLANKS, fields, strict=True):
        if blank in text:
            text = text.replace(blank, quote(value))
    return text
