"""`GET /healthz`: the database, Redis and each mailbox, as JSON, for load balancers and IT."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer 200 when the app can serve, 503 when the database or Redis is away."""
    state = health.report()
    response = jsonify(state)
    response.status_code = 200 if state["ok"] else 503
    response.headers["Cache-Control"] = "no-store"
    return response
