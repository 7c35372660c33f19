"""Optional error reporting to Sentry (or GlitchTip): off unless SENTRY_DSN is set.

No personal data leaves: no cookies, no addresses, no form bodies, no mail text in the
request. What is sent is the error, where it happened, and the versions.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)
_configured: list[str] = []


def configure(config) -> bool:
    """Start reporting errors when SENTRY_DSN is set (once a process); tell if it runs."""
    dsn = config.get("SENTRY_DSN")
    if not dsn:
        return False
    if dsn in _configured:
        return True
    try:
        import sentry_sdk
        from sentry_sdk.integrations.flask import FlaskIntegration
        from sentry_sdk.integrations.rq import RqIntegration
    except ImportError:
        log.warning("SENTRY_DSN is set but sentry-sdk is not installed: "
                    "pip install 'forumpost[errors]'")
        return False
    sentry_sdk.init(dsn=dsn, environment=config.get("SENTRY_ENVIRONMENT") or "production",
                    integrations=[FlaskIntegration(), RqIntegration()],
                    # Frames' variables hold mail text and the request's cookies: never sent.
                    include_local_variables=False, max_request_body_size="never",
                    traces_sample_rate=0, before_send=_without_personal_data)
    _configured.append(dsn)
    return True


def _without_personal_data(event: dict, _hint: dict) -> dict:
    """Drop what could name a person from EVENT: the user, cookies, query strings."""
    event.pop("user", None)
    request = event.get("request") or {}
    for key in ("cookies", "data", "query_string", "env"):
        request.pop(key, None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in {"cookie", "authorization", "x-forwarded-for", "referer"}:
            headers.pop(name)
    return event
