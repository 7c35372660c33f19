"""Mail merge: compose a meeting's invitation once, then personalise a copy per recipient.

Inviting a forum composes the same message twenty times over, differing only in
the recipient's name and address, their reply token and the Message-ID. Most of
the cost of compose_invitation() lies in the stdlib's header objects (several
milliseconds a message), not in what the message says. So the MIME skeleton
(headers, part headers, boundaries) is composed once by compose_invitation()
itself, per language and body encoding; each copy then gets its own headers
and bodies. The texts come from a form letter per kind of recipient
(form_letter.py); the calendar, whose ORGANIZER, ATTENDEE and DESCRIPTION are the
recipient's own, from build_calendar(); it goes in twice, inline and as invite.ics.
The stdlib encoder set_content() uses encodes them. A reader sees exactly what
compose_invitation() would have written (tests/compose/test_merge.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import contentmanager, policy, quoprimime
from email.headerregistry import Address
from email.utils import format_datetime, formataddr, make_msgid
from functools import lru_cache
from zoneinfo import ZoneInfo

from app.mail.compose import (
    InvitationLetter,
    compose_invitation,
    invitation_content,
    invitation_letter,
)
from app.mail.compose_base import boundary_digest, one_line, text_cte
from app.mail.form_letter import Fields, FormLetter
from app.mail.messages import ForumInfo, MeetingInfo, Outgoing, RecipientInfo
from app.mail.tokens import reply_address

_POLICY = policy.SMTP
_LINE_LIMIT = 78  # the policy's max_line_length: longer header lines get folded
_BODY = "forumpost-merge-body-{}"
# text/plain, text/html, text/calendar, then the calendar again as invite.ics.
_BODIES = 4
# Headers each copy writes for itself; the rest are the same in every invitation.
_OWN_HEADERS = {"Message-ID": "message_id", "Date": "date", "From": "from", "To": "to",
                "Subject": "subject", "Reply-To": "reply_to"}
_SHARED_HEADERS = {"MIME-Version", "Content-Type", "Content-Language"}


@dataclass(frozen=True, slots=True)
class _Skeleton:
    """A composed invitation cut at the places that differ per copy."""

    segments: tuple[str, ...]
    slots: tuple[str, ...]  # what goes between segments[i] and segments[i + 1]


# One per language and body encoding, for the life of the process: what is left
# of an invitation once its own headers and bodies are cut out is the same for
# every forum and meeting.
_SKELETONS: dict[tuple, _Skeleton] = {}


class InvitationMerge:
    """Personalised invitations of one forum, composed at one moment."""

    def __init__(self, forum: ForumInfo, now: datetime | None = None) -> None:
        self.forum = forum
        self.now = now or datetime.now(UTC)
        self._letters: dict[tuple, FormLetter | None] = {}

    def invitation(
        self,
        meeting: MeetingInfo,
        recipient: RecipientInfo,
        token: str,
        *,
        updated: bool = False,
        message_id: str | None = None,
    ) -> Outgoing:
        """Return the invitation to RECIPIENT, as compose_invitation() would write it."""
        message_id = message_id or make_msgid(domain=self.forum.msgid_domain)
        content = invitation_content(self.forum, meeting, recipient, token, updated=updated,
                                     now=self.now,
                                     letter=self._letter(meeting, recipient, token, updated))
        fields = self._headers(recipient, token, message_id, content.subject)
        if None in fields.values():
            # An address the merge cannot write (not ASCII): compose it whole.
            msg = compose_invitation(self.forum, meeting, recipient, token, updated=updated,
                                     now=self.now, message_id=message_id)
            return Outgoing.of(msg)
        bodies = (content.text, content.html, content.calendar)
        ctes = (text_cte(content.text), text_cte(content.html), "base64")
        for index, (body, cte) in enumerate(zip(bodies, ctes, strict=True)):
            fields[f"body{index}"] = _encode(body, cte)
        # The attachment holds the calendar part's bytes, so it encodes the same.
        fields["body3"] = fields["body2"]
        skeleton = _SKELETONS.get((content.lang, ctes))
        if skeleton is None:
            msg = compose_invitation(self.forum, meeting, recipient, token, updated=updated,
                                     now=self.now, message_id=message_id)
            skeleton = _SKELETONS[(content.lang, ctes)] = _cut(msg, message_id)
        raw = "".join(_interleave(skeleton, fields))
        return Outgoing(message_id.strip("<>"), recipient.email.strip().lower(),
                        content.subject, raw.encode("ascii"))

    def _headers(self, recipient, token, message_id, subject) -> dict[str, str | None]:
        """Return this copy's own header lines (None where the merge cannot write one)."""
        forum = self.forum
        return {
            "message_id": _header_line("Message-ID", message_id),
            "date": _date_line(self.now, forum.timezone),
            "from": _address_line("From", forum.name, forum.sender_address),
            "to": _address_line("To", recipient.name, recipient.email),
            "subject": _header_line("Subject", one_line(subject)),
            "reply_to": _reply_to_line(forum, token),
            "digest": boundary_digest(message_id),
        }

    def _letter(self, meeting, recipient, token, updated) -> InvitationLetter:
        """Return the letter to RECIPIENT, filled in from the form letter of their kind."""
        fields = Fields.of(recipient, token)
        if not fields.fit:
            return invitation_letter(self.forum, meeting, recipient, token, updated=updated)
        key = (meeting, recipient.language, recipient.role, updated,
               bool(recipient.seat_label), recipient.stands_in_for is not None)
        if key not in self._letters:
            self._letters[key] = FormLetter.checked(self.forum, meeting, recipient, token,
                                                    updated)
        form = self._letters[key]
        if form is None:  # the templates do more with a field than print it
            return invitation_letter(self.forum, meeting, recipient, token, updated=updated)
        return form.fill(fields)


