"""Logins: throttled per account and per address, revocable sessions, strict cookies."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.extensions import db, rq
from app.views import auth as auth_view
from tests.conftest import Auth


def _fail(auth: Auth, email: str = "sekretaer@forum.test", times: int = 1):
    """Try a wrong password TIMES; return the last response."""
    for _ in range(times):
        response = auth.login(email=email, password="forkert-kodeord")
    return response


def test_five_wrong_passwords_close_the_account_for_a_while_in_danish(auth, secretary):
    assert _fail(auth, times=5).status_code == 401
    response = auth.login()  # the right password, too late
    assert response.status_code == 429
    assert "For mange mislykkede forsøg" in response.get_data(as_text=True)
    assert not _logged_in(auth.client)


def test_the_counts_are_kept_in_redis_under_the_apps_prefix(app, auth, secretary):
    _fail(auth, times=2)
    namespace = app.config["LOGIN_LIMIT_KEY"].encode()
    keys = rq.queue.connection.keys("*")
    assert any(namespace + b":sekretaer@forum.test" in key for key in keys)


def test_another_account_from_the_same_address_is_not_closed(auth, secretary, forum):
    _fail(auth, times=5)
    assert _fail(auth, email="anden@forum.test").status_code == 401  # refused, not throttled


def test_many_accounts_from_one_address_close_the_address(app, auth, secretary):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "8 per minute"
    for number in range(8):
        assert _fail(auth, email=f"gaet{number}@forum.test").status_code == 401
    assert auth.login().status_code == 429


def test_logging_in_does_not_count_as_an_attempt(auth, secretary):
    for _ in range(7):
        assert auth.login().status_code == 302
        auth.logout()
    assert auth.login().status_code == 302


def test_an_unknown_address_costs_a_password_check_too(auth, secretary):
    auth_view._DUMMY_HASH.clear()
    _fail(auth, email="ukendt@forum.test")
    [dummy] = auth_view._DUMMY_HASH
    assert dummy.split("$")[0] == secretary.password_hash.split("$")[0]  # scrypt, same cost


def _logged_in(client: FlaskClient) -> bool:
    """Tell whether CLIENT's cookies open the secretary's pages."""
    response = client.get("/")
    return response.status_code == 302 and not response.headers["Location"].startswith(
        "/login")


def _copy(client: FlaskClient, app, names: tuple[str, ...]) -> FlaskClient:
    """Return a new client holding only the cookies NAMES of CLIENT."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_cookie_copied_before_logout_is_dead_after_it(app, auth, secretary, cookie):
    token = auth.csrf_token()
    response = auth.client.post("/login", data={"email": secretary.email,
                                                "password": "hemmelig-kode",
                                                "remember": "y", "csrf_token": token})
    assert response.status_code == 302
    stolen = _copy(auth.client, app, (cookie,))
    assert _logged_in(stolen)  # the copy works while the session lives
    auth.logout()
    assert not _logged_in(stolen)


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(app, auth, secretary):
    assert auth.login().status_code == 302
    assert _logged_in(auth.client)
    secretary.set_password("et-helt-nyt-kodeord-2027")
    db.session.commit()
    assert not _logged_in(auth.client)


def test_the_remember_cookie_is_lax_and_http_only(auth, secretary):
    token = auth.csrf_token()
    response = auth.client.post("/login", data={"email": secretary.email,
                                                "password": "hemmelig-kode",
                                                "remember": "y", "csrf_token": token})
    [remember] = [c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token=")]
    assert "SameSite=Lax" in remember and "HttpOnly" in remember
    assert "Secure" not in remember  # plain http in this test


def test_cookies_are_secure_under_https(app_config):
    from app import create_app

    app = create_app(app_config | {"BASE_URL": "https://forumpost.kk.dk"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example",
                                    "https://evil.example/", "/\t/evil.example",
                                    "javascript:alert(1)"])
def test_login_never_sends_the_browser_to_another_site(auth, secretary, target):
    token = auth.csrf_token()
    response = auth.client.post("/login", query_string={"next": target},
                                data={"email": secretary.email, "password": "hemmelig-kode",
                                      "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_goes_back_to_the_page_asked_for(auth, secretary, forum):
    token = auth.csrf_token()
    target = f"/forum/{forum.slug}/agenda/?status=pending"
    response = auth.client.post("/login", query_string={"next": target},
                                data={"email": secretary.email, "password": "hemmelig-kode",
                                      "csrf_token": token})
    assert response.headers["Location"] == target
