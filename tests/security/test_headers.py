"""Every page: security headers, and no inline script or event handler anywhere."""

from __future__ import annotations

from app.services.htmlbody import clean


def test_pages_without_a_login_have_them_too(client):
    for path in ("/login", "/account/forgot", "/healthz", "/r/not-a-token"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_https_adds_strict_transport_security(app_config):
    from app import create_app

    app = create_app(app_config | {"BASE_URL": "https://forumpost.kk.dk"})
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_mails_relative_images_and_links_are_dropped():
    html, _note = clean('<p>Hej</p><img src="/forum/vesterbro/mail/3"><img src="x.png">'
                        '<a href="/logout">ud</a><img src="https://tracker.example/p.gif">')
    assert "/forum/vesterbro" not in html and 'src="x.png"' not in html
    assert 'href="/logout"' not in html
    assert "https://tracker.example/p.gif" in html  # kept, but the CSP never loads it
