"""The `flask mail watch` process of bench/mailboxes.py: the app it runs, and the bench's
hands on it (start, wait for its workers, read its CPU and memory in /proc, stop).

The process runs `flask --app bench.watch_app mail watch`: wsgi's app with
BENCH_WORKER_CONFIG (JSON) over its config, so the bench gives it its own database,
Redis, keys and drop folder (not the checkout's instance/).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask

from bench.cpu import times

ROOT = Path(__file__).resolve().parent.parent
#: What a worker logs once it has drained its folder and goes into IDLE.
READY = re.compile(rb"IMAP worker reading \S+ \(IDLE\)")
#: What the supervisor's first thread logs: the app is imported and supervising.
UP = b"Watching the drop folder"


def create_app() -> Flask:
    """Return the app with the bench's config (in the `flask mail watch` process)."""
    from app import create_app as make_app

    return make_app(json.loads(os.environ.get("BENCH_WORKER_CONFIG") or "{}"))


def start_watch(config: dict, log: Path) -> subprocess.Popen:
    """Start `flask mail watch` with CONFIG over the app's, its output in LOG."""
    env = {**os.environ, "BENCH_WORKER_CONFIG": json.dumps(config)}
    args = [sys.executable, "-m", "flask", "--app", "bench.watch_app", "mail", "watch"]
    with open(log, "wb") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(proc: subprocess.Popen, log: Path, count: int, timeout: float) -> float:
    """Return once COUNT workers of PROC have logged that they IDLE: the seconds until the
    process was up (its app imported and supervising)."""
    began = time.perf_counter()
    deadline, up = began + timeout, None
    while (ready := len(READY.findall(text := log.read_bytes()))) < count:
        if up is None and UP in text:
            up = time.perf_counter() - began
        if proc.poll() is not None or time.perf_counter() > deadline:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{ready} of {count} mailboxes in IDLE, then gave up:\n{tail}")
        time.sleep(0.05)
    time.sleep(0.5)  # from the log line into IDLE
    return time.perf_counter() - began - 0.5 if up is None else up


def cpu_seconds(pid: int) -> tuple[float, float]:
    """Return the CPU seconds (user + system) of process PID, and of its main thread."""
    process, main = times(pid), times(f"{pid}/task/{pid}")
    return process[0] + process[1], main[0] + main[1]


def idle_cpu(pid: int, seconds: float) -> tuple[float, float]:
    """Return the per cent of one CPU process PID used over SECONDS, and its main thread's."""
    began, (total, main) = time.perf_counter(), cpu_seconds(pid)
    time.sleep(seconds)
    elapsed, (total_after, main_after) = time.perf_counter() - began, cpu_seconds(pid)
    return 100 * (total_after - total) / elapsed, 100 * (main_after - main) / elapsed


def memory(pid: int) -> tuple[float, float, int]:
    """Return the resident and peak resident MB of process PID, and its threads."""
    status = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    kb = {key: int(status[key].split()[0]) for key in ("VmRSS", "VmHWM")}
    return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024, int(status["Threads"])


def stop_watch(proc: subprocess.Popen) -> float:
    """Stop PROC as an operator would, with SIGTERM; return the seconds it took."""
    began = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return time.perf_counter() - began
