"""Logins and pages that hold against attack."""
