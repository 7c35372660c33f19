"""Page latency of the secretary's pages with 50 forums of 40 people and 20 meetings each.

Seeds a SQLite (or BENCH_DATABASE_URL) database, starts gunicorn on loopback as
`deploy/` runs it (gunicorn.conf.py), logs in as one forum's secretary and
requests every page 60 times; then again with 8 clients at once (--clients), 60
requests a page each. Each client is a browser's connection, opened again whenever the
server closes it (gunicorn's sync workers do after every response, as nginx expects).
Every page is first requested a few times by all clients, untimed: each server
process compiles its templates once in its life, which is not what a secretary waits
for. Prints p50/p95 per page next to a baseline measured in the same run under the same
concurrency: the static stylesheet served by the same server (the cost of HTTP, WSGI
and the login check without any database work). Target: p95 under 100 ms for every
page, with one client and with 8.

Run: .venv/bin/python bench/web.py [--forums 50] [--people 40] [--meetings 20] [--clients 8]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    AgendaItem,
    AgendaStatus,
    AnswerChannel,
    Base,
    Forum,
    MandateRole,
    SeatKind,
    User,
)
from app.services import inbound, invitations, meetings, roster  # noqa: E402
from tests.servers.process import free_port  # noqa: E402

PAGES = ["/forum/f0/", "/forum/f0/agenda/", "/forum/f0/meetings/", "/forum/f0/roster/",
         "/forum/f0/mail/", "/forum/f0/meetings/{m}/"]


def seed_forum(n: int, people: int, meeting_count: int) -> int:
    """Create forum N with PEOPLE people (half members, half alternates); return a meeting."""
    forum = Forum(name=f"Forum {n}", slug=f"f{n}", sender_address=f"sek@f{n}.test",
                  agenda_address=f"dag@f{n}.test", secretary_address=f"s@f{n}.test")
    db.session.add(forum)
    db.session.flush()
    for s in range(people // 2):
        seat = roster.add_seat(forum, SeatKind.organisation, f"Plads {s}", term_months=24)
        for role, prefix in ((MandateRole.member, "m"), (MandateRole.alternate, "a")):
            person = roster.add_person(forum, f"{prefix} {s}", f"{prefix}{s}@f{n}.test")
            roster.appoint(seat, person, date(2026, 1, 1), role=role)
        db.session.add(AgendaItem(forum=forum, title=f"Punkt {s}", status=AgendaStatus.pending))
    first = datetime.now(UTC) + timedelta(days=3)
    created = [meetings.create_meeting(forum, first + timedelta(days=30 * k))
               for k in range(meeting_count)]
    invitations.invite(created[0])
    invitations.queue_invitations(created[0])
    for k, inv in enumerate(created[0].invitations):
        if k % 3 == 0:
            invitations.record_answer(inv, "declined", AnswerChannel.mail)
    for k in range(20):
        raw = (f"From: m{k}@f{n}.test\r\nTo: sek@f{n}.test\r\nSubject: Spørgsmål {k}\r\n"
               f"Message-ID: <b{n}-{k}@x>\r\n\r\nHvor er mødet?\r\n").encode()
        inbound.process(inbound.receive(raw)[0])
    db.session.commit()
    return created[0].id


def seed(url: str, forums: int, people: int, meeting_count: int) -> int:
    """Seed every forum and the secretary of forum 0; return forum 0's next meeting id."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "REDIS_URL": "redis://127.0.0.1:6379/9"})
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        first = [seed_forum(n, people, meeting_count) for n in range(forums)][0]
        user = User(email="bench@forum.test")
        user.set_password("bench")
        user.forums.append(db.session.scalars(db.select(Forum).filter_by(slug="f0")).one())
        db.session.add(user)
        db.session.commit()
        return first


class Browser:
    """One keep-alive HTTP connection with a cookie jar of one cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        """Send one request; return status and body."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed a connection left idle (its keep-alive timeout, while
            # the other clients finished): open another, as a browser does.
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data

    def login(self) -> None:
        """Log in through the form."""
        _, html = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
            re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
        body = f"email=bench%40forum.test&password=bench&csrf_token={token.group(1)}"
        status, _ = self.request("POST", "/login", body)
        assert status == 302, status


def measure(browser: Browser, path: str, rounds: int) -> list[float]:
    """Return the milliseconds of ROUNDS requests for PATH."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        status, _ = browser.request("GET", path)
        times.append((time.perf_counter() - began) * 1000)
        assert status == 200, (path, status)
    return times


def measure_together(browsers: list[Browser], path: str, rounds: int) -> list[float]:
    """Return the milliseconds of ROUNDS requests for PATH by each of BROWSERS at once."""
    results: list[list[float]] = [[] for _ in browsers]
    start = threading.Barrier(len(browsers))

    def run(n: int) -> None:
        start.wait()
        results[n] = measure(browsers[n], path, rounds)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if any(len(times) != rounds for times in results):
        raise RuntimeError(f"a client failed on {path}")
    return [ms for times in results for ms in times]


def report(title: str, timings: dict[str, list[float]]) -> None:
    """Print p50 and p95 of each page of TIMINGS, the first being the baseline."""
    print(title)
    print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'p95/baseline':>13}")
    base95 = None
    for path, times in timings.items():
        p95 = statistics.quantiles(times, n=20)[18]
        base95 = base95 or p95
        print(f"{path:34} {statistics.median(times):8.1f} {p95:8.1f} {p95 / base95:13.1f}")


def paths_of(meeting_id: int) -> list[str]:
    """Return the baseline's path, then every page's."""
    return ["/static/forumpost.css", *(page.format(m=meeting_id) for page in PAGES)]


def warm(browsers: list[Browser], meeting_id: int) -> None:
    """Request every page a few times from all BROWSERS at once, untimed, so that every
    server process has compiled its templates and queries (once in its life) before
    anything is timed."""
    for path in paths_of(meeting_id):
        measure_together(browsers, path, 3)


def run_pages(browsers: list[Browser], meeting_id: int, rounds: int) -> dict[str, list[float]]:
    """Request the baseline, then every page, ROUNDS times by each of BROWSERS at once."""
    paths = paths_of(meeting_id)
    if len(browsers) == 1:
        return {path: measure(browsers[0], path, rounds) for path in paths}
    return {path: measure_together(browsers, path, rounds) for path in paths}


def serve(url: str, port: int) -> subprocess.Popen:
    """Start gunicorn on PORT and wait until it answers."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench",
               REDIS_URL="redis://127.0.0.1:6379/9")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                             "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                             "wsgi:app"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login")
            return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    """Seed, serve, measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--forums", type=int, default=50)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--meetings", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8,
                        help="clients at once in the second run (default 8)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="forumpost-web-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/web.db")
    began = time.perf_counter()
    meeting_id = seed(url, args.forums, args.people, args.meetings)
    print(f"seeded {args.forums} forums x {args.people} people x {args.meetings} meetings "
          f"in {time.perf_counter() - began:.0f} s ({url.split(':')[0]})")
    port = free_port()
    server = serve(url, port)
    try:
        browsers = [Browser(port) for _ in range(max(args.clients, 1))]
        for browser in browsers:
            browser.login()
        warm(browsers, meeting_id)
        report("one client:", run_pages(browsers[:1], meeting_id, args.rounds))
        if args.clients > 1:
            report(f"{args.clients} clients at once, {args.rounds} requests each a page:",
                   run_pages(browsers, meeting_id, args.rounds))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
