"""Why the pipeline decided as it did: each reason a code and its values.

A Reason is also its English text (a str), so logs, tests and `flask mail explain
--json` read it as before; the code and values let the Post page and `mail explain
--lang da` say it in the reader's language (app/reason_text.py holds the catalogue
entries; app/mail stays free of Flask).
"""

from __future__ import annotations

from typing import Any

#: Code -> English text, with {name} for each value.
TEXTS: dict[str, str] = {
    # matching: which invitation a mail answers
    "token_names": "token names invitation {invitation}",
    "tokens_several": "tokens name several invitations",
    "token_unreadable": "token forged or unknown",
    "token_unknown_invitation": "token names invitation {invitation}, which is not known",
    "replies_to_ours": "replies to our message <{message_id}>",
    "itip_uid_match": "itip UID and attendee {address} match",
    "sender_one_open": "sender has one open invitation ({invitation})",
    "sender_several_open": "several open invitations",
    "no_match": "no invitation matched",
    "invitation_replaced": "invitation {invitation} was replaced by a newer one",
    # proof: may the answer be applied
    "sender_not_invitee": "sender not proven: {sender} is not the invited {invited}",
    "sender_not_proven": "sender not proven: {detail}",
    "sender_proven": "sender proven: {detail}",
    "no_from": "no From address",
    "no_trusted_server": "no trusted authserv-id configured",
    "exchange_tenant": "sender authenticated inside the Exchange Online tenant",
    "no_trusted_results": "no Authentication-Results from a trusted server",
    "dmarc_passed": "DMARC passed ({where})",
    "spf_dkim_passed": "SPF and DKIM passed ({where})",
    "server_not_proven": "receiving server did not prove the sender ({where})",
    "other_member_token": ("sender {sender} is another member of the forum; "
                           "the token is {invited}'s invitation"),
    # the words of an answer
    "body_says": "body says '{phrase}'",
    "subject_says": "subject says '{phrase}'",
    "body_no_answer": "body gives no answer",
    "subject_no_answer": "subject gives no answer",
    "conflicting": "conflicting answers: {shown}",
    "subject_vs_body": "subject says {subject} but body says {body}",
    "double_negation": "double negation: {detail}",
    "neg_two": "'{first}' and '{second}' in one sentence",
    "neg_governs": "'{word}' governs '{phrase}' from another clause",
    "neg_condition": "'{word}' inside a condition on the answer",
    "question": "contains a question",
    "malformed": "malformed MIME: text read as well as we could",
    "absence_with_answer": "absence notice ({phrases}) with an answer in it: a person confirms",
    "no_answer_to_secretariat": "mail to the secretariat with no answer in it",
    "nothing_named": "no invitation is named and no answer is given",
    # replies to our own notices
    "weak_against_recorded": "only {shown} against the recorded answer {status}",
    "would_change_ack": ("{shown} to our {label} would change the recorded answer {status}: "
                         "a person decides"),
    "acknowledges": "acknowledges our {label}{heard}: not an answer",
    "says_it_changes": "says it changes the recorded answer {status} ('{phrase}')",
    "would_change": "would change the recorded answer {status} to {answer} without saying so",
    # calendar replies
    "itip_not_answer": "itip {method}: not an answer",
    "itip_counter": "itip COUNTER proposes {when} UTC",
    "itip_organiser": "itip asks the organiser to act",
    "itip_single": "itip reply concerns a single occurrence",
    "itip_old_sequence": "itip reply answers SEQUENCE {got}, the invitation is at {current}",
    "itip_other_time": "itip reply is for {got} UTC, the meeting is at {current} UTC",
    "itip_uid_differs": "itip UID differs from the invitation's meeting",
    "itip_no_attendee": "itip reply has no ATTENDEE",
    "itip_partstat": "itip REPLY PARTSTAT={partstat}",
    "itip_delegated": "delegated to {to}: counted as declined",
    "itip_no_answer": "itip PARTSTAT is no answer",
    "itip_other_attendee": "itip attendee {address} (PARTSTAT={partstat}) is not the invited "
                           "{invited}",
    "itip_several_attendees": "itip reply names several attendees, none of them the sender",
    "itip_foreign": "itip {methods} from outside: not an answer",
    "calendar_not_reply": "calendar mail that is not a reply",
    # no person wrote it
    "loop": "loop: from our own address",
    "auto_submitted": "auto-submitted: {value}",
    "auto_header": "{header}: {value}",
    "precedence": "precedence: {value}",
    "mailing_list": "mailing list ({header})",
    "abuse_report": "abuse feedback report",
    "read_receipt": "read receipt (disposition notification)",
    "read_receipt_subject": "read receipt: subject '{subject}'",
    "subject_says_oof": "subject says '{phrase}' with X-Auto-Response-Suppress",
    "challenge_header": "challenge-response ({header})",
    "challenge_text": "challenge-response: asks the sender to verify",
    "absence": "absence notice: {phrases}",
    "recall_header": "Outlook message recall ({header})",
    "recall_subject": "Outlook message recall: subject '{subject}'",
    "recall_text": "Outlook message recall: asks to recall a message",
    "recall_not_answer": "a recall is not an answer",
    "recall_no_invitation": "no invitation named: a person finds the recalled message",
    "recall_check": ("recalls an earlier message about invitation {invitation} "
                     "(recorded answer: {status}): check that answer"),
    "delivery_notice": "delivery notice: subject '{subject}'",
    "meeting_forward": "meeting forward notification: '{phrase}'",
    "service_notice": "{service} notice from {sender}: not a reply",
    "sharing_notice": "sharing or chat notice from {sender}: not a reply",
    # bounces
    "x_failed_recipients": "X-Failed-Recipients header",
    "bounce_from": "from {who}, subject '{subject}'",
    "bounce_empty_return_path": "empty Return-Path, subject '{subject}'",
    "bounce_subject": "delivery failure subject, subject '{subject}'",
    "dsn_failed": "delivery status notification: failed",
    "dsn_actions": "delivery status notification: {actions}, not a failure",
    "dsn_unreadable": "delivery report without readable status",
    "bounce_return_path": "returned to the return path of our message {outbound}",
    "bounce_not_ours": "bounce does not refer to a message we sent",
    "bounce_other_recipient": "bounce names {named}, not the recipient of our message ({ours})",
    "bounce_refers": "refers to our message {message_ids}",
    # agenda items
    "agenda_attached": "forward with the original attached",
    "agenda_inline": "inline forward",
    "agenda_direct": "written to the agenda address",
    "agenda_no_headers": "forward subject, but no forwarded headers found",
    "also_reply_address": "also addressed to an invitation's reply address",
    # whatever is left
    "too_many_parts_read": "about {parts} MIME parts or nested mails: only the headers were read",
    "too_many_parts": "too many MIME parts to be an answer or an agenda item",
    "no_recipient": "no recipient we know and no reference to our mail",
    "not_addressed": "not addressed to the secretariat or the agenda address",
    "internal_error": "internal error: {detail}",
    # intake, before the pipeline
    "too_large": "too large: {size} bytes",
    "too_large_limit": "too large: {size} bytes (limit {limit})",
    "not_routed": "not addressed to any forum",
}


