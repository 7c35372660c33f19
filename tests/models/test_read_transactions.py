"""A transaction that only read ends with COMMIT on PostgreSQL; one that wrote is rolled back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Forum


@pytest.fixture
def kept(forum) -> tuple[int, str]:
    """Return the committed forum's id and name."""
    db.session.commit()
    return forum.id, forum.name


def _forum_names() -> list[str]:
    """Return every forum's name, read in a transaction of its own, as a page would."""
    names = list(db.session.scalars(sa.select(Forum.name).order_by(Forum.id)))
    db.session.remove()  # the end of a request: no commit, so the session rolls back
    return names


def test_a_page_read_many_times_is_prepared_once_on_postgresql(app, kept):
    """psycopg prepares a query after five runs on one connection, and forgets it at every
    ROLLBACK: a read-only request that ended in one never reached the prepared plan."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(7):
        assert _forum_names() == [kept[1]]
    prepared = db.session.scalars(sa.text(
        "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%forums.name%'"))
    assert len(prepared.all()) == 1


def test_an_insert_not_committed_is_rolled_back(app, kept):
    """A flushed object that the request did not commit is gone afterwards."""
    db.session.add(Forum(name="Ikke gemt", slug="ikke-gemt", sender_address="a@x.test",
                         agenda_address="b@x.test", secretary_address="c@x.test"))
    db.session.flush()
    db.session.remove()
    assert _forum_names() == [kept[1]]


@pytest.mark.parametrize("write", [
    lambda forum_id: sa.update(Forum).where(Forum.id == forum_id).values(name="Ændret"),
    lambda forum_id: sa.text(f"UPDATE forums SET name = 'Ændret' WHERE id = {forum_id}"),
])
def test_a_write_after_reads_is_rolled_back(app, kept, write):
    """Reads before and after an UPDATE (compiled or text) do not make its transaction
    read-only: the session's end rolls it back."""
    assert _forum_names() == [kept[1]]
    db.session.scalars(sa.select(Forum.name)).all()
    db.session.execute(write(kept[0]))
    db.session.scalars(sa.select(Forum.name)).all()
    db.session.remove()
    assert _forum_names() == [kept[1]]


def test_a_failed_transaction_is_rolled_back_and_the_next_one_works(app, kept):
    """A statement that fails leaves nothing to commit; the session goes on after it."""
    with pytest.raises(sa.exc.DBAPIError):
        db.session.scalars(sa.select(sa.func.no_such_function())).all()
    db.session.rollback()
    assert _forum_names() == [kept[1]]


def test_a_committed_write_after_reads_stays(app, kept):
    """Reads, then a write, then COMMIT: the write is kept (nothing is rolled back twice)."""
    assert _forum_names() == [kept[1]]
    db.session.get(Forum, kept[0]).name = "Ændret"
    db.session.commit()
    assert _forum_names() == ["Ændret"]
