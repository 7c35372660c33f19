"""Security headers on every response: what the browser may load, frame and sniff."""

from __future__ import annotations

from flask import Flask, Response

#: No inline script anywhere (our one script is a file); styles inline are allowed for the
#: print pages and mail HTML; images only ours, so a mail's remote images never load and
#: tell its sender that it was read.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def install(app: Flask) -> None:
    """Add the security headers to every response of APP (and HSTS under https)."""
    https = app.config["BASE_URL"].startswith("https://")

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
