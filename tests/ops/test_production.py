"""Production mode: with a real server configured, `make run` seeds no demo forum and password."""

import pytest
from sqlalchemy import func, select

from app.config import is_production, wants_demo
from app.extensions import db
from app.models import Forum

EMBEDDED = {"DATABASE_EMBEDDED": True, "REDIS_EMBEDDED": True}


@pytest.mark.parametrize("real", [
    {"DATABASE_EMBEDDED": False}, {"REDIS_EMBEDDED": False},
    {"MAIL_SERVER": "smtp.office365.com"}, {"IMAP_HOST": "outlook.office365.com"},
])
def test_any_real_server_means_production_and_no_demo(real):
    config = EMBEDDED | real
    assert is_production(config)
    assert not wants_demo(config)
    assert wants_demo(config | {"DEMO": True})


def test_everything_embedded_is_the_demo_unless_told_otherwise():
    assert not is_production(EMBEDDED)
    assert wants_demo(EMBEDDED)
    assert not wants_demo(EMBEDDED | {"DEMO": False})


def _forums() -> int:
    return db.session.scalar(select(func.count(Forum.id)))


def test_make_runs_seed_step_adds_no_demo_with_a_real_redis(app, runner):
    assert app.config["REDIS_EMBEDDED"] is False  # the tests' own Redis server
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "DEMO=1" in result.output
    assert _forums() == 0


def test_demo_1_seeds_it_all_the_same(app, runner):
    app.config["DEMO"] = True
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert _forums() == 1


def test_the_environment_sets_demo():
    from app.config import from_environment

    assert from_environment({"DEMO": "1"})["DEMO"] is True
    assert from_environment({"DEMO": "0"})["DEMO"] is False
