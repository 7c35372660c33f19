"""The reasons of app/mail in the reader's language: each code's catalogue entry.

app/mail makes reasons as codes and values (app/mail/reasons.py) and stays free of Flask;
this renders them, on the Post page and in `flask mail explain`. A reason stored before
reasons had codes (plain English text) is shown as it is.
"""

from __future__ import annotations

from typing import Any

from app.filters import status_label
from app.i18n import lazy_gettext as _l

#: Code -> English msgid, with %(name)s for each value.
MESSAGES = {
    "token_names": _l("token names invitation %(invitation)s"),
    "tokens_several": _l("tokens name several invitations"),
    "token_unreadable": _l("token forged or unknown"),
    "token_unknown_invitation": _l("token names invitation %(invitation)s, which is not known"),
    "replies_to_ours": _l("replies to our message <%(message_id)s>"),
    "itip_uid_match": _l("itip UID and attendee %(address)s match"),
    "sender_one_open": _l("sender has one open invitation (%(invitation)s)"),
    "sender_several_open": _l("several open invitations"),
    "no_match": _l("no invitation matched"),
    "invitation_replaced": _l("invitation %(invitation)s was replaced by a newer one"),
    "sender_not_invitee": _l("sender not proven: %(sender)s is not the invited %(invited)s"),
    "sender_not_proven": _l("sender not proven: %(detail)s"),
    "sender_proven": _l("sender proven: %(detail)s"),
    "no_from": _l("no From address"),
    "no_trusted_server": _l("no trusted authserv-id configured"),
    "exchange_tenant": _l("sender authenticated inside the Exchange Online tenant"),
    "no_trusted_results": _l("no Authentication-Results from a trusted server"),
    "dmarc_passed": _l("DMARC passed (%(where)s)"),
    "spf_dkim_passed": _l("SPF and DKIM passed (%(where)s)"),
    "server_not_proven": _l("receiving server did not prove the sender (%(where)s)"),
    "other_member_token": _l(
        "sender %(sender)s is another member of the forum; the token is %(invited)s's invitation"),
    "body_says": _l("body says '%(phrase)s'"),
    "subject_says": _l("subject says '%(phrase)s'"),
    "body_no_answer": _l("body gives no answer"),
    "subject_no_answer": _l("subject gives no answer"),
    "conflicting": _l("conflicting answers: %(shown)s"),
    "subject_vs_body": _l("subject says %(subject)s but body says %(body)s"),
    "double_negation": _l("double negation: %(detail)s"),
    "neg_two": _l("'%(first)s' and '%(second)s' in one sentence"),
    "neg_governs": _l("'%(word)s' governs '%(phrase)s' from another clause"),
    "neg_condition": _l("'%(word)s' inside a condition on the answer"),
    "question": _l("contains a question"),
    "malformed": _l("malformed MIME: text read as well as we could"),
    "absence_with_answer": _l(
        "absence notice (%(phrases)s) with an answer in it: a person confirms"),
    "no_answer_to_secretariat": _l("mail to the secretariat with no answer in it"),
    "nothing_named": _l("no invitation is named and no answer is given"),
    "weak_against_recorded": _l("only %(shown)s against the recorded answer %(status)s"),
    "would_change_ack": _l(
        "%(shown)s to our %(label)s would change the recorded answer %(status)s: a "
        "person decides"),
    "acknowledges": _l("acknowledges our %(label)s%(heard)s: not an answer"),
    "says_it_changes": _l("says it changes the recorded answer %(status)s ('%(phrase)s')"),
    "would_change": _l(
        "would change the recorded answer %(status)s to %(answer)s without saying so"),
    "itip_not_answer": _l("itip %(method)s: not an answer"),
    "itip_counter": _l("itip COUNTER proposes %(when)s UTC"),
    "itip_organiser": _l("itip asks the organiser to act"),
    "itip_single": _l("itip reply concerns a single occurrence"),
    "itip_old_sequence": _l(
        "itip reply answers SEQUENCE %(got)s, the invitation is at %(current)s"),
    "itip_other_time": _l("itip reply is for %(got)s UTC, the meeting is at %(current)s UTC"),
    "itip_uid_differs": _l("itip UID differs from the invitation's meeting"),
    "itip_no_attendee": _l("itip reply has no ATTENDEE"),
    "itip_partstat": _l("itip REPLY PARTSTAT=%(partstat)s"),
    "itip_delegated": _l("delegated to %(to)s: counted as declined"),
    "itip_no_answer": _l("itip PARTSTAT is no answer"),
    "itip_other_attendee": _l(
        "itip attendee %(address)s (PARTSTAT=%(partstat)s) is not the invited %(invited)s"),
    "itip_several_attendees": _l("itip reply names several attendees, none of them the sender"),
    "itip_foreign": _l("itip %(methods)s from outside: not an answer"),
    "calendar_not_reply": _l("calendar mail that is not a reply"),
    "loop": _l("loop: from our own address"),
    "auto_submitted": _l("auto-submitted: %(value)s"),
    "auto_header": _l("%(header)s: %(value)s"),
    "precedence": _l("precedence: %(value)s"),
    "mailing_list": _l("mailing list (%(header)s)"),
    "abuse_report": _l("abuse feedback report"),
    "read_receipt": _l("read receipt (disposition notification)"),
    "read_receipt_subject": _l("read receipt: subject '%(subject)s'"),
    "subject_says_oof": _l("subject says '%(phrase)s' with X-Auto-Response-Suppress"),
    "challenge_header": _l("challenge-response (%(header)s)"),
    "challenge_text": _l("challenge-response: asks the sender to verify"),
    "absence": _l("absence notice: %(phrases)s"),
    "recall_header": _l("Outlook message recall (%(header)s)"),
    "recall_subject": _l("Outlook message recall: subject '%(subject)s'"),
    "recall_text": _l("Outlook message recall: asks to recall a message"),
    "recall_not_answer": _l("a recall is not an answer"),
    "recall_no_invitation": _l("no invitation named: a person finds the recalled message"),
    "recall_check": _l(
        "recalls an earlier message about invitation %(invitation)s (recorded answer: "
        "%(status)s): check that answer"),
    "delivery_notice": _l("delivery notice: subject '%(subject)s'"),
    "meeting_forward": _l("meeting forward notification: '%(phrase)s'"),
    "service_notice": _l("%(service)s notice from %(sender)s: not a reply"),
    "sharing_notice": _l("sharing or chat notice from %(sender)s: not a reply"),
    "x_failed_recipients": _l("X-Failed-Recipients header"),
    "bounce_from": _l("from %(who)s, subject '%(subject)s'"),
    "bounce_empty_return_path": _l("empty Return-Path, subject '%(subject)s'"),
    "bounce_subject": _l("delivery failure subject, subject '%(subject)s'"),
    "dsn_failed": _l("delivery status notification: failed"),
    "dsn_actions": _l("delivery status notification: %(actions)s, not a failure"),
    "dsn_unreadable": _l("delivery report without readable status"),
    "bounce_return_path": _l("returned to the return path of our message %(outbound)s"),
    "bounce_not_ours": _l("bounce does not refer to a message we sent"),
    "bounce_other_recipient": _l(
        "bounce names %(named)s, not the recipient of our message (%(ours)s)"),
    "bounce_refers": _l("refers to our message %(message_ids)s"),
    "agenda_attached": _l("forward with the original attached"),
    "agenda_inline": _l("inline forward"),
    "agenda_direct": _l("written to the agenda address"),
    "agenda_no_headers": _l("forward subject, but no forwarded headers found"),
    "also_reply_address": _l("also addressed to an invitation's reply address"),
    "too_many_parts_read": _l(
        "about %(parts)s MIME parts or nested mails: only the headers were read"),
    "too_many_parts": _l("too many MIME parts to be an answer or an agenda item"),
    "no_recipient": _l("no recipient we know and no reference to our mail"),
    "not_addressed": _l("not addressed to the secretariat or the agenda address"),
    "internal_error": _l("internal error: %(detail)s"),
    "too_large": _l("too large: %(size)s bytes"),
    "too_large_limit": _l("too large: %(size)s bytes (limit %(limit)s)"),
    "not_routed": _l("not addressed to any forum"),
}

