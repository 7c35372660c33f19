"""The drop folder: without an IMAP server, every *.eml put in instance/inbox/ is taken in.

A file goes the same way as a fetched message (store + commit, process + commit, enqueue)
and then moves to inbox/processed/, or to inbox/failed/ with a .reason.txt beside it. A file
is moved only after its commit, so a crash leaves it to be read again, found a duplicate and
not applied twice.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from app.extensions import db
from workers import intake
from workers.intake import Item
from workers.mailbox import MAX_HEADER_BYTES

log = logging.getLogger(__name__)


def run(inbox: str | os.PathLike, stop: threading.Event | None = None, *, once: bool = False,
        interval: float = 1.0, settle: float = 0.5, max_bytes: int = 25 * 1024 * 1024) -> None:
    """Take in the files of INBOX every INTERVAL seconds until stopped (ONCE: just now)."""
    stop = stop or threading.Event()
    inbox = Path(inbox)
    for folder in (inbox, inbox / "processed", inbox / "failed"):
        folder.mkdir(parents=True, exist_ok=True)
    log.info("Watching the drop folder %s", inbox)
    while not stop.is_set():
        try:
            # Files still being written are left for the next look, except when run once.
            drain(inbox, stop, settle=0.0 if once else settle, max_bytes=max_bytes)
        except Exception:
            db.session.rollback()
            if once:
                raise
            log.exception("Reading the drop folder %s failed; trying again", inbox)
        if once:
            return
        stop.wait(interval)


def drain(inbox: Path, stop: threading.Event | None = None, *, settle: float = 0.0,
          max_bytes: int = 25 * 1024 * 1024) -> int:
    """Take in every settled *.eml file of INBOX, oldest name first; return how many."""
    count = 0
    for path in sorted(inbox.glob("*.eml")):
        if stop is not None and stop.is_set():
            break
        if settle and not _settled(path, settle):
            continue
        take(path, inbox, max_bytes)
        count += 1
    return count


def _settled(path: Path, settle: float) -> bool:
    """Tell whether PATH was last written more than SETTLE seconds ago."""
    try:
        return time.time() - path.stat().st_mtime >= settle
    except OSError:
        return False


def take(path: Path, inbox: Path, max_bytes: int) -> None:
    """Store and process one file, then move it to processed/ (or failed/ with the reason)."""
    try:
        item = read(path, max_bytes)
    except (OSError, ValueError) as error:
        fail(path, inbox, str(error))
        return
    [row_id] = intake.store([item], f"inbox/{path.name}"[:255], None)
    if row_id is None:
        fail(path, inbox, "The message could not be stored; the worker's log says why.")
        return
    intake.apply([row_id])
    destination = move_to(path, inbox / "processed")
    log.info("Took in %s as inbound message %s", destination.name, row_id)


def read(path: Path, max_bytes: int) -> Item:
    """Return PATH as an item (headers only when over MAX_BYTES); ValueError if it is no mail."""
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(MAX_HEADER_BYTES)
        raw = head + file.read() if size <= max_bytes else None
    header_end = head.find(b"\r\n\r\n") if b"\r\n\r\n" in head else head.find(b"\n\n")
    headers = head if header_end < 0 else head[:header_end + 2]
    if not BytesHeaderParser(policy=policy.compat32).parsebytes(headers).keys():
        raise ValueError("The file has no mail headers, so it is not a message.")
    if raw is None:
        return Item(raw=None, size=size, headers=headers, limit=max_bytes)
    return Item(raw=raw, size=len(raw))


def fail(path: Path, inbox: Path, reason: str) -> None:
    """Move PATH to failed/ with a .reason.txt saying REASON."""
    destination = move_to(path, inbox / "failed")
    destination.with_name(destination.name + ".reason.txt").write_text(reason + "\n")
    log.warning("Could not take in %s: %s", path.name, reason)


def move_to(path: Path, folder: Path) -> Path:
    """Move PATH into FOLDER under a name not yet taken there; return the new path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    number = 1
    while target.exists():
        target = folder / f"{path.stem}-{number}{path.suffix}"
        number += 1
    os.replace(path, target)
    return target
