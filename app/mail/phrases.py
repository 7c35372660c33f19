"""The Danish and English RSVP wording table, as data.

Each row is (answer, strength, pattern). Rows are tried in order and a hit
masks its words, so a specific row ("kommer ikke") shadows a general one
("kommer") below it. Answer None marks phrases that look like signals but
are not ("maybe next time", "no problem"). Patterns are written with Danish
letters; they also match the aa/ae/oe spellings (see wording.expand).
Weak rows count only when no strong row hit.
"""

from __future__ import annotations

A, D, T, N = "accepted", "declined", "tentative", None
S, W = "strong", "weak"

_NEG_EN = r"(?:can'?t|cannot|can not|couldn'?t|could not|won'?t|wont|will not|unable to|" \
          r"not (?:be )?able to|not going to|am not|i'?m not|don'?t think i (?:can|will))"
_GO_EN = r"(?:accept|make it|make the meeting|make this|attend|come|join|be there|be present|" \
         r"participate|go|be joining|be coming|be attending|make)"
_NEG_DA_VERB = r"(?:kan|kommer|deltager|når|vil|skal|bliver|møder|får)"
_FILL_DA = r"(?:desværre|desvaerre|altså|jo|dog|nu|så|alligevel|heller|bare|derfor|jeg|i|da|det)"
# A word between the parts of a yes, but never a negation: "I'm not in town" is no "I'm in".
_W = r"(?:(?!(?:not|ikke|never|aldrig)\b)\w+ )"
_GO_DA = r"(?:komme|deltage|deltager|kommer|nå det|nå|være med|være der|være til stede|møde op)"

