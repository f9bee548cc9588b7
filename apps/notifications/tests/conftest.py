"""A local HTTP server standing in for robots and gateways (no network in tests)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Recorder(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the http.server API)
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        server = self.server
        server.requests.append({"path": self.path, "json": json.loads(body.decode()),
                                "content_type": self.headers.get("Content-Type"),
                                "key": self.headers.get("Idempotency-Key")})
        status, answer = server.answers.pop(0) if server.answers else (200, {"errcode": 0,
                                                                              "errmsg": "ok"})
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def http_server(settings):
    """`.url`, `.requests` (what was posted) and `.answers` (queued (status, json) replies;
    default 200 {"errcode": 0}). It stands on this machine, which an outside channel may
    reach only when the deployment lists it, as an operator lists an intranet gateway."""
    settings.NOTIFICATION_WEBHOOK_HOSTS = ["127.0.0.1"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests, server.answers = [], []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
