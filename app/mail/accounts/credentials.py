"""A mail account's secrets, encrypted at rest with a key of their own (Fernet).

The key lives beside the database, not in it: a copy of the database alone opens
no mailbox. Several keys may be given, newest first, so a key can be replaced
without losing what the old one sealed (`MultiFernet`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

#: The secrets a mail account may hold; each is write-only on the page.
SECRET_FIELDS = ("password", "client_secret", "certificate_pem", "service_account_json")


class SealError(Exception):
    """Sealed secrets could not be opened: another key, or altered bytes."""


def new_key() -> str:
    """Return a fresh key, as text for a key file."""
    return Fernet.generate_key().decode()


class Vault:
    """Seal and open secrets with the installation's keys (newest first)."""

    def __init__(self, keys: Iterable[str | bytes]) -> None:
        fernets = [Fernet(k.encode() if isinstance(k, str) else k) for k in keys if k]
        if not fernets:
            raise ValueError("no credentials key")
        self._fernet = MultiFernet(fernets)

    def seal(self, secrets: Mapping[str, str]) -> bytes:
        """Return SECRETS (name -> text; empty ones dropped) encrypted."""
        kept = {k: v for k, v in secrets.items() if v}
        return self._fernet.encrypt(json.dumps(kept, sort_keys=True).encode())

    def open(self, sealed: bytes | None) -> dict[str, str]:
        """Return the secrets in SEALED (none when empty); SealError when it cannot."""
        if not sealed:
            return {}
        try:
            return json.loads(self._fernet.decrypt(bytes(sealed)))
        except (InvalidToken, ValueError) as exc:
            raise SealError("the secrets cannot be opened with this installation's key") from exc

    def seal_text(self, text: str | None) -> bytes | None:
        """Return one secret TEXT encrypted, or None for no text."""
        return self._fernet.encrypt(text.encode()) if text else None

    def open_text(self, sealed: bytes | None) -> str:
        """Return the one secret in SEALED, or '' when there is none."""
        if not sealed:
            return ""
        try:
            return self._fernet.decrypt(bytes(sealed)).decode()
        except InvalidToken as exc:
            raise SealError("the secret cannot be opened with this installation's key") from exc

    def rotate(self, sealed: bytes | None) -> bytes | None:
        """Return SEALED re-encrypted with the newest key."""
        return self._fernet.rotate(bytes(sealed)) if sealed else None
