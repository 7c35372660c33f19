"""Retention: mail bytes and bodies go after the forum's period, the ledger stays."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import AuditEvent, InboundMessage, OutboundMessage, utcnow
from app.privacy.jobs import purge_all_forums


def _inbound(message_id):
    db.session.expire_all()
    return db.session.scalars(sa.select(InboundMessage).options(
        undefer(InboundMessage.raw), undefer(InboundMessage.html),
        undefer(InboundMessage.text_body)).filter_by(id=message_id)).one()


def test_old_decided_mail_loses_its_bytes_and_keeps_its_ledger(story):
    totals = purge_all_forums()
    assert totals == {"inbound": 1, "outbound": 1, "audit_events": 0}
    old = _inbound(story.old_in.id)
    assert (old.raw, old.html, old.text_body) == (None, None, None)
    assert old.purged_dt is not None
    assert (old.sender, old.subject, old.kind) == ("soren@vesterbro.test", "Afbud", "rsvp")
    assert old.decision == {"reasons": ["afbud"]}
    assert _inbound(story.new_in.id).raw is not None  # 10 days old: kept
    assert _inbound(story.waiting_in.id).raw is not None  # still waits for the secretary
    out = db.session.scalars(sa.select(OutboundMessage).options(undefer(OutboundMessage.raw))
                             .filter_by(id=story.old_out.id)).one()
    assert out.raw is None and out.recipient == "soren@vesterbro.test"


def test_a_second_run_purges_nothing_more(story):
    purge_all_forums()
    assert purge_all_forums() == {"inbound": 0, "outbound": 0, "audit_events": 0}


def test_each_forum_sets_its_own_periods(story, forum):
    forum.inbound_retention_days = 5
    forum.outbound_retention_days = 365
    db.session.commit()
    assert purge_all_forums() == {"inbound": 2, "outbound": 0, "audit_events": 0}


def test_audit_events_go_after_the_forums_years(story, forum):
    db.session.add(AuditEvent(forum_id=forum.id, actor="x", action="old", target_type="Forum",
                              target_id=forum.id, created_dt=utcnow() - timedelta(days=6 * 366)))
    db.session.commit()
    assert purge_all_forums()["audit_events"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "old")) == 0


def test_the_cli_says_what_it_purged(story, runner):
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0
    assert '"inbound": 1' in result.output