PHRASES: tuple[tuple[str | None, str, str], ...] = (
    # Not signals, though they contain signal words.
    (N, S, r"(?:måske|maske|muligvis|perhaps|maybe) (?:\w+ )?(?:næste gang|en anden gang|"
           r"next time|another time|til næste|later in the year)"),
    (N, S, r"(?:måske|maske|maybe|might be|may be|perhaps|possibly|muligvis)(?: \w+){0,3} "
           r"(?:forsinket|senere|sent|late|later|lidt efter|delayed)"),
    (N, S, r"\bno (?:problem|worries|need|doubt|matter|one|longer|more|later)\b"),
    (N, S, r"\b(?:apologies|sorry|undskyld|beklager) (?:for|over) (?:the |my |det |mit |min )?"
           r"(?:late|sene|delayed|slow|forsinkede|sent)\w*"),
    (N, S, r"\bikke (?:noget )?problem\b"),
    (A, W, r"\b(?:can'?t|cannot) wait\b|\bkan ikke vente\b"),
    # Tentative, including hedges that govern the whole sentence.
    (A, S, r"\bikke (?:\w+ )?gå glip af\b|\b(?:won'?t|wouldn'?t) miss (?:it|this)\b"),
    (T, S, r"\b(?:ved|kan) (?:det )?(?:\w+ )?ikke (?:sige |svare )?(?:endnu|helt endnu)\b"),
    (T, S, r"\b(?:can'?t|cannot) (?:say|tell|confirm|promise|commit)\b"),
    (T, S, r"\bkan ikke (?:sige|svare|love|garantere|bekræfte)\b"),
    (T, S, r"\bved (?:det )?ikke (?:om|helt|endnu)\b|\bikke (?:helt )?sikker\b|\busikker\b"),
    (T, S, r"\bikke (?:afklaret|besluttet)\b|\bkommer an på\b|\bafhænger af\b"),
    (T, S, r"\b(?:vender|melder|kommer) tilbage\b|\b(?:giver|sender) (?:dig )?besked senere\b"),
    (T, S, r"\bnok ikke\b|\bsandsynligvis ikke\b|\bformentlig ikke\b|\bprobably not\b"),
    (T, S, r"\bmåske\b|\bmaske\b|\bmuligvis\b|\bforeløbig\w*\b|\bforhåbentlig\b"),
    (T, S, r"\b(?:kommer|deltager|kan) (?:\w+ )?nok\b|\bformentlig\b|\bsandsynligvis\b"),
    (T, S, r"\bhåber (?:at )?(?:at )?(?:kunne )?(?:komme|deltage|nå)\b|\bprøver at\b"),
    (T, S, r"\bhvis (?:mødet|det|tidspunktet|datoen) (?:\w+ )?(?:flyttes|rykkes|ændres|bliver "
           r"flyttet)\b|\bif (?:the meeting|it) (?:is|gets|can be) (?:moved|rescheduled)\b"),
    (T, S, r"\bhvis jeg (?:\w+ )?(?:kan|når|får) (?:\w+ )?(?:komme|deltage|nå|tid|lov|fri)\b"),
    (T, S, r"\bnot (?:\w+ )?sure\b|\bunsure\b|\bundecided\b|\bnot (?:yet )?certain\b"),
    (T, S, r"\b(?:don'?t|do not) (?:\w+ )?know (?:yet|if|whether)\b|\bnot (?:\w+ )?yet\b"),
    (T, S, r"\b(?:maybe|perhaps|possibly|tentative\w*|may be able)\b|\bi might\b"),
    (T, S, rf"\bmight (?:\w+ )?{_GO_EN}\b|\btry to {_GO_EN}\b|\bhope to {_GO_EN}\b"),
    (T, S, r"\b(?:i'?ll|i will|will) (?:try|let you know|confirm later|get back)\b"),
    (T, S, rf"\bdepends\b|\bif i can {_GO_EN}\b|\bprobably\b|\bshould be able to\b"),
    # Declined: substitutes first, so "min suppleant kommer" is not "kommer".
    (D, S, r"\bsender (?:\w+ )?(?:suppleant|stedfortræder|afløser)\w*"),
    (D, S, r"\b(?:suppleant|stedfortræder|afløser|substitute|deputy|alternate|proxy)\w*"
           r"(?: \w+){0,4} (?:kommer|deltager|møder|will|is going|attends)\b"),
    (D, S, r"\bi stedet for mig\b|\bi mit sted\b|\bpå mine vegne\b|\binstead of me\b|"
           r"\bin my place\b|\bon my behalf\b"),
    (D, S, r"\b(?:would|'d|i'd) (?:love|like|have liked|be happy|be glad) to\b[^|]*\bbut\b"),
    (D, S, r"\bpasser (?:\w+ )?(?:\w+ )?ikke\b|\bpasser (?:\w+ )?dårligt\b"),
    (D, S, r"\b(?:another|prior|previous|other|conflicting) (?:commitment|engagement|appointment|"
           r"meeting)\b|\bdouble.?booked\b|\b(?:et andet|andet|en anden) (?:møde|aftale|"
           r"arrangement)\b"),
    (D, S, r"\bsend(?:ing)? (?:my|a|our) (?:deputy|substitute|alternate|replacement|stand-in)\b"),
    (D, S, r"\b(?:have|got) a (?:clash|conflict)\b|\bforfald\b"),
    (D, S, r"\bafbud\w*|\bmelde\w* (?:\w+ )?fra\b|\bforhindret\b|\bdobbeltbooket\b"),
    (D, S, rf"\b{_NEG_DA_VERB}(?: {_FILL_DA}){{0,3}} ikke\b"),
    (D, S, rf"\bikke (?:\w+ )?(?:{_GO_DA}|kan|får|bliver)\b"),
    (D, S, r"\b(?:ikke|ingen) (?:\w+ )?(?:mulighed|tid)\b|\bikke mulig\w*\b"),
    (D, S, r"\b(?:må|maa|skal) (?:\w+ )?(?:sige|takke) nej\b|\btakker nej\b|\bsiger nej\b"),
    (D, S, r"\bspringe\w* over\b|\ber optaget\b|\bmå (?:desværre )?(?:aflyse|melde)\b"),
    (D, S, r"\bregn(?:e)? (?:\w+ )?ikke med mig\b|\budebliver\b|\bgår glip af\b"),
    (D, S, rf"\b{_NEG_EN}(?: \w+){{0,3}} {_GO_EN}\b"),
    (D, S, r"\bnot (?:\w+ )?(?:attending|coming|joining|participating|available|make it)\b"),
    (D, S, r"\b(?:i|we) (?:\w+ )?(?:can'?t|cannot|won'?t)\b"),
    (D, S, r"\baccept (?:\w+ )?(?:regrets|apologies)\b"),
    (D, S, r"\bunavailable\b|\bregrets?\b|\bmy apologies\b|\bapologies\b|\bdeclin\w+\b"),
    (D, S, r"\b(?:will|'ll|have to|must|need to) (?:\w+ )?(?:miss|pass|skip)\b|\bi'?ll pass\b"),
    (D, S, r"\b(?:no|nope|nah) (?:thanks|thank you|sorry|unfortunately)\b|\bsadly,? no\b"),
    (D, S, r"\bunfortunately,? no\b|\b(?:i'?m|am) out\b|\bcount me out\b"),
    # Accepted.
    (A, S, r"\bja(?: tak)?\b|\bjep\w*\b|\bjo tak\b"),
    (A, S, rf"\bjeg {_W}?(?:kommer|deltager|møder op|er med|er der)\b"),
    (A, S, rf"\b(?:kommer|deltager|deltage|møder op|med) {_W}?"
           r"(?:gerne|selvfølgelig|naturligvis)\b"),
    (A, S, rf"\b(?:kan|vil) {_W}?(?:godt|gerne|sagtens) {_W}?"
           r"(?:komme|deltage|være med|nå)\b"),
    (A, S, rf"\bjeg kan {_W}{{0,2}}(?:komme|deltage|være med|godt)\b|\bdet kan jeg godt\b"),
    (A, S, rf"\b(?:tæl|regn|skriv) {_W}?(?:mig|os) (?:med|ind|på)\b|\btilmeld\w*\b"),
    (A, S, r"\bregn (?:bare )?med (?:mig|os)\b|\bregner med at (?:komme|deltage|være)\b"),
    (A, S, r"\bskal nok (?:komme|deltage|være der)\b|\bdeltagelse bekræftet\b"),
    (A, S, r"\bplan(?:ning)? to (?:attend|come|be there|join)\b"),
    (A, S, r"\bbekræfte\w* (?:hermed |gerne |her(?:med)? )?(?:min |vores )?(?:deltagelse|"
           r"tilmelding|fremmøde)\b|(?:^|[|,]) ?bekræftet\b"),
    (A, S, r"\baccepter\w*\b|\bdet vil jeg (?:meget )?gerne\b"),
    (A, S, r"\b(?:kommer|deltager)\b"),
    (A, S, rf"\b(?:i'?ll|i will|will|i shall|i can|i am going to|i'?m going to) {_W}?"
           r"(?:be there|attend|come|join|make it|be attending|be joining|be present)\b"),
    (A, S, rf"\b(?:i'?m|i am|we'?re|we are) {_W}?(?:coming|attending|joining|in)\b"),
    (A, S, r"\bcount (?:me|us) in\b|\bsign me up\b|\bi accept\b|\baccept\w*\b"),
    (A, S, r"\b(?:happy|glad|delighted|pleased) to (?:attend|join|come|be there|participate)\b"),
    (A, S, r"\b(?:would|'d) (?:love|like|be happy|be glad|be delighted|be pleased) to "
           r"(?:attend|join|come|be there)\b"),
    (A, S, r"\bconfirm\w* (?:my |our )?(?:attendance|participation|presence)\b|\battending\b"),
    # Bare yes and no count at the start of a clause only: "no" is common English.
    (A, S, r"(?:^|[|,]) ?(?:yes|yep|yeah|yup|sure|certainly|absolutely|definitely)\b"),
    (D, S, r"\bnej\b|\bnei\b|\bnix\b|\bnæ\b|"
           r"(?:^|[|,]) ?(?:no|nope|nah|sadly not|unfortunately not)\b"),
    # Weak signals: used only when nothing stronger was said.
    (A, W, r"\bglæder mig\b|\bser (?:\w+ )?frem til\b|\bvi ses\b|\blooking forward\b|\bsee you\b"),
    (A, W, r"\b(?:ok|okay|fint|perfekt|fedt|super|gerne|selvfølgelig|naturligvis|klart)\b"),
    (A, W, r"\b(?:sounds good|works for me|fine|great|of course|available|passer)\b|👍|\+1"),
    (D, W, r"\bdesværre\b|\bdesvaerre\b|\bunfortunately\b|\bsorry\b|\bbeklager\b|\bsadly\b"),
    (D, W, r"\b(?:på|on) (?:ferie|vacation|holiday|kursus|leave)\b|\bbortrejst\b|\bsyg\b|"
           r"\bsick\b|\bill\b|\bout of (?:town|the country|the office|office)\b|"
           r"\btravell?ing\b|\baway\b"),
)
