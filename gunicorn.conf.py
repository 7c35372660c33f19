"""Gunicorn's settings wherever the web app runs: `make run`, systemd, the container, bench/web.py.

A page is Python work (queries, templates) more than waiting, so processes share the
cores, not threads: threads of one process take turns on one interpreter lock. With
8 secretaries' browsers at once on 2 cores, bench/web.py measured p95 per page 40 %
to 55 % lower with 5 single-threaded workers than with 2 workers of 4 threads; and
lower again with 3 workers than with 5 (overview 69-83 ms against 97-118 on PostgreSQL,
alternating runs): more processes than cores plus one only take turns on the CPU, and
each turn costs caches. WEB_CONCURRENCY sets the number of workers.
"""

import os

# One a core and one to spare for a request waiting on the database; capped so `make run`
# on a large workstation stays small.
workers = int(os.environ.get("WEB_CONCURRENCY") or min((os.cpu_count() or 1) + 1, 9))
# One request at a time a worker, and a new connection for each: nginx in front keeps
# slow clients waiting on its side (deploy/nginx), and a worker is never shared by
# clients that would make each other wait.
worker_class = "sync"
threads = 1
