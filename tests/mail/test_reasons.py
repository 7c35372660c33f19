"""Reasons are data: a code and its values, and the English text they make."""

import copy
import pickle
import re
import string

from app.mail.decision import Decision
from app.mail.reasons import TEXTS, Reason, as_data, reason


def _fields(code: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(TEXTS[code]) if name]


def test_every_code_makes_its_text():
    for code in TEXTS:
        made = reason(code, **{name: f"<{name}>" for name in _fields(code)})
        assert made.code == code and "{" not in made


def test_a_reason_is_its_english_text_with_code_and_values():
    said = reason("body_says", phrase="ved ikke endnu")
    assert said == "body says 'ved ikke endnu'" and isinstance(said, str)
    assert said.to_dict() == {"code": "body_says", "values": {"phrase": "ved ikke endnu"},
                              "text": "body says 'ved ikke endnu'"}


def test_nested_reasons_are_stored_as_data():
    said = reason("sender_not_proven", detail=reason("no_trusted_results"))
    assert said == "sender not proven: no Authentication-Results from a trusted server"
    assert said.to_dict()["values"]["detail"]["code"] == "no_trusted_results"


def test_a_reason_survives_pickle_and_copy():
    said = reason("itip_old_sequence", got=1, current=2)
    for again in (pickle.loads(pickle.dumps(said)), copy.deepcopy(said)):
        assert isinstance(again, Reason) and again.code == said.code and again == said


def test_the_decision_keeps_codes_and_old_text_alike():
    decision = Decision(reasons=[reason("question"), "an old plain reason"])
    assert decision.to_dict()["reasons"] == [
        {"code": "question", "values": {}, "text": "contains a question"}, "an old plain reason"]
    assert as_data("x") == "x"


def test_texts_use_named_fields_only():
    for code, text in TEXTS.items():
        assert not re.search(r"\{\}|\{\d", text), code
