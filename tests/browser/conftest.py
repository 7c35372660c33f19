"""Fixtures for browser tests: the test app served on loopback, a real RQ worker, Chromium.

The app runs on a SQLite file only: the server thread and the test read and write the same
file, each through its own app context and session (the test must ``expire_all()`` before it
reads what the server changed, and commit before the server may write).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import demo
from app.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def database_url(tmp_path):
    """Use a SQLite file only: the server thread and the test share it (no PostgreSQL run)."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app_config(app_config, smtp):
    """Send through the recording SMTP server; retry at once."""
    return app_config | {"MAIL_SERVER": smtp.host, "MAIL_PORT": smtp.port,
                         "JOB_RETRY_INTERVALS": (0, 0, 0)}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve APP on a free loopback port in a background thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # links in mails point at this server
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def demo_forum(app):
    """Return the demo forum, committed, allowed to send all its mail at once.

    The demo has 26 members, their alternates and five guests: more than the default 30
    mails a minute, and a burst worker without scheduler would leave the rest for later.
    """
    forum = demo.create_demo(history=False)
    forum.send_per_minute = 1000
    db.session.commit()
    return forum


@pytest.fixture
def work(app):
    """Return a function running the queued jobs with a real RQ worker until none are left."""
    from app.extensions import rq
    from app.worker import make_worker

    rq.queue.connection.flushdb()

    def run() -> None:
        db.session.commit()  # never hold a write lock while the worker writes
        with app.app_context():
            make_worker().work(burst=True, with_scheduler=False)
        db.session.expire_all()

    yield run
    rq.queue.connection.flushdb()


@pytest.fixture(scope="session")
def browser():
    """Yield a headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    """Yield a fresh page in a Danish desktop browser context on the live server."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="da-DK",
                                  timezone_id="Europe/Copenhagen")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def login(page, email: str = demo.SECRETARY_EMAIL,
          password: str = demo.SECRETARY_PASSWORD) -> None:
    """Log in through the form, as the secretary would."""
    page.goto("/login")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/forum/vesterbro/")


def screenshot(page, name: str, **kwargs) -> Path | None:
    """Save docs/NAME when UPDATE_SCREENSHOTS=1 or it is missing; return the path written."""
    path = DOCS / name
    if os.environ.get("UPDATE_SCREENSHOTS") != "1" and path.exists():
        return None
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(path), **kwargs)
    return path


UNLABELLED_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => (el.getAttribute('type') || '').toLowerCase() !== 'hidden')
  .filter(el => {
    const labelled = Array.from(el.labels || []).some(l => l.textContent.trim());
    const aria = (el.getAttribute('aria-label') || '').trim();
    const by = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .some(id => (document.getElementById(id)?.textContent || '').trim());
    const button = ['submit', 'button', 'reset'].includes(el.type) && el.value.trim();
    return !(labelled || aria || by || button);
  })
  .map(el => el.outerHTML.slice(0, 160))
"""


def unlabelled_controls(page) -> list[str]:
    """Return the visible-type form controls on PAGE that have no accessible label."""
    return page.evaluate(UNLABELLED_JS)