#: Codes of reasons that send a decision to review though they are no doubt themselves.
AGENDA_REVIEW = frozenset({"agenda_no_headers"})


class Reason(str):
    """One reason: its English text, with the code and values it was made from."""

    code: str
    values: dict[str, Any]

    def __new__(cls, code: str, **values: Any) -> Reason:
        """Make the reason CODE with VALUES (str, int, or a nested Reason)."""
        text = TEXTS[code].format(**values)
        self = super().__new__(cls, text)
        self.code, self.values = code, values
        return self

    def __reduce__(self):
        """Pickle and copy as code and values, not as the text alone."""
        return (_rebuild, (self.code, self.values))

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-safe data: code, values (nested reasons as data), English text."""
        values = {k: v.to_dict() if isinstance(v, Reason) else v for k, v in self.values.items()}
        return {"code": self.code, "values": values, "text": str(self)}


def _rebuild(code: str, values: dict[str, Any]) -> Reason:
    """Return Reason(CODE, **VALUES): the unpickler's way back."""
    return Reason(code, **values)


def reason(code: str, **values: Any) -> Reason:
    """Return the reason CODE with VALUES."""
    return Reason(code, **values)


def as_data(value: str) -> dict[str, Any] | str:
    """Return VALUE as stored: a Reason as its data, any other text as it is."""
    return value.to_dict() if isinstance(value, Reason) else str(value)
