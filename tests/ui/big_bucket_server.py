"""A moto server (child process) with one bucket of many keys in one folder.

Used by the event-loop stall test: ``python -m tests.ui.big_bucket_server N`` prints
``READY <url>`` once bucket ``big`` holds N keys under ``flat/``. Keys go straight into
moto's backend with the demo's bulk insert and indexed listing (seconds, not one HTTP
PUT per key).
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

BUCKET = "big"
PREFIX = "flat/"


def _items(count: int) -> Iterator[tuple[str, bytes, datetime | None, str | None]]:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    for n in range(count):
        yield f"{PREFIX}event-{n:07d}.json", b"{}", when, None


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    from s3browser.demo.moto_patches import bulk_put, install_fast_listing, s3_backend

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    install_fast_listing()
    s3_backend().create_bucket(BUCKET, "us-east-1")
    bulk_put(BUCKET, _items(count))
    host, port = server.get_host_and_port()
    print(f"READY http://{host}:{port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
