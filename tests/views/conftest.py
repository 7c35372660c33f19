"""Fixtures for page tests: the demo forum and a logged-in secretary."""

import pytest

from app import demo
from app.extensions import db


@pytest.fixture
def demo_forum(app):
    """Return the demo forum, committed."""
    forum = demo.create_demo(history=False)  # last year's meetings are tested in tests/rules
    db.session.commit()
    return forum


@pytest.fixture
def logged_in(auth, demo_forum):
    """Log the demo secretary in and return the client."""
    response = auth.login(demo.SECRETARY_EMAIL, demo.SECRETARY_PASSWORD)
    assert response.status_code == 302
    return auth.client


@pytest.fixture
def post(logged_in, auth):
    """Return a function posting a form with the session's CSRF token."""

    def send(url, data=None, **kwargs):
        token = auth.csrf_token("/")
        return logged_in.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    return send
