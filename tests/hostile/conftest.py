"""The list builders of the intake tests (write_csv, write_xlsx), for hostile lists too."""

from tests.intake.conftest import write_csv, write_xlsx

__all__ = ["write_csv", "write_xlsx"]
