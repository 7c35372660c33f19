"""axe-core, from npm (tests/js), injected into a page by Playwright: WCAG 2.1 A and AA."""

from __future__ import annotations

from functools import cache

from tests.compose.icaljs import npm_packages

#: The rules of WCAG 2.0 and 2.1, levels A and AA; axe's best practices are not asked for.
WCAG21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

RUN_JS = """
async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.html.slice(0, 120)),
  }));
}
"""


@cache
def axe_source() -> str:
    """Return axe.min.js as the lockfile pins it."""
    return (npm_packages() / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Return the WCAG 2.1 A/AA violations axe-core finds on PAGE as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as a <script> tag: the pages'
        # Content-Security-Policy forbids inline script, and should.
        page.evaluate(axe_source())
    return page.evaluate(RUN_JS, WCAG21_AA)
