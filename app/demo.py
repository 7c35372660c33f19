"""The demo forum: the Samarbejdsforum of inner Vesterbro as its terms of reference list it.

Everyone here is fictional; addresses are at samarbejdsforum.test.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import (
    AppointingBody,
    Forum,
    GuestList,
    GuestListMember,
    MandateRole,
    MeetingKind,
    SeatKind,
    User,
)
from app.services import meetings, plan, roster

DOMAIN = "samarbejdsforum.test"
SECRETARY_EMAIL = f"sekretaer@{DOMAIN}"
SECRETARY_PASSWORD = "vesterbro"  # noqa: S105 - a demo login, printed at start

#: (label, organisation, count) in the order of the terms of reference.
ORGANISATION_SEATS = [
    ("Center for Socialpolitik og Udvikling", "Københavns Kommune", 1),
    ("Borgercenter Voksne", "Københavns Kommune", 1),
    ("Teknik- og Miljøforvaltningen", "Københavns Kommune", 1),
    ("Team Sikker By, Økonomiforvaltningen", "Københavns Kommune", 1),
    ("Københavns Politi", "Københavns Politi", 2),
    ("Reden København, Reden International og KFUKs Sociale Arbejdes Krisecenter",
     "Reden København", 1),
    ("Forstander, Mændenes Hjem", "Mændenes Hjem", 1),
    ("Gadejuristen", "Gadejuristen", 1),
    ("Stenbroens Jurister", "Stenbroens Jurister", 1),
    ("Brugernes Akademi", "Brugernes Akademi", 1),
    ("Københavns Ejendomme, Kødbyen", "Københavns Ejendomme", 1),
    ("Vesterbro Lokaludvalg", "Vesterbro Lokaludvalg", 1),
    ("Afdelingsleder, H17/SKYEN", "H17/SKYEN", 1),
    ("Leder, Dugnad", "Dugnad", 1),
    ("Afdelingsleder, Mændenes Hjem sundhedsafdeling", "Mændenes Hjem", 1),
]
POLICE_LABELS = ["Københavns Politi, Lokalpolitiet", "Københavns Politi, OSA"]

FIRST = ["Anne", "Jens", "Mette", "Lars", "Sofie", "Peter", "Camilla", "Henrik", "Ida", "Mads",
         "Louise", "Søren", "Line", "Niels", "Freja", "Rasmus", "Maja", "Thomas", "Emma", "Jonas",
         "Karen", "Morten", "Sara", "Anders", "Julie", "Kasper", "Nanna", "Mikkel", "Signe",
         "Christian", "Astrid", "Frederik", "Ulla", "Bo", "Birgitte", "Ole", "Helle", "Torben",
         "Lene", "Erik", "Marie", "Jakob"]
LAST = ["Jensen", "Hansen", "Nielsen", "Pedersen", "Andersen", "Christensen", "Larsen",
        "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
        "Thomsen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen"]
SOCIALUDVALGET = ["Karina Holm", "Bjarne Storm", "Yasmin Ali", "Villads Krogh", "Tove Lund"]


class _Names:
    """Hand out distinct fictional names and addresses."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> tuple[str, str]:
        """Return the next (name, email)."""
        first, last = FIRST[self.n % len(FIRST)], LAST[(self.n * 7) % len(LAST)]
        self.n += 1
        local = f"{first}.{last}".lower().translate(str.maketrans({"ø": "oe", "æ": "ae",
                                                                   "å": "aa"}))
        return f"{first} {last}", f"{local}{self.n}@{DOMAIN}"


def create_demo(today: date | None = None, history: bool = True) -> Forum:
    """Create the demo forum: seats, people, mandates, guests, this year's coming meetings and
    next year's, and with HISTORY last year's and this year's held meetings with answers and
    minutes. TODAY decides which years those are."""
    today = today or date.today()
    forum = Forum(
        name="Samarbejdsforum for indre Vesterbro",
        slug="vesterbro",
        sender_address=f"sekretariat@{DOMAIN}",
        sender_name="Sekretariatet",
        agenda_address=f"dagsorden@{DOMAIN}",
        secretary_address=SECRETARY_EMAIL,
    )
    db.session.add(forum)
    db.session.flush()
    names = _Names()
    lokaludvalg = _organisation_seats(forum, names, today)
    _neighbour_seats(forum, lokaludvalg, names, today)
    _secretary_seat(forum, today)
    _guest_list(forum)
    _meetings(forum, today.year + 1)
    if history:
        plan.seed_demo_rules(forum, today)
    _meetings(forum, today.year, first_day=today)
    _secretary_login(forum)
    return forum


