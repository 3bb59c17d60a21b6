"""HTTP around the service: routes, the bearer token, body size bounds, and error answers that
never take the server down."""

from __future__ import annotations

import hmac
import json
import socket
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

from .protocol import RequestError
from .service import Service

STATISTICS_TYPE = "application/x-dscope-statistics"
LOGITS_TYPE = "application/x-dscope-logits"


def serve(service: Service, host: str, port: int, token: Optional[str], max_body: int,
          ready=None) -> None:
    handler = type("Handler", (Handler,), {"service": service, "token": token, "max_body": max_body})
    server_class = ThreadingHTTPServer
    if ":" in host:  # an IPv6 literal such as ::1
        server_class = type("ThreadingHTTPServerV6", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6})
    server = server_class((host, port), handler)
    server.daemon_threads = True
    if ready:
        ready(server.server_address)
    try:
        server.serve_forever()
    finally:
        server.server_close()


class Handler(BaseHTTPRequestHandler):
    service: Service
    token: Optional[str]
    max_body: int
    protocol_version = "HTTP/1.1"
    server_version = "dscope-server"

    def log_message(self, format: str, *args) -> None:  # one line per request on stderr
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        if not self._authorised():
            return
        if self.path in ("/v1/health", "/health"):
            self._send(200, "application/json", json.dumps(self.service.health()).encode())
        elif self.path.startswith("/v1/files/"):
            data = self.service.model.companion(self.path[len("/v1/files/"):])
            if data is None:
                self._error(404, f"{self.path}: no such file; the server offers {self.service.health()['files']}")
            else:
                self._send(200, "application/octet-stream", data)
        else:
            self._error(404, f"GET {self.path}: unknown; try /v1/health")

    def do_POST(self) -> None:
        if not self._authorised():
            return
        routes = {"/v1/statistics": (self.service.statistics, STATISTICS_TYPE),
                  "/v1/logits": (self.service.logits, LOGITS_TYPE)}
        if self.path not in routes:
            self._drain()
            self._error(404, f"POST {self.path}: unknown; the server answers /v1/statistics and /v1/logits")
            return
        body = self._body()
        if body is None:
            return
        call, kind = routes[self.path]
        try:
            answer = call(body)
        except RequestError as error:
            self._error(400, str(error))
            return
        except Exception as error:  # a bug or an out-of-memory: answer it, keep serving
            traceback.print_exc()
            self._error(500, f"{type(error).__name__}: {error}")
            return
        m = self.service.model
        self._send(200, kind, answer, {"X-Dscope-Model": f"{m.config_hash} {m.weights_fingerprint}"})

    def _authorised(self) -> bool:
        if self.token is None:
            return True
        given = self.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            return True
        self._drain()
        self._error(401, "missing or wrong bearer token (Authorization: Bearer …)")
        return False

    def _body(self):
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._error(411, "Content-Length: missing or not a number")
            self.close_connection = True
            return None
        if int(length) > self.max_body:
            self._error(413, f"request body of {length} bytes; the server accepts at most {self.max_body}")
            self.close_connection = True
            return None
        raw = self.rfile.read(int(length))
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            self._error(400, f"request body: not JSON ({error})")
            return None

    def _drain(self) -> None:
        length = self.headers.get("Content-Length", "0")
        if length.isdigit() and int(length) <= self.max_body:
            self.rfile.read(int(length))
        else:
            self.close_connection = True

    def _error(self, status: int, message: str) -> None:
        self._send(status, "application/json", json.dumps({"error": message}).encode(),
                   {"WWW-Authenticate": "Bearer"} if status == 401 else {})

    def _send(self, status: int, kind: str, data: bytes, headers: Optional[dict] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
