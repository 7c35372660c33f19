"""The Postkasse page in a real browser: choose Microsoft 365, read the PowerShell, save, test.

The secretary sets the forum's own mailbox up against the fake identity provider, a Dovecot and
an SMTP server that log in by XOAUTH2 with its tokens; "Test forbindelsen" queues the check as
a job, which a real RQ worker runs, and the page shows each step's verdict.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.services.mailaccounts import runtime
from tests.browser.conftest import login

BASE = "/forum/vesterbro"
PAGE = f"{BASE}/settings/mail"
PROVIDER = "Microsoft 365, app-adgang"
NO_TLS = "Ingen"


@pytest.fixture(autouse=True)
def _fresh_tokens():
    """Forget cached token sources: the server thread and the worker share this process."""
    runtime.forget_sources()
    yield
    runtime.forget_sources()


@pytest.fixture
def mailbox(app, idp, dovecot_idp, smtp_idp, oauth_config):
    """Return (address, client): a Dovecot user and an app at the fake IdP that may open it."""
    app.config.update(oauth_config | {"MAIL_SELFTEST_SECONDS": 10})
    smtp_idp.deliver_into(dovecot_idp)
    address, _ = dovecot_idp.add_user()
    return address, idp.add_client(address)


def _choose(select, text: str) -> None:
    """Choose the option of SELECT whose visible text starts with TEXT, as a person would."""
    option = select.locator("option", has_text=re.compile("^" + re.escape(text)))
    expect(option).to_have_count(1)
    select.select_option(value=option.get_attribute("value"))


def _fill_in(page, address: str, tenant: str, client_id: str, secret: str, dovecot, smtp) -> None:
    """Fill in the settings form for Microsoft 365 app access against the test servers."""
    page.get_by_label("Postkassens adresse").fill(address)
    _choose(page.get_by_label("Hvordan postkassen logger ind"), PROVIDER)
    page.get_by_label("Entra ID-tenant (id eller domæne)").fill(tenant)
    page.get_by_label("Klient-id (program-id)").fill(client_id)
    page.get_by_label("Klienthemmelighed", exact=True).fill(secret)
    for side, server in (("IMAP", dovecot), ("SMTP", smtp)):
        page.get_by_label(f"{side}-server", exact=True).fill(server.host)
        page.get_by_label(f"{side}-port", exact=True).fill(str(server.port))
        _choose(page.get_by_label(f"{side}-kryptering", exact=True), NO_TLS)


def _open_postkasse(page) -> None:
    login(page)
    page.get_by_role("navigation", name="Afsnit").get_by_role("link", name="Postkasse").click()
    page.wait_for_url(f"**{PAGE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Postkasse")


def _save(page) -> None:
    page.get_by_role("button", name="Gem", exact=True).click()
    page.wait_for_url(f"**{PAGE}")
    expect(page.get_by_role("status").filter(has_text="Gemt.")).to_be_visible()


def _test_connection(page, work) -> None:
    """Press "Test forbindelsen", let the worker run the check, and show its verdict."""
    page.get_by_role("button", name="Test forbindelsen").click()
    expect(page.get_by_role("status").filter(has_text="Tester forbindelsen")).to_have_count(2)
    work()
    page.reload()  # the page also reloads itself every 3 s while the test is under way


def test_setting_up_microsoft_365_and_testing_the_connection(page, demo_forum, mailbox, idp,
                                                             dovecot_idp, smtp_idp, work,
                                                             tmp_path):
    address, client = mailbox
    _open_postkasse(page)
    expect(page.get_by_text("ingen egen postkasse")).to_be_visible()

    _fill_in(page, address, client_id=client.client_id, tenant=idp.tenant,
             secret=client.secret, dovecot=dovecot_idp, smtp=smtp_idp)
    _save(page)

    # The PowerShell for IT names this mailbox and this app; the secret is never shown again.
    powershell = page.locator("section.setup pre code")
    expect(powershell).to_contain_text(f"Add-MailboxPermission -Identity {address} ")
    expect(powershell).to_contain_text(f"New-ServicePrincipal -AppId {client.client_id} ")
    expect(powershell).to_contain_text(f"Set-CASMailbox -Identity {address} ")
    assert client.secret not in page.content()
    secret_field = page.locator("p.field", has=page.get_by_label("Klienthemmelighed", exact=True))
    expect(secret_field.locator(".tag")).to_have_text("gemt")
    expect(page.get_by_label("Klienthemmelighed", exact=True)).to_have_value("")
    state = page.locator("section[aria-labelledby=state-h]")
    expect(state).to_contain_text(address)
    expect(state).to_contain_text("Microsoft 365, app-adgang")

    # Test the connection: IMAP and SMTP log in with the IdP's token, the test mail arrives.
    _test_connection(page, work)
    verdict = page.get_by_role("list", name="Test af forbindelsen")
    expect(verdict.get_by_role("listitem")).to_have_count(3)
    expect(verdict).to_contain_text(f"IMAP: virker. Logget ind på {dovecot_idp.host}")
    expect(verdict).to_contain_text("SMTP: virker.")
    expect(verdict).to_contain_text("Testmail: virker.")
    local, _, domain = address.partition("@")
    expect(verdict).to_contain_text(re.compile(rf"{re.escape(local)}\+test\w+@{re.escape(domain)}"))
    expect(page.locator("li.warn")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)  # no "Sidste fejl"
    assert client.token_requests >= 1
    page.screenshot(path=str(tmp_path / "postkasse.png"), full_page=True)


def test_an_expired_client_secret_is_explained_in_danish(page, demo_forum, mailbox, idp,
                                                         dovecot_idp, smtp_idp, work):
    address, client = mailbox
    client.failure = "AADSTS7000222"  # the IdP refuses the secret as expired
    _open_postkasse(page)
    _fill_in(page, address, client_id=client.client_id, tenant=idp.tenant,
             secret=client.secret, dovecot=dovecot_idp, smtp=smtp_idp)
    _save(page)
    _test_connection(page, work)
    verdict = page.get_by_role("list", name="Test af forbindelsen")
    expected = "Appens klienthemmelighed er udløbet. IT skal lave en ny hemmelighed"
    expect(verdict.locator("li.warn").filter(has_text="IMAP: virker ikke.")
           ).to_contain_text(expected)
    expect(verdict.locator("li.warn").filter(has_text="SMTP: virker ikke.")
           ).to_contain_text(expected)
    expect(verdict).not_to_contain_text("Testmail")  # not tried when a login failed
    assert client.token_requests >= 1
