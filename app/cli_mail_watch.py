"""`flask mail watch`: read the IMAP folder, or the drop folder when no IMAP server is set."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

log = logging.getLogger(__name__)


@click.command("watch")
@click.option("--once", is_flag=True, help="Take in what is there now, then exit.")
@with_appcontext
def watch_command(once: bool) -> None:
    """Take in mail for ever: every forum's own mail account, and the installation's mailbox
    (IMAP_HOST when set, else instance/inbox/) for the forums without one."""
    from workers.supervisor import Supervisor

    stop = threading.Event()
    _stop_on_signals(stop)
    app = current_app._get_current_object()
    Supervisor(app, stop, default=_default_intake(app.config, once)).run(once=once)
    log.info("Mail intake stopped")


def _default_intake(config, once: bool):
    """Return the intake of the installation's own mailbox: IMAP_* settings or the drop folder."""
    from workers import dropfolder
    from workers.imap import ImapWorker
    from workers.settings import ImapSettings

    if config.get("IMAP_HOST"):
        settings = ImapSettings.from_config(config)
        return lambda stop: ImapWorker(settings, stop).run(once=once)
    return lambda stop: dropfolder.run(config["MAIL_INBOX_DIR"], stop, once=once,
                                       max_bytes=config.get("MAIL_MAX_BYTES") or 25 * 1024 * 1024)


def _stop_on_signals(stop: threading.Event) -> None:
    """Finish the current message on SIGTERM or Ctrl-C; a second one stops at once."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handle(signum: int, _frame) -> None:
        """Ask the worker to stop, or stop at once when asked before."""
        if stop.is_set():
            raise KeyboardInterrupt
        log.info("Signal %s: stopping after the current message", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def register(app: Flask) -> None:
    """Add `watch` to APP's `mail` command group, creating the group when it is not there."""
    group = app.cli.commands.get("mail") or click.Group("mail", help="Incoming mail.")
    group.add_command(watch_command)
    app.cli.add_command(group)
