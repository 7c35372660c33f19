"""The mail merge writes what compose_invitation() writes, as a reader sees it."""

from __future__ import annotations

import email
from dataclasses import replace
from email import policy
from email.policy import SMTP

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.mail.compose import compose_invitation
from app.mail.compose_base import boundary_digest
from app.mail.merge import InvitationMerge
from app.mail.tokens import make_token
from tests.compose.cases import (
    ALTERNATE,
    ALTERNATE_EN,
    FORUM,
    FORUM_EN,
    GUEST,
    MEETING,
    MEMBER,
    MEMBER_EN,
    MOVED,
    MSGID,
    NOW,
    SECRET,
    TOKEN,
)


def _composed(forum, meeting, recipient, token, updated=False, message_id=MSGID) -> bytes:
    """Return the reference: the invitation composed whole."""
    msg = compose_invitation(forum, meeting, recipient, token, updated=updated, now=NOW,
                             message_id=message_id)
    return msg.as_bytes(policy=SMTP)


def _read(raw: bytes) -> list[tuple]:
    """Return what a reader sees in RAW: every header, decoded, and every part's content."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    seen = [tuple((name, str(value)) for name, value in msg.items())]
    for part in msg.walk():
        if part.is_multipart():
            continue
        seen.append((part.get_content_type(), part.get_params(),
                     part["Content-Transfer-Encoding"], part.get_content()))
    return seen


RECIPIENTS = [MEMBER, MEMBER_EN, ALTERNATE, ALTERNATE_EN, GUEST]


@pytest.mark.parametrize("recipient", RECIPIENTS, ids=lambda r: f"{r.role}-{r.name}")
@pytest.mark.parametrize("forum", [FORUM, FORUM_EN], ids=["da", "en"])
def test_merged_reads_as_composed(forum, recipient) -> None:
    merged = InvitationMerge(forum, NOW).invitation(MEETING, recipient, TOKEN, message_id=MSGID)
    assert _read(merged.raw) == _read(_composed(forum, MEETING, recipient, TOKEN))


@pytest.mark.parametrize("recipient", [MEMBER, ALTERNATE, MEMBER_EN])
def test_merged_is_byte_for_byte_the_composed_for_ascii_names(recipient) -> None:
    merged = InvitationMerge(FORUM, NOW).invitation(MEETING, recipient, TOKEN, message_id=MSGID)
    assert merged.raw == _composed(FORUM, MEETING, recipient, TOKEN)


def test_an_update_merges_as_composed() -> None:
    merged = InvitationMerge(FORUM, NOW).invitation(MOVED, MEMBER, TOKEN, updated=True,
                                                    message_id=MSGID)
    assert merged.raw == _composed(FORUM, MOVED, MEMBER, TOKEN, updated=True)
    assert merged.subject.startswith("Ændret:")


def test_one_merge_serves_a_whole_forum_each_their_own() -> None:
    merge = InvitationMerge(FORUM, NOW)
    people = [replace(MEMBER, name=f"Medlem {n}", email=f"m{n}@example.dk") for n in range(5)]
    people += [replace(ALTERNATE, name=f"Suppleant {n}", email=f"s{n}@example.dk")
               for n in range(3)]
    for number, person in enumerate(people):
        token, msgid = make_token(number * 977, SECRET), f"<m{number}@samarbejdsforum.test>"
        merged = merge.invitation(MEETING, person, token, message_id=msgid)
        assert merged.raw == _composed(FORUM, MEETING, person, token, message_id=msgid)
        assert merged.message_id == msgid.strip("<>")
        assert merged.recipient == person.email


def test_a_changed_meeting_is_not_served_from_the_old_skeleton() -> None:
    merge = InvitationMerge(FORUM, NOW)
    merge.invitation(MEETING, MEMBER, TOKEN, message_id=MSGID)
    elsewhere = replace(MEETING, location="Vesterbro Bibliotek")
    merged = merge.invitation(elsewhere, MEMBER, TOKEN, message_id=MSGID)
    assert merged.raw == _composed(FORUM, elsewhere, MEMBER, TOKEN)


def test_fresh_message_ids_differ_and_shape_the_boundaries() -> None:
    merge = InvitationMerge(FORUM, NOW)
    first, second = (merge.invitation(MEETING, MEMBER, TOKEN) for _ in range(2))
    assert first.message_id != second.message_id
    for merged in (first, second):
        msg = email.message_from_bytes(merged.raw, policy=policy.default)
        assert msg["Message-ID"] == f"<{merged.message_id}>"
        digest = boundary_digest(f"<{merged.message_id}>")
        assert msg.get_boundary() == f"=_{digest}_0"


def test_a_non_ascii_address_is_composed_whole() -> None:
    person = replace(MEMBER, email="mette@københavn.dk")
    merged = InvitationMerge(FORUM, NOW).invitation(MEETING, person, TOKEN, message_id=MSGID)
    assert merged.raw == _composed(FORUM, MEETING, person, TOKEN)


_NAME = st.text(
    alphabet=st.sampled_from("abcæøåABCÆØÅéü -'.,\"()<>@;:\\"), min_size=1, max_size=90
).filter(lambda name: name.strip())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_NAME, number=st.integers(min_value=0, max_value=36**9),
       role=st.sampled_from(["member", "alternate", "guest"]),
       language=st.sampled_from([None, "da", "en"]))
def test_any_name_and_token_read_as_composed(name, number, role, language) -> None:
    person = replace(ALTERNATE if role == "alternate" else MEMBER, name=name, role=role,
                     language=language)
    token = make_token(number, SECRET)
    merged = InvitationMerge(FORUM, NOW).invitation(MEETING, person, token, message_id=MSGID)
    assert _read(merged.raw) == _read(_composed(FORUM, MEETING, person, token))


def test_one_skeleton_serves_other_forums_and_meetings() -> None:
    other = replace(FORUM, name="Forum for Indre By", sender_address="sek@indreby.test",
                    domain="indreby.test")
    later = replace(MEETING, uid="meeting-18@samarbejdsforum.test", title="Sommermøde",
                    location="Enghave Plads")
    for forum, meeting in ((FORUM, MEETING), (other, later), (FORUM, later), (other, MEETING)):
        merged = InvitationMerge(forum, NOW).invitation(meeting, MEMBER, TOKEN, message_id=MSGID)
        assert merged.raw == _composed(forum, meeting, MEMBER, TOKEN)


def test_a_template_that_changes_a_field_is_rendered_for_each_copy(monkeypatch) -> None:
    from app.mail import form_letter
    from app.mail.compose import InvitationLetter

    def shouting(forum, meeting, recipient, token, updated=False):
        # A template doing more than print the name: "Kære METTE JENSEN".
        text = f"Kære {recipient.name.upper()}\n{token}\n"
        return InvitationLetter("da", "Indkaldelse", text, f"<p>{text}</p>", "")

    monkeypatch.setattr(form_letter, "invitation_letter", shouting)
    monkeypatch.setattr(form_letter, "_CHECKED", set())  # as in a fresh process
    assert form_letter.FormLetter.checked(FORUM, MEETING, MEMBER, TOKEN, False) is None


def test_a_form_letter_fills_in_escaped_html_and_plain_text() -> None:
    from app.mail import form_letter

    person = replace(MEMBER, name="Anne & <Bo> \"Ø\"")
    form = form_letter.FormLetter.checked(FORUM, MEETING, person, TOKEN, False)
    assert form is not None
    letter = form.fill(form_letter.Fields.of(person, TOKEN))
    assert "Anne & <Bo>" in letter.text and "Anne &amp; &lt;Bo&gt;" in letter.html
    assert TOKEN in letter.description


def test_each_copys_calendars_are_organised_at_its_own_token() -> None:
    # ORGANIZER is per recipient like ATTENDEE: a REPLY to it finds that invitation.
    import icalendar

    from app.mail.tokens import read_token, split_subaddress

    merge = InvitationMerge(FORUM, NOW)
    for number in (1, 36**5, 36**12):
        token = make_token(number, SECRET)
        merged = merge.invitation(MEETING, MEMBER, token, message_id=MSGID)
        msg = email.message_from_bytes(merged.raw, policy=policy.default)
        calendars = [p.get_payload(decode=True) for p in msg.walk()
                     if p.get_content_type() in ("text/calendar", "application/ics")]
        assert len(calendars) == 2 and calendars[0] == calendars[1]
        (event,) = icalendar.Calendar.from_ical(calendars[0]).walk("VEVENT")
        base, tag = split_subaddress(str(event["ORGANIZER"]).removeprefix("mailto:"))
        assert (base, read_token(tag, SECRET)) == (FORUM.sender_address, number)
        assert merged.raw == _composed(FORUM, MEETING, MEMBER, token)


def _stdlib_encoded(body: str, cte: str) -> str:
    """Return BODY as set_content() encodes it, with CRLF line ends: the reference."""
    from email import contentmanager

    return contentmanager._encode_text(body, "utf-8", cte, SMTP)[1].replace("\n", "\r\n")


# Lines around the 76-character limit with "=", spaces and tabs at the places where
# quoted-printable breaks a line, Danish and astral characters, and every line end.
_BODY = st.lists(
    st.text(st.sampled_from("aæøÅ =\t.é€😀-"), max_size=160), max_size=8,
).flatmap(lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(
    lambda end: end.join(lines) + end))


@settings(max_examples=400, deadline=None)
@given(body=_BODY)
def test_bodies_encode_as_set_content_encodes_them(body) -> None:
    from app.mail.merge import _encode

    for cte in ("quoted-printable", "base64"):
        assert _encode(body, cte) == _stdlib_encoded(body, cte)
    if body.isascii():
        assert _encode(body, "7bit") == _stdlib_encoded(body, "7bit")


def test_a_line_break_at_the_limit_encodes_as_set_content_encodes_it() -> None:
    from app.mail.merge import _encode

    for width in range(70, 82):
        for tail in ("=", " ", "\t", "ø", "=ø", " ="):
            body = f"{'x' * width}{tail}\nsame line again {tail}\n\nlast"
            twice = [_encode(body, "quoted-printable") for _ in range(2)]  # cached lines too
            assert twice == [_stdlib_encoded(body, "quoted-printable")] * 2
