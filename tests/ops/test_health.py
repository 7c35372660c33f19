"""`GET /healthz`: no login, no secrets, 503 when a part the app needs is away."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import MailAccount, utcnow


def _account(forum, **values) -> MailAccount:
    account = MailAccount(forum=forum, address="forum@kk.test", imap_host="imap.kk.test",
                          smtp_host="smtp.kk.test", secrets=b"sealed-password", **values)
    db.session.add(account)
    db.session.commit()
    return account


def test_a_healthy_app_answers_200_without_a_login(client, forum):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    assert body["database"]["ok"] and body["redis"]["ok"]
    assert body["mailboxes"] == []
    assert response.headers["Cache-Control"] == "no-store"


def test_each_mailbox_says_how_long_since_its_last_contact(client, forum):
    now = utcnow()
    _account(forum, last_login_dt=now - timedelta(minutes=10),
             last_seen_dt=now - timedelta(seconds=90))
    [mailbox] = client.get("/healthz").get_json()["mailboxes"]
    assert mailbox["forum"] == forum.slug
    assert 90 <= mailbox["last_contact_seconds"] < 150
    assert mailbox["failing_seconds"] is None


def test_a_failing_mailbox_says_since_when_and_shows_no_secret(client, forum):
    _account(forum, failing_since_dt=utcnow() - timedelta(minutes=20),
             last_error="535 5.7.139 Authentication unsuccessful")
    response = client.get("/healthz")
    [mailbox] = response.get_json()["mailboxes"]
    assert mailbox["last_contact_seconds"] is None
    assert mailbox["failing_seconds"] >= 20 * 60
    raw = response.get_data(as_text=True)
    for secret in ("sealed-password", "forum@kk.test", "imap.kk.test", "5.7.139"):
        assert secret not in raw


@pytest.fixture
def redis_away(app):
    """Point the app at a Redis port where nothing listens."""
    app.config["RQ_CONNECTION"] = "redis://127.0.0.1:1/0"


def test_redis_away_answers_503_and_names_it(client, forum, redis_away):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["ok"] is False
    assert body["redis"] == {"ok": False, "error": "ConnectionError", "ms": body["redis"]["ms"]}
    assert body["database"]["ok"] is True
