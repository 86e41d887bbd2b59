"""`serve`'s listening socket: every connection it accepts sends a response as soon as it is
written (TCP_NODELAY), rather than holding its last segment until the client's delayed ACK —
which added ~40 ms to every request (found by `python -m bench`)."""

from __future__ import annotations

import asyncio
import socket

from api.cli.workers import listening_socket


def test_connections_accepted_by_serve_send_without_waiting_for_an_ack() -> None:
    family, kind, proto, _, address = socket.getaddrinfo("127.0.0.1", 0, type=socket.SOCK_STREAM)[0]
    listener = listening_socket(family, kind, proto, address)  # every socket serve listens on
    nodelay: list[int] = []

    class Accepted(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            nodelay.append(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def connect_once() -> None:
        # the way uvicorn serves the socket `serve` binds: the event loop's server over it
        server = await asyncio.get_running_loop().create_server(Accepted, sock=listener)
        try:
            reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            await reader.read()  # until the server closes the connection
            writer.close()
        finally:
            server.close()
            await server.wait_closed()

    asyncio.run(asyncio.wait_for(connect_once(), timeout=10))
    assert len(nodelay) == 1 and nodelay[0] != 0, "the accepted connection has Nagle's algorithm on"
