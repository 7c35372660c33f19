"""The pages' Danish: a mandate ends on a day written out by Babel, in one style."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Mandate

BASE = "/forum/vesterbro"


def test_ending_a_mandate_says_when_in_danish(logged_in, post):
    mandate = db.session.scalars(select(Mandate).where(Mandate.ended_on.is_(None))
                                 .order_by(Mandate.id)).first()
    name = mandate.person.name
    response = post(f"{BASE}/roster/mandates/{mandate.id}/end",
                    {"last_day": date(2026, 12, 1).isoformat(), "reason": "flyttet"},
                    follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"Mandatet for {name} ophører 1. december 2026." in html


def test_the_roster_says_mandate_period(logged_in):
    html = logged_in.get(f"{BASE}/roster/").get_data(as_text=True)
    assert "Mandatperiode udløber" in html and "Periode udløber" not in html
