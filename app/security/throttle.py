"""Login throttling: per account and per address, counted in Redis, failed attempts only."""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter


def submitted_account() -> str:
    """Return the account a login form names, as the key its attempts are counted under."""
    account = (request.form.get("email") or "").strip().lower()[:254]
    return f"{current_app.config['LOGIN_LIMIT_KEY']}:{account or get_remote_address()}"


def remote_address() -> str:
    """Return the client's address, as the key its attempts are counted under."""
    return f"{current_app.config['LOGIN_LIMIT_KEY']}:{get_remote_address()}"


def failed(response) -> bool:
    """Count an attempt against the limits only when it did not log in."""
    return response.status_code != 302


def login_limits(view):
    """Limit VIEW's POSTs: per address (many accounts) and per account (many addresses)."""
    per_address = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
                                methods=["POST"], scope="login-address",
                                key_func=remote_address, deduct_when=failed)
    per_account = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
                                methods=["POST"], scope="login-account",
                                key_func=submitted_account, deduct_when=failed)
    return per_address(per_account(view))


def storage_uri(redis_url: str) -> str:
    """Return the limits library's URI for the Redis at REDIS_URL (unix sockets included)."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def reset_limits(view):
    """Limit VIEW's POSTs (password links asked for) per address and per account, all counted."""
    per_address = limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"],
                                methods=["POST"], scope="reset-address",
                                key_func=remote_address)
    per_account = limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ACCOUNT"],
                                methods=["POST"], scope="reset-account",
                                key_func=submitted_account)
    return per_address(per_account(view))
