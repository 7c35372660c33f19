"""The mails we sent, as members' clients quote them: the invitation and three notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tests.heldout._mime import local
from tests.heldout.context import (
    MEMBERS,
    NOTICES,
    SENDER,
    TITLE,
    invitation_message_id,
    token_address,
)

FORUM = "Samarbejdsforum"
INVITED = local(2026, 2, 24, 9, 12, 3)
SUBJECT = f"Indkaldelse: {TITLE}"
WHEN = "torsdag den 12. marts 2026 kl. 16.00-18.00"
WHEN_EN = "Thursday 12 March 2026, 16:00-18:00"
PLACE = "Rådhuset, mødelokale 3"


@dataclass(frozen=True)
class Original:
    """One mail of ours that a member answers."""

    subject: str
    dt: datetime
    body: str
    msgid: str  # without <>
    invitation_id: int
    from_name: str = FORUM
    from_addr: str = SENDER

    @property
    def member(self):
        """Return the member this mail went to."""
        return MEMBERS[self.invitation_id]

    @property
    def reply_to(self) -> str:
        """Return the token address this mail's Reply-To carried."""
        return token_address(self.invitation_id)


_AGENDA = """Dagsorden (godkendte punkter indtil nu):
1. Godkendelse af dagsorden
2. Budgetopfølgning 2026
   Økonomiafdelingen gennemgår forbruget for januar og februar.
3. Arbejdsmiljø: status på trivselsmålingen
4. Eventuelt"""

_SIGNATURE = """Med venlig hilsen
Sekretariatet
Samarbejdsforum"""

_SIGNATURE_EN = """Kind regards
Sekretariatet
Samarbejdsforum"""


def invitation(invitation_id: int) -> Original:
    """Return our invitation mail to INVITATION_ID as it was sent."""
    m = MEMBERS[invitation_id]
    body = f"""Kære {m.name}

Du er indkaldt til {TITLE}.

Tid:  {WHEN}
Sted: {PLACE}

{_AGENDA}

Svar ja eller nej på denne mail, eller brug knapperne i din kalender.

{_SIGNATURE}"""
    return Original(SUBJECT, INVITED, body, invitation_message_id(invitation_id), invitation_id)


def confirm_declined_103() -> Original:
    """Return the confirmation of Henrik's apologies, naming his alternate."""
    body = f"""Kære Henrik Lund

Tak, vi har noteret dit afbud. Din suppleant Pia Mikkelsen er indkaldt.

{TITLE}
Tid:  {WHEN}
Sted: {PLACE}

Hvis dine planer ændrer sig, så svar på indkaldelsen igen.

{_SIGNATURE}

Denne besked er sendt automatisk."""
    msgid, inv = NOTICES["confirm-103"]
    return Original(f"Svar modtaget: {TITLE}", local(2026, 2, 26, 8, 15, 40), body, msgid, inv)


def alternate_called_103() -> Original:
    """Return the notice that Henrik's alternate was called in."""
    body = f"""Kære Henrik Lund

Din suppleant Pia Mikkelsen er indkaldt til {TITLE} i dit sted.

Tid:  {WHEN}
Sted: {PLACE}

Hvis du alligevel kan deltage, så giv os besked hurtigst muligt ved at
svare på denne mail, så vi kan melde din suppleant fra.

{_SIGNATURE}

Denne besked er sendt automatisk."""
    msgid, inv = NOTICES["alternate-103"]
    return Original(f"Suppleant indkaldt: {TITLE}", local(2026, 2, 26, 8, 16, 2), body, msgid, inv)


def confirm_accepted_105() -> Original:
    """Return the (English) confirmation that Jesper will attend."""
    body = f"""Dear Jesper Vang,

Thank you, we have noted that you will attend.

{TITLE}
Time:  {WHEN_EN}
Place: {PLACE}

If your plans change, answer the invitation again.

{_SIGNATURE_EN}

This message was sent automatically."""
    msgid, inv = NOTICES["confirm-105"]
    return Original(f"Answer received: {TITLE}", local(2026, 2, 25, 14, 30, 11), body, msgid, inv)


def reminder_106() -> Original:
    """Return the reminder Lone got because she had not answered."""
    body = f"""Kære Lone Østergaard

Vi mangler stadig dit svar på indkaldelsen til {TITLE}.

Tid:  {WHEN}
Sted: {PLACE}

Svar venligst ja eller nej på denne mail.

{_SIGNATURE}

Denne besked er sendt automatisk."""
    msgid, inv = NOTICES["reminder-106"]
    return Original(f"Påmindelse: {TITLE}", local(2026, 3, 3, 8, 0, 0), body, msgid, inv)
