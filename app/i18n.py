"""Translated text, the catalogue found once per request (or job) and language.

A page asks for a few hundred strings, a meeting's mail as many. Flask-Babel finds the
catalogue anew for each (several context lookups a string, a tenth of a page's time);
here it is found once and kept beside the language Flask-Babel chose, so
`force_locale` still switches it.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup


def translations():
    """Return the catalogue of the language in force."""
    # Asked a few hundred times a page: `g` resolved once, not once per attribute (a
    # tenth of the time).
    try:
        state = g._get_current_object().__dict__.get("_flask_babel")  # Flask-Babel's language
    except RuntimeError:  # outside an app context
        state = None
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # outside an app context, or not chosen yet
        get_locale()
        return get_translations()
    kept = state.__dict__.get("forumpost_catalogue")
    if kept is None or kept[0] is not locale:
        kept = state.forumpost_catalogue = (locale, get_translations())
    return kept[1]


def gettext(text: str, /, **variables) -> str:
    """Return TEXT translated, with VARIABLES filled in (any names: TEXT is positional)."""
    translated = translations().ugettext(text)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, n: int, /, **variables) -> str:
    """Return the form for N translated, with N and VARIABLES filled in."""
    variables.setdefault("num", n)
    return translations().ungettext(singular, plural, n) % variables


@pass_context
def _template_gettext(context, text: str, /, **variables) -> str:
    """Return TEXT translated for a template, escaped and filled in as Jinja's own does."""
    # Not kept on CONTEXT: an imported macro's context outlives the request (Jinja keeps
    # the module), and the next request may be in another language.
    translated = translations().ugettext(text)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    # As Jinja's: always a format string ("%%" is "%"), but formatted only when it can
    # change anything: a page translates a few hundred strings.
    return translated % variables if variables or "%" in translated else translated


def install(app: Flask) -> None:
    """Let APP's templates translate through the kept catalogue."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n),
        newstyle=True,
    )
    # `_` and `gettext` in one step instead of Jinja's three: the roster alone asks 400 times.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)


def lazy_gettext(text: str, /, **variables) -> LazyString:
    """Return TEXT to be translated when shown (form labels, messages made at import)."""
    return LazyString(gettext, text, **variables)
