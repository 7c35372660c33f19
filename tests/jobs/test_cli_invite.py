"""`flask meetings invite ID`: the secretary's button, from the command line."""

from app.extensions import db
from app.services import meetings


def test_invite_queues_the_job_for_the_worker(app, committee, smtp, work, runner):
    meeting, _ = committee
    result = runner.invoke(args=["meetings", "invite", str(meeting.id)])
    assert result.exit_code == 0, result.output
    assert "queued for the job worker" in result.output
    assert smtp.messages == []
    work()
    assert len(smtp.messages) == 3


def test_invite_now_sends_in_the_command_itself(app, committee, smtp, runner):
    meeting_id = str(committee[0].id)  # the job ends its session: keep the plain id
    result = runner.invoke(args=["meetings", "invite", meeting_id, "--now"])
    assert result.exit_code == 0, result.output
    assert "3 invitations sent" in result.output
    assert sorted(r.rcpt_tos[0] for r in smtp.messages) == [
        "medlem1@x.test", "medlem2@x.test", "medlem3@x.test"]
    again = runner.invoke(args=["meetings", "invite", meeting_id, "--now"])
    assert "0 invitations sent" in again.output and len(smtp.messages) == 3


def test_invite_refuses_a_cancelled_or_unknown_meeting(app, committee, smtp, runner):
    meeting, _ = committee
    meetings.cancel(meeting, "Aflyst")
    db.session.commit()
    result = runner.invoke(args=["meetings", "invite", str(meeting.id)])
    assert result.exit_code == 1 and "is cancelled" in result.output
    result = runner.invoke(args=["meetings", "invite", "9999"])
    assert result.exit_code == 1 and "No meeting with id 9999" in result.output
    assert smtp.messages == []
