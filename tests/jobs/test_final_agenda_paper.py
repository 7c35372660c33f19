"""The final agenda (seven days before) carries the agenda as a PDF, one rendering for all."""

import io

from pypdf import PdfReader

from app import jobs
from app.extensions import db
from app.models import AgendaItem, AgendaStatus
from app.services import meetings
from tests.jobs.conftest import parse


def test_the_final_agenda_carries_the_agenda_pdf(app, committee, smtp, work):
    meeting, _seats = committee
    for n, title in enumerate(["Tryghed på Halmtorvet", "Grønne gårde i Kødbyen"], 1):
        db.session.add(AgendaItem(forum=meeting.forum, meeting=meeting, title=title, position=n,
                                  submitter_name="Søren Ærø", status=AgendaStatus.approved))
    db.session.commit()
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    smtp.reset()
    jobs.enqueue(jobs.send_final_agenda, meeting.id, meeting.sequence)
    work()
    mails = [parse(r) for r in smtp.messages]
    assert len(mails) == 3
    day = meetings.local_day(meeting.forum, meeting.start_dt).isoformat()
    for mail in mails:
        (pdf,) = list(mail.iter_attachments())
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_filename() == f"dagsorden-{day}.pdf"
        text = "\n".join(p.extract_text()
                         for p in PdfReader(io.BytesIO(pdf.get_content())).pages)
        assert text.index("1. Tryghed på Halmtorvet") < text.index("2. Grønne gårde i Kødbyen")
        assert "Indsendt af Søren Ærø" in text and "Mændenes Hjem" in text
        assert f"dagsorden-{day}.pdf" in mail.get_body(("plain",)).get_content()
