"""Recognise an absence notice by what it says, for those sent without auto headers.

An out-of-office from an Outlook client rule, a phone or a canned answer carries
no Auto-Submitted and keeps "SV:" in its subject. Its text still gives it away: it
says the person is away, and when they come back or what happens to mail
meanwhile. One of these alone is what a member writes in an answer ("Jeg er på
ferie"), so two kinds must meet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .wording import blank

_DAY = (r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|monday|tuesday|wednesday|"
        r"thursday|friday|saturday|sunday|mon|tue|wed|thu|fri)")
_DATE = rf"(?:(?:den |d\. |on |the )?(?:{_DAY}|\d{{1,2}}(?:\.|st|nd|rd|th)?\b|i morgen|tomorrow|" \
        r"næste|next|uge \d|week \d|primo|medio|ultimo|early|mid|late|the end))"

#: Being away: where the person is instead of at work.
AWAY = (
    r"ikke (?:på|i) (?:kontoret|arbejde|huset)", r"\bfraværende\b", r"\bbortrejst\b",
    r"\bpå \w*ferie\b", r"\b(?:har|holder) (?:\w+ )?\w*ferie\b",  # vinterferie, sommerferie
    r"\b(?:ude at rejse|på rejse|ude af landet)\b",
    r"\bpå (?:kursus|konference|seminar|tjenesterejse|forretningsrejse|studietur|"
    r"efteruddannelse|uddannelse|messe)\b",
    r"\bpå (?:barsel|barselsorlov|forældreorlov|orlov|sygeorlov)\b|\b(?:er )?sygemeldt\b",
    r"\bout of (?:the )?office\b|\bnot in the office\b|\baway from (?:the office|my desk|work)\b",
    r"\bon (?:annual |parental |maternity |paternity |sick |study |extended )?(?:leave|vacation"
    r"|holidays?)\b", r"\b(?:i am|i'm|currently) (?:away|travell?ing|abroad|off sick)\b",
    r"\bon (?:a )?(?:course|business trip|training course)\b",
)
#: Coming back, or the period of absence.
RETURN = (
    rf"\btilbage (?:igen |på kontoret |på arbejde )?{_DATE}", r"\b(?:er|være) tilbage\b",
    r"\btil og med\b|\bt\.o\.m\.", rf"\b(?:frem til|indtil|før|retur) {_DATE}",
    r"\b(?:hjemme|på kontoret) igen\b", r"\bi perioden\b",
    rf"\b(?:until|till|through) {_DATE}", r"\breturning (?:on|to)\b",
    r"\b(?:will be |i'll be |i am |i'm )?back (?:in the office |at work |at my desk )?"
    rf"(?:on|from|in|by)? ?{_DATE}", r"\b(?:upon|on|after) my return\b",
    r"\bwhen i(?: am|'m)? (?:back|return)\b",
)
#: What happens to mail meanwhile: words only a notice about mail uses.
MAIL = (
    r"\b(?:læser|tjekker|checker|besvarer) (?:ikke |kun |sjældent |sporadisk |løbende )*"
    r"(?:mine |min )?(?:e-?)?mails?\b",
    r"\b(?:e-?)?mails? (?:besvares|læses|bliver (?:besvaret|læst)) (?:herefter|efter|når|igen)",
    r"\b(?:ingen|ikke|kun begrænset|begrænset) (?:mulighed for at (?:læse|tjekke|besvare|svare på)|"
    r"adgang til) (?:min |mine )?(?:e-?)?mails?\b",
    r"\b(?:din|jeres) (?:e-?)?(?:mail|henvendelse|besked) (?:bliver|vil blive|vil|er) (?:ikke )?"
    r"(?:\w+ )?(?:læst|videresendt|besvaret|modtaget)\b",
    r"\bvideresendes ikke\b",
    r"\bvender (?:jeg )?tilbage (?:hurtigst muligt|så hurtigt|så snart|når)",
    r"\bsvarer,? (?:på din mail )?(?:når|så snart|efter)\b",
    r"\bi (?:akutte|presserende|hastende) (?:tilfælde|sager)\b|\bhar (?:din )?henvendelse hast\b",
    r"\bkontakt (?:venligst |i stedet |i mellemtiden )",
    r"\btak for din (?:e-?mail|mail|henvendelse)\b",
    r"\b(?:limited|no|little) access to (?:my )?e-?mails?\b",
    r"\b(?:respond|reply|get back to you|answer)(?: to your (?:e-?mail|message))? "
    r"(?:as soon as|when|upon|on my return|after)\b",
    r"\byour (?:e-?mail|message) (?:will not|won't) be (?:forwarded|read)\b",
    r"\b(?:for|in) urgent (?:matters|cases|enquiries|inquiries)\b|\bif (?:it is|it's) urgent\b",
    r"\bplease contact\b|\bthank you for your (?:e-?mail|message)\b",
)
_GROUPS = tuple((name, tuple(re.compile(p) for p in patterns))
                for name, patterns in (("away", AWAY), ("return", RETURN), ("mail", MAIL)))


@dataclass(frozen=True)
class Absence:
    """What made a text an absence notice, and the text without those words."""

    phrases: tuple[str, ...]
    rest: str  # the text with the notice's phrases blanked, to look for an answer in


def read_absence(text: str) -> Absence | None:
    """Return the absence notice TEXT is, or None when it is not one."""
    rest = unicodedata.normalize("NFKC", text or "")[:5000].lower()
    rest = re.sub(r"[’‘`´]", "'", re.sub(r"\s+", " ", rest))
    found: dict[str, list[str]] = {}
    for name, patterns in _GROUPS:
        for pattern in patterns:
            matches = list(pattern.finditer(rest))
            if matches:  # most patterns match nothing: no need to blank
                found.setdefault(name, []).extend(m.group(0).strip() for m in matches)
                rest = blank(rest, matches, " ")
    if len(found) < 2:
        return None
    phrases = [p for name, _ in _GROUPS for p in found.get(name, [])]
    return Absence(tuple(dict.fromkeys(phrases)), rest)
