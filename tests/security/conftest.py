"""Security tests see each request as production does: with request globals of its own."""

import pytest
from flask import g


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Forget the logged-in user and CSRF token `g` cached in an earlier request.

    The test app's context stays pushed for the whole test, so every request shares its `g`;
    in production each request has its own. Without this, a session that the server no
    longer accepts would still look logged in from the cache.
    """

    @app.before_request
    def forget():
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
