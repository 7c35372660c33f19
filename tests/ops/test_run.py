"""`make run`'s supervisor (app/run.py): a dead process comes back, exit leaves nothing."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    """Return the direct children of PID with their command lines."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            found[int(child)] = cmdline.decode(errors="replace")
    return found


def _group(pgid: int) -> list[int]:
    """Return the live processes of process group PGID."""
    members = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(proc.name))
    return members


def _alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z"


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _environment(path: Path) -> dict[str, str]:
    """Return the environment of an installation on embedded defaults in PATH."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("REDIS_", "DATABASE_", "SMTP_", "IMAP_"))}
    return env | {"INSTANCE_PATH": str(path), "JOB_WORKERS": "1", "PORT": str(_free_port())}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """Return an instance folder with a migrated database, made once for these tests."""
    path = tmp_path_factory.mktemp("migrated") / "instance"
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                   cwd=ROOT, env=_environment(path), check=True, capture_output=True,
                   timeout=120)
    return path


@pytest.fixture
def instance(migrated, tmp_path):
    """Return a copy of the migrated instance folder and its environment (one job worker)."""
    path = tmp_path / "instance"
    shutil.copytree(migrated, path)
    return path, _environment(path)


@pytest.fixture
def supervisor(instance, tmp_path):
    """Start `python -m app.run` on INSTANCE; yield (process, base URL); make sure it ends."""
    path, env = instance
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "app.run"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        _wait(lambda: _healthy(url), 60, "the web app")
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def test_a_killed_job_worker_is_started_again_and_its_scheduler_goes(supervisor):
    process, url = supervisor
    [worker] = [pid for pid, cmd in _children(process.pid).items() if "jobs worker" in cmd]
    # RQ's scheduler runs in a child of the worker, in the worker's process group.
    _wait(lambda: len(_group(worker)) >= 2, 30, "the worker's scheduler")
    os.kill(worker, signal.SIGKILL)

    def new_worker():
        pids = [pid for pid, cmd in _children(process.pid).items() if "jobs worker" in cmd]
        return [pid for pid in pids if pid != worker]

    _wait(new_worker, 30, "a new job worker")
    assert _group(worker) == []  # the orphaned scheduler did not stay behind
    assert _healthy(url)  # the web app went on serving throughout
    assert process.poll() is None


def test_stopping_stops_every_process_and_the_embedded_redis(supervisor, instance):
    process, url = supervisor
    path, _env = instance
    # The instance folder is the user's own: keys, database, Redis's socket.
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    for name in ("secret_key", "credentials_key", "forumpost.db", "redis.sock"):
        mode = stat.S_IMODE((path / name).stat().st_mode)
        assert mode & 0o077 == 0, (name, oct(mode))
    children = _children(process.pid)
    assert any("redis-server" in cmd for cmd in children.values())
    assert any("gunicorn" in cmd for cmd in children.values())
    groups = {pid: _group(pid) for pid in children}
    client = redis.Redis(unix_socket_path=str(path / "redis.sock"))
    assert client.ping()

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    for pid, members in groups.items():
        assert not any(_alive(member) for member in members), (children[pid], members)
    with pytest.raises(redis.ConnectionError):
        client.ping()


def test_a_killed_supervisor_takes_its_children_with_it(supervisor):
    process, _url = supervisor
    children = list(_children(process.pid))
    process.kill()
    process.wait()
    _wait(lambda: not any(_alive(pid) for pid in children), 30, "the children to stop")
