"""Logins and pages that hold against attack: passwords, throttling, redirects, sessions."""
