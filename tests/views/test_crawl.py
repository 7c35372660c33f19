"""A crawl of every page a secretary (and administrator) reaches: security headers, and no
inline script or event handler anywhere (the Content-Security-Policy forbids them)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa

from app import demo
from app.extensions import db
from app.models import User
from app.security.headers import HEADERS

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
LINK = re.compile(r"""href="(/[^"]*)\"""")
#: Pages that are files, or that do something when followed.
SKIP = re.compile(r"^/(static/|favicon)|\.(pdf|csv|ics|eml|xlsx)$|/files/|/export$")
LIMIT = 250


def _crawl(client, start: str = "/") -> dict[str, object]:
    """Return the responses of every page reachable by links from START (at most LIMIT)."""
    seen, queue, pages = {start}, deque([start]), {}
    while queue and len(pages) < LIMIT:
        path = queue.popleft()
        response = client.get(path, follow_redirects=True)
        pages[path] = response
        if "text/html" not in response.content_type:
            continue
        for link in LINK.findall(response.get_data(as_text=True)):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            if link not in seen and not SKIP.search(urlsplit(link).path) and "lang=" not in link:
                seen.add(link)
                queue.append(link)
    return pages


@pytest.fixture
def history_forum(app):
    """Return the demo forum with last year's held meetings, answers and minutes."""
    forum = demo.create_demo()
    db.session.commit()
    return forum


@pytest.fixture
def logged_in(auth, history_forum):
    """Log the demo secretary in, as an administrator too."""
    admin = db.session.scalar(sa.select(User).filter_by(email=demo.SECRETARY_EMAIL))
    admin.is_admin = True
    db.session.commit()
    assert auth.login(demo.SECRETARY_EMAIL, demo.SECRETARY_PASSWORD).status_code == 302
    return auth.client


def _database() -> dict[str, list[tuple]]:
    """Return every row of every table, in primary-key order."""
    from app.models import Base

    rows = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(row) for row in conn.execute(
                sa.select(table).order_by(*order))]
    return rows


def test_every_page_has_the_headers_and_no_inline_script(logged_in):
    before = _database()
    pages = _crawl(logged_in)
    assert _database() == before  # no GET changed anything
    assert len(pages) > 40, len(pages)  # the crawl reached the forum's pages
    assert any(path.startswith("/admin/") for path in pages)
    problems = []
    for path, response in pages.items():
        for name, value in HEADERS.items():
            if response.headers.get(name) != value:
                problems.append(f"{path}: {name} is {response.headers.get(name)!r}")
        if "text/html" in response.content_type:
            html = response.get_data(as_text=True)
            for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
                found = pattern.search(html)
                if found:
                    problems.append(f"{path}: {found.group(0)[:80]}")
    assert problems == []
