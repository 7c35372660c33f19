"""deploy/: what can be checked without building an image (no base images can be pulled here)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from flask.cli import FlaskGroup, ScriptInfo

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ROOT = DEPLOY.parent
UNITS = sorted((DEPLOY / "systemd").iterdir())


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _unit_commands() -> list[list[str]]:
    """Return every ExecStart/ExecStartPre of the units, split into words."""
    commands = []
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if re.match(r"ExecStart(Pre)?=", line):
                commands.append(line.split("=", 1)[1].split())
    return commands


def _compose_commands() -> list[list[str]]:
    return [service["command"] for service in _compose()["services"].values()
            if "command" in service]


def test_the_compose_file_has_every_process_and_health_checks():
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "jobs", "mail", "scheduler"} <= set(services)
    for name in ("postgres", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    # The app services share one definition: the same image, environment and instance volume.
    for name in ("migrate", "web", "jobs", "mail", "scheduler"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "instance:/srv/forumpost/instance" in services[name]["volumes"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == \
        "service_completed_successfully"


def test_no_secret_is_written_into_the_compose_file():
    environment = _compose()["services"]["web"]["environment"]
    for key in ("SECRET_KEY", "CREDENTIALS_KEY"):
        assert environment[key].startswith("${") and ":?" in environment[key]


def test_the_dockerfile_runs_as_a_user_on_a_pinned_base():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:\d+\.\d+\.\d+-slim-\w+$", text, re.M)
    assert re.search(r"^USER forumpost$", text, re.M)
    for copied in re.findall(r"^COPY (\S+)", text, re.M):
        assert (ROOT / copied).exists(), copied


@pytest.fixture
def flask_cli(app):
    """Return a function running the `flask` command line of APP, as the deployment does."""
    group = FlaskGroup(create_app=lambda: app)

    def run(*args: str):
        return CliRunner().invoke(group, list(args), obj=ScriptInfo(create_app=lambda: app))

    return run


def test_every_flask_command_the_deployment_names_exists(flask_cli):
    commands = _compose_commands() + _unit_commands()
    flask_commands = [cmd[1:] for cmd in commands if Path(cmd[0]).name == "flask"]
    assert len(flask_commands) >= 8
    for args in flask_commands:
        result = flask_cli(*args, "--help")
        assert result.exit_code == 0, (args, result.output)
    assert flask_cli("jobs", "no-such-command", "--help").exit_code != 0


def test_gunicorn_finds_the_app_the_deployment_names():
    commands = [cmd for cmd in _compose_commands() + _unit_commands()
                if Path(cmd[0]).name == "gunicorn"]
    assert len(commands) == 2
    for cmd in commands:
        module, name = cmd[-1].split(":")
        check = f"import {module}; assert callable({module}.{name})"
        subprocess.run([sys.executable, "-c", check], cwd=ROOT, check=True, timeout=60)


def test_every_way_of_running_the_web_app_reads_the_one_gunicorn_config():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    cmd = re.search(r'^CMD (\[.*?\])', dockerfile, re.M | re.S).group(1)
    launchers = [cmd.replace("\\\n", "").split('", "'),
                 *(c for c in _compose_commands() + _unit_commands()
                   if Path(c[0]).name == "gunicorn")]
    assert len(launchers) == 3
    for words in launchers:
        words = [w.strip('[]" ') for w in words]
        named = words[words.index("--config") + 1]
        assert Path(named).name == "gunicorn.conf.py", words
        assert not {"--workers", "--threads", "-w"} & set(words), words  # the config decides
    assert re.search(r"^COPY .*gunicorn\.conf\.py", dockerfile, re.M)


def test_the_gunicorn_config_runs_processes_and_honours_web_concurrency():
    def settings(**env):
        base = {k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"}
        out = subprocess.run([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                              "--print-config", "wsgi:app"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, env={**base, **env}, check=True)
        return dict(re.findall(r"^(workers|threads|worker_class) += (\S+)", out.stdout, re.M))

    found = settings()
    assert found["threads"] == "1" and found["worker_class"] == "sync"
    assert int(found["workers"]) == min((os.cpu_count() or 1) + 1, 9)
    assert settings(WEB_CONCURRENCY="3")["workers"] == "3"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze here")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    # The units name /opt/forumpost; here that is this checkout and its .venv.
    venv = Path(sys.executable).parent
    env = tmp_path / "env"
    env.write_text("")
    for unit in UNITS:
        text = unit.read_text().replace("/opt/forumpost/.venv/bin", str(venv))
        text = text.replace("/opt/forumpost", str(ROOT)).replace("/etc/forumpost/env", str(env))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", *[unit.name for unit in UNITS]],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr and "ignoring" not in result.stderr, result.stderr
