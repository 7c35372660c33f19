"""Error reporting: off by default; with SENTRY_DSN an error reaches the receiver, without
personal data."""

from __future__ import annotations

import gzip
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app import create_app, reporting


class Receiver(BaseHTTPRequestHandler):
    """A Sentry ingest stand-in: keeps every envelope posted to it."""

    envelopes: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        Receiver.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """Yield the DSN of a receiver on loopback; stop reporting afterwards."""
    import sentry_sdk

    Receiver.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_port}/1"
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init(dsn=None)
        reporting._configured.clear()
        server.shutdown()
        server.server_close()


def test_nothing_is_reported_without_a_dsn(app):
    assert reporting.configure(app.config) is False


def test_an_error_is_reported_without_personal_data(app_config, receiver):
    import sentry_sdk

    app = create_app(app_config | {"SENTRY_DSN": receiver, "TESTING": False,
                                   "PROPAGATE_EXCEPTIONS": False})

    mail_text = f"Jeg kan ikke komme. Hilsen Søren {uuid.uuid4().hex}"

    @app.get("/boom")
    def boom():
        body = mail_text  # a frame's variable: what a real view holds of a mail
        raise RuntimeError(f"the mailbox exploded at {len(body)}")

    client = app.test_client()
    cookie = uuid.uuid4().hex  # made here: the reported source lines show the test's text
    client.set_cookie("session", cookie)
    assert client.get("/boom?email=soren@vesterbro.test").status_code == 500
    sentry_sdk.flush(timeout=5)
    assert Receiver.envelopes, "no error reached the receiver"
    envelope = b"\n".join(Receiver.envelopes).decode()
    event = json.loads([line for line in envelope.splitlines() if '"exception"' in line][0])
    assert event["exception"]["values"][0]["type"] == "RuntimeError"
    request = event["request"]
    assert "cookies" not in request and "query_string" not in request
    assert cookie not in envelope
    assert mail_text.split()[-1] not in envelope
    assert "user" not in event
