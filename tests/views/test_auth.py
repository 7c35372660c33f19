"""Secretary login: Danish pages, CSRF, and a seat table behind the login."""

from app.extensions import db
from app.models import User
from app.services import roster


def test_login_page_is_danish_with_labels(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Log ind" in html and "Adgangskode" in html
    assert 'for="email"' in html and 'for="password"' in html


def test_english_on_request(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Password" in html


def test_pages_need_login(client, secretary):
    response = client.get("/forum/samarbejdsforum/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_wrong_password_is_refused_in_danish(auth, secretary):
    response = auth.login(password="forkert")
    assert response.status_code == 401
    assert "Forkert e-mailadresse eller adgangskode" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, secretary):
    response = client.post("/login", data={"email": secretary.email,
                                           "password": "hemmelig-kode"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still logged out


def test_secretary_sees_seats_with_holder_alternate_and_term(auth, client, forum, make_seat,
                                                             make_person, secretary):
    make_seat("Københavns Politi", member=make_person("Anne Jensen"),
              alternate=make_person("Jens Hansen"))
    make_seat("Nabo 10")
    db.session.commit()
    response = auth.login(email="SEKRETAER@forum.test")
    assert response.headers["Location"] == "/"
    assert client.get("/", follow_redirects=True).status_code == 200
    html = client.get("/forum/samarbejdsforum/roster/").get_data(as_text=True)
    assert "Københavns Politi" in html and "Anne Jensen" in html and "Jens Hansen" in html
    assert "Ledig" in html


def test_logout_needs_post_with_csrf(auth, client, secretary):
    auth.login()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


def test_a_secretary_sees_only_her_forums(auth, client, make_forum, secretary):
    other = make_forum(slug="andet")
    roster.add_person(other, "X", "x@andet.test")
    db.session.commit()
    auth.login()
    assert client.get("/forum/andet/").status_code == 404
    assert client.get("/forum/samarbejdsforum/").status_code == 200


def test_next_parameter_cannot_leave_the_site(auth, client, secretary):
    token = auth.csrf_token()
    response = client.post("/login?next=//evil.example/", data={
        "email": secretary.email, "password": "hemmelig-kode", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_passwords_are_hashed(secretary):
    stored = db.session.get(User, secretary.id).password_hash
    assert "hemmelig-kode" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
