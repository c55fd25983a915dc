"""Endpoints that are not S3, for the bad-input tests, each serving from a thread.

* :func:`html_server`   any request gets a web page (a wrong endpoint URL)
* :func:`silent_server` accepts connections and never says a word
* :func:`closed_port`   a port nothing listens on
* :func:`self_signed_cert` a certificate for 127.0.0.1 made with ``openssl``
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def closed_port() -> int:
    """A port that was free a moment ago and that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def _serving(handle: object, context: ssl.SSLContext | None = None) -> Iterator[str]:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    stop = threading.Event()
    held: list[socket.socket] = []

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            held.append(conn)
            threading.Thread(target=handle, args=(conn, context, stop), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    scheme = "https" if context else "http"
    try:
        yield f"{scheme}://127.0.0.1:{port}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for conn in held:
            conn.close()


def _answer_html(
    conn: socket.socket, context: ssl.SSLContext | None, stop: threading.Event
) -> None:
    try:
        if context is not None:
            conn = context.wrap_socket(conn, server_side=True)
        conn.settimeout(5)
        while not stop.is_set():
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            body = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
                % (len(body), body)
            )
    except (OSError, ssl.SSLError):
        return


def _say_nothing(
    conn: socket.socket, context: ssl.SSLContext | None, stop: threading.Event
) -> None:
    stop.wait(120)


@contextmanager
def html_server(context: ssl.SSLContext | None = None) -> Iterator[str]:
    with _serving(_answer_html, context) as url:
        yield url


@contextmanager
def silent_server() -> Iterator[str]:
    with _serving(_say_nothing) as url:
        yield url


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, valid one day; skips the test without openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