def _organisation_seats(forum: Forum, names: _Names, today: date) -> AppointingBody:
    """Add the 16 organisation seats, each filled, alternates on every other seat."""
    bodies: dict[str, AppointingBody] = {}
    labels = []
    for label, org, count in ORGANISATION_SEATS:
        labels += [(lbl, org) for lbl in (POLICE_LABELS if count == 2 else [label])]
    for i, (label, org) in enumerate(labels):
        body = bodies.get(org) or AppointingBody(
            forum=forum, name=org, email=f"{_slug(org)}@{DOMAIN}")
        bodies[org] = body
        db.session.add(body)
        seat = roster.add_seat(forum, SeatKind.organisation, label, appointing_body=body)
        _fill(seat, org, names, today - timedelta(days=400), with_alternate=i % 2 == 0)
    return bodies["Vesterbro Lokaludvalg"]


def _neighbour_seats(forum: Forum, body: AppointingBody, names: _Names, today: date) -> None:
    """Add the 10 neighbour seats: one vacant, one term ending within 60 days."""
    for n in range(1, 11):
        seat = roster.add_seat(forum, SeatKind.neighbour, f"Nabo {n}", appointing_body=body,
                               term_months=24)
        if n == 10:
            continue  # vacant: the Lokaludvalg must find a replacement
        # Seat 9's term started 23 months ago and so ends within 60 days.
        start = today - timedelta(days=700) if n == 9 else today - timedelta(days=200)
        _fill(seat, "Nabo, indre Vesterbro", names, start, with_alternate=n % 2 == 1 and n != 9)


def _secretary_seat(forum: Forum, today: date) -> None:
    """Add the secretary's seat, held by the demo secretary for a 2-year term."""
    seat = roster.add_seat(forum, SeatKind.secretary, "Sekretær", term_months=24)
    person = roster.add_person(forum, "Birthe Sekretær", SECRETARY_EMAIL,
                               organisation="Samarbejdsforum")
    roster.appoint(seat, person, today - timedelta(days=120))


def _fill(seat, org: str, names: _Names, start: date, with_alternate: bool) -> None:
    """Appoint a fictional member, and maybe an alternate, to SEAT from START."""
    name, email = names.next()
    roster.appoint(seat, roster.add_person(seat.forum, name, email, organisation=org), start)
    if with_alternate:
        name, email = names.next()
        person = roster.add_person(seat.forum, name, email, organisation=org)
        roster.appoint(seat, person, start, role=MandateRole.alternate)


def _guest_list(forum: Forum) -> None:
    """Add the members of Socialudvalget, invited in the first and third quarter."""
    guests = GuestList(forum=forum, name="Socialudvalget", invite_quarters="1,3")
    db.session.add(guests)
    for name in SOCIALUDVALGET:
        email = f"{_slug(name)}@socialudvalget.{DOMAIN}"
        person = roster.add_person(forum, name, email, organisation="Socialudvalget")
        guests.members.append(GuestListMember(person=person))
    db.session.flush()


def _meetings(forum: Forum, year: int, first_day: date | None = None) -> None:
    """Plan YEAR's four regular meetings and the June summer meeting, 16-18 local time;
    from FIRST_DAY on only (the earlier ones of this year are held, with history)."""
    zone = ZoneInfo(forum.timezone)
    place = "Mændenes Hjem, Lille Istedgade 2, 1706 København V"
    for month in (2, 5, 6, 8, 11):
        day = _second_tuesday(year, month)
        if first_day is not None and day < first_day:
            continue
        kind = MeetingKind.summer if month == 6 else MeetingKind.regular
        meetings.create_meeting(forum, datetime.combine(day, time(16), zone), location=place,
                                kind=kind)


def _second_tuesday(year: int, month: int) -> date:
    """Return the second Tuesday of MONTH."""
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _secretary_login(forum: Forum) -> None:
    """Create the demo secretary's login."""
    user = User(email=SECRETARY_EMAIL, name="Birthe Sekretær")
    user.set_password(SECRETARY_PASSWORD)
    user.forums.append(forum)
    db.session.add(user)
    db.session.flush()


def _slug(text: str) -> str:
    """Return TEXT as a plain lowercase address part."""
    table = str.maketrans({"ø": "oe", "æ": "ae", "å": "aa", " ": ".", "/": "-", ",": ""})
    return text.lower().translate(table)
