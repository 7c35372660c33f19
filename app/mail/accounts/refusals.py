"""Explain known login refusals from mail servers and identity providers in plain words.

A refusal is a text from an SMTP reply, an IMAP response or a token endpoint (for example
``str(TokenError)``). ``explain`` finds the known code in it and says what IT must do, in
Danish first. Patterns are tried in order, so the specific codes stand before the generic
ones (every Entra ID refresh failure also says ``invalid_grant``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """What a refusal means and who must act."""

    code: str
    da: str
    en: str
    #: True when the program gets a new token and retries by itself: nobody needs to act.
    transient: bool = False


_FORBIND = "Tryk på »Forbind« igen, og log ind med postkassens konto."

_KNOWN: tuple[tuple[re.Pattern[str], Refusal], ...] = tuple(
    (re.compile(pattern), refusal)
    for pattern, refusal in (
        (
            r"(?<![\d.])5\.7\.139(?![\d.])",
            Refusal(
                "535 5.7.139",
                "Microsoft 365 afviser login til SMTP. SMTP-godkendelse er slået fra for "
                "organisationen eller for postkassen. IT skal slå den til for postkassen, "
                "fx i PowerShell: Set-CASMailbox -Identity <postkassen> "
                "-SmtpClientAuthenticationDisabled $false",
                "Microsoft 365 refuses SMTP login: SMTP AUTH is disabled for the tenant or the "
                "mailbox. IT must enable authenticated SMTP for the mailbox: Set-CASMailbox "
                "-Identity <mailbox> -SmtpClientAuthenticationDisabled $false",
            ),
        ),
        (
            r"(?<![\d.])5\.7\.30(?![\d.])",
            Refusal(
                "550 5.7.30",
                "Serveren tager ikke imod login med adgangskode (Basic-godkendelse). Vælg en "
                "Microsoft 365-kontotype med OAuth, og bed IT om at oprette appen i Entra ID.",
                "The server does not accept password login (Basic authentication). Choose a "
                "Microsoft 365 account type with OAuth, and ask IT to register the app in "
                "Entra ID.",
            ),
        ),
        (
            r"(?<![\d.])5\.7\.3(?![\d.])",
            Refusal(
                "535 5.7.3",
                "Login blev afvist. Appen har ikke adgang til postkassen, eller adressen er "
                "forkert. IT skal give appen adgang til netop denne postkasse i Exchange Online "
                "(New-ServicePrincipal og Add-MailboxPermission) og kontrollere adressen.",
                "Authentication unsuccessful. The app has no access to the mailbox, or the "
                "address is wrong. IT must grant the app access to this mailbox in Exchange "
                "Online (New-ServicePrincipal and Add-MailboxPermission) and check the address.",
            ),
        ),
        (
            r"AADSTS7000222(?!\d)",
            Refusal(
                "AADSTS7000222",
                "Appens klienthemmelighed er udløbet. IT skal lave en ny hemmelighed under "
                "appen i Entra ID og indsætte den her.",
                "The app's client secret has expired. IT must create a new secret for the app "
                "in Entra ID and paste it here.",
            ),
        ),
        (
            r"AADSTS7000215(?!\d)",
            Refusal(
                "AADSTS7000215",
                "Klienthemmeligheden er forkert. Kopiér hemmelighedens værdi (ikke dens id) fra "
                "appen i Entra ID, og indsæt den her.",
                "The client secret is wrong. Copy the secret's value (not its id) from the app "
                "in Entra ID and paste it here.",
            ),
        ),
        (
            r"AADSTS700082(?!\d)",
            Refusal(
                "AADSTS700082",
                "Forbindelsen til postkassen er udløbet, fordi den ikke har været brugt længe. "
                + _FORBIND,
                "The connection to the mailbox has expired after a long time unused. Press "
                "“Forbind” (Connect) again and sign in as the mailbox.",
            ),
        ),
        (
            r"AADSTS65001(?!\d)",
            Refusal(
                "AADSTS65001",
                "Appen mangler samtykke. En administrator skal give samtykke til appens "
                "tilladelser i Entra ID (»Grant admin consent«).",
                "The app has not been granted consent. An administrator must grant consent to "
                "the app's permissions in Entra ID (“Grant admin consent”).",
            ),
        ),
        (
            r"\binvalid_grant\b",
            Refusal(
                "invalid_grant",
                "Adgangen er udløbet eller trukket tilbage. " + _FORBIND + " Bruger I en "
                "Google-tjenestekonto, skal IT kontrollere den domæneomfattende delegering "
                "og omfanget https://mail.google.com/.",
                "Access has expired or been revoked. Press “Forbind” (Connect) again and sign "
                "in as the mailbox. With a Google service account, IT must check its "
                "domain-wide delegation and the scope https://mail.google.com/.",
            ),
        ),
        (
            r"\bAccessTokenExpired\b",
            Refusal(
                "AccessTokenExpired",
                "Adgangsnøglen udløb under forbindelsen. Det er normalt ved lange forbindelser. "
                "Programmet henter en ny og forbinder igen af sig selv.",
                "The access token expired during the session. That is normal for long "
                "sessions. The program gets a new one and reconnects by itself.",
                transient=True,
            ),
        ),
        (
            r"\bAUTHENTICATIONFAILED\b",
            Refusal(
                "AUTHENTICATIONFAILED",
                "Postserveren afviste login til IMAP. IT skal kontrollere adressen og "
                "adgangskoden. Med Microsoft 365 og OAuth skal appen have adgang til "
                "postkassen (Add-MailboxPermission).",
                "The mail server refused the IMAP login. IT must check the address and the "
                "password. With Microsoft 365 and OAuth, the app must have access to the "
                "mailbox (Add-MailboxPermission).",
            ),
        ),
        (
            r"\bnot_connected\b",
            Refusal(
                "not_connected",
                "Postkassen er ikke forbundet endnu. Tryk på »Forbind«, og log ind med "
                "postkassens konto.",
                "The mailbox is not connected yet. Press “Forbind” (Connect) and sign in as "
                "the mailbox.",
            ),
        ),
        (
            r"\bunreachable\b",
            Refusal(
                "unreachable",
                "Login-serveren kunne ikke nås. Programmet prøver igen senere. Varer det "
                "ved, skal IT kontrollere netværk, firewall og proxy.",
                "The login server could not be reached. The program tries again later. If it "
                "lasts, IT must check the network, firewall and proxy.",
                transient=True,
            ),
        ),
    )
)


def explain(text: str) -> Refusal | None:
    """Return the explanation of the first known code in TEXT, or None if none is known."""
    for pattern, refusal in _KNOWN:
        if pattern.search(text):
            return refusal
    return None
