"""A batch of inbound mail sends its notices (receipts, confirmations) in one job."""

from pathlib import Path

from app.extensions import db, rq
from app.models import AgendaItem
from workers import intake
from workers.intake import Item

AGENDA = Path(__file__).resolve().parents[1] / "data" / "agenda"
FORWARDS = ["gmail_da_fwd.eml", "outlook_da_vs_forward.eml", "apple_da_videresendt.eml"]


def test_a_batch_of_forwards_is_thanked_by_one_job(app, forum, smtp, work):
    forum.agenda_address = "dagsorden@samarbejdsforum.test"
    db.session.commit()
    raws = [(AGENDA / name).read_bytes() for name in FORWARDS]
    ids = intake.store([Item(raw=raw, size=len(raw), uid=n) for n, raw in enumerate(raws)],
                       "INBOX", 1)
    assert intake.apply(ids) == 3
    assert db.session.query(AgendaItem).count() == 3
    assert [job.func_name for job in rq.queue.jobs] == ["app.jobs.send_notices"]
    work()
    receipts = [r for r in smtp.messages if r.mail_from == forum.sender_address]
    assert len(receipts) == 3
    assert len({r.rcpt_tos for r in receipts}) == 3
