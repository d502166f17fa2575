"""`refuge demo` serves the pages on loopback over its generated operation, and an account it
prints signs in with its password and a code from its TOTP secret."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from refuge.accounts import totp_code


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_the_demo_serves_the_pages_and_its_printed_accounts_sign_in(
    browser: Browser, tmp_path: Path
) -> None:
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REFUGE_")}
    environment["COLUMNS"] = "200"
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "refuge", "demo", "--people", "100", "--seed", "3",
             "--data-dir", str(tmp_path / "demo"), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=environment,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 400
            while "serving the pages" not in log.read_text():
                assert demo.poll() is None, log.read_text()[-2000:]
                assert time.monotonic() < deadline, "the demo did not start serving"
                time.sleep(0.5)
            printed = log.read_text()
            secret = re.search(r" coordinator +│ coordinator +│ +│ ([A-Z2-7]+) ", printed)
            password = re.search(r"password for every demo account: (\S+)", printed)
            assert secret is not None, printed[-2000:]
            assert password is not None
            while not _listening(port):  # uvicorn binds a moment after the line is printed
                assert demo.poll() is None, log.read_text()[-2000:]
                assert time.monotonic() < deadline, "the demo did not listen"
                time.sleep(0.5)
            context = browser.new_context(base_url=f"http://127.0.0.1:{port}")
            page = context.new_page()
            page.goto("/")
            page.get_by_label("User name").fill("coordinator")
            page.get_by_label("Password").fill(password.group(1))
            code = totp_code(secret.group(1), dt.datetime.now(dt.UTC))
            page.get_by_label("Code from your authenticator app").fill(code)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("The operation at a glance")
            expect(page.locator(".figures div", has_text="People").locator("dd")).to_have_text(
                "100"
            )
            context.close()
        finally:
            demo.terminate()
            demo.wait(timeout=30)
