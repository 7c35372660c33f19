"""Pages translate through a catalogue kept per request, and switching language still works."""

from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from app import i18n
from app.extensions import db
from app.filters import kind_label, status_label
from app.models import User
from tests.views.test_queries import build, own_contexts


def test_the_kept_catalogue_follows_force_locale(app):
    with app.test_request_context("/", headers={"Accept-Language": "da"}):
        assert i18n.gettext("Coming") == "Kommer"
        with force_locale("en"):
            assert i18n.gettext("Coming") == "Coming"
            assert render_template_string("{{ _('Coming') }}") == "Coming"
        assert render_template_string("{{ _('Coming') }}") == "Kommer"


def test_the_browser_language_chooses_the_catalogue(app):
    # Each request in an app context of its own, as in production (the fixture's
    # context would otherwise keep the first request's language, with or without us).
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string("{{ _('Coming') }}") == "Coming"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "da"}):
        assert render_template_string("{{ _('Coming') }}") == "Kommer"


def test_templates_escape_and_fill_in_translated_text(app):
    with app.test_request_context("/"), force_locale("en"):
        html = render_template_string("{{ _('appointed by %(body)s', body='<b>') }}")
    assert html == "appointed by &lt;b&gt;"
    with app.test_request_context("/"), force_locale("en"):
        # Always a format string, as Jinja's own gettext: "%%" is a percent sign.
        assert render_template_string("{{ _('100%% sure') }}") == "100% sure"
        html = render_template_string("{{ gettext('<i>%(n)s</i>', n='<b>') }}")
        assert html == "<i>&lt;b&gt;</i>"  # the text is the template's; the value is escaped


def test_any_variable_name_can_be_filled_in(app):
    # Templates fill in `text`, `n`, `context`...: none may clash with the functions' own.
    with app.test_request_context("/"), force_locale("en"):
        html = render_template_string("{{ _('“%(text)s”', text='<x>') }}")
        assert html == "“&lt;x&gt;”"
        assert i18n.gettext("%(text)s and %(n)s", text="a", n=1) == "a and 1"
        assert i18n.ngettext("%(num)s %(singular)s", "%(num)s %(plural)s", 2,
                             singular="x", plural="ys") == "2 ys"
        assert str(i18n.lazy_gettext("%(text)s", text="b")) == "b"


def test_labels_translate_the_one_shown_and_pass_unknown_values_through(app):
    with app.test_request_context("/", headers={"Accept-Language": "da"}):
        assert status_label("accepted") == "Kommer"
        assert kind_label("unknown") == "Ikke forstået"
        assert kind_label(None) == ""
        assert status_label("something_new") == "something_new"


def test_a_page_after_one_in_another_language_is_all_in_its_own(app):
    # The section menu is a macro of an imported template, which Jinja keeps between
    # requests: nothing of the first request's language may stay in it.
    build(2, "sprog")
    client = app.test_client()
    with client.session_transaction() as session:
        user = db.session.scalars(select(User).filter_by(email="sek@sprog.test")).one()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    with own_contexts():
        english, danish = (
            client.get("/forum/sprog/roster/", headers={"Accept-Language": language})
            .get_data(as_text=True) for language in ("en", "da"))
    assert ">Overview</a>" in english and ">Roster</h1>" in english
    assert ">Oversigt</a>" in danish and ">Medlemmer</h1>" in danish
    assert "Overview" not in danish


def test_a_remembered_date_follows_the_language_and_the_zone(app, app_config):
    """Dates are formatted once per value, pattern, language and zone: the same moment
    asked again in another language or zone is formatted anew, not taken from memory."""
    from datetime import UTC, datetime

    from app import create_app
    from app.filters import meeting_time, short_date

    moment = datetime(2026, 12, 8, 15, tzinfo=UTC)
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "da"}):
        assert meeting_time(moment) == "tirsdag den 8. december 2026 kl. 16.00"
        assert meeting_time(moment) == "tirsdag den 8. december 2026 kl. 16.00"
        with force_locale("en"):
            assert meeting_time(moment) == "Tuesday 8 December 2026, 16:00"
            assert short_date(moment) == "Dec 8, 2026"
        assert short_date(moment) == "8. dec. 2026"
    elsewhere = create_app(app_config | {"BABEL_DEFAULT_TIMEZONE": "America/New_York"})
    with elsewhere.test_request_context("/", headers={"Accept-Language": "da"}):
        assert meeting_time(moment) == "tirsdag den 8. december 2026 kl. 10.00"
