"""The send queue: invitations before receipts, oldest first, whichever job sends them."""

from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select

from app import jobs
from app.extensions import db, rq
from app.models import Forum, OutboundMessage, OutboundState
from app.services import outbound


def _queue(forum, kind: str, n: int) -> int:
    """Queue one message of KIND to its own recipient; return its id."""
    forum = db.session.get(Forum, forum.id if isinstance(forum, Forum) else forum)
    msg = EmailMessage()
    msg["From"], msg["To"] = forum.sender_address, f"{kind}{n}@x.test"
    msg["Subject"], msg["Message-ID"] = f"{kind} {n}", f"<{kind}.{n}@forum.test>"
    msg.set_content("Hej")
    row, _ = outbound.queue(forum, f"test:{kind}:{n}", msg, kind)
    return row.id


def _sent_kinds(smtp) -> list[str]:
    return [r.rcpt_tos[0].split("@")[0].rstrip("0123456789") for r in smtp.messages]


def _a_minute_passes() -> None:
    """Move every sent message a minute and a second into the past."""
    for row in db.session.scalars(select(OutboundMessage).where(
            OutboundMessage.sent_dt.is_not(None))):
        row.sent_dt -= timedelta(seconds=61)
    db.session.commit()


def _scheduled() -> list[str]:
    registry = rq.queue.scheduled_job_registry
    return [rq.queue.fetch_job(i).func_name for i in registry.get_job_ids()]


def test_invitations_overtake_a_flood_of_receipts(app, forum, smtp, work):
    forum.send_per_minute, forum_id = 30, forum.id
    receipts = [_queue(forum, "agenda_receipt", n) for n in range(50)]
    db.session.commit()
    invitations = [_queue(forum, "invitation", n) for n in range(18)]
    db.session.commit()
    # The receipts' job is first in the queue; the invitations' job comes after it.
    jobs.enqueue(jobs.send_outbound, receipts)
    jobs.enqueue(jobs.send_outbound, invitations)
    work()
    kinds = _sent_kinds(smtp)
    assert len(kinds) == 30  # the forum's rate
    assert kinds[:18] == ["invitation"] * 18 and kinds[18:] == ["agenda_receipt"] * 12
    assert [r.rcpt_tos[0] for r in smtp.messages][18:21] == [
        "agenda_receipt0@x.test", "agenda_receipt1@x.test", "agenda_receipt2@x.test"]
    # Both jobs found the minute spent: one later job sends the rest, not two.
    assert _scheduled() == ["app.jobs.send_queued"]

    _a_minute_passes()
    smtp.reset()
    assert jobs.send_queued(forum_id) == 30  # the next minute's, of the 38 receipts left
    _a_minute_passes()
    assert jobs.send_queued(forum_id) == 8
    assert _sent_kinds(smtp) == ["agenda_receipt"] * 38
    assert db.session.scalar(select(db.func.count()).select_from(OutboundMessage).where(
        OutboundMessage.state == OutboundState.queued)) == 0


def test_a_minute_spent_on_receipts_makes_invitations_first_in_the_next(app, forum, smtp,
                                                                           work):
    forum.send_per_minute, forum_id = 30, forum.id
    receipts = [_queue(forum_id, "agenda_receipt", n) for n in range(30)]
    db.session.commit()
    jobs.send_outbound(receipts)
    assert len(smtp.messages) == 30
    late = [_queue(forum_id, "confirmation", n) for n in range(20)]
    late += [_queue(forum_id, "invitation", n) for n in range(18)]
    db.session.commit()
    smtp.reset()
    assert jobs.send_outbound(late) == 0  # the minute is spent
    _a_minute_passes()
    assert jobs.send_queued(forum_id) == 30
    assert _sent_kinds(smtp) == ["invitation"] * 18 + ["confirmation"] * 12


def test_the_order_by_kind(app, forum):
    for kind in ("confirmation", "reminder", "agenda_receipt", "cancellation", "minutes",
                 "invitation", "alternate_called", "alternate_released", "address_bouncing",
                 "term_ending"):
        _queue(forum, kind, 1)
    db.session.commit()
    batch, more = outbound.forum_queue(forum.id, 10)
    assert [p.kind for p in batch] == [
        "cancellation", "invitation", "alternate_released",  # calendar mail, oldest first
        "reminder", "minutes", "alternate_called", "term_ending",
        "confirmation", "agenda_receipt", "address_bouncing"]
    assert not more
    batch, more = outbound.forum_queue(forum.id, 3)
    assert [p.kind for p in batch] == ["cancellation", "invitation", "alternate_released"]
    assert more


def test_a_message_refused_for_now_waits_behind_fresh_ones_of_its_rank(app, forum):
    first, second = _queue(forum, "invitation", 1), _queue(forum, "invitation", 2)
    db.session.get(OutboundMessage, first).attempts = 1
    db.session.commit()
    assert [p.id for p in outbound.forum_queue(forum.id, 30)[0]] == [second, first]
