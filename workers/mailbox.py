"""One pass over the selected IMAP folder: new UIDs, sizes, bodies, store, process, move, advance.

Per batch of UIDs the order is fixed, and it is what makes a crash harmless at any point:
store + commit, process + commit, enqueue, MOVE to the processed folder, advance + commit.
A message fetched again is a duplicate to receive() and is processed only if its row is still
"received"; a message already moved is not fetched again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from imapclient import IMAPClient

from app.extensions import db
from app.services import mailboxes
from workers import intake
from workers.intake import Item
from workers.settings import ImapSettings

log = logging.getLogger(__name__)

#: What a header fetch of an oversized message is cut to.
MAX_HEADER_BYTES = 64 * 1024
#: What an oversized message weighs in a batch: its headers, typically a few KB.
HEADER_WEIGHT = 4096


@dataclass(frozen=True)
class Box:
    """The selected folder, as the database knows it."""

    name: str
    uidvalidity: int
    #: The forum whose own account this mailbox is: where mail goes that names no forum.
    forum_id: int | None = None


def uid_set(uids: Sequence[int]) -> list[str]:
    """Return UIDS as IMAP ranges ("3:7", "9"), so a long run stays a short command."""
    ranges: list[str] = []
    ordered = sorted(set(uids))
    start = prev = None
    for uid in [*ordered, None]:
        if start is not None and uid == prev + 1:
            prev = uid
            continue
        if start is not None:
            ranges.append(str(start) if start == prev else f"{start}:{prev}")
        start = prev = uid
    return ranges


def new_uids(client: IMAPClient, last_uid: int) -> list[int]:
    """Return the UIDs above LAST_UID, ascending."""
    # "n:*" always includes the last message, even when its UID is below n.
    found = client.search(["UID", f"{last_uid + 1}:*"])
    return sorted(uid for uid in found if uid > last_uid)


def chunked(items: Sequence, size: int) -> Iterator[Sequence]:
    """Yield ITEMS in slices of SIZE."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def sync(client: IMAPClient, box: Box, settings: ImapSettings,
         stop: threading.Event | None = None) -> int:
    """Handle every message above the last UID handled; return how many were handled."""
    state = mailboxes.get(box.name)
    last_uid = state.last_uid
    db.session.commit()
    total = 0
    for window in chunked(new_uids(client, last_uid), settings.chunk):
        sizes = fetch_sizes(client, window)
        for batch in batches(window, sizes, settings):
            total += handle_batch(client, box, batch, sizes, settings, stop)
            if stop is not None and stop.is_set():
                return total
    return total


def fetch_sizes(client: IMAPClient, uids: Sequence[int]) -> dict[int, int]:
    """Return the RFC822.SIZE of each UID still there."""
    wanted = set(uids)
    # imapclient 4 needs the UIDs themselves here (no ranges, never "1:*"): it matches the
    # answers against them.
    response = client.fetch(list(uids), ["RFC822.SIZE"])
    return {uid: data[b"RFC822.SIZE"] for uid, data in response.items()
            if uid in wanted and b"RFC822.SIZE" in data}


def batches(uids: Sequence[int], sizes: dict[int, int],
            settings: ImapSettings) -> Iterator[list[int]]:
    """Yield UIDS in runs whose bodies together stay under the batch budget."""
    batch: list[int] = []
    weight = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        size = HEADER_WEIGHT if size > settings.max_bytes else size
        if batch and weight + size > settings.batch_bytes:
            yield batch
            batch, weight = [], 0
        batch.append(uid)
        weight += size
    if batch:
        yield batch


def fetch_items(client: IMAPClient, uids: Sequence[int], sizes: dict[int, int],
                max_bytes: int) -> list[Item]:
    """Fetch the bodies of UIDS, or only the headers of those over MAX_BYTES."""
    small = [uid for uid in uids if uid in sizes and sizes[uid] <= max_bytes]
    large = [uid for uid in uids if uid in sizes and sizes[uid] > max_bytes]
    bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
    heads = client.fetch(large, ["BODY.PEEK[HEADER]"]) if large else {}
    items = []
    for uid in uids:
        raw = bodies.get(uid, {}).get(b"BODY[]")
        if raw is not None:
            items.append(Item(raw=raw, size=len(raw), uid=uid))
        elif uid in heads:
            headers = (heads[uid].get(b"BODY[HEADER]") or b"")[:MAX_HEADER_BYTES]
            items.append(Item(raw=None, size=sizes[uid], uid=uid, headers=headers,
                              limit=max_bytes))
        else:
            log.warning("UID %s vanished before it could be fetched", uid)
    return items


def handle_batch(client: IMAPClient, box: Box, uids: Sequence[int], sizes: dict[int, int],
                 settings: ImapSettings, stop: threading.Event | None) -> int:
    """Store, process, move and advance past one batch; return how many messages were handled."""
    items = fetch_items(client, uids, sizes, settings.max_bytes)
    row_ids = intake.store(items, box.name, box.uidvalidity, forum_id=box.forum_id)
    handled = intake.apply(row_ids, stop)
    done = [item.uid for item, row_id in zip(items[:handled], row_ids, strict=False)
            if row_id is not None]
    move(client, done, settings.processed_folder)
    last = _reached(uids, items, handled)
    mailboxes.advance(mailboxes.get(box.name), last)
    db.session.commit()
    if done:
        log.info("Handled %d message(s) of %s, up to UID %s", len(done), box.name, last)
    return handled


def _reached(uids: Sequence[int], items: Sequence[Item], handled: int) -> int:
    """Return the UID a batch was read up to: all of it, or up to where it stopped."""
    # Past everything looked at: a message that could not be stored stays in the folder,
    # for a person to see, rather than being fetched again and again.
    if handled == len(items):
        return max(uids)
    return items[handled - 1].uid if handled else 0


def move(client: IMAPClient, uids: Sequence[int], folder: str) -> None:
    """Move UIDS to FOLDER: MOVE if offered, else COPY, flag \\Deleted and expunge."""
    if not uids:
        return
    ranges = uid_set(uids)
    if client.has_capability("MOVE"):
        client.move(ranges, folder)
        return
    client.copy(ranges, folder)
    client.delete_messages(ranges, silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(ranges)
    else:
        # Without UIDPLUS, EXPUNGE also removes what others flagged \Deleted in this folder.
        client.expunge()


def ensure_folder(client: IMAPClient, folder: str) -> None:
    """Create FOLDER unless it exists."""
    if client.folder_exists(folder):
        return
    try:
        client.create_folder(folder)
    except IMAPClient.Error:
        # Another client may have created it in between; anything else shows below.
        if not client.folder_exists(folder):
            raise
    log.info("Created the IMAP folder %s", folder)
