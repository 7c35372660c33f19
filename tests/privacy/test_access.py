"""An access request: everything about a person, as JSON and their original mails."""

import io
import json
import zipfile

from app.models import utcnow
from app.privacy.access import export


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_export_holds_profile_mandates_invitations_items_mails_and_events(story):
    archive = _zip(export(story.former, utcnow()))
    names = set(archive.namelist())
    assert {"LÆS MIG.txt", "person.json", "mandater.json", "indkaldelser.json",
            "dagsordenspunkter.json", "mails.json", "hændelser.json"} <= names
    person = json.loads(archive.read("person.json"))
    assert person["navn"] == "Søren Ærø" and person["telefon"] == "12345678"
    [mandate] = json.loads(archive.read("mandater.json"))
    assert mandate["plads"] == "Nabo 3" and mandate["årsag til ophør"] == "Fraflyttet"
    [invitation] = json.loads(archive.read("indkaldelser.json"))
    assert invitation["rolle"] == "member"
    [item] = json.loads(archive.read("dagsordenspunkter.json"))
    assert item["titel"] == "Belysning"
    mails = json.loads(archive.read("mails.json"))
    assert sorted(m["retning"] for m in mails) == ["modtaget", "modtaget", "sendt"]
    assert all(m["fil"] in names for m in mails)
    eml = archive.read(f"mails/modtaget-{story.old_in.id}.eml")
    assert eml.startswith(b"From: soren@vesterbro.test")
    events = json.loads(archive.read("hændelser.json"))
    assert any(e["handling"] == "person.edited" for e in events)


def test_the_export_holds_nothing_of_another_person(story):
    archive = _zip(export(story.current, utcnow()))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert "Søren".encode() not in everything
    assert b"soren@vesterbro.test" not in everything


def test_the_cli_writes_the_zip(story, runner, tmp_path):
    path = tmp_path / "soren.zip"
    result = runner.invoke(args=["privacy", "export", str(story.former.id), str(path)])
    assert result.exit_code == 0, result.output
    assert "person.json" in _zip(path.read_bytes()).namelist()
