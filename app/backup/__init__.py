"""Backups: the database, the attachments in it and the instance's keys, in one file."""
