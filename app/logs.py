"""Logs to standard output: plain lines by default, one JSON object a line with LOG_FORMAT=json."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

FIELDS = "{asctime}{levelname}{name}{process}{message}"
PLAIN = "%(asctime)s %(levelname)s %(name)s %(message)s"


class StdoutHandler(logging.StreamHandler):
    """Write to whatever sys.stdout is when a record comes (pytest and gunicorn replace it)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self):
        """Return the current standard output."""
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        """Ignore: the stream is always the current standard output."""


def configure(log_format: str | None, level: str = "INFO") -> None:
    """Send the root logger's records to stdout in LOG_FORMAT, once per process (None: leave
    logging as it is, as the tests do: pytest captures the records itself)."""
    if log_format is None:
        return
    root = logging.getLogger()
    # A second app in the same process (tests, `flask` commands) replaces our handler,
    # never one that someone else (pytest, gunicorn) installed.
    for handler in [h for h in root.handlers if getattr(h, "forumpost", False)]:
        root.removeHandler(handler)
    handler = StdoutHandler()
    handler.forumpost = True
    handler.setFormatter(_formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level)


def _formatter(log_format: str) -> logging.Formatter:
    """Return the formatter for LOG_FORMAT ("json" or "text")."""
    if log_format == "json":
        # Collectors (Loki, Elastic, Azure Monitor) read time, level and message by these names.
        return JsonFormatter(FIELDS, style="{", rename_fields={"asctime": "time",
                                                               "levelname": "level"})
    return logging.Formatter(PLAIN)
