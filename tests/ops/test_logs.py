"""Logs on stdout: plain lines, or one JSON object a line for a collector."""

import json
import logging

import pytest

from app import create_app


@pytest.fixture
def make_app(app_config):
    """Return a function creating an app with extra configuration; take our handler off after."""
    yield lambda **config: create_app(app_config | config)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "forumpost", False)]:
        root.removeHandler(handler)


def test_json_logs_are_one_object_a_line_with_time_level_and_message(make_app, capsys):
    make_app(LOG_FORMAT="json")
    capsys.readouterr()
    logging.getLogger("app.test").warning("afbud fra %s", "Søren")
    [line] = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert record["level"] == "WARNING"
    assert record["name"] == "app.test"
    assert record["message"] == "afbud fra Søren"
    assert {"time", "process"} <= set(record)


def test_plain_logs_by_default_and_one_handler_however_many_apps(make_app, capsys):
    from app.config import Defaults

    assert Defaults.LOG_FORMAT == "text"
    make_app(LOG_FORMAT="text")
    make_app(LOG_FORMAT="text")
    capsys.readouterr()
    logging.getLogger("app.test").info("hej")
    out = capsys.readouterr().out
    assert out.count("hej") == 1
    assert " INFO app.test hej" in out


def test_the_level_is_set_by_log_level(make_app, capsys):
    make_app(LOG_FORMAT="text", LOG_LEVEL="WARNING")
    capsys.readouterr()
    logging.getLogger("app.test").info("stille")
    assert "stille" not in capsys.readouterr().out
    make_app(LOG_FORMAT="text")  # the next app of this process logs INFO again
