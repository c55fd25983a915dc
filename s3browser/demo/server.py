"""Runs moto's S3 server in a child process on 127.0.0.1 and a free port.

A child process, not a thread: moto parses and serves requests in Python, so in the
app's own process it would compete for the GIL with the GUI thread and show up as
stalls in the event loop. The child prints one line ``READY <url>`` once it accepts
connections; :class:`LocalS3Server` waits for that line and stops the child on exit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from types import TracebackType

# AKIA + 16 characters: moto only recognises access key ids of that shape (e.g. in STS).
DEMO_ACCESS_KEY = "AKIAS3BROWSERDEMO001"
DEMO_SECRET_KEY = "demo-secret-key"
READY_PREFIX = "READY "


class LocalS3Server:
    """A moto S3 server in a child process; use as a context manager or start()/stop()."""

    def __init__(
        self,
        *,
        seed: bool = False,
        large_keys: int = 200_000,
        port: int = 0,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.seed = seed
        self.extra_env = dict(extra_env or {})
        self.large_keys = large_keys
        self.port = port
        self.endpoint_url = ""
        self._proc: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 120.0) -> str:
        cmd = [sys.executable, "-m", "s3browser.demo", "--port", str(self.port)]
        if self.seed:
            cmd += ["--seed", "--large-keys", str(self.large_keys)]
        env = dict(os.environ)
        env.setdefault("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
        env.setdefault("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
        env.update(self.extra_env)
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self._proc = proc
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # stop() may run in another thread meanwhile (the app quit during seeding):
            # the pipe then ends and this loop reports it instead of waiting on.
            line = proc.stdout.readline()
            if not line:
                code = proc.wait()
                proc.stdout.close()
                raise RuntimeError(f"the local S3 server exited early with code {code}")
            if line.startswith(READY_PREFIX):
                self.endpoint_url = line[len(READY_PREFIX) :].strip()
                return self.endpoint_url
        self.stop()
        raise RuntimeError("the local S3 server did not start in time")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # While start() is still reading the pipe it closes it itself.
        if proc.stdout is not None and self.endpoint_url:
            proc.stdout.close()

    def __enter__(self) -> LocalS3Server:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _serve(port: int, seed: bool, large_keys: int) -> None:
    import logging

    # werkzeug logs every request to stderr; the app's terminal should stay quiet.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound_port = server.get_host_and_port()
    url = f"http://{host}:{bound_port}"
    if seed:
        from s3browser.demo.sample_data import seed_demo_data

        seed_demo_data(url, large_keys=large_keys)
    print(READY_PREFIX + url, flush=True)
    parent = os.getppid()
    try:
        # Leave with the process that started us: if the app dies without stopping us
        # (killed, or its X server went away), we would otherwise run on, orphaned.
        while os.getppid() == parent:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run a local moto S3 server.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", action="store_true", help="load the demo sample data")
    parser.add_argument("--large-keys", type=int, default=200_000)
    args = parser.parse_args(argv)
    # SIGTERM keeps its default action: the process ends at once, even in the middle
    # of seeding (a Python handler would wait for the main thread). The server holds
    # nothing worth saving, and an orderly exit with hundreds of thousands of moto
    # objects would take seconds.
    _serve(args.port, args.seed, args.large_keys)


if __name__ == "__main__":
    main()
