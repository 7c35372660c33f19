"""Read calendars with ical.js, the parser of Thunderbird's calendar, run by Node.

The npm package is pinned in tests/js/package-lock.json and installed there
with `npm ci` the first time a test needs it; without Node the tests skip.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
READER = JS_DIR / "read_events.mjs"


def _locked_version() -> str:
    """Return the ical.js version the lockfile pins."""
    lock = json.loads((JS_DIR / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/ical.js"]["version"]


def _installed_version() -> str | None:
    """Return the ical.js version in tests/js/node_modules, or None."""
    manifest = JS_DIR / "node_modules" / "ical.js" / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def node() -> str:
    """Return the node executable with ical.js installed beside the reader, or skip."""
    node_path, npm = shutil.which("node"), shutil.which("npm")
    if node_path is None or npm is None:
        pytest.skip("reading calendars with ical.js needs Node.js and npm on PATH")
    # Other test runs share the working tree: one installs, the others wait for it.
    with open(JS_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed_version() != _locked_version():
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                                  cwd=JS_DIR, capture_output=True, text=True, timeout=300)
            if done.returncode:
                pytest.fail(f"npm ci in tests/js failed:\n{done.stdout}\n{done.stderr}"[-3000:])
    return node_path


def read_events(texts: list[str]) -> list[list[dict[str, str]]]:
    """Return, per calendar text, its VEVENTs as ical.js reads them: start and end in UTC."""
    done = subprocess.run([node(), str(READER)], input=json.dumps(texts), capture_output=True,
                          text=True, timeout=120, check=False)
    if done.returncode:
        raise AssertionError(f"ical.js could not read the calendars:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)
