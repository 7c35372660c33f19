"""The worker's parts without a server: UID ranges, backoff, settings, mailbox state, intake."""

from __future__ import annotations

import threading

from sqlalchemy import select

from app.extensions import db
from app.models import InboundState, MailboxState
from app.services import mailboxes
from tests.workers.conftest import stored
from tests.workers.messages import sample
from workers import intake
from workers.imap import Backoff
from workers.intake import Item
from workers.mailbox import batches, uid_set
from workers.settings import ImapSettings


def test_uid_set_joins_runs_into_ranges():
    assert uid_set([]) == []
    assert uid_set([7]) == ["7"]
    assert uid_set([5, 1, 2, 3, 3, 9, 10, 12]) == ["1:3", "5", "9:10", "12"]


def test_batches_keep_bodies_under_the_budget_and_oversized_count_as_headers():
    settings = ImapSettings(host="h", username="u", password="p", max_bytes=1000,
                            batch_bytes=6000)
    sizes = {1: 900, 2: 900, 3: 900, 4: 10**9, 5: 900, 6: 900}  # 4: only its headers
    assert list(batches([1, 2, 3, 4, 5, 6], sizes, settings)) == [[1, 2, 3], [4, 5, 6]]


def test_backoff_doubles_with_jitter_up_to_the_cap():
    backoff = Backoff(first=1.0, cap=8.0)
    for ceiling in (1.0, 2.0, 4.0, 8.0, 8.0, 8.0):
        assert ceiling / 2 <= backoff.next() <= ceiling
    backoff.reset()
    assert backoff.next() <= 1.0


def test_settings_come_from_the_config_with_defaults():
    settings = ImapSettings.from_config({
        "IMAP_HOST": "imap.test", "IMAP_USERNAME": "a@b.test", "IMAP_PASSWORD": "x",
        "IMAP_PORT": 993, "IMAP_SSL": True, "IMAP_FOLDER": "INBOX", "MAIL_MAX_BYTES": 1000,
        "IMAP_POLL_SECONDS": "5",
    })
    assert (settings.port, settings.ssl, settings.max_bytes) == (993, True, 1000)
    assert settings.poll_seconds == 5.0 and settings.idle_seconds == 60.0
    assert settings.processed_folder == "Processed"


def test_mailbox_state_advances_and_resets_on_a_new_uidvalidity(app):
    name = mailboxes.mailbox_name("sekretariat@forum.test", "imap.test", "INBOX")
    assert name == "sekretariat@forum.test@imap.test/INBOX"
    state = mailboxes.get(name)
    assert mailboxes.check_uidvalidity(state, 111) is False
    mailboxes.advance(state, 40)
    mailboxes.advance(state, 12)  # never backwards
    assert (state.uidvalidity, state.last_uid) == (111, 40)
    assert mailboxes.check_uidvalidity(state, 111) is False
    assert mailboxes.check_uidvalidity(state, 222) is True
    db.session.commit()
    again = db.session.scalar(select(MailboxState).filter_by(name=name))
    assert (again.uidvalidity, again.last_uid) == (222, 0)


def test_store_commits_and_finds_duplicates(app):
    ids = intake.store([Item(raw=sample(0), size=0, uid=1), Item(raw=sample(0), size=0, uid=2)],
                       "box", 7)
    db.session.rollback()  # nothing to lose: it is committed
    assert ids[0] == ids[1] and len(stored()) == 1


def test_store_finds_twins_within_a_chunk_and_in_earlier_ones(app):
    first = sample(0)
    twin = first.replace(b"\r\n\r\n", b"\r\nX-Route: cc\r\n\r\n", 1)  # same Message-ID
    ids = intake.store([Item(raw=first, size=0, uid=1), Item(raw=twin, size=0, uid=2),
                        Item(raw=sample(1), size=0, uid=3)], "box", 7)
    later = intake.store([Item(raw=first, size=0, uid=4), Item(raw=sample(2), size=0, uid=5)],
                         "box", 7)
    db.session.rollback()
    rows = {row.id: row for row in stored()}
    assert len(rows) == 4 and len(set(ids)) == 3
    assert rows[ids[1]].state is InboundState.ignored
    assert rows[ids[1]].reason == f"duplicate of message #{ids[0]}"
    assert rows[ids[0]].state is rows[ids[2]].state is InboundState.received
    assert later[0] == ids[0] and later[1] not in ids


def test_apply_stops_after_the_current_message_when_asked(app, monkeypatch):
    from app.services import inbound

    ids = intake.store([Item(raw=sample(n), size=0, uid=n) for n in range(1, 4)], "box", 7)
    stop = threading.Event()
    original = inbound.process

    def process(message, forums=None, batch=None):
        stop.set()  # SIGTERM arrives while the first message is processed
        return original(message, forums, batch)

    monkeypatch.setattr(inbound, "process", process)
    assert intake.apply(ids, stop) == 1
    db.session.rollback()
    states = [r.state for r in stored()]
    assert states[0] is not InboundState.received
    assert states[1:] == [InboundState.received] * 2
