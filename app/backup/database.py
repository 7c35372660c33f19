"""Copy the database out and in: SQLite's online backup API, or pg_dump and pg_restore."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import URL, Engine

from app.models import Base


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason for IT."""


def dump(engine: Engine, path: Path) -> str:
    """Write a consistent copy of ENGINE's database to PATH; return the file's name there."""
    if engine.dialect.name == "sqlite":
        target = path / "database.sqlite3"
        _sqlite_copy(_sqlite_file(engine.url), target)
        return target.name
    target = path / "database.pgdump"
    url, env = _libpq(engine.url)
    schema = _schema(engine.url)
    # Custom format: compressed, and pg_restore can drop what exists before creating.
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
               f"--file={target}", *([f"--schema={schema}"] if schema else []), url]
    _run(command, env)
    return target.name


def load(engine: Engine, source: Path) -> None:
    """Replace ENGINE's database with the copy in SOURCE (from dump)."""
    engine.dispose()  # nobody of ours holds the old file or connection open
    if engine.dialect.name == "sqlite":
        _sqlite_copy(source, _sqlite_file(engine.url))
        return
    url, env = _libpq(engine.url)
    # --clean --if-exists: tables an earlier `flask db upgrade` made, empty, give way.
    _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists",
          "--exit-on-error", "--single-transaction", f"--dbname={url}", str(source)], env)


def row_counts(engine: Engine) -> dict[str, int]:
    """Return the number of rows of each of the app's tables that exists."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {table.name: conn.scalar(select(text("count(*)")).select_from(table))
                for table in Base.metadata.sorted_tables if table.name in present}


def revision(engine: Engine) -> str | None:
    """Return the schema's migration revision, or None when it was not made by migrations."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy the SQLite database SOURCE into TARGET page by page, while others may write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_file(url: URL) -> Path:
    """Return the file of a SQLite URL."""
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """Return URL as libpq reads it, the password in the environment (never in `ps`)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _schema(url: URL) -> str | None:
    """Return the schema a `search_path` in the URL's options names, if any."""
    options = unquote(str(url.query.get("options", "")))
    for option in options.split():
        if option.startswith("-csearch_path="):
            return option.split("=", 1)[1].split(",")[0]
    return None


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client program; raise BackupError with what it said."""
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (apt-get install "
                          "postgresql-client).") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error

