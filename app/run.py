"""Start the whole app in one command: web, job worker, and mail intake.

`make run` calls this after migrating and seeding. With nothing configured it
starts the embedded Redis; with REDIS_URL, SMTP_* and IMAP_* set it uses those.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from app import create_app
from app.embedded import ensure_redis


def _processes(app) -> dict[str, list[str]]:
    """Return the commands to run, by name."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    port = str(app.config["PORT"])
    procs = {
        "web": [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--threads", "4", "--access-logfile", "-", "wsgi:app"],
        "cron": [*flask, "rq", "cron"],
    }
    # Several job workers: one composes a meeting's invitations while another sends;
    # a forum's mail still goes out one job at a time (app/sendlock.py).
    for number in range(1, app.config["JOB_WORKERS"] + 1):
        procs[f"jobs-{number}"] = [*flask, "jobs", "worker"]
    if "mail" in app.cli.commands and "watch" in app.cli.commands["mail"].commands:
        procs["mail"] = [*flask, "mail", "watch"]
    return procs


def _describe(app) -> None:
    """Say what runs where, and the demo login."""
    from app import demo

    print("\nForumpost is starting:", flush=True)
    print(f"  web      {app.config['BASE_URL']} (port {app.config['PORT']})")
    print(f"  database {app.config['SQLALCHEMY_DATABASE_URI']}")
    print(f"  redis    {app.config['RQ_CONNECTION']}")
    if app.config.get("MAIL_SERVER"):
        print(f"  smtp     {app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']}")
    else:
        print(f"  smtp     none: outgoing mail is written to {app.config['MAIL_OUTBOX_DIR']}/")
    if app.config.get("IMAP_HOST"):
        print(f"  imap     {app.config['IMAP_HOST']}:{app.config['IMAP_PORT']}")
    else:
        print(f"  imap     none: drop .eml files into {app.config['MAIL_INBOX_DIR']}/")
    print(f"\n  Demo login: {demo.SECRETARY_EMAIL} / {demo.SECRETARY_PASSWORD}\n", flush=True)


def main() -> int:
    """Start every process, and stop them all when one ends or on Ctrl-C."""
    app = create_app()
    env = dict(os.environ, FLASK_APP="wsgi")
    if app.config["REDIS_EMBEDDED"]:
        env["REDIS_URL"] = ensure_redis(app.instance_path)
    _describe(app)
    children = {name: subprocess.Popen(cmd, env=env) for name, cmd in _processes(app).items()}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    try:
        while not stop and all(p.poll() is None for p in children.values()):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for proc in children.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in children.values():
        proc.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
