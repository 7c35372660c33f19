"""The invitation's agenda shows what a forwarded item is about, not the forwarder's greeting."""

from pathlib import Path

from app.extensions import db
from app.mail.agenda import agenda_draft
from app.mail.parse import parse
from app.services import agenda, mailinfo

AGENDA = Path(__file__).resolve().parents[1] / "data" / "agenda"


def test_a_forwarded_item_is_summarised_by_its_original(app, forum, make_meeting):
    mail = parse((AGENDA / "outlook_da_vs_forward.eml").read_bytes())
    draft, _reasons = agenda_draft(mail)
    item = agenda.from_mail(forum, draft, mail.sender, mail.sender_name)
    meeting = make_meeting()
    agenda.approve(item, meeting, "sekretaer")
    db.session.commit()
    (line,) = mailinfo.agenda_lines(meeting)
    assert line.title == "Trafikforhold ved skolen"
    assert line.summary.startswith("Vi er en gruppe forældre fra Nørrebro Skole")
    assert "Hej" not in line.summary and "Kære" not in line.summary
