"""Reasons in the reader's language: on the Post page, its list, and `flask mail explain`."""

import json
import re
import string

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.mail.reasons import TEXTS, reason
from app.reason_text import MESSAGES, render
from app.services import inbound

BASE = "/forum/vesterbro"


def _values(code: str) -> dict:
    return {name: f"v{n}" for n, (_, name, _, _) in enumerate(string.Formatter().parse(
        TEXTS[code])) if name}


def test_every_code_has_a_catalogue_entry_with_the_english_text(app):
    assert set(MESSAGES) == set(TEXTS)
    with app.test_request_context(), force_locale("en"):
        for code in TEXTS:
            made = reason(code, **_values(code))
            assert render(made.to_dict()) == str(made), code


def test_every_code_is_translated_to_danish(app):
    with app.test_request_context(), force_locale("da"):
        for code in TEXTS:
            made = reason(code, **_values(code))
            danish = render(made.to_dict())
            assert danish and danish != str(made), code
            assert all(v in danish for v in _values(code).values()), code


def test_values_that_are_answers_and_nested_reasons_are_translated_too(app):
    with app.test_request_context(), force_locale("da"):
        nested = reason("sender_not_proven", detail=reason("no_trusted_results"))
        assert render(nested.to_dict()) == ("afsenderen er ikke bekræftet: ingen "
                                            "Authentication-Results fra en betroet server")
        change = reason("would_change", status="declined", answer="accepted")
        assert render(change.to_dict()) == ("ville ændre det noterede svar »kommer ikke« "
                                            "til »kommer« uden at sige det")


def test_old_plain_reasons_and_unknown_codes_show_as_they_are(app):
    with app.test_request_context(), force_locale("da"):
        assert render("body says 'ja'") == "body says 'ja'"
        assert render({"code": "from_the_future", "values": {}, "text": "new"}) == "new"
        assert render({"code": "body_says", "values": {}, "text": "body says"}) == "body says"


def _unsure(forum) -> bytes:
    return (f"From: Ukendt <ukendt@x.test>\r\nTo: {forum.sender_address}\r\nSubject: Mødet\r\n"
            "Message-ID: <tvivl@x.test>\r\nIn-Reply-To: <nothing@x.test>\r\n\r\n"
            "Ved ikke endnu. Hvornår skal vi svare?\r\n").encode()


def test_the_post_page_and_its_list_give_the_reasons_in_danish(logged_in, demo_forum):
    message, _ = inbound.receive(_unsure(demo_forum))
    inbound.process(message)
    db.session.commit()
    codes = [r["code"] for r in message.decision["reasons"]]
    assert "question" in codes
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    reasons = page[page.index('<ul class="reasons">'):]
    reasons = reasons[:reasons.index("</ul>")]
    assert "<li>indeholder et spørgsmål</li>" in reasons
    assert "contains a question" not in page
    listing = logged_in.get(f"{BASE}/mail/?show=review").get_data(as_text=True)
    assert "indeholder et spørgsmål" in listing and "contains a question" not in listing


def test_a_row_stored_with_english_reasons_shows_them_as_they_are(logged_in, demo_forum):
    message, _ = inbound.receive(_unsure(demo_forum))
    inbound.process(message)
    message.decision = {**message.decision, "reasons": ["body says 'ved ikke endnu'"]}
    db.session.commit()
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert "<li>body says &#39;ved ikke endnu&#39;</li>" in page


def test_an_oversized_mail_says_why_in_danish(logged_in, demo_forum):
    row = inbound.receive_oversized(
        30_000_000, mailbox="INBOX", uid=5, uidvalidity=1, limit=25_000_000,
        headers=f"From: a@x.test\r\nTo: {demo_forum.sender_address}\r\nSubject: Stor\r\n\r\n"
        .encode())
    db.session.commit()
    page = logged_in.get(f"{BASE}/mail/{row.id}").get_data(as_text=True)
    assert "for stor: 30000000 byte (grænsen er 25000000)" in page


@pytest.mark.parametrize(("lang", "said"), [("da", "indeholder et spørgsmål"),
                                            ("en", "contains a question")])
def test_mail_explain_speaks_the_chosen_language(runner, demo_forum, tmp_path, lang, said):
    path = tmp_path / "tvivl.eml"
    path.write_bytes(_unsure(demo_forum))
    result = runner.invoke(args=["mail", "explain", "--lang", lang, str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(rf"^    - {said}$", result.output, re.M)


def test_mail_explain_json_keeps_codes_and_values(runner, demo_forum, tmp_path):
    path = tmp_path / "tvivl.eml"
    path.write_bytes(_unsure(demo_forum))
    result = runner.invoke(args=["mail", "explain", "--json", str(path)])
    found = json.loads(result.output.strip().splitlines()[-1])
    says = next(r for r in found["reasons"] if r["code"] == "body_says")
    assert says["values"] == {"phrase": "ved ikke endnu"}
    assert says["text"] == "body says 'ved ikke endnu'"
