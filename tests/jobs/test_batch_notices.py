"""A batch of inbound mail sends its notices (receipts, confirmations) in one job."""

from pathlib import Path

from app.extensions import db, rq
from app.models import AgendaItem, Followup
from workers import intake
from workers.intake import Item

AGENDA = Path(__file__).resolve().parents[1] / "data" / "agenda"
FORWARDS = ["gmail_da_fwd.eml", "outlook_da_vs_forward.eml", "apple_da_videresendt.eml"]
SENDERS = [("Mette Larsen", "mette.larsen@gmail.com"), ("Anne Jensen", "anne.jensen@example.dk"),
           ("Søren Østergaard", "soren.ostergaard@icloud.com")]


def _store_and_apply(forum):
    forum.agenda_address = "dagsorden@samarbejdsforum.test"
    db.session.commit()
    raws = [(AGENDA / name).read_bytes() for name in FORWARDS]
    ids = intake.store([Item(raw=raw, size=len(raw), uid=n) for n, raw in enumerate(raws)],
                       "INBOX", 1)
    assert intake.apply(ids) == 3
    assert db.session.query(AgendaItem).count() == 3


def test_a_batch_of_forwards_is_thanked_by_one_job(app, forum, make_person, smtp, work):
    for name, address in SENDERS:  # receipts go to the forum's own people only
        make_person(name, address)
    _store_and_apply(forum)
    assert [job.func_name for job in rq.queue.jobs] == ["app.jobs_followups.run_followups"]
    work()
    receipts = [r for r in smtp.messages if r.mail_from == forum.sender_address]
    assert len(receipts) == 3
    assert len({r.rcpt_tos for r in receipts}) == 3
    assert db.session.query(Followup).count() == 0


def test_strangers_get_no_receipt_and_their_items_wait(app, forum, smtp, work):
    _store_and_apply(forum)  # none of the three senders is in the roster
    assert rq.queue.jobs == [] and db.session.query(Followup).count() == 0
    work()
    assert smtp.messages == []
    items = db.session.query(AgendaItem).all()
    assert {item.status.value for item in items} == {"pending"}
    assert all(item.submitter is None and item.submitter_address for item in items)
