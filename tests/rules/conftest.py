"""Fixtures for the forum's rules: the jobs' real SMTP and worker, and the rules' pages wired in."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User
from tests.jobs.conftest import app_config  # noqa: F401 - fixture: the real SMTP server


@pytest.fixture
def logged_in(auth, forum):
    """Log a secretary of FORUM in and return the client."""
    user = User(email="sekretaer@forum.test", name="Birthe")
    user.set_password("hemmelig-kode")
    user.forums.append(forum)
    db.session.add(user)
    db.session.commit()
    assert auth.login().status_code == 302
    return auth.client


@pytest.fixture
def post(logged_in, auth):
    """Return a function posting a form with the session's CSRF token."""

    def send(url, data=None, **kwargs):
        token = auth.csrf_token("/")
        return logged_in.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    return send
