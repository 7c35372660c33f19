"""The installation's vault for mail account secrets, from CREDENTIALS_KEY."""

from __future__ import annotations

from flask import current_app

from app.mail.accounts.credentials import Vault


def vault() -> Vault:
    """Return the vault of the configured keys (newest first, comma-separated)."""
    keys = str(current_app.config["CREDENTIALS_KEY"]).split(",")
    return Vault(k.strip() for k in keys)
