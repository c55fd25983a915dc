"""A local S3 server for benchmarks that is not the bottleneck: PyPI's ``localbucket``.

Measured on the project's 2-core machines (GET of 1 GiB to /dev/null with curl):
localbucket 2.1 GB/s, alocals3 1.4 GB/s, moto 0.67 GB/s. localbucket stores each
bucket as a plain folder, so benchmark data is written straight to disk (a sparse
5 GiB file costs nothing) and it answers ListObjectsV2 (with continuation tokens),
HeadObject and ranged GetObject. It does not check credentials and ignores
``If-Match`` on GET, which only matters for correctness tests (those use moto).
The PyPI ``alocals3`` that installs here (0.3.0) has its own listing API, not
ListObjectsV2, so it cannot serve the tools being compared.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from tests.bench.tools import Tools, bench_env, ensure_tools

# localbucket's ThreadingHTTPServer keeps socketserver's accept backlog of 5: a client
# opening hundreds of connections at once (s5cmd's 256 workers) then loses SYNs and
# waits out TCP's 1 s, 3 s, 7 s retransmits, which measures the server, not the
# client. The same server with a real backlog:
_LAUNCH = (
    "import sys, http.server\n"
    "http.server.ThreadingHTTPServer.request_queue_size = 1024\n"
    "import localbucket\n"
    "sys.argv[0] = 'localbucket'\n"
    "sys.exit(localbucket.main())\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class BenchServer:
    """localbucket in a child process on 127.0.0.1; objects are files under ``root``."""

    def __init__(self, root: Path | None = None, tools: Tools | None = None) -> None:
        self.tools = tools or ensure_tools()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if root is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="s3b-bench-data-", dir=_bench_tmp())
            root = Path(self._tmp.name)
        self.root = root
        self.port = 0
        self.endpoint_url = ""
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> str:
        self.port = _free_port()
        self._proc = subprocess.Popen(
            [
                str(self.tools.localbucket.parent / "python"),
                "-c",
                _LAUNCH,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=bench_env(),
        )
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self.endpoint_url
            except OSError:
                if self._proc.poll() is not None:
                    raise RuntimeError("localbucket exited at start") from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("localbucket did not start in time")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> BenchServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- data -----------------------------------------------------------------------
    def bucket(self, name: str) -> Path:
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def make_object(self, bucket: str, key: str, size: int, *, sparse: bool = False) -> Path:
        """Write an object of ``size`` bytes: random data, or a hole when ``sparse``."""
        path = self.bucket(bucket) / key
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            if sparse:
                fh.truncate(size)
            else:
                block = os.urandom(min(size, 8 * 1024 * 1024))
                left = size
                while left > 0:
                    fh.write(block[:left])
                    left -= len(block[:left])
        return path

    def warm(self, bucket: str, key: str) -> None:
        """One HEAD so the server computes and caches the object's MD5 ETag before timing."""
        req = urllib.request.Request(f"{self.endpoint_url}/{bucket}/{key}", method="HEAD")
        with urllib.request.urlopen(req, timeout=600):
            pass


def _bench_tmp() -> str | None:
    """Where benchmark data goes: $S3B_BENCH_TMP, or the system temp folder."""
    return os.environ.get("S3B_BENCH_TMP") or None
