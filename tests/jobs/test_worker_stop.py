"""A job worker stops at once: its command listener is not left reading for a minute."""

from __future__ import annotations

import time

from app.extensions import rq
from app.worker import make_worker


def test_a_worker_stops_without_waiting_for_its_listener(app):
    """Even when the listener reads the UNSUBSCRIBE's reply before it is told to stop
    (here forced: the worker pauses after sending it, as a busy machine may pause it),
    the worker's stop does not wait out RQ's one-second join."""
    rq.queue.connection.flushdb()
    worker = make_worker()
    worker.subscribe()
    time.sleep(0.1)  # the listener is waiting for a message
    pubsub = worker.pubsub
    send = pubsub.unsubscribe

    def unsubscribe_then_pause(*args):
        sent = send(*args)
        time.sleep(0.3)  # the listener has the reply by now
        return sent

    pubsub.unsubscribe = unsubscribe_then_pause
    began = time.perf_counter()
    worker.unsubscribe()
    took = time.perf_counter() - began
    assert not worker.pubsub_thread.is_alive()
    assert took < 0.8, f"stopping took {took:.2f} s"
