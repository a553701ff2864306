"""bench/load.py, run for two seconds against gunicorn and the demo data, so that it cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import MIX
from bench.server import loopback_url

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_load_test_sends_its_mix_of_reads_to_gunicorn_and_counts_them(demo_database_file):
    done = subprocess.run(
        [sys.executable, "bench/load.py", "--clients", "3", "--seconds", "2", "--warmup", "0",
         "--workers", "1", "--threads", "4", "--timeout", "20"],
        cwd=ROOT, env={**os.environ, **demo_database_file}, capture_output=True, text=True,
        timeout=180, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Throttle raised for the run: API_THROTTLE_ANON" in done.stdout
    assert "errors: 0\n" in done.stdout
    rows = {line.split(" | ")[0].lstrip("| ") for line in done.stdout.splitlines() if " | " in line}
    assert "all" in rows
    assert len(rows & {kind for kind, _, _ in MIX}) >= 5  # two seconds sample most kinds


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "http://localhost:8000/", "http://127.0.0.2:81", "http://[::1]:8000"],
)
def test_a_loopback_server_may_be_loaded(url):
    assert loopback_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5:8000",
        "http://192.168.1.1/",
        "http://example.org/",
        "http://127.0.0.1.example.org/",
        "https://127.0.0.1:8000",
    ],
)
def test_any_other_address_is_refused_before_a_request_is_sent(url):
    with pytest.raises(SystemExit, match="Only a server on this machine"):
        loopback_url(url)
