"""Read calendars with ical.js, the parser of Thunderbird's calendar, run by Node.

The npm packages are pinned in tests/js/package-lock.json and installed there
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


def _locked_version(package: str) -> str:
    """Return the version of PACKAGE the lockfile pins."""
    lock = json.loads((JS_DIR / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{package}"]["version"]


def _installed_version(package: str) -> str | None:
    """Return the version of PACKAGE in tests/js/node_modules, or None."""
    manifest = JS_DIR / "node_modules" / package / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def npm_packages() -> Path:
    """Return tests/js/node_modules with the locked packages installed (`npm ci`), or skip."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("the tests' npm packages (tests/js) need Node.js and npm on PATH")
    lock = json.loads((JS_DIR / "package-lock.json").read_text(encoding="utf-8"))
    packages = [key.removeprefix("node_modules/") for key in lock["packages"] if key]
    # Other test runs share the working tree: one installs, the others wait for it.
    with open(JS_DIR / ".install.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if any(_installed_version(p) != _locked_version(p) for p in packages):
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                                  cwd=JS_DIR, capture_output=True, text=True, timeout=300)
            if done.returncode:
                pytest.fail(f"npm ci in tests/js failed:\n{done.stdout}\n{done.stderr}"[-3000:])
    return JS_DIR / "node_modules"


def node() -> str:
    """Return the node executable with ical.js installed beside the reader, or skip."""
    node_path = shutil.which("node")
    if node_path is None:
        pytest.skip("reading calendars with ical.js needs Node.js and npm on PATH")
    npm_packages()
    return node_path


def read_events(texts: list[str]) -> list[list[dict[str, str]]]:
    """Return, per calendar text, its VEVENTs as ical.js reads them: start and end in UTC."""
    done = subprocess.run([node(), str(READER)], input=json.dumps(texts), capture_output=True,
                          text=True, timeout=120, check=False)
    if done.returncode:
        raise AssertionError(f"ical.js could not read the calendars:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)
