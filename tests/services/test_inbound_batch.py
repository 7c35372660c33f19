"""A worker's chunk of mail decided as a batch: the same decisions, in a few statements."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import (
    AgendaItem,
    AuditEvent,
    InboundMessage,
    InboundState,
    Invitation,
    InvitationRole,
    InvitationStatus,
    OutboundMessage,
)
from tests.workers.messages import sample
from workers import intake


def _mail(sender, to, body, subject="Re: Invitation", in_reply_to=None):
    """Return the bytes of a plain mail."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = make_msgid(domain="x.test")
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    msg.set_content(body)
    return bytes(msg)


def _apply(raws):
    """Store RAWS as a worker does, decide them as one batch; return their rows."""
    ids = intake.store([intake.Item(raw=raw, size=len(raw)) for raw in raws], "INBOX", 1)
    intake.apply(ids)
    db.session.expire_all()
    return [db.session.get(InboundMessage, row_id) for row_id in ids]


def _sent(invitation):
    """Return the invitation's mail in the ledger."""
    return db.session.scalars(select(OutboundMessage).filter_by(
        invitation_id=invitation.id, kind="invitation")).one()


def test_a_batch_applies_token_reference_and_agenda_mail_as_one_at_a_time(app, forum, invited):
    member = invited.person
    token_reply = _mail(member.email, f"sekretariat+{invited.reply_token}@forum1.test",
                        "Jeg kommer.")
    agenda_mail = _mail(member.email, forum.agenda_address, "Kan vi tale om bænkene?",
                        subject="Bænke på pladsen")
    stranger = _mail("ukendt@x.test", forum.agenda_address, "Et punkt.", subject="Punkt")
    rows = _apply([token_reply, agenda_mail, stranger])
    assert [r.state for r in rows] == [InboundState.applied] * 3
    assert (rows[0].rsvp, rows[0].invitation_id) == ("accepted", invited.id)
    assert db.session.get(Invitation, invited.id).status is InvitationStatus.accepted
    items = db.session.scalars(select(AgendaItem).order_by(AgendaItem.id)).all()
    assert [(i.title, i.submitter_id) for i in items] == [("Bænke på pladsen", member.id),
                                                          ("Punkt", None)]
    assert "no receipt" in rows[2].reason and "no receipt" not in rows[1].reason
    received = db.session.scalars(select(AuditEvent.target_id).filter_by(
        action="agenda_item_received").order_by(AuditEvent.id)).all()
    assert received == [i.id for i in items]  # each event names its item, written first


def test_an_alternate_called_in_earlier_in_the_batch_is_matched_later_in_it(app, invited):
    decline = _mail(invited.person.email, f"sekretariat+{invited.reply_token}@forum1.test",
                    "Jeg må desværre melde afbud.", in_reply_to=_sent(invited).message_id)
    # The alternate writes before reading the invitation the decline sends them: only
    # their address says which invitation it is, one made by the first message.
    from_alternate = _mail("jens@politi.test", "sekretariat@forum1.test", "Jeg kommer i stedet.")
    rows = _apply([decline, from_alternate])
    alternate = db.session.scalars(select(Invitation).filter_by(
        role=InvitationRole.alternate)).one()
    assert rows[0].state is InboundState.applied and rows[0].rsvp == "declined"
    assert rows[1].invitation_id == alternate.id


def test_a_reply_naming_our_mail_is_matched_by_its_message_id(app, invited):
    reply = _mail("anne.privat@x.test", "sekretariat@forum1.test", "Jeg kommer.",
                  in_reply_to=_sent(invited).message_id)
    unrelated = _mail("anne.privat@x.test", "sekretariat@forum1.test", "Jeg kommer.",
                      in_reply_to="nothing-of-ours@x.test")
    rows = _apply([reply, unrelated])
    assert rows[0].invitation_id == invited.id
    assert rows[1].invitation_id is None and rows[1].state is InboundState.review


@pytest.mark.parametrize("size", [30, 90])
def test_a_batch_takes_the_same_few_statements_whatever_its_size(app, forum, invited, size):
    raws = [sample(n, token=f"s{size}") for n in range(size)]
    ids = intake.store([intake.Item(raw=raw, size=len(raw)) for raw in raws], "INBOX", 1)
    statements = []
    event.listen(db.engine, "before_cursor_execute", _count(statements))
    try:
        intake.apply(ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", _count.last)
    # Reads ahead, then one write per table: the rows' updates, agenda items, their
    # attachments and audit events (SQLite: one statement per new row with RETURNING).
    per_row = sum(s.startswith("INSERT") for s in statements) if app.config[
        "SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else 0
    assert len(statements) - per_row <= 14, statements
    assert db.session.scalar(select(db.func.count(InboundMessage.id)).filter_by(
        state=InboundState.received)) == 0


def _count(statements):
    """Return a listener adding each statement's first words to STATEMENTS."""
    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()[:4]))
    _count.last = listener
    return listener


@pytest.mark.parametrize("size", [30, 90])
def test_a_chunk_is_stored_in_the_same_few_statements_whatever_its_size(app, forum, size):
    raws = [sample(n, token=f"c{size}") for n in range(size)]
    twin = raws[0].replace(b"\r\n\r\n", b"\r\nX-Route: cc\r\n\r\n", 1)  # same Message-ID
    statements = []
    event.listen(db.engine, "before_cursor_execute", _count(statements))
    try:
        ids = intake.store([intake.Item(raw=raw, size=len(raw)) for raw in [*raws, twin]],
                           "INBOX", 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", _count.last)
    # Which are stored, their Message-IDs, the rows, their ids; the twin after its first.
    assert len(statements) <= 7, statements
    assert len(set(ids)) == size + 1


def test_receiving_a_chunk_says_which_rows_it_stored_now(app, forum):
    from app.services import inbound_store

    first, second = sample(1, token="now"), sample(2, token="now")
    before = inbound_store.receive_all([first])
    stored = inbound_store.receive_all([second, first, second], [7, 8, 9], mailbox="INBOX")
    db.session.commit()
    assert before[0][1] is True
    assert stored == [(stored[0][0], True), (before[0][0], False), (stored[0][0], False)]
    row = db.session.get(InboundMessage, stored[0][0])
    assert (row.imap_uid, row.mailbox, row.state) == (7, "INBOX", InboundState.received)
