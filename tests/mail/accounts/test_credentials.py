"""Secrets sealed with the installation's key: opened only with it, keys replaceable."""

import pytest

from app.mail.accounts.credentials import SealError, Vault, new_key


def test_sealed_secrets_open_with_the_same_key_only():
    key = new_key()
    sealed = Vault([key]).seal({"client_secret": "abc", "password": ""})
    assert b"abc" not in sealed
    assert Vault([key]).open(sealed) == {"client_secret": "abc"}  # empty ones dropped
    with pytest.raises(SealError):
        Vault([new_key()]).open(sealed)


def test_an_old_key_still_opens_until_rotated_to_the_new_one():
    old, new = new_key(), new_key()
    sealed = Vault([old]).seal_text("refresh-1")
    both = Vault([new, old])
    assert both.open_text(sealed) == "refresh-1"
    rotated = both.rotate(sealed)
    assert Vault([new]).open_text(rotated) == "refresh-1"


def test_nothing_sealed_is_nothing():
    vault = Vault([new_key()])
    assert (vault.open(None), vault.open_text(None), vault.seal_text("")) == ({}, "", None)


def test_altered_bytes_are_refused():
    vault = Vault([new_key()])
    sealed = bytearray(vault.seal({"password": "x"}))
    sealed[-5] ^= 1
    with pytest.raises(SealError):
        vault.open(bytes(sealed))


def test_no_key_is_an_error():
    with pytest.raises(ValueError):
        Vault(["", None])
