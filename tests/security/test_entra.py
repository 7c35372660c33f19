"""Sign-in with Microsoft Entra ID, against the identity provider stand-in on loopback TLS."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import Auth


@pytest.fixture
def entra(app, idp, oauth_config, secretary):
    """Configure Entra ID sign-in with an app registration at the stand-in."""
    client = idp.add_client(secretary.email)
    app.config.update(oauth_config, ENTRA_TENANT=idp.tenant, ENTRA_CLIENT_ID=client.client_id,
                      ENTRA_CLIENT_SECRET=client.secret)
    return client


def _sign_in(client, idp, start: str = "/login/microsoft"):
    """Follow the sign-in through the provider; return the response of our callback."""
    response = client.get(start)
    assert response.status_code == 302 and response.location.startswith(idp.base_url)
    answer = requests.get(response.location, verify=idp.ca_pem_path, allow_redirects=False,
                          timeout=5)
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/login/microsoft/back"
    return client.get(f"{back.path}?{back.query}"), back


def test_the_login_page_offers_microsoft_only_when_configured(client, app, entra):
    assert "arbejdskonto (Microsoft)" in client.get("/login").get_data(as_text=True)
    app.config["ENTRA_CLIENT_ID"] = None
    assert "arbejdskonto" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/microsoft").status_code == 404


def test_a_secretary_signs_in_with_her_work_account(client, idp, entra, forum):
    done, _back = _sign_in(client, idp, "/login/microsoft?next=/forum/samarbejdsforum/roster/")
    assert done.status_code == 302 and done.location == "/forum/samarbejdsforum/roster/"
    assert client.get("/forum/samarbejdsforum/roster/").status_code == 200


def test_an_answer_is_used_once(client, idp, entra):
    _done, back = _sign_in(client, idp)
    Auth(client).logout()
    again = client.get(f"{back.path}?{back.query}", follow_redirects=True)
    assert "ikke startet her" in again.get_data(as_text=True)
    assert client.get("/").location.startswith("/login")


def test_a_work_account_without_a_login_is_refused(client, idp, app, oauth_config, secretary):
    stranger = idp.add_client("fremmed@kk.dk")
    app.config.update(oauth_config, ENTRA_TENANT=idp.tenant, ENTRA_CLIENT_ID=stranger.client_id,
                      ENTRA_CLIENT_SECRET=stranger.secret)
    done, _back = _sign_in(client, idp)
    page = client.get(done.location).get_data(as_text=True)
    assert "fremmed@kk.dk har ikke et login" in page
    assert client.get("/").location.startswith("/login")


def test_another_tenant_is_refused(client, idp, app, entra):
    app.config["ENTRA_TENANT"] = "00000000-0000-0000-0000-000000000000"
    done, _back = _sign_in(client, idp)
    assert "en anden organisation" in client.get(done.location).get_data(as_text=True)
    assert client.get("/").location.startswith("/login")
