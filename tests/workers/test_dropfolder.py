"""The drop folder: *.eml files in instance/inbox/ are taken in without an IMAP server."""

from __future__ import annotations

import threading
from pathlib import Path

from app.cli_mail_watch import register
from app.models import InboundState
from tests.workers.conftest import stored, wait_for
from tests.workers.messages import oversized, sample
from workers import dropfolder


def _inbox(app) -> Path:
    """Return the test's drop folder, created."""
    inbox = Path(app.config["MAIL_INBOX_DIR"])
    inbox.mkdir(parents=True, exist_ok=True)
    return inbox


def test_mail_watch_once_takes_in_good_files_and_sets_bad_ones_aside(app, saved_forum):
    inbox = _inbox(app)
    (inbox / "01-svar.eml").write_bytes(sample(0))
    (inbox / "02-dagsorden.eml").write_bytes(sample(1))
    (inbox / "03-tom.eml").write_bytes(b"")
    (inbox / "04-noter.eml").write_bytes("Husk kaffe til mødet.\n".encode())
    (inbox / "ignored.txt").write_bytes(sample(2))
    if "mail" not in app.cli.commands or "watch" not in app.cli.commands["mail"].commands:
        register(app)
    result = app.test_cli_runner().invoke(args=["mail", "watch", "--once"])
    assert result.exit_code == 0, result.output
    rows = stored()
    assert len(rows) == 2 and all(r.state is not InboundState.received for r in rows)
    assert [r.mailbox for r in rows] == ["inbox/01-svar.eml", "inbox/02-dagsorden.eml"]
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        "01-svar.eml", "02-dagsorden.eml"]
    failed = inbox / "failed"
    assert sorted(p.name for p in failed.iterdir()) == [
        "03-tom.eml", "03-tom.eml.reason.txt", "04-noter.eml", "04-noter.eml.reason.txt"]
    assert "no mail headers" in (failed / "04-noter.eml.reason.txt").read_text()
    assert sorted(p.name for p in inbox.iterdir()) == ["failed", "ignored.txt", "processed"]


def test_a_file_dropped_again_is_a_duplicate_kept_apart(app):
    inbox = _inbox(app)
    for _ in range(2):
        (inbox / "svar.eml").write_bytes(sample(0))
        dropfolder.run(inbox, once=True)
    assert len(stored()) == 1
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["svar-1.eml", "svar.eml"]


def test_an_oversized_file_is_quarantined_from_its_headers(app):
    inbox = _inbox(app)
    (inbox / "stor.eml").write_bytes(oversized(1, 50_000))
    dropfolder.run(inbox, once=True, max_bytes=10_000)
    [row] = stored()
    assert row.state is InboundState.quarantined and "too large" in row.reason
    assert (inbox / "processed" / "stor.eml").exists()


def test_the_watching_loop_picks_up_a_file_within_seconds(app):
    inbox = _inbox(app)
    stop = threading.Event()

    def watch() -> None:
        with app.app_context():
            dropfolder.run(inbox, stop, interval=0.1, settle=0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        partial = inbox / ".svar.eml.tmp"  # written under another name, then renamed
        partial.write_bytes(sample(3))
        partial.rename(inbox / "svar.eml")
        wait_for(lambda: (inbox / "processed" / "svar.eml").exists(), timeout=5,
                 what="the file to be taken in")
    finally:
        stop.set()
        thread.join(timeout=5)
    assert len(stored()) == 1
