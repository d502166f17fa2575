"""The Refuge fields a list's columns can map to."""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["MULTI_COLUMN_FIELDS", "NAME_FIELDS", "IntakeField"]


class IntakeField(enum.StrEnum):
    GIVEN_NAME = "given_name"
    FAMILY_NAME = "family_name"
    FULL_NAME = "full_name"  # split into given and family name
    FATHER_NAME = "father_name"
    DATE_OF_BIRTH = "date_of_birth"
    SEX = "sex"
    NATIONALITY = "nationality"
    PASSPORT_NUMBER = "passport_number"
    TAZKIRA_NUMBER = "tazkira_number"
    PHONE = "phone"
    HOUSEHOLD_REFERENCE = "household_reference"
    RELATIONSHIP = "relationship"
    PROGRAM_HINT = "program_hint"
    NOTES = "notes"
    SOURCE_ID = "source_id"  # the organisation's own id for the row, if it keeps one


# Fields a list may spread over several columns ("Phone 1", "Phone 2"); each other field takes
# one column at most.
MULTI_COLUMN_FIELDS: Final = frozenset(
    {IntakeField.PHONE, IntakeField.NATIONALITY, IntakeField.NOTES}
)
NAME_FIELDS: Final = frozenset(
    {IntakeField.GIVEN_NAME, IntakeField.FAMILY_NAME, IntakeField.FULL_NAME}
)
