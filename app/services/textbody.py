"""A message's text body and its list of files, found once at intake for the Post page."""

from __future__ import annotations

from app.mail.body import attachments, mail_text
from app.mail.decision import Attachment
from app.mail.parse import Mail, parse

#: More text than a person reads on a page; the raw source has the rest.
TEXT_MAX = 200_000


def of_mail(mail: Mail) -> tuple[str, list[dict]]:
    """Return (text body, files as name/type/size) of the parsed MAIL."""
    try:
        # PostgreSQL's text holds no NUL, and a person reads none.
        text = mail_text(mail)[:TEXT_MAX].replace("\x00", "")
    except Exception:  # noqa: BLE001 - a broken body is shown as none; the raw source has it
        text = ""
    return text, [a.to_dict() for a in _files(mail)]


def from_raw(raw: bytes | None) -> tuple[str, list[dict]]:
    """Return (text body, files) of RAW: for a message stored before intake kept them."""
    return of_mail(parse(raw)) if raw else ("", [])


def attachment(raw: bytes | None, index: int) -> Attachment | None:
    """Return file number INDEX of RAW, counted as of_mail lists them, or None."""
    files = _files(parse(raw)) if raw else []
    return files[index] if 0 <= index < len(files) else None


def _files(mail: Mail) -> list[Attachment]:
    """Return MAIL's attached files, none when its structure cannot be walked."""
    if mail.cache.get("too_many_parts"):
        return []  # only the headers were read
    try:
        return attachments(mail.msg)
    except Exception:  # noqa: BLE001 - a broken structure has no files to offer
        return []
