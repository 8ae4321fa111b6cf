"""waitress, configured for the internet it will meet.

waitress's defaults suit a trusted network: 100 connections, each kept for 120 s of silence, and no limit
on how long one request may take to arrive. A hundred sockets that send half a request line and then a
byte every few seconds would hold every slot, and Slack (which gives up after 3 s) would hear nothing. So:

- **connections**: up to `FrontDoor.connections` (thousands) at once, watched with poll() (select() stops
  at 1,024 descriptors), with the process's open-file limit raised to fit, as far as the system allows;
- **inactivity**: a connection silent for `idle_seconds` is closed;
- **header and body timeout**: a request that has not fully arrived `request_seconds` after its first byte
  is closed, however it trickles; waitress has no such limit, so its channels get one here;
- **cleanup**: both are checked every `cleanup_seconds`;
- **sizes**: headers at most `header_bytes`, a body at most 1 MiB (refused from its Content-Length).

A TLS proxy in front is still expected to buffer requests and keep its own timeouts (docs/operations.md):
this is what casebot holds to when the proxy lets something through, or when there is none on loopback."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from waitress.channel import HTTPChannel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrontDoor:
    connections: int = 4000
    idle_seconds: int = 10
    request_seconds: float = 10.0
    cleanup_seconds: int = 2
    header_bytes: int = 32 * 1024


class DeadlineChannel(HTTPChannel):  # type: ignore[misc]
    """A waitress channel that remembers when the request it is reading began (its first byte)."""

    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        if data and self.request is None:
            self.request_started = time.monotonic()
        return bool(super().received(data))


def _close_late_requests(server: Any, door: FrontDoor) -> None:
    """waitress's own cleanup (silent connections), then: any request still arriving after its deadline."""
    cleanup: Callable[[float], None] = server.maintenance

    def maintenance(now: float) -> None:
        cleanup(now)
        cutoff = time.monotonic() - door.request_seconds
        for channel in list(server.active_channels.values()):
            started = getattr(channel, "request_started", None)
            late = started is not None and started < cutoff
            if late and channel.request is not None and not channel.requests:
                channel.will_close = True

    server.maintenance = maintenance
    server.channel_class = DeadlineChannel


def _accept_in_bursts(server: Any, burst: int = 64) -> None:
    """waitress takes one waiting connection per turn of its loop, and a turn looks at every open socket:
    a thousand connections arriving together took seconds to take in. Here a turn takes up to `burst` of
    them, never past the connection limit."""
    accept_one: Callable[[], None] = server.handle_accept
    limit = server.adj.connection_limit

    def handle_accept() -> None:
        for _ in range(burst):
            before = len(server._map)
            accept_one()
            if len(server._map) <= before or len(server._map) >= limit:
                return

    server.handle_accept = handle_accept


def _open_files_for(connections: int) -> int:
    """Raise this process's open-file limit to fit the connections (each needs a descriptor, plus some for
    the database and Slack); answers how many connections it fits."""
    try:
        import resource
    except ImportError:  # not on this platform: leave it to the system
        return connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = connections + 256
    if soft != resource.RLIM_INFINITY and soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < want:
        fits = max(64, soft - 256)
        log.warning(
            "The open-file limit (%s) fits %s connections, not %s: raise it (ulimit -n)",
            soft,
            fits,
            connections,
        )
        return fits
    return connections


def serve(
    application: Callable[..., Iterable[bytes]],
    *,
    host: str,
    port: int,
    threads: int,
    door: FrontDoor,
    max_body: int,
) -> Any:
    """A waitress server for `application` (not yet running), configured as this module says."""
    from waitress import create_server
    from waitress.server import BaseWSGIServer

    server = create_server(
        application,
        host=host,
        port=port,
        threads=threads,
        ident="casebot",
        connection_limit=_open_files_for(door.connections),
        channel_timeout=door.idle_seconds,
        cleanup_interval=door.cleanup_seconds,
        max_request_header_size=door.header_bytes,
        max_request_body_size=max_body,
        asyncore_use_poll=True,
        expose_tracebacks=False,
    )
    listeners = [server] if isinstance(server, BaseWSGIServer) else list(server.map.values())
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            _close_late_requests(listener, door)
            _accept_in_bursts(listener)
    return server
