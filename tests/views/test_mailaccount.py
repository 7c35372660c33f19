"""The mailbox page: settings saved with write-only secrets, the connection test, "Forbind"."""

import email
from email import policy
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from sqlalchemy import select

from app import demo
from app.extensions import db
from app.models import MailAccount
from app.services.mailaccounts.vault import vault

PAGE = "/forum/vesterbro/settings/mail"
MAILBOX = "samarbejdsforum@kk.test"


pytestmark = pytest.mark.usefixtures("fresh_mail_accounts")


def _settings(**changes) -> dict:
    return {"address": MAILBOX, "provider": "microsoft365", "tenant": "kk.test",
            "client_id": "11111111-2222-3333-4444-555555555555",
            "client_secret": "s3cret-value-xyz", "imap_tls": "ssl", "smtp_tls": "starttls",
            "folders": "INBOX", "processed_folder": "Processed", "is_enabled": "y", **changes}


def _account() -> MailAccount:
    db.session.rollback()
    return db.session.scalars(select(MailAccount)).one()


def test_without_an_account_the_page_says_how_mail_goes(logged_in):
    html = logged_in.get(PAGE).get_data(as_text=True)
    assert "<h1>Postkasse</h1>" in html
    assert "ingen egen postkasse" in html


def test_saving_fills_in_the_providers_servers_and_seals_the_secret(logged_in, post):
    response = post(PAGE, _settings())
    assert response.status_code == 302
    account = _account()
    assert (account.imap_host, account.imap_port) == ("outlook.office365.com", 993)
    assert (account.smtp_host, account.smtp_port) == ("smtp.office365.com", 587)
    assert b"s3cret-value-xyz" not in account.secrets
    assert vault().open(account.secrets) == {"client_secret": "s3cret-value-xyz"}
    html = logged_in.get(PAGE).get_data(as_text=True)
    assert "s3cret-value-xyz" not in html  # write-only: never shown again
    assert "gemt" in html and "Uændret" in html


def test_an_empty_secret_keeps_the_saved_one_and_forget_removes_it(logged_in, post):
    post(PAGE, _settings())
    post(PAGE, _settings(client_secret="", client_id="22222222-2222-3333-4444-555555555555"))
    account = _account()
    assert vault().open(account.secrets) == {"client_secret": "s3cret-value-xyz"}
    assert account.version == 2
    response = post(PAGE, _settings(client_secret="", forget_client_secret="1"),
                    follow_redirects=True)
    assert "klienthemmelighed" in response.get_data(as_text=True)  # it is required
    assert vault().open(_account().secrets) == {"client_secret": "s3cret-value-xyz"}


def test_app_only_needs_the_organisations_tenant(logged_in, post):
    html = post(PAGE, _settings(tenant="organizations")).get_data(as_text=True)
    assert "organisationens egen tenant" in html
    assert db.session.scalars(select(MailAccount)).first() is None


def test_testing_the_connection_logs_in_to_both_servers(logged_in, post, app, idp, dovecot_idp,
                                                        smtp_idp, oauth_config, work):
    app.config.update(oauth_config | {"MAIL_SELFTEST_SECONDS": 10})
    smtp_idp.deliver_into(dovecot_idp)
    address, _ = dovecot_idp.add_user()
    client = idp.add_client(address)
    post(PAGE, _settings(address=address, tenant=idp.tenant, client_id=client.client_id,
                         client_secret=client.secret, imap_host=dovecot_idp.host,
                         imap_port=dovecot_idp.port, imap_tls="plain", smtp_host=smtp_idp.host,
                         smtp_port=smtp_idp.port, smtp_tls="plain"))
    response = post(f"{PAGE}/check", follow_redirects=True)
    assert "Tester forbindelsen" in response.get_data(as_text=True)
    work()
    html = logged_in.get(PAGE).get_data(as_text=True)
    assert "IMAP: virker." in html and "SMTP: virker." in html
    assert "Testmail: virker." in html and "+test" in html
    smtp_idp.refuse_auth("535 5.7.3 Authentication unsuccessful")
    post(f"{PAGE}/check")
    work()
    html = logged_in.get(PAGE).get_data(as_text=True)
    assert "SMTP: virker ikke." in html and "5.7.3" in html


def test_connect_signs_the_mailbox_in_and_saves_the_refresh_token(logged_in, post, app, idp,
                                                                  oauth_config):
    app.config.update(oauth_config)
    client = idp.add_client(MAILBOX)
    post(PAGE, _settings(provider="microsoft365_delegated", tenant=idp.tenant,
                         client_id=client.client_id, client_secret=client.secret))
    response = post(f"{PAGE}/connect")
    assert response.status_code == 302 and response.location.startswith(idp.base_url)
    # The person signs in at the identity provider, which sends the browser back.
    answer = requests.get(response.location, verify=idp.ca_pem_path, allow_redirects=False,
                          timeout=5)
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/oauth/microsoft/callback"
    done = logged_in.get(f"{back.path}?{back.query}", follow_redirects=True)
    assert "Forbundet" in done.get_data(as_text=True)
    account = _account()
    assert vault().open_text(account.refresh_token)
    # The same answer again is refused: the started sign-in was used up.
    again = logged_in.get(f"{back.path}?{back.query}", follow_redirects=True)
    assert "ukendt eller udløbet" in again.get_data(as_text=True)
    assert dict(parse_qsl(back.query))["state"]


def test_another_forums_secretary_cannot_see_the_page(client, make_forum, app):
    assert client.get(PAGE).status_code == 302  # to the login page


def test_a_mailbox_failing_for_a_while_gets_a_banner_and_one_mail(logged_in, post, app, work):
    from datetime import timedelta

    from app.models import OutboundMessage, utcnow
    from app.services.mailaccounts import state

    post(PAGE, _settings())
    account_id = _account().id
    state.failed(account_id, "535 5.7.139 Authentication unsuccessful")
    html = logged_in.get("/forum/vesterbro/roster/").get_data(as_text=True)
    assert "har ikke virket siden" not in html  # not yet fifteen minutes
    account = _account()
    account.failing_since_dt = utcnow() - timedelta(minutes=16)
    db.session.commit()
    state.failed(account_id, "535 5.7.139 Authentication unsuccessful")
    state.failed(account_id, "535 5.7.139 Authentication unsuccessful")  # told once only
    html = logged_in.get("/forum/vesterbro/roster/").get_data(as_text=True)
    assert "Postkassen samarbejdsforum@kk.test har ikke virket siden" in html
    work()
    db.session.rollback()
    mails = db.session.scalars(select(OutboundMessage).filter_by(kind="mailbox_failing")).all()
    assert len(mails) == 1 and mails[0].recipient == demo.SECRETARY_EMAIL
    text = email.message_from_bytes(mails[0].raw, policy=policy.default).get_body(
        ("plain",)).get_content()
    assert "SMTP-godkendelse er slået fra" in text and "har ikke virket siden" in text
    state.logged_in(account_id)  # over: the banner goes, and a new episode mails again
    assert "har ikke virket siden" not in logged_in.get(PAGE).get_data(as_text=True)
    assert _account().failure_notified_dt is None
