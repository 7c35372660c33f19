"""Secretaries' passwords: long enough, and not among those attackers try first."""

import pytest

from app.security.passwords import problem


@pytest.mark.parametrize("password", ["a", "vesterbro", "kort-1"])
def test_a_short_password_is_refused_in_danish(app, password):
    assert "mindst 10 tegn" in problem(password)


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890",
                                      "sekretaer2026", "Password2026"])
def test_a_common_password_is_refused(app, password):
    assert "for let at gætte" in problem(password, "sekretaer@forum.test")


def test_a_password_built_on_the_address_is_refused(app):
    assert problem("birthe.hansen", "birthe.hansen@kk.dk") is not None


@pytest.mark.parametrize("password", ["lygte-hav-bro-17", "et langt kodeord om sommeren"])
def test_a_few_unrelated_words_are_fine(app, password):
    assert problem(password, "sekretaer@forum.test") is None


def test_create_secretary_refuses_a_weak_password(app, runner, forum):
    from app.extensions import db

    db.session.commit()
    result = runner.invoke(args=["users", "create-secretary", "ny@forum.test",
                                 "--forum", forum.slug, "--password", "a"])
    assert result.exit_code != 0
    assert "mindst 10 tegn" in result.output
