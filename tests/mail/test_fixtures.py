"""Each fixture mail in tests/data, as a real client sends it, and its expected decision."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from app.mail.pipeline import decide

from .builders import DATA, fixture_context

# file: (kind, rsvp, invitation_id, matched_by, needs_review, a reason that must be given)
EXPECTED = {
    "rsvp/outlook_da_ja_tak.eml": ("rsvp", "accepted", 42, "token", False, "body says 'ja tak'"),
    "rsvp/outlook_da_afbud_cp1252.eml": ("rsvp", "declined", 46, "token", False, "afbud"),
    "rsvp/outlook_da_kan_ikke_in_reply_to.eml": (
        "rsvp", "declined", 43, "in-reply-to", False, "kan desværre ikke"),
    "rsvp/outlook_en_will_attend.eml": ("rsvp", "accepted", 48, "token", False, "i will attend"),
    "rsvp/outlook_web_html_only_da.eml": ("rsvp", "accepted", 43, "token", False, "deltager"),
    "rsvp/outlook_ios_en_not_sure.eml": ("rsvp", "tentative", 48, "token", False, "not sure"),
    "rsvp/gmail_da_jeg_kommer.eml": ("rsvp", "accepted", 44, "token", False, "jeg kommer"),
    "rsvp/gmail_en_cant_make_it.eml": ("rsvp", "declined", 48, "token", False, "can't make it"),
    "rsvp/gmail_html_only_en.eml": ("rsvp", "accepted", 48, "token", False, "count me in"),
    "rsvp/iphone_da_nej_desvaerre.eml": ("rsvp", "declined", 45, "token", False, "nej"),
    "rsvp/apple_mail_da_maaske.eml": ("rsvp", "tentative", 45, "token", False, "ikke endnu"),
    "rsvp/thunderbird_da_maaske_aa.eml": ("rsvp", "tentative", 47, "token", False, "maaske"),
    "rsvp/kan_godt_komme_men_senere.eml": ("rsvp", "accepted", 45, "token", False, "kan godt"),
    "rsvp/english_wont_be_able.eml": ("rsvp", "declined", 48, "token", False, "won't be able"),
    "rsvp/suppleant_forhindret.eml": ("rsvp", "declined", 46, "token", False, "suppleant"),
    "rsvp/accepteret_subject_marker.eml": ("rsvp", "accepted", 42, "token", False, "Accepteret"),
    "rsvp/subject_afbud_sender_match.eml": ("rsvp", "declined", 46, "sender", False, "afbud"),
    "rsvp/subject_afbud_two_open.eml": (
        "rsvp", "declined", None, None, True, "several open invitations"),
    "rsvp/conflict_nej_jeg_kommer_gerne.eml": ("rsvp", None, 42, "token", True, "conflicting"),
    "rsvp/question_ja_men_bilag.eml": (
        "rsvp", "accepted", 42, "token", True, "contains a question"),
    "rsvp/no_answer_question.eml": ("rsvp", None, 47, "token", True, "no answer"),
    "rsvp/forged_token_ja.eml": ("rsvp", "accepted", None, None, True, "token forged or unknown"),
    "itip/outlookcom_top_level_accepted.eml": (
        "rsvp", "accepted", 43, "token", False, "itip REPLY PARTSTAT=ACCEPTED"),
    "itip/gmail_nested_declined_comment.eml": (
        "rsvp", "declined", 44, "itip", False, "itip REPLY PARTSTAT=DECLINED"),
    "itip/apple_calendar_tentative_attachment.eml": (
        "rsvp", "tentative", 45, "token", False, "PARTSTAT=TENTATIVE"),
    "itip/exchange_no_organizer_declined.eml": (
        "rsvp", "declined", 46, "token", False, "PARTSTAT=DECLINED"),
    "itip/delegated.eml": ("rsvp", "declined", 48, "token", False, "delegated to jane.doe"),
    "itip/token_two_attendees.eml": ("rsvp", "declined", 42, "token", False, "PARTSTAT=DECLINED"),
    "itip/token_attendee_mismatch.eml": ("rsvp", None, 42, "token", True, "not the invited"),
    "itip/counter_new_time.eml": ("unknown", None, 48, "token", True, "COUNTER"),
    "itip/request_from_outside.eml": ("unknown", None, None, None, True, "itip REQUEST"),
    "noise/exchange_oof_automatisk_svar.eml": (
        "auto_reply", None, 42, "token", False, "auto-submitted: auto-generated"),
    "noise/outlook_oof_subject_only.eml": (
        "auto_reply", None, 48, "token", False, "Automatic reply"),
    "noise/gmail_vacation_responder.eml": (
        "auto_reply", None, 44, "token", False, "auto-submitted: auto-replied"),
    "noise/postfix_bounce_auto_replied.eml": (
        "bounce", None, 44, "in-reply-to", False, "failed"),
    "noise/exchange_ndr_kan_ikke_leveres.eml": (
        "bounce", None, 47, "in-reply-to", False, "failed"),
    "noise/gmail_bounce_in_reply_to.eml": (
        "bounce", None, 49, "in-reply-to", False, "X-Failed-Recipients"),
    "noise/delayed_dsn_warning.eml": (
        "auto_reply", None, None, None, False, "delayed, not a failure"),
    "noise/read_receipt_laest.eml": ("auto_reply", None, None, None, False, "read receipt"),
    "noise/loop_from_own_address.eml": (
        "auto_reply", None, 42, "token", False, "loop: from our own address"),
    "noise/mailing_list_newsletter.eml": ("auto_reply", None, None, None, False, "mailing list"),
    "agenda/outlook_da_vs_forward.eml": ("agenda_item", None, None, None, False, "inline forward"),
    "agenda/gmail_da_fwd.eml": ("agenda_item", None, None, None, False, "inline forward"),
    "agenda/apple_da_videresendt.eml": ("agenda_item", None, None, None, False, "inline forward"),
    "agenda/new_outlook_header_block.eml": (
        "agenda_item", None, None, None, False, "inline forward"),
    "agenda/thunderbird_en_forwarded_message.eml": (
        "agenda_item", None, None, None, False, "inline forward"),
    "agenda/outlook_attached_message_and_pdf.eml": (
        "agenda_item", None, None, None, False, "original attached"),
    "agenda/direct_mail_says_ja.eml": (
        "agenda_item", None, None, None, False, "written to the agenda address"),
    "agenda/delivered_to_only.eml": (
        "agenda_item", None, None, None, False, "written to the agenda address"),
    "unknown/to_someone_else.eml": ("unknown", None, None, None, True, "not addressed"),
    "unknown/secretariat_no_answer.eml": ("unknown", None, None, None, True, "no answer"),
    "malformed/garbage.eml": ("unknown", None, None, None, True, "no recipient"),
    "malformed/malformed_mime.eml": ("rsvp", "accepted", 42, "token", True, "malformed MIME"),
    # Absence notices without auto headers: noise, unless the person also answers.
    "absence/outlook_rule_da_ikke_paa_kontoret.eml": (
        "auto_reply", None, 42, "token", False, "absence notice"),
    "absence/iphone_da_ferie_til_og_med.eml": (
        "auto_reply", None, 45, "token", False, "absence notice"),
    "absence/gmail_en_out_of_office_until.eml": (
        "auto_reply", None, 48, "token", False, "absence notice"),
    "absence/outlook_en_annual_leave_returning.eml": (
        "auto_reply", None, 48, "token", False, "absence notice"),
    "absence/thunderbird_da_kursus_begraenset_adgang.eml": (
        "auto_reply", None, 47, "token", False, "absence notice"),
    "absence/outlook_da_barselsorlov.eml": (
        "auto_reply", None, 46, "token", False, "absence notice"),
    "absence/apple_mail_da_laeser_ikke_mails_foer.eml": (
        "auto_reply", None, 45, "token", False, "absence notice"),
    "absence/outlook_web_html_only_fravaerende.eml": (
        "auto_reply", None, 43, "token", False, "absence notice"),
    "absence/outlook_en_sick_leave_back_on.eml": (
        "auto_reply", None, 48, "token", False, "absence notice"),
    "absence/outlook_da_ferie_plus_own_decline.eml": (
        "rsvp", "declined", 42, "token", True, "absence notice"),
    "absence/gmail_da_ferie_den_uge_decline.eml": (
        "rsvp", "declined", 44, "token", False, "kan desværre ikke"),
    "absence/gmail_en_away_but_will_be_there.eml": (
        "rsvp", "accepted", 48, "token", True, "absence notice"),
    # Client notices in a person's name: none is an answer; a recall goes to a person.
    "notice/outlook_recall_da.eml": ("unknown", None, 43, "token", True, "recall"),
    "notice/outlook_recall_en_winmail.eml": ("unknown", None, 48, "token", True, "recall"),
    "notice/outlook_leveret_da.eml": (
        "auto_reply", None, 46, "in-reply-to", False, "delivery notice"),
    "notice/outlook_ikke_laest_da.eml": ("auto_reply", None, 43, "token", False, "read receipt"),
    "notice/exchange_meeting_forward_notification_en.eml": (
        "auto_reply", None, 48, "token", False, "meeting forward"),
    "notice/exchange_videresendt_moedeinvitation_da.eml": (
        "auto_reply", None, 46, "token", False, "meeting forward"),
    "notice/teams_da_har_sendt_dig_en_besked.eml": ("auto_reply", None, None, None, False, "teams"),
    "notice/teams_en_sent_you_a_message.eml": ("auto_reply", None, None, None, False, "teams"),
    "notice/sharepoint_da_har_delt.eml": ("auto_reply", None, None, None, False, "sharepoint"),
    # Negations the table cannot resolve go to a person; single ones still read.
    "negation/outlook_da_kan_ikke_se_hvorfor_ikke.eml": (
        "rsvp", None, 42, "token", True, "double negation"),
    "negation/gmail_da_ikke_fordi_jeg_ikke_vil.eml": (
        "rsvp", None, 44, "token", True, "double negation"),
    "negation/gmail_da_ikke_noget_imod.eml": ("rsvp", None, 44, "token", True, "double negation"),
    "negation/gmail_en_cant_say_i_wont.eml": ("rsvp", None, 48, "token", True, "double negation"),
    "negation/outlook_da_ingen_grund_til_ikke.eml": (
        "rsvp", None, 47, "token", True, "double negation"),
    "negation/outlook_da_tror_ikke_jeg_kommer.eml": (
        "rsvp", None, 43, "token", True, "double negation"),
    "negation/outlook_da_hvis_ikke_noget_kommer_i_vejen.eml": (
        "rsvp", None, 46, "token", True, "double negation"),
    "negation/gmail_en_dont_see_why_i_shouldnt.eml": (
        "rsvp", None, 48, "token", True, "double negation"),
    "negation/gmail_en_wouldnt_mind.eml": ("rsvp", None, 48, "token", True, "double negation"),
    "negation/outlook_da_kan_ikke_komme_da_ikke_fri.eml": (
        "rsvp", "declined", 42, "token", False, "kan desværre ikke"),
    "negation/gmail_en_cant_make_it_not_in_town.eml": (
        "rsvp", "declined", 48, "token", False, "can't make it"),
    "negation/gmail_da_ikke_noget_problem_jeg_kommer.eml": (
        "rsvp", "accepted", 44, "token", False, "jeg kommer"),
    "negation/outlook_da_kommer_ikke_har_ikke_tid.eml": (
        "rsvp", "declined", 47, "token", False, "kommer ikke"),
    # Replies to our confirmations, reminders and notices: acknowledgements are no answer.
    "ack/outlook_da_ok_tak_for_besked_alternate.eml": (
        "auto_reply", None, 51, "in-reply-to", False, "acknowledges"),
    "ack/gmail_da_super_tak_confirmation.eml": (
        "auto_reply", None, 57, "token", False, "acknowledges"),
    "ack/iphone_da_ja_tak_har_set_det.eml": (
        "auto_reply", None, 52, "in-reply-to", False, "acknowledges"),
    "ack/outlook_en_thanks_noted.eml": ("auto_reply", None, 53, "token", False, "acknowledges"),
    "ack/iphone_da_perfekt_thumbs.eml": ("auto_reply", None, 52, "token", False, "acknowledges"),
    "ack/gmail_en_great_see_you.eml": ("auto_reply", None, 53, "token", False, "acknowledges"),
    "ack/outlook_da_reminder_ok_tak.eml": ("auto_reply", None, 54, "token", False, "acknowledges"),
    "ack/outlook_da_alternate_kommer_alligevel.eml": (
        "rsvp", "accepted", 51, "token", False, "alligevel"),
    "ack/gmail_da_maa_alligevel_melde_afbud.eml": (
        "rsvp", "declined", 57, "token", False, "alligevel"),
    "ack/gmail_da_kommer_ikke_without_saying_change.eml": (
        "rsvp", "declined", 57, "token", True, "would change"),
    "ack/outlook_da_reminder_ja_jeg_kommer.eml": (
        "rsvp", "accepted", 54, "token", False, "jeg kommer"),
    "ack/thunderbird_da_som_sagt_kan_ikke.eml": (
        "rsvp", "declined", 55, "token", False, "kan jeg ikke"),
    "ack/thunderbird_da_tak_question.eml": ("rsvp", None, 55, "token", True, "question"),
    "ack/iphone_da_nej_to_accepted.eml": ("rsvp", "declined", 52, "token", True, "would change"),
    "ack/iphone_da_tentative_now_coming.eml": (
        "rsvp", "accepted", 56, "token", False, "jeg kommer"),
    # Another person of the forum answering through an invitee's token.
    "proxy/outlook_da_other_member_token.eml": (
        "rsvp", "accepted", 42, "token", True, "another member of the forum"),
    "proxy/gmail_da_alternate_answers_member_token.eml": (
        "rsvp", "accepted", 46, "token", True, "another member of the forum"),
    "proxy/gmail_en_other_member_token.eml": (
        "rsvp", "accepted", 47, "token", True, "another member of the forum"),
    "proxy/gmail_da_private_address_token.eml": ("rsvp", "accepted", 42, "token", False, "ja tak"),
    "proxy/outlook_da_invitee_capitalised.eml": (
        "rsvp", "accepted", 42, "token", False, "deltager"),
}
CTX = fixture_context()


def _decide(name: str):
    return decide((DATA / name).read_bytes(), CTX)


def test_every_fixture_has_an_expectation():
    on_disk = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*.eml")}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 100


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_decision(name):
    kind, rsvp, invitation_id, matched_by, review, reason = EXPECTED[name]
    decision = _decide(name)
    got = (decision.kind, decision.rsvp, decision.invitation_id, decision.matched_by,
           decision.needs_review)
    assert got == (kind, rsvp, invitation_id, matched_by, review), decision.reasons
    assert any(reason.lower() in r.lower() for r in decision.reasons), decision.reasons
    json.dumps(decision.to_dict())  # always JSON-safe


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if EXPECTED[n][0] == "rsvp"))
def test_rsvp_comment_holds_only_own_words(name):
    decision = _decide(name)
    assert "Du inviteres hermed" not in decision.comment
    assert "You are invited" not in decision.comment
    assert decision.via == ("calendar" if name.startswith("itip/") else "mail")


def test_itip_comment_and_sender_fields():
    decision = _decide("itip/gmail_nested_declined_comment.eml")
    assert decision.comment == "Jeg er på ferie den uge"
    assert decision.sender == "mette.larsen@gmail.com"
    assert decision.sender_name == "Mette Larsen"
    assert decision.subject.startswith("Afvist: Møde i Samarbejdsforum")


def test_danish_charsets_are_decoded():
    cp1252 = _decide("rsvp/outlook_da_afbud_cp1252.eml")
    assert cp1252.sender_name == "Lars Bæk"
    assert "må desværre melde afbud – jeg er på kursus" in cp1252.comment
    latin1 = _decide("rsvp/outlook_da_kan_ikke_in_reply_to.eml")
    assert "desværre" in latin1.comment
    assert latin1.message_id.endswith("@PAXPR02MB7312.eurprd02.prod.outlook.com")
    assert latin1.in_reply_to == "inv-43-20260224T091200@samarbejdsforum.test"


def test_bounce_names_the_failed_recipient():
    assert _decide("noise/postfix_bounce_auto_replied.eml").bounced_recipients == [
        "mette.larsn@gmail.com"]
    assert _decide("noise/exchange_ndr_kan_ikke_leveres.eml").bounced_recipients == [
        "karen@fagforening.example.dk"]
    assert _decide("noise/gmail_bounce_in_reply_to.eml").bounced_recipients == [
        "birgitte.due@exampel.dk"]


@pytest.mark.parametrize(("name", "sender", "subject", "body_start", "note"), [
    ("agenda/outlook_da_vs_forward.eml", "foraeldreraad@skole.example.dk",
     "Trafikforhold ved skolen", "Kære politikere", "Hej\n\nKan vi få denne henvendelse"),
    ("agenda/gmail_da_fwd.eml", "jens.hansen@boligforening.example.dk",
     "Belysning i gården", "Hej Mette", "Til næste møde."),
    ("agenda/apple_da_videresendt.eml", "kontakt@cykelklub.example.dk",
     "Cykelparkering ved stationen", "Der mangler 200", "Se nedenstående"),
    ("agenda/new_outlook_header_block.eml", "tmf@kommune.example.dk",
     "Høring om ny affaldsordning", "Forvaltningen sender", "Hej\n\nTil orientering"),
    ("agenda/thunderbird_en_forwarded_message.eml", "maria.berg@union.example.org",
     "Housing for seasonal workers", "Dear John", "Please put this on the agenda."),
    ("agenda/outlook_attached_message_and_pdf.eml", "borgerservice@kommune.example.dk",
     "Klage over støj fra byggeplads", "Vi har modtaget 14 klager", "Til dagsordenen"),
    ("agenda/direct_mail_says_ja.eml", "karen@fagforening.example.dk",
     "Forslag: Arbejdsmiljø i hjemmeplejen", "Ja, jeg kommer gerne", ""),
])
def test_agenda_draft(name, sender, subject, body_start, note):
    draft = _decide(name).agenda
    assert draft is not None
    assert (draft.original_sender, draft.original_subject) == (sender, subject)
    assert draft.body.startswith(body_start)
    assert draft.note.startswith(note)
    assert draft.original_date


def test_agenda_forward_as_attachment_keeps_files_and_date():
    decision = _decide("agenda/outlook_attached_message_and_pdf.eml")
    draft = decision.agenda
    assert [(a.filename, a.content_type) for a in draft.attachments] == [
        ("Støjmåling februar.pdf", "application/pdf")]
    assert draft.attachments[0].data.startswith(b"%PDF-1.4")
    assert isinstance(draft.original_date, datetime)
    assert draft.original_sender_name == "Borgerservice"
    as_dict = decision.to_dict()["agenda"]
    assert as_dict["attachments"] == [{"filename": "Støjmåling februar.pdf",
                                       "content_type": "application/pdf",
                                       "size": len(draft.attachments[0].data)}]
