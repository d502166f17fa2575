"""What `refuge demo` does after loading its operation: one account per role, printed with its
password and TOTP secret, and, unless told not to, the pages and the API served on loopback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from rich.table import Table

from refuge.accounts import AccountPolicy, Guards
from refuge.bootstrap import bootstrap
from refuge.config import Settings

__all__ = ["demo_accounts_and_pages"]


def demo_accounts_and_pages(
    out: Console, *, data_dir: Path, serve: bool, match: bool, host: str, port: int
) -> None:
    from refuge.demo import enrol_demo_accounts

    refuge = bootstrap(Settings(data_dir=data_dir, database_url=None, key_file=None))
    try:
        now = dt.datetime.now(dt.UTC)
        if match:
            from refuge.matching import match as match_records

            out.print("matching the imported records into persons and households (splink)")
            report = match_records(refuge.uow(), actor="demo", now=now)
            out.print(f"matching: {report.persons} persons, {report.review_pairs} pairs to review")
        with refuge.uow() as uow:
            partner = uow.organisations.list()[0].code
        accounts = enrol_demo_accounts(refuge, Guards(AccountPolicy()), partner=partner, now=now)
        table = Table(title="Demo accounts (sign in with the password and a code from the secret)")
        for column in ("user", "role", "organisation", "TOTP secret"):
            table.add_column(column)
        for account in accounts:
            table.add_row(
                account.username, str(account.role), account.organisation or "", account.totp_secret
            )
        out.print(table)
        out.print(f"password for every demo account: {accounts[0].password}")
        out.print(
            "codes: add a secret to any authenticator app (TOTP, SHA-1, 6 digits, 30 s), or "
            "`python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"`"
        )
        if serve:
            import uvicorn

            from refuge.api import create_app

            out.print(f"serving the pages on http://{host}:{port}/ (Ctrl-C stops)")
            uvicorn.run(
                create_app(refuge, secure_cookies=False),
                host=host,
                port=port,
                server_header=False,
                log_level="warning",
            )
    finally:
        refuge.close()
