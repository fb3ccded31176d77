"""A real webhook receiver on 127.0.0.1 for the tests: answers each request with the next scripted status and keeps
what it got (headers and body), verifiable with `standardwebhooks`."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks import Webhook

__all__ = ["Received", "Receiver"]


@dataclass(frozen=True)
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    """What it answered."""

    def verified(self, secret: str) -> Any:
        """The body, parsed, once its Standard Webhooks signature checks out with `secret` (raises otherwise)."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class Receiver:
    """An HTTP server in a thread; `statuses` are answered in turn, then `then` for every later request."""

    statuses: list[int] = field(default_factory=list)
    then: int = 200
    delay: float = 0.0
    """Seconds to wait before answering (a slow endpoint)."""
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def script(self, statuses: Iterable[int], then: int = 200) -> None:
        """Answer these statuses next, then `then`."""
        with self._lock:
            self.statuses = list(statuses)
            self.then = then

    def requests(self) -> list[Received]:
        """What arrived so far."""
        with self._lock:
            return list(self.received)

    def start(self) -> Receiver:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                with receiver._lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.then
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body, status))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
