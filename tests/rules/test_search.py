"""Search matches all words in any order, æøå without regard to case, on both databases."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import AgendaItem, AgendaStatus, MeetingStatus
from app.services import archive, minutes, search

NOW = datetime(2027, 1, 10, tzinfo=UTC)


@pytest.fixture
def two(forum, make_meeting):
    """Return two held meetings: one on the budget for the elderly, one on the courtyards."""
    budget = make_meeting(datetime(2026, 10, 6, 14, tzinfo=UTC))
    yards = make_meeting(datetime(2026, 11, 3, 15, tzinfo=UTC))
    db.session.add_all([
        AgendaItem(forum=forum, meeting=budget, title="Budget 2027", position=1,
                   body="Omprioriteringer på ÆLDREOMRÅDET og i hjemmeplejen.",
                   status=AgendaStatus.approved),
        AgendaItem(forum=forum, meeting=yards, title="Sprøjtefund i gårdene", position=1,
                   body="Brugt udstyr i baggårdene ved Øksnehallen.",
                   status=AgendaStatus.approved),
        AgendaItem(forum=forum, meeting=yards, title="Julefrokost", position=2, body="",
                   status=AgendaStatus.rejected),
    ])
    budget.status = yards.status = MeetingStatus.held
    db.session.commit()
    return budget, yards


def _found(forum, q):
    return [m.id for m in archive.past_meetings(forum, NOW, q)]


def test_all_words_in_any_order(app, forum, two):
    budget, yards = two
    assert _found(forum, "ældreområdet budget") == [budget.id]
    assert _found(forum, "budget ældreområdet") == [budget.id]
    assert _found(forum, "budget gårdene") == []  # every word, not any
    assert _found(forum, "baggårdene øksnehallen sprøjtefund") == [yards.id]


def test_danish_letters_without_regard_to_case(app, forum, two):
    budget, yards = two
    assert _found(forum, "ældreområdet") == _found(forum, "ÆLDREOMRÅDET") == [budget.id]
    assert _found(forum, "ØKSNEHALLEN") == _found(forum, "øksnehallen") == [yards.id]
    assert _found(forum, "Ældre") == [budget.id]  # a word's beginning finds it


def test_only_approved_items_and_nothing_for_no_words(app, forum, two):
    assert _found(forum, "julefrokost") == []
    assert len(_found(forum, "  ,.; ")) == 2  # no words: every past meeting


def test_the_index_follows_changes_in_the_same_transaction(app, forum, two):
    budget, yards = two
    item = db.session.query(AgendaItem).filter_by(meeting_id=budget.id).one()
    item.body = "Nu handler det om cykelparkering."
    db.session.flush()
    assert _found(forum, "cykelparkering") == [budget.id]
    assert _found(forum, "ældreområdet") == []
    item.meeting = yards  # moved to the other meeting
    db.session.commit()
    assert _found(forum, "cykelparkering budget") == [yards.id]
    draft = minutes.draft(budget)
    db.session.flush()
    section = draft.sections[0]
    section.body = "Referatets egne ord om vejbump."
    db.session.commit()
    assert _found(forum, "vejbump") == [budget.id]
    budget.title = "Ekstraordinært møde om trafik"
    db.session.commit()
    assert _found(forum, "trafik ekstraordinært") == [budget.id]


def test_rebuilding_the_index_gives_the_same_answers(app, forum, two):
    budget, _yards = two
    conn = db.session.connection()
    conn.execute(text(f"DELETE FROM {search.TABLE}"))
    assert _found(forum, "budget") == []
    search.refresh_all(conn)
    assert _found(forum, "budget ældre") == [budget.id]


def test_snippets_show_each_text_where_a_word_is(app, forum, two):
    budget, _yards = two
    hits = archive.snippets(archive.pack(budget), "hjemmeplejen ÆLDRE")
    assert hits == ["Budget 2027 Omprioriteringer på ÆLDREOMRÅDET og i hjemmeplejen."]


def test_the_archive_page_finds_words_in_any_order(app, two, logged_in):
    budget, yards = two
    html = logged_in.get("/forum/samarbejdsforum/archive/?q=ÆLDREOMRÅDET+budget").get_data(
        as_text=True)
    assert f"/archive/{budget.id}/" in html and f"/archive/{yards.id}/" not in html
    assert "Omprioriteringer på ÆLDREOMRÅDET" in html  # where it was found