def _our_mail(kind: str) -> str:
    """Return how a reason names our mail of KIND, in the reader's language."""
    labels = {"alternate_called": _l("notice that the alternate is called in"),
              "alternate_released": _l("release notice"), "agenda_receipt": _l("agenda receipt"),
              "final_agenda": _l("final agenda"), "reminder": _l("reminder"),
              "confirmation": _l("confirmation"), "minutes": _l("minutes")}
    return str(labels.get(kind, kind.replace("_", " ")))


def _value(name: str, value: Any, values: dict[str, Any]) -> Any:
    """Return VALUE ready for the reader: nested reasons rendered, answers in words."""
    if isinstance(value, dict):
        return render(value)
    if name in ("status", "answer", "subject", "body") and value in _ANSWERS:
        return status_label(value).lower()
    if name == "label" and values.get("kind"):
        return _our_mail(values["kind"])
    return value


_ANSWERS = ("pending", "accepted", "declined", "tentative", "replaced")


def render(item: Any) -> str:
    """Return a stored reason in the reader's language: {"code", "values", "text"} through
    the catalogue, an unknown code as its English text, and plain text as it is."""
    if not isinstance(item, dict):
        return str(item or "")
    message = MESSAGES.get(item.get("code", ""))
    values = item.get("values") or {}
    if message is None:
        return str(item.get("text") or item.get("code") or "")
    try:
        # The lazy string translates in the locale of whoever reads it, now.
        return str(message) % {k: _value(k, v, values) for k, v in values.items()}
    except (KeyError, TypeError, ValueError):  # a value missing: the English says it all
        return str(item.get("text") or "")


def of_message(message) -> list[str]:
    """Return the reasons of an inbound message in the reader's language: the decision's,
    else the reason stored with it (mail quarantined before any decision)."""
    found = (message.decision or {}).get("reasons") or []
    return [render(r) for r in found] or ([render(message.reason)] if message.reason else [])
