"""Where a bench run's CPU goes: its worker processes, the bench process itself (the
SMTP server's thread), the PostgreSQL backends the workers used, and Redis; read from
/proc (Linux) and Redis's INFO, around one run.

Workers are this process's children, reaped when the run ends; a backend's CPU reaches
its postmaster once the backend exits, a moment after its worker's connection closes.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
#: How long the backends of a closed pool take to exit and be reaped, with margin.
REAPED_SECONDS = 0.5


def times(pid: int | str) -> tuple[float, float, float, float]:
    """Return utime, stime, cutime and cstime of process PID (or "PID/task/TID", a
    thread) in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return tuple(int(value) / TICKS for value in fields[11:15])


def _machine() -> tuple[float, float]:
    """Return the machine's total and idle CPU seconds since boot (all cores)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) / TICKS, (values[3] + values[4]) / TICKS


def postmaster_of(engine) -> int | None:
    """Return the pid of ENGINE's PostgreSQL postmaster when it runs on this machine."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    status = Path(f"/proc/{backend}/status")
    if not status.exists():  # a server on another machine
        return None
    return int(next(line.split()[1] for line in status.read_text().splitlines()
                    if line.startswith("PPid:")))


def _redis_seconds(redis) -> float:
    """Return the CPU seconds Redis has used."""
    info = redis.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


@dataclass
class Split:
    """CPU seconds of each part, summed over the runs measured."""

    postmaster: int | None
    parts: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("workers", "workers_system", "smtp", "postgresql", "redis"), 0.0))
    machine: list[float] = field(default_factory=lambda: [0.0, 0.0])

    def measure(self, run, redis):
        """Call RUN() and add the CPU it took to the parts; return what RUN returns.

        Call with the bench's own pool closed: its backends' CPU would count too.
        """
        time.sleep(REAPED_SECONDS)
        before = self._read(redis)
        machine = _machine()
        result = run()
        machine_after = _machine()
        time.sleep(REAPED_SECONDS)
        after = self._read(redis)
        for name in self.parts:
            self.parts[name] += after[name] - before[name]
        self.machine[0] += machine_after[0] - machine[0]
        self.machine[1] += machine_after[1] - machine[1]
        return result

    def _read(self, redis) -> dict[str, float]:
        """Return the CPU seconds each part has used so far."""
        own = times(os.getpid())
        backends = times(self.postmaster)[2:] if self.postmaster else (0.0, 0.0)
        return {"workers": own[2] + own[3], "workers_system": own[3],
                "smtp": own[0] + own[1], "postgresql": sum(backends),
                "redis": _redis_seconds(redis)}

    def report(self, count: int) -> str:
        """Return the parts in milliseconds per item of COUNT, and how busy the machine was."""
        per = {name: 1000 * seconds / count for name, seconds in self.parts.items()}
        total, idle = self.machine
        database = (f"PostgreSQL backends {per['postgresql']:.2f}, " if self.postmaster
                    else "")
        return (f"CPU ms per invitation: workers {per['workers']:.2f} (in the kernel "
                f"{per['workers_system']:.2f}), {database}SMTP server {per['smtp']:.2f}, "
                f"Redis {per['redis']:.2f}; the machine's cores busy "
                f"{100 * (1 - idle / total):.0f}%")
