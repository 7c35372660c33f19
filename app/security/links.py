"""One-time links for secretaries' accounts: signed, expiring, and dead once used.

The token names the user and her session version; setting a password raises the version,
so a link works once, and a logout or another password change ends the links given before.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.extensions import db
from app.models import User

#: How long each kind of link works, in hours.
HOURS = {"invite": 7 * 24, "reset": 1}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"account-{purpose}")


def make(user: User, purpose: str) -> str:
    """Return a token for USER's PURPOSE ("invite" or "reset")."""
    return _serializer(purpose).dumps({"u": user.id, "v": user.session_version or 1})


def user_for(token: str, purpose: str) -> User | None:
    """Return the user TOKEN was made for, if it is whole, unexpired and unused."""
    try:
        data = _serializer(purpose).loads(token, max_age=HOURS[purpose] * 3600)
    except BadSignature:  # also SignatureExpired
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or (user.session_version or 1) != data.get("v"):
        return None
    return user
