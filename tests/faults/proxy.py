"""A fault-injecting reverse proxy for tests: aiohttp on 127.0.0.1, in front of moto.

Each request is forwarded untouched (method, raw path and query, every header
including Host, body), so SigV4 signatures made for the proxy's address still verify
at moto. At a chosen rate, decided by a seeded RNG, the proxy instead:

* ``slowdown``  answers 503 SlowDown (S3 XML error body)
* ``internal``  answers 500 InternalError
* ``expired``   answers 403 ExpiredToken
* ``skew``      answers 403 RequestTimeTooSkewed
* ``reset``     forwards, sends the headers and half the body, then resets the connection
* ``truncate``  forwards, announces the full Content-Length, sends half, closes
* ``delay``     waits ``delay_seconds`` and then forwards normally

It runs its own event loop in a thread, so sync tests, async tests and subprocesses
(the CLI) can all use it: ``with FaultProxy(upstream, rate=0.1) as proxy: proxy.url``.
``proxy.stats`` counts requests seen and faults injected per kind.
"""

from __future__ import annotations

import asyncio
import random
import socket
import ssl
import struct
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from types import TracebackType

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web
from yarl import URL

ERROR_KINDS = {
    "slowdown": (503, "SlowDown", "Please reduce your request rate."),
    "internal": (500, "InternalError", "We encountered an internal error. Please try again."),
    "expired": (403, "ExpiredToken", "The provided token has expired."),
    "skew": (
        403,
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
    ),
}
BODY_KINDS = ("reset", "truncate")
ALL_KINDS = (*ERROR_KINDS, *BODY_KINDS, "delay")
# Faults a client is expected to survive by retrying (ExpiredToken and clock skew are not).
RETRYABLE_KINDS = ("slowdown", "internal", "reset", "truncate", "delay")
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
}


_LENGTH_KEY = "x-fault-proxy-head-length"  # internal: a HEAD answer's Content-Length


def error_body(code: str, message: str) -> bytes:
    request_id = uuid.uuid4().hex[:16].upper()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<RequestId>{request_id}</RequestId><HostId>fault-proxy</HostId></Error>"
    ).encode()


class FaultProxy:
    """Forward to ``upstream``; inject one of ``kinds`` into a ``rate`` share of requests."""

    def __init__(
        self,
        upstream: str,
        *,
        rate: float = 0.0,
        kinds: Iterable[str] = RETRYABLE_KINDS,
        seed: int = 1,
        delay_seconds: float = 0.3,
        applies_to: Callable[[web.Request], bool] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.rate = rate
        self.kinds = tuple(kinds)
        unknown = set(self.kinds) - set(ALL_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self.delay_seconds = delay_seconds
        self.applies_to = applies_to
        self.ssl_context = ssl_context
        self._rng = random.Random(seed)
        self._planned: list[str] = []
        self.stats: Counter[str] = Counter()
        # (method, path with query, fault or "") for every request, in arrival order.
        self.log: list[tuple[str, str, str]] = []
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self._lock = threading.Lock()

    # -- control --------------------------------------------------------------------
    def plan(self, *kinds: str) -> None:
        """Force these faults on the next requests, in order (then back to the rate)."""
        with self._lock:
            self._planned.extend(kinds)

    @property
    def faults(self) -> dict[str, int]:
        return {k: v for k, v in self.stats.items() if k in ALL_KINDS}

    @property
    def requests(self) -> int:
        return self.stats["requests"]

    def reset_stats(self) -> None:
        with self._lock:
            self.stats.clear()
            self.log.clear()

    def _choose(self, request: web.Request) -> str | None:
        kind = self._pick(request)
        with self._lock:
            self.log.append((request.method, request.raw_path, kind or ""))
        return kind

    def _pick(self, request: web.Request) -> str | None:
        with self._lock:
            self.stats["requests"] += 1
            if self._planned:
                kind = self._planned.pop(0)
            elif self.applies_to is not None and not self.applies_to(request):
                return None
            elif self.rate and self._rng.random() < self.rate:
                kind = self._rng.choice(self.kinds)
            else:
                return None
            self.stats[kind] += 1
            return kind

    # -- serving --------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        kind = self._choose(request)
        if kind in ERROR_KINDS:
            await request.read()
            status, code, message = ERROR_KINDS[kind]
            return web.Response(
                status=status, body=error_body(code, message), content_type="application/xml"
            )
        if kind == "delay":
            await asyncio.sleep(self.delay_seconds)
        status, headers, body = await self._forward(request)
        head_length = headers.pop(_LENGTH_KEY, None)
        if kind in BODY_KINDS:
            if request.method == "HEAD" or len(body) < 2:
                # No body to cut: drop the connection before the status line instead.
                self._drop(request, reset=True)
                return web.Response(status=status)
            return await self._break(request, kind, status, headers, body)
        if request.method == "HEAD":
            # No body, but the object's real Content-Length: HEAD reports the size with it.
            response = web.StreamResponse(status=status, headers=headers)
            response.content_length = int(head_length or 0)
            await response.prepare(request)
            await response.write_eof()
            return response
        return web.Response(status=status, headers=headers, body=body)

    async def _forward(self, request: web.Request) -> tuple[int, dict[str, str], bytes]:
        assert self._client is not None
        data = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers.pop("Content-Length", None)
        # raw_path keeps the client's own percent-encoding, which the signature covers.
        target = URL(self.upstream + request.raw_path, encoded=True)
        async with self._client.request(
            request.method, target, headers=headers, data=data or None, allow_redirects=False
        ) as answer:
            body = await answer.read()
            out = {
                k: v
                for k, v in answer.headers.items()
                if k.lower() not in HOP_BY_HOP and k.lower() not in ("content-length", "server")
            }
            if request.method == "HEAD" and "Content-Length" in answer.headers:
                out[_LENGTH_KEY] = answer.headers["Content-Length"]
            return answer.status, out, body

    async def _break(
        self, request: web.Request, kind: str, status: int, headers: dict[str, str], body: bytes
    ) -> web.StreamResponse:
        response = web.StreamResponse(status=status, headers=headers)
        response.content_length = len(body)
        await response.prepare(request)
        await response.write(body[: len(body) // 2])
        self._drop(request, reset=kind == "reset")
        return response

    @staticmethod
    def _drop(request: web.Request, *, reset: bool) -> None:
        transport = request.transport
        if transport is None:
            return
        if reset:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                # SO_LINGER 0: close with RST, the way a dropped connection looks.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        else:
            transport.close()

    async def _start(self) -> None:
        self._client = ClientSession(
            connector=TCPConnector(limit=64),
            timeout=ClientTimeout(total=120),
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.ssl_context)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        scheme = "https" if self.ssl_context else "http"
        self.url = f"{scheme}://127.0.0.1:{port}"

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()

    def start(self) -> str:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._start())
            except BaseException as exc:  # reported to the caller of start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="fault-proxy", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        return self.url

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)
        self._loop = self._thread = None

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
