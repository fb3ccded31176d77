"""The live-server harness serves like the real server: every accepted connection sends without Nagle's delay."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx

from app.standin import ModelStandIn
from tests.support.live import LiveServer, write_config


def _nodelay(protocol: Any) -> int:
    """TCP_NODELAY on the socket of one of the server's open connections."""
    sock = protocol.transport.get_extra_info("socket")
    return int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def test_accepted_connections_have_tcp_nodelay(tmp_path: Path, standin: ModelStandIn) -> None:
    with LiveServer(write_config(tmp_path, standin)) as live, httpx.Client(base_url=live.url) as client:
        assert client.get("/api/health").status_code == 200
        assert live.server is not None
        connections = list(live.server.server_state.connections)
        assert connections, "the keep-alive connection is not open on the server"
        assert [_nodelay(protocol) for protocol in connections] == [1] * len(connections)
