"""Seats, appointing bodies and guest lists on the page; history kept, changes audited."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import AppointingBody, AuditEvent, GuestList, Seat
from app.services import roster

URL = "/forum/vesterbro/structure"


def _seat(forum, label: str) -> Seat:
    return db.session.scalars(sa.select(Seat).filter_by(forum_id=forum.id, label=label)).one()


def test_the_page_lists_seats_bodies_and_guest_lists_in_danish(demo_forum, logged_in):
    page = logged_in.get(f"{URL}/").get_data(as_text=True)
    assert "Pladser og gæster" in page and "Udpegende organer" in page
    assert "Nabo 10" in page and "Vesterbro Lokaludvalg" in page and "Socialudvalget" in page


def test_a_seat_is_added_renamed_and_moved(demo_forum, post):
    body = db.session.scalars(sa.select(AppointingBody).filter_by(forum_id=demo_forum.id)).first()
    response = post(f"{URL}/seats", {"label": "Nabo 11", "kind": "neighbour",
                                     "body_id": str(body.id), "term_months": "24"},
                    follow_redirects=True)
    assert "Pladsen er tilføjet" in response.get_data(as_text=True)
    seat = _seat(demo_forum, "Nabo 11")
    assert (seat.appointing_body_id, seat.term_months, seat.created_on) == (
        body.id, 24, date.today())
    post(f"{URL}/seats/{seat.id}", {"label": "Nabo 11 (Sønder Boulevard)", "body_id": "",
                                    "term_months": ""})
    db.session.expire_all()
    seat = db.session.get(Seat, seat.id)
    assert seat.label == "Nabo 11 (Sønder Boulevard)" and seat.appointing_body_id is None
    def order():
        db.session.expire_all()
        return [s.id for s in sorted(db.session.scalars(sa.select(Seat).filter_by(
            forum_id=demo_forum.id)), key=lambda s: (s.position, s.id))]

    assert order()[-1] == seat.id
    post(f"{URL}/seats/{seat.id}/move", {"direction": "up"})
    assert order()[-2] == seat.id
    post(f"{URL}/seats/{seat.id}/move", {"direction": "down"})
    assert order()[-1] == seat.id


def test_a_held_seat_is_not_abolished_and_an_empty_one_keeps_its_history(demo_forum, post):
    held = next(h.seat for h in roster.holdings(demo_forum, date.today()) if h.member)
    response = post(f"{URL}/seats/{held.id}/abolish", {"last_day": date.today().isoformat()},
                    follow_redirects=True)
    assert "afslut deres mandater først" in response.get_data(as_text=True)
    vacant = _seat(demo_forum, "Nabo 10")
    yesterday = date.today() - timedelta(days=1)
    post(f"{URL}/seats/{vacant.id}/abolish", {"last_day": yesterday.isoformat()})
    db.session.expire_all()
    assert db.session.get(Seat, vacant.id).abolished_on == date.today()
    labels = [h.seat.label for h in roster.holdings(demo_forum, date.today())]
    assert "Nabo 10" not in labels
    assert "Nabo 10" in [h.seat.label for h in roster.holdings(demo_forum, yesterday)]


def test_an_appointing_body_gets_its_notification_address(demo_forum, post):
    body = db.session.scalars(sa.select(AppointingBody).filter_by(forum_id=demo_forum.id)).first()
    post(f"{URL}/bodies/{body.id}", {"name": body.name, "email": "LU@Vesterbro.KK.dk",
                                     "contact": "Formanden"})
    bad = post(f"{URL}/bodies", {"name": "Politiet", "email": "ikke en adresse"},
               follow_redirects=True)
    assert "er ikke en gyldig e-mailadresse" in bad.get_data(as_text=True)
    db.session.expire_all()
    body = db.session.get(AppointingBody, body.id)
    assert (body.email, body.contact_name) == ("lu@vesterbro.kk.dk", "Formanden")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AppointingBody)
                             .filter_by(forum_id=demo_forum.id, name="Politiet")) == 0


def test_a_guest_list_gets_its_quarters_and_members(demo_forum, post):
    post(f"{URL}/guests", {"name": "Borgerrådgiveren", "quarters": ["2", "4"]})
    guests = db.session.scalars(sa.select(GuestList).filter_by(name="Borgerrådgiveren")).one()
    assert guests.quarters == {2, 4}
    post(f"{URL}/guests/{guests.id}/members", {"name": "Bo Rådgiver",
                                               "email": "bo@kk.dk"})
    again = post(f"{URL}/guests/{guests.id}/members", {"email": "BO@kk.dk"},
                 follow_redirects=True)
    assert "er allerede på listen" in again.get_data(as_text=True)
    db.session.expire_all()
    guests = db.session.get(GuestList, guests.id)
    [member] = guests.members
    assert member.person.name == "Bo Rådgiver"
    post(f"{URL}/guests/{guests.id}/members/{member.person_id}/remove")
    db.session.expire_all()
    assert db.session.get(GuestList, guests.id).members == []
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"guest_list.saved", "guest_list.member_added",
            "guest_list.member_removed"} <= actions


def test_another_forums_seat_is_not_found(demo_forum, post, make_forum):
    other = make_forum()
    seat = roster.add_seat(other, demo_forum.seats[0].kind, "Fremmed plads")
    db.session.commit()
    assert post(f"{URL}/seats/{seat.id}", {"label": "Min nu"}).status_code == 404
