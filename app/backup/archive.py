"""One backup file: a tar of the database copy, the instance's keys and a manifest."""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from app.backup import database
from app.backup.database import BackupError

FORMAT = 1
#: What of the instance folder a restore needs: the keys that sign reply tokens and open the
#: mailboxes' sealed secrets, and the local configuration.
INSTANCE_FILES = ("secret_key", "credentials_key", "config.py")


@dataclass
class Summary:
    """What a backup holds, from its manifest."""

    created: str
    dialect: str
    revision: str | None
    tables: dict[str, int]
    instance_files: list[str]


def create(engine: Engine, instance: Path, target: Path) -> Summary:
    """Write a backup of ENGINE's database and INSTANCE's keys to TARGET (mode 600)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        database_file = database.dump(engine, work)
        kept = [name for name in INSTANCE_FILES if (instance / name).is_file()]
        summary = Summary(created=datetime.now(UTC).isoformat(timespec="seconds"),
                          dialect=engine.dialect.name, revision=database.revision(engine),
                          tables=database.row_counts(engine), instance_files=kept)
        manifest = {"format": FORMAT, "database": database_file, **summary.__dict__}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        _write_tar(target, work, database_file, instance, kept)
    return summary


def _write_tar(target: Path, work: Path, database_file: str, instance: Path,
               kept: list[str]) -> None:
    """Write the tar, readable by its owner only: it holds the keys."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        tar.add(work / "manifest.json", arcname="manifest.json")
        tar.add(work / database_file, arcname=database_file)
        for name in kept:
            tar.add(instance / name, arcname=f"instance/{name}")
    partial.replace(target)  # a backup cut short never looks like a whole one


def read_summary(source: Path) -> Summary:
    """Return what the backup SOURCE holds."""
    manifest = _manifest(source)
    return Summary(**{key: manifest[key] for key in Summary.__dataclass_fields__})


def restore(engine: Engine, instance: Path, source: Path, replace: bool = False) -> Summary:
    """Restore SOURCE into ENGINE's database and INSTANCE; refuse a database with data."""
    manifest = _manifest(source)
    if manifest["dialect"] != engine.dialect.name:
        raise BackupError(f"The backup is of a {manifest['dialect']} database; this "
                          f"installation uses {engine.dialect.name}.")
    held = {name: count for name, count in database.row_counts(engine).items() if count}
    if held and not replace:
        raise BackupError("The database is not empty (" + ", ".join(
            f"{name}: {count}" for name, count in sorted(held.items())) +
            "); restore into an empty one, or give --replace to overwrite it.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        database.load(engine, Path(tmp) / manifest["database"])
        _restore_instance(Path(tmp) / "instance", instance, manifest["instance_files"])
    return read_summary(source)


def _restore_instance(source: Path, instance: Path, names: list[str]) -> None:
    """Put the backup's instance files in place, keeping any different one beside it."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in names:
        target = instance / name
        data = (source / name).read_bytes()
        if target.exists() and target.read_bytes() != data:
            target.replace(instance / f"{name}.before-restore")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)


def _manifest(source: Path) -> dict:
    """Return the manifest of the backup SOURCE, or say why it is not one."""
    try:
        with tarfile.open(source, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{source} is not a Forumpost backup: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} has backup format {manifest.get('format')}; "
                          f"this release reads format {FORMAT}.")
    return manifest
