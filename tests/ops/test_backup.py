"""`flask backup create` and `restore`: every table back as it was, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import stat
import tarfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask.cli import FlaskGroup, ScriptInfo

from app import create_app, demo
from app.extensions import db
from app.mail.accounts.credentials import Vault, new_key
from app.models import (
    AgendaAttachment,
    AgendaItem,
    Base,
    InboundMessage,
    MailAccount,
)

RAW = "Subject: Afbud\r\n\r\nJeg kan ikke komme. Hilsen Søren\r\n".encode() + bytes(range(256))
FILE = bytes(range(256)) * 40  # every byte value: the attachment must come back exact


def _rows(engine) -> dict[str, list[tuple]]:
    """Return every row of every table of the app, in primary-key order."""
    found = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [tuple(row) for row in conn.execute(
                sa.select(table).order_by(*order))]
    return found


@pytest.fixture
def keys(app):
    """Write the instance's keys, as a fresh installation has them; return them."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    secret, credentials = uuid.uuid4().hex, new_key()
    (instance / "secret_key").write_text(secret)
    (instance / "credentials_key").write_text(credentials)
    app.config["CREDENTIALS_KEY"] = credentials
    return {"secret_key": secret, "credentials_key": credentials}


@pytest.fixture
def filled(app, keys):
    """Fill the database: the demo forum, a mail with raw bytes, a file, a sealed password."""
    forum = demo.create_demo(history=False)
    db.session.flush()
    mail = InboundMessage(forum_id=forum.id, sha256=hashlib.sha256(RAW).hexdigest(), raw=RAW,
                          size=len(RAW), sender="soren@samarbejdsforum.test",
                          subject="Afbud", decision={"kind": "rsvp", "reasons": ["ja"]})
    item = AgendaItem(forum=forum, title="Belysning i Skelbækgade", body="Lamper mangler")
    item.attachments.append(AgendaAttachment(filename="Dagsorden – marts.pdf",
                                             content_type="application/pdf", size=len(FILE),
                                             data=FILE))
    account = MailAccount(forum=forum, address="forum@kk.test", imap_host="imap.kk.test",
                          smtp_host="smtp.kk.test",
                          secrets=Vault([keys["credentials_key"]]).seal({"password": "hemmeligt"}))
    db.session.add_all([mail, item, account])
    db.session.commit()
    return forum


@pytest.fixture
def empty_target(empty_database, tmp_path):
    """Return a second installation: an empty database and an empty instance folder."""
    return {"SQLALCHEMY_DATABASE_URI": empty_database}, tmp_path / "restored-instance"


def _second_app(app_config, target):
    config, instance = target
    other = create_app(app_config | config)
    other.instance_path = str(instance)
    return other


def test_a_backup_restores_every_table_and_the_keys(app, app_config, filled, keys,
                                                    empty_target, tmp_path):
    before = _rows(db.engine)
    path = tmp_path / "backups" / "forumpost.tar.gz"
    result = _invoke_app(app, "backup", "create", str(path))
    assert result.exit_code == 0, result.output
    assert "WARNING: the backup holds the keys" in result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with tarfile.open(path) as tar:
        assert {"manifest.json", "instance/secret_key", "instance/credentials_key"} <= set(
            tar.getnames())

    other = _second_app(app_config, empty_target)
    with other.app_context():
        result = _invoke_app(other, "backup", "restore", str(path))
        assert result.exit_code == 0, result.output
        assert "flask db upgrade" in result.output
        after = _rows(db.engine)
        restored = db.session.scalar(sa.select(MailAccount))
        sealed = restored.secrets
        db.session.remove()
        db.engine.dispose()
    assert after == before
    assert sum(len(rows) for rows in after.values()) > 100
    instance = empty_target[1]
    for name, value in keys.items():
        assert (instance / name).read_text() == value
        assert stat.S_IMODE((instance / name).stat().st_mode) == 0o600
    # The restored key opens the restored mailbox password.
    assert Vault([(instance / "credentials_key").read_text()]).open(sealed) == {
        "password": "hemmeligt"}


def test_a_database_with_data_is_not_overwritten_unless_asked(app, filled, tmp_path):
    path = tmp_path / "forumpost.tar.gz"
    assert _invoke_app(app, "backup", "create", str(path)).exit_code == 0
    result = _invoke_app(app, "backup", "restore", str(path))
    assert result.exit_code != 0
    assert "The database is not empty" in result.output and "--replace" in result.output
    db.session.remove()
    assert _invoke_app(app, "backup", "restore", "--replace", str(path)).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(AgendaAttachment.id))) == 1


def test_a_file_that_is_not_a_backup_is_refused_clearly(app, tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(b"not a tar")
    result = _invoke_app(app, "backup", "restore", str(path))
    assert result.exit_code != 0
    assert "is not a Forumpost backup" in result.output


def _invoke_app(app, *args: str):
    """Run APP's `flask` command line with ARGS."""
    group = FlaskGroup(create_app=lambda: app)
    return CliRunner().invoke(group, list(args), obj=ScriptInfo(create_app=lambda: app))