def _cut(msg, message_id: str) -> _Skeleton:
    """Return MSG cut into segments around its own headers, boundaries and bodies."""
    unknown = set(msg.keys()) - set(_OWN_HEADERS) - _SHARED_HEADERS
    if unknown:
        # A header the merge does not know would go to everyone with one person's value.
        raise ValueError(f"the mail merge does not know the headers {sorted(unknown)}")
    leaves = [part for part in msg.walk() if not part.is_multipart()]
    if len(leaves) != _BODIES:
        raise ValueError(f"an invitation has {_BODIES} parts, this one {len(leaves)}")
    own = {_POLICY.fold(name, msg[name]): slot for name, slot in _OWN_HEADERS.items()}
    for index, part in enumerate(leaves):
        part.set_payload(_BODY.format(index) + "\n")
    text = msg.as_bytes(policy=_POLICY).decode("ascii")
    markers = {
        **own,
        boundary_digest(message_id): "digest",
        **{_BODY.format(index) + "\r\n": f"body{index}" for index in range(_BODIES)},
    }
    pattern = re.compile("|".join(re.escape(marker) for marker in markers))
    pieces = pattern.split(text)
    slots = tuple(markers[found] for found in pattern.findall(text))
    if sorted(set(slots)) != sorted(markers.values()):
        raise ValueError("the composed invitation did not show every part the merge fills")
    return _Skeleton(tuple(pieces), slots)


def _interleave(skeleton: _Skeleton, fields: dict[str, str]):
    """Yield the skeleton's segments with FIELDS filled in between them."""
    yield skeleton.segments[0]
    for slot, segment in zip(skeleton.slots, skeleton.segments[1:], strict=True):
        yield fields[slot]
        yield segment


@lru_cache(maxsize=256)
def _header_line(name: str, value: str) -> str:
    """Return the header line NAME: VALUE as the policy writes it."""
    line = f"{name}: {value}"
    if value.isascii() and len(line) <= _LINE_LIMIT and "\n" not in value:
        return line + "\r\n"
    return _POLICY.fold(*_POLICY.header_store_parse(name, value))


@lru_cache(maxsize=16)
def _date_line(now: datetime, timezone: str) -> str:
    """Return the Date line of messages composed at NOW, in the forum's TIMEZONE."""
    return _header_line("Date", format_datetime(now.astimezone(ZoneInfo(timezone))))


@lru_cache(maxsize=64)
def _address_line(header: str, name: str, address: str) -> str | None:
    """Return the header line "HEADER: name <address>", or None for a non-ASCII address."""
    address = address.strip()
    if not address.isascii():
        return None
    # formataddr() quotes specials and RFC 2047-encodes a non-ASCII name, as the
    # policy does; only a line that needs folding is left to the policy's folder.
    line = f"{header}: {formataddr((one_line(name), address), 'utf-8')}"
    if len(line) <= _LINE_LIMIT:
        return line + "\r\n"
    return _folded(header, name, address)


def _folded(header: str, name: str, address: str) -> str:
    """Return the header line folded by the policy itself."""
    value = Address(one_line(name), addr_spec=address)
    return _POLICY.fold(*_POLICY.header_store_parse(header, value))


@lru_cache(maxsize=256)
def _reply_to_shape(name: str, sender: str, token_length: int) -> tuple[str, str]:
    """Return the folded Reply-To line around a token of TOKEN_LENGTH, cut at the token."""
    # Tokens are [0-9a-z] of a known length, so the line folds the same way for
    # every token of that length: fold once, then put each token in.
    stand_in = "z" * token_length
    line = _folded("Reply-To", name, reply_address(sender, stand_in))
    at = line.index(f"+{stand_in}@") + 1
    return line[:at], line[at + token_length:]


def _reply_to_line(forum: ForumInfo, token: str) -> str | None:
    """Return the Reply-To line that routes answers to TOKEN's sub-address."""
    if not (forum.sender_address.isascii() and token.isascii()):
        return None
    head, tail = _reply_to_shape(forum.name, forum.sender_address, len(token))
    return head + token + tail


def _encode(body: str, cte: str) -> str:
    """Return BODY encoded with CTE exactly as set_content() does, with CRLF line ends."""
    if cte == "quoted-printable":
        # set_content() encodes the UTF-8 bytes line by line, and every copy's letter
        # has the same lines but the few with the recipient's name or token: encode
        # each line once (the stdlib's encoder walks a line character by character).
        lines = body.encode("utf-8").splitlines()
        return "".join(_qp_line(line) for line in lines) if lines else "\r\n"
    _, payload = contentmanager._encode_text(body, "utf-8", cte, _POLICY)
    return payload.replace("\n", "\r\n")


@lru_cache(maxsize=4096)
def _qp_line(line: bytes) -> str:
    """Return one line of a body quoted-printable as set_content() writes it, with its
    CRLF."""
    return quoprimime.body_encode(line.decode("latin-1"), _POLICY.max_line_length,
                                  "\r\n") + "\r\n"
