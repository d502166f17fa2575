"""`refuge user add` and `refuge serve` as an operator runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PASSWORD = "the first coordinator's password"


def _env(data_dir: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REFUGE_")}
    environment.update({"REFUGE_DATA_DIR": str(data_dir), "COLUMNS": "200"})
    return environment


def _refuge(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "refuge", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=_env(data_dir),
        check=False,
        timeout=120,
    )


def test_user_add_enrols_the_first_coordinator_and_shows_the_seed_once(tmp_path: Path) -> None:
    assert _refuge(tmp_path, "init").returncode == 0
    added = _refuge(
        tmp_path, "user", "add", "chief", "--role", "coordinator", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert added.returncode == 0, added.stderr
    assert "user chief added as coordinator" in added.stdout
    assert "otpauth://totp/Refuge:chief" in added.stdout
    assert PASSWORD not in added.stdout
    bad_role = _refuge(
        tmp_path, "user", "add", "x-user", "--role", "king", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert bad_role.returncode == 2


def test_serve_answers_on_loopback_with_security_headers(tmp_path: Path) -> None:
    assert _refuge(tmp_path, "init").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "refuge", "serve", "--port", str(port), "--plain-http"],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Generous: on a busy machine the imports alone take half a minute.
        deadline = time.monotonic() + 90
        while True:
            try:
                url = f"http://127.0.0.1:{port}/openapi.json"
                with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                    headers = answer.headers
                    body = answer.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert b'"/applicant/status"' in body
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "server" not in {k.lower() for k in headers}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_serve_with_workers_answers_from_several_processes_and_stops_them_all(
    tmp_path: Path,
) -> None:
    assert _refuge(tmp_path, "init").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "refuge", "serve", "--port", str(port), "--workers", "2"],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        status = 0
        while not status:
            try:
                url = f"http://127.0.0.1:{port}/session"
                urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            except urllib.error.HTTPError as refused:
                status = refused.code
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert status == 401  # not signed in: answered by the application
        workers = _children(server.pid)
        assert len(workers) == 2
    finally:
        server.terminate()
        assert server.wait(timeout=60) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
