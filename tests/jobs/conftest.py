"""Fixtures for jobs: a real SMTP server, real Redis and a real RQ worker in burst mode."""

import email
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from icalendar import Calendar

from app.extensions import db
from app.models import MandateRole, SeatKind
from app.services import roster


@pytest.fixture
def app_config(app_config, smtp):
    """Send through the recording SMTP server; retry at once."""
    return app_config | {"MAIL_SERVER": smtp.host, "MAIL_PORT": smtp.port,
                         "JOB_RETRY_INTERVALS": (0, 0, 0)}


@pytest.fixture
def spawn_worker(app_config, tmp_path):
    """Return a function that starts `flask jobs worker --burst` in its own process.

    The process is configured by environment variables, as in production, with
    this test's database, Redis and SMTP server.
    """
    env = dict(os.environ, DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=app_config["REDIS_URL"], SMTP_HOST=app_config["MAIL_SERVER"],
               SMTP_PORT=str(app_config["MAIL_PORT"]), SECRET_KEY=app_config["SECRET_KEY"],
               BASE_URL=app_config["BASE_URL"])
    root = Path(__file__).resolve().parents[2]
    started = []

    def spawn() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs",
                                 "worker", "--burst"], cwd=root, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        started.append((proc, log))
        return proc

    yield spawn
    for proc, log in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        log.close()


@pytest.fixture
def committee(forum, make_person, make_meeting):
    """Return (meeting, seats): three seats with members, two with alternates, one guest."""
    forum.secretary_address = "sekretaer@forum.test"
    seats = []
    for n, alternate in enumerate([True, True, False], 1):
        seat = roster.add_seat(forum, SeatKind.organisation, f"Plads {n}")
        roster.appoint(seat, make_person(f"Medlem {n}", f"medlem{n}@x.test"),
                       _day(2026, 1, 1))
        if alternate:
            roster.appoint(seat, make_person(f"Suppleant {n}", f"suppleant{n}@x.test"),
                           _day(2026, 1, 1), role=MandateRole.alternate)
        seats.append(seat)
    meeting = make_meeting(location="Mændenes Hjem")
    db.session.commit()
    return meeting, seats


def _day(*args):
    from datetime import date

    return date(*args)


def parse(received):
    """Return the received message parsed with the modern policy."""
    return email.message_from_bytes(received.data, policy=policy.default)


def calendar_of(message):
    """Return the calendar part of MESSAGE, parsed, and its Content-Type method."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True)), part.get_param("method")
    return None, None
