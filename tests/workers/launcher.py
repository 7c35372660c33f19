"""The app the crash tests run in a subprocess: `flask --app tests.workers.launcher mail watch`.

It is wsgi's app, plus: `mail watch` registered if the app does not have it yet,
TEST_WORKER_CONFIG (JSON) over the config, and an audit event "processed" written in the same
transaction as each process() call, so a test can count applications after SIGKILLs, with
TEST_PROCESS_DELAY seconds of work per message and TEST_MOVE_DELAY seconds between the
processing commit and the MOVE, so a kill can land there.
"""

from __future__ import annotations

import json
import os
import time

from flask import Flask


def create_app() -> Flask:
    """Return the app for `flask mail watch` under test."""
    from app import cli_mail_watch
    from app import create_app as make_app

    app = make_app(json.loads(os.environ.get("TEST_WORKER_CONFIG") or "{}"))
    group = app.cli.commands.get("mail")
    if group is None or "watch" not in getattr(group, "commands", {}):
        cli_mail_watch.register(app)
    _mark_applications(float(os.environ.get("TEST_PROCESS_DELAY") or 0))
    _delay_moves(float(os.environ.get("TEST_MOVE_DELAY") or 0))
    return app


def _mark_applications(delay: float) -> None:
    """Record an audit event with every process() call, committed (or not) with it."""
    from app.services import audit, inbound

    original = inbound.process

    def process(message, forums=None, batch=None):
        followups = original(message, forums, batch)
        audit.record(None, "worker-test", "processed", message)
        time.sleep(delay)
        return followups

    inbound.process = process


def _delay_moves(delay: float) -> None:
    """Wait DELAY seconds before each MOVE, after the batch's processing committed."""
    from workers import mailbox

    original = mailbox.move

    def move(*args, **kwargs):
        time.sleep(delay)
        return original(*args, **kwargs)

    mailbox.move = move
