"""The server the Dockerfile and docker-compose.yml run: config/gunicorn.py."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.server import gunicorn
from tests import slow_wsgi

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_download_longer_than_the_worker_timeout_is_not_cut_short():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--timeout", "1",
         "--workers", "1", "--bind", f"127.0.0.1:{port}", "tests.slow_wsgi:application"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
                    body = answer.read().decode()
                break
            except (ConnectionError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert body.splitlines() == [str(tick) for tick in range(slow_wsgi.SECONDS * 4)]


def test_the_image_copies_every_package_and_file_the_install_needs():
    """`pip install .` in the image builds only what the Dockerfile copied into it."""
    with (ROOT / "pyproject.toml").open("rb") as toml:
        project = tomllib.load(toml)
    packages = [
        pattern.rstrip("*")
        for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]
    ]
    needed = [*packages, "templates", "static", "manage.py", project["project"]["readme"]]
    needed += project["project"]["license-files"]
    copied = {
        name
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ")
        for name in line.split()[1:-1]
    }

    assert [name for name in needed if name not in copied] == []


def test_concurrent_signed_in_requests_on_sqlite_wait_their_turn(demo_database_file):
    # Each reads the token, then writes the throttle's count: SQLite refused the second step
    # while another request wrote, and the API answered 503.
    # The demo file keeps the request counts of earlier tests (bench/load.py's thousands of
    # anonymous reads) for two minutes: the token exchange must not be throttled by them.
    environment = {**demo_database_file, "API_THROTTLE_ANON": "100000/minute"}
    with gunicorn(environment, workers=2, threads=4) as base:
        exchange = urllib.request.Request(
            f"{base}/api/v1/auth/token/",
            data=json.dumps({"username": "researcher", "password": "researcher-tessera"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(exchange, timeout=30) as answer:
            token = json.load(answer)["token"]

        def status() -> int:
            request = urllib.request.Request(
                f"{base}/api/v1/incidents/?page_size=1",
                headers={"Authorization": f"Token {token}", "Accept": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return answer.status
            except urllib.error.HTTPError as error:
                return error.code

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = Counter(pool.map(lambda _: status(), range(48)))

    assert statuses == {200: 48}
