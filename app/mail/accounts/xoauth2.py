"""SASL XOAUTH2: the line a client sends to log in to IMAP or SMTP with an access token."""

from __future__ import annotations


def xoauth2_string(user: str, token: str) -> str:
    """Return the XOAUTH2 initial response for USER and access TOKEN, before base64."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


class XOAuth2:
    """An auth object for smtplib.SMTP.auth("XOAUTH2", ...) and imaplib.IMAP4.authenticate."""

    def __init__(self, user: str, token: str) -> None:
        """Keep USER and TOKEN for the exchange."""
        self.user = user
        self._token = token

    def __call__(self, challenge: bytes | None = None) -> str:
        """Answer the server's CHALLENGE: the credentials first, then an empty line."""
        # smtplib passes None for an initial response and b"" for the server's empty "334 "
        # (IMAP's "+ "); both want the credentials. A non-empty challenge is the server's JSON
        # error about a refused token, and RFC 7628 wants an empty answer so it can end the
        # exchange with 535 (IMAP: NO). Sending the token again only earns the same refusal.
        if challenge:
            return ""
        return xoauth2_string(self.user, self._token)

    def __repr__(self) -> str:
        """Name the user but never the token, which would open the mailbox for an hour."""
        return f"XOAuth2(user={self.user!r})"
