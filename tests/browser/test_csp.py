"""The Content-Security-Policy as Chromium enforces it: the pages work, nothing is refused."""

from tests.browser.conftest import login


def test_the_pages_run_under_the_policy_without_a_refusal(page, demo_forum):
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(page)
    for path in ("/forum/vesterbro/", "/forum/vesterbro/meetings/", "/forum/vesterbro/mail/",
                 "/forum/vesterbro/roster/", "/forum/vesterbro/people/",
                 "/forum/vesterbro/settings/"):
        page.goto(path)
    meeting = page.locator("a[href*='/meetings/'][href$='/']").first
    meeting.click()  # the meeting page loads its one script, progress.js, from a file
    page.wait_for_load_state("networkidle")
    assert refused == []


def test_an_inline_script_is_refused(page, demo_forum):
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    login(page)
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = true';
                             document.body.appendChild(s); }""")
    assert page.evaluate("window.injected === undefined")
    assert any("Content Security Policy" in text for text in refused)
