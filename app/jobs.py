"""RQ jobs: plain functions of ids, idempotent and safe to retry.

A job reloads its rows, does its work, commits, and only then hands mail to the
server; the outbound ledger makes a retried job skip what already left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from flask import current_app
from rq import Retry

from app import delivery, jobs_followups, sendlock
from app.embedded import ensure_redis
from app.extensions import db, rq
from app.mail.messages import Attachment
from app.mailer import LoginError, server_of, transport
from app.models import (
    Followup,
    Forum,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    OutboundMessage,
    OutboundState,
    utcnow,
)
from app.paper import render as paper_render
from app.services import invitation_sync, invitations, notify, outbound
from app.services import notices as notices_service
from app.services.mailaccounts import state as account_state
from app.services.mailaccounts.runtime import sender_of
from app.services.mailinfo import meeting_info

log = logging.getLogger(__name__)


def _retry() -> Retry:
    """Return the retry policy: SMTP trouble is retried with backoff (JOB_RETRY_INTERVALS)."""
    intervals = current_app.config["JOB_RETRY_INTERVALS"]
    return Retry(max=len(intervals), interval=list(intervals))


def ensure_queue() -> None:
    """Start the embedded Redis if it is the queue and not running (a command without
    `make run`): jobs enqueue in it, and sending takes its forum locks there."""
    if current_app.config.get("REDIS_EMBEDDED"):
        ensure_redis(current_app.instance_path)


def enqueue(func: Callable, *args, **kwargs):
    """Put FUNC(*ARGS) on the default queue, with retries."""
    ensure_queue()
    return rq.queue.enqueue(func, *args, retry=_retry(), **kwargs)


def enqueue_all(followups: Iterable[Followup | None]) -> bool:
    """Hand the follow-ups that committed work recorded to the queue; call after the commit.

    Never raises: what the queue does not take now, the sweep enqueues later.
    """
    return jobs_followups.release(followups)


def send_rows(rows: Iterable[OutboundMessage]) -> None:
    """Enqueue the sending of queued ledger rows; call only after the commit."""
    ids = [row.id for row in rows if row is not None]
    if ids:
        enqueue(send_outbound, ids)


def notify_later(followup: Followup | None) -> bool:
    """Hand the follow-up `invitations.record_answer` recorded to the queue; after the commit."""
    return enqueue_all([followup])


def send_notices(notices: list) -> int:
    """Compose, queue and send the notices a service asked for (answers' consequences)."""
    ids = queued_ids(notices_service.queue(notices))
    db.session.commit()
    return send_outbound(ids)


def queued_ids(rows: Iterable[OutboundMessage | None]) -> list[int]:
    """Return the ids of the queued ROWS, read before the commit expires them."""
    rows = [row for row in rows if row is not None]
    if any(row.id is None for row in rows):
        db.session.flush()
    return [row.id for row in rows]


def send_outbound(ids: list[int]) -> int:
    """Send the queue of each forum that has messages among IDS, within its rate; return
    how many left."""
    sent = 0
    for forum_id in sorted(outbound.queued_by_forum(ids)):
        sent += send_queued(forum_id)
    return sent


def send_queued(forum_id: int) -> int:
    """Send what FORUM_ID has queued, within its rate (the rest of a rate-limited batch)."""
    try:
        return _deliver(forum_id)
    finally:
        db.session.remove()


def _deliver(forum_id: int) -> int:
    """Send FORUM_ID's queued messages on one connection, marking each as it leaves.

    The whole queue, most urgent first, not only the messages of the job at hand:
    the invitations of a meeting go before receipts queued earlier, whichever job
    sends them.
    """
    with sendlock.sending(forum_id) as lock:
        forum, account = sender_of(forum_id)
        if forum is None:
            return 0
        # Read only now: a job that held the lock before may have sent some of them.
        budget = max(forum.send_per_minute - outbound.sent_last_minute(forum_id), 0)
        batch, more = outbound.forum_queue(forum_id, budget)
        if more:
            # The forum's mailbox allows only so many a minute: the rest waits its turn.
            _send_later(forum_id)
        server, mailbox = server_of(account)
        # A mail account's server accepts its own mailbox as the envelope sender.
        sender = mailbox or forum.sender_address
        secret = invitations.token_secret() if current_app.config["MAIL_VERP"] else None
        # The session's reads are done: end its transaction, and mark on a connection
        # held for the whole batch. It autocommits: each mark is one durable statement,
        # one round trip instead of BEGIN, UPDATE and COMMIT.
        db.session.commit()
        if not batch:
            return 0
        try:
            with outbound.ledger_connection() as ledger, transport(server) as mailer:
                return delivery.Batch(sender, ledger, mailer, lock, secret).send(batch)
        except LoginError as exc:
            if server is not None:  # the page says what went wrong with the mailbox
                account_state.failed(server.login.account_id, exc)
            raise


def _send_later(forum_id: int) -> None:
    """Send FORUM_ID's queue again in 61 s, unless a job that will is already scheduled.

    Called with the forum's send lock held. One later job a minute, however many
    jobs found the minute's budget spent: each of them sends the whole queue anyway.
    """
    if rq.queue.connection.set(f"forumpost:send-later:{forum_id}", 1, nx=True, ex=60):
        rq.queue.enqueue_in(timedelta(seconds=61), send_queued, forum_id, retry=_retry())


def send_invitations(meeting_id: int) -> int:
    """Invite everyone due for the meeting, send their invitations, schedule reminders."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return 0
    if meeting.start_dt <= utcnow():
        log.info("Not inviting to %s: it has begun", meeting)
        return 0
    sent = invitation_sync.send_round(meeting, actor="jobs")
    # Committed before composing: a write holds the database (SQLite: all of it) until
    # its commit, and another worker's marks would wait for the whole composition. A
    # crash before the next commit leaves invitations without mail, which a retry or
    # the secretary sending again queues, since invite() skips who is invited.
    _commit_keeping_loaded()
    enqueue_all([sent.followup])  # the CANCELs of those withdrawn
    ids = invitations.queue_invitations(meeting)
    # Read before the commit expires them: the later steps need no reads of their own.
    meeting_id, sequence, start = meeting.id, meeting.sequence, meeting.start_dt
    forum_id, days = meeting.forum_id, _reminder_days(meeting.forum)
    db.session.commit()
    schedule_reminders(meeting_id, sequence, start, days=days)
    return send_queued(forum_id) if ids else 0


def _commit_keeping_loaded() -> None:
    """Commit, keeping what the session has loaded instead of reading it all again.

    Composing follows at once and needs the meeting, its forum and its invitations as
    they were just read and written; expired, each would be one more query.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _reminder_days(forum: Forum | None) -> tuple[int, int]:
    """Return how many days before a meeting FORUM sends its final agenda and reminder."""
    config = current_app.config
    return (_forum_or(forum, "final_agenda_days", config["FINAL_AGENDA_DAYS"]),
            _forum_or(forum, "reminder_days", config["REMINDER_DAYS"]))


def schedule_reminders(meeting_id: int, sequence: int, start: datetime,
                       days: tuple[int, int] | None = None) -> list[str]:
    """Schedule the reminder and the final agenda for this version (SEQUENCE, START) of
    the meeting, DAYS before it (final agenda, reminder; the forum's when not given).

    The jobs live in Redis, so they survive a worker restart; their ids name the
    meeting and its SEQUENCE, so scheduling again replaces rather than doubles them.
    """
    if days is None:
        days = _reminder_days(db.session.scalar(
            db.select(Forum).join(Meeting, Meeting.forum_id == Forum.id)
            .where(Meeting.id == meeting_id)))
    now, scheduled = utcnow(), []
    # One pipeline: the two jobs reach Redis in one exchange, not a dozen.
    with rq.queue.connection.pipeline() as pipe:
        for func, before in zip((send_final_agenda, send_reminders), days, strict=True):
            when = start - timedelta(days=before)
            if when > now:
                job_id = f"{func.__name__}-{meeting_id}-{sequence}"
                rq.queue.enqueue_at(when, func, meeting_id, sequence, job_id=job_id,
                                    retry=_retry(), pipeline=pipe)
                scheduled.append(job_id)
        pipe.execute()
    return scheduled


def _forum_or(forum: Forum | None, setting: str, default: int) -> int:
    """Return the FORUM's own SETTING, or the installation's DEFAULT when it has none."""
    value = getattr(forum, setting, None)
    return default if value is None else value


def _current(meeting_id: int, sequence: int) -> Meeting | None:
    """Return the meeting if it is still invited at SEQUENCE (not moved or cancelled)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.sequence != sequence:
        return None
    return meeting if meeting.status is MeetingStatus.invited else None


def send_reminders(meeting_id: int, sequence: int, on_demand: str | None = None) -> int:
    """Remind everyone who has not answered: the scheduled reminder, or one the secretary
    asks for ON_DEMAND (named by its day, so asking twice a day sends it once)."""
    meeting = _current(meeting_id, sequence)
    if meeting is None or meeting.start_dt <= utcnow():
        return 0
    info, ledger = meeting_info(meeting), outbound.LedgerView(meeting.id)
    for inv in invitations.invitations_of(meeting):
        if inv.status is InvitationStatus.pending:
            notify.reminder(inv, info, ledger, on_demand)
    ids = ledger.insert()
    db.session.commit()
    return send_outbound(ids)


def remind_now(meeting: Meeting) -> int:
    """Enqueue a reminder to those of MEETING who have not answered; return how many.

    The scheduled reminder's job, with a key of today's: it comes besides the scheduled
    one, and asking twice the same day sends it once.
    """
    waiting = [i for i in invitations.invitations_of(meeting)
               if i.status is InvitationStatus.pending and not i.person.is_bouncing]
    if waiting:
        today = utcnow().date().isoformat()
        enqueue(send_reminders, meeting.id, meeting.sequence, f"now-{today}",
                job_id=f"send_reminders-{meeting.id}-{meeting.sequence}-now-{today}")
    return len(waiting)


def send_final_agenda(meeting_id: int, sequence: int) -> int:
    """Send the final agenda to everyone still invited who has not declined."""
    meeting = _current(meeting_id, sequence)
    if meeting is None:
        return 0
    info, ledger = meeting_info(meeting), outbound.LedgerView(meeting.id)
    paper = agenda_paper(meeting)  # rendered once: the same PDF goes to everyone
    if paper is None:
        log.error("The final agenda of %s goes without its PDF", meeting)
    skip = (InvitationStatus.declined, InvitationStatus.replaced)
    for inv in invitations.invitations_of(meeting):
        if inv.status not in skip:
            notify.final_agenda(inv, info, ledger, paper)
    ids = ledger.insert()
    db.session.commit()
    return send_outbound(ids)


def agenda_paper(meeting: Meeting) -> Attachment | None:
    """Return the meeting's agenda as a PDF attachment, or None if it cannot be drawn."""
    try:
        data = paper_render.pdf(paper_render.agenda_html(meeting))
    except OSError:
        # Pango missing (a machine set up without `make`): the agenda in the mail's text
        # must still go out seven days before; a retry would not bring the library.
        log.exception("The agenda of %s could not be drawn as PDF", meeting)
        return None
    return Attachment(paper_render.filename(meeting, "agenda"), "application/pdf", data)


def send_cancellations(meeting_id: int) -> int:
    """Send the CANCEL of a cancelled meeting to everyone invited."""
    meeting = db.session.get(Meeting, meeting_id)
    forum_id = meeting.forum_id
    ids = invitations.queue_cancellations(meeting)
    db.session.commit()
    return send_queued(forum_id) if ids else 0


def sweep_outbound(older_than_seconds: int = 120) -> int:
    """Enqueue the follow-ups and send the mail still waiting after a while: a queue away
    at a commit, or a crash between commit and enqueue, would otherwise leave them
    waiting for ever (cron, every few minutes)."""
    jobs_followups.sweep(older_than_seconds)
    since = utcnow() - timedelta(seconds=older_than_seconds)
    stmt = db.select(OutboundMessage.id).where(OutboundMessage.state == OutboundState.queued,
                                               OutboundMessage.created_dt < since)
    ids = list(db.session.scalars(stmt))
    return send_outbound(ids) if ids else 0
