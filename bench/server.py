"""A Tessera server on this machine for the load test and the acceptance sweep: gunicorn as
config/gunicorn.py runs it, on a free loopback port, or a running one on a loopback address.

These scripts send traffic to loopback addresses only (127.0.0.0/8, [::1], localhost).
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def loopback_url(url: str) -> str:
    """`url`'s scheme and address, if it names a loopback address; exit otherwise."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False  # a host name: it could resolve anywhere
    if parts.scheme != "http" or not loopback:
        sys.exit(
            f"Only a server on this machine is a target: {url!r} is not an http:// URL on a "
            "loopback address (127.0.0.0/8, [::1], localhost)."
        )
    return f"{parts.scheme}://{parts.netloc}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(environment: dict[str, str], workers: int = 3, threads: int = 4) -> Iterator[str]:
    """gunicorn with config/gunicorn.py on 127.0.0.1, DEBUG off, this process's environment
    (DATABASE_URL, REDIS_URL...) plus `environment`; yields its base URL, stops it after."""
    port = free_port()
    env = {**os.environ, "DEBUG": "0", **environment}
    command = [
        sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "config.wsgi:application",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server, log)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(base: str, server: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            sys.exit(f"gunicorn stopped at start:\n{log.read().decode(errors='replace')[-3000:]}")
        try:
            if fetch(base, "/healthz/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz/ within 60 s")


def fetch(
    base: str, path: str, *, headers: dict[str, str] | None = None, timeout: float = 30
) -> tuple[int, bytes]:
    """GET `path` on a connection of its own: the status and the whole body."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def read_json(base: str, path: str) -> dict:
    status, body = fetch(base, path)
    if status != 200:
        sys.exit(f"GET {path} answered {status}: {body[:500]!r}")
    return json.loads(body)
