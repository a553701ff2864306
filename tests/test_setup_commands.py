"""The README's two set-up commands: `make run` installs what the app needs, `make test` adds
the development tools. Read from `make -n`, which prints the commands without running them."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def installs(target: str, venv: Path) -> list[str]:
    """The `pip install` commands `make <target>` would run with its virtualenv at `venv`."""
    commands = subprocess.run(
        ["make", "-n", target, f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [command for command in commands if "pip install" in command and " -e " in command]


def test_make_run_installs_the_app_without_the_test_tools(tmp_path):
    venv = tmp_path / "venv"

    assert installs("run", venv) == [f"{venv}/bin/pip install --quiet -e ."]


def test_make_test_installs_the_test_tools(tmp_path):
    venv = tmp_path / "venv"

    assert installs("test", venv) == [f"{venv}/bin/pip install --quiet -e '.[dev]'"]


def test_make_run_after_make_test_installs_nothing_again(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    # What `make test` leaves behind: a development install, which holds the app.
    for stamp in (".installed-dev", ".installed-app"):
        (venv / stamp).touch()

    assert installs("run", venv) == []
    assert installs("test", venv) == []
