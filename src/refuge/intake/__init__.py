"""Intake: reading organisations' lists (CSV, XLSX, HXL), column mapping profiles, normalisation
and row-level validation, with every row accounted for as an accepted record or a rejected row.

Storage is the caller's: `read_list` yields results and fills a report, nothing more.
"""

from refuge.intake.categories import parse_relationship, parse_sex
from refuge.intake.countries import country_alpha3, parse_nationalities
from refuge.intake.dates import DateOrder, parse_date_of_birth
from refuge.intake.documents import parse_passport_number, parse_tazkira_number
from refuge.intake.fields import MULTI_COLUMN_FIELDS, NAME_FIELDS, IntakeField
from refuge.intake.keys import Change, RecordKey, RecordKeys
from refuge.intake.names import NameOrder, WrittenName, parse_name, parse_written_name
from refuge.intake.normalised import Normalised
from refuge.intake.phones import (
    DEFAULT_FALLBACK_REGIONS,
    DEFAULT_REGION,
    e164_of,
    parse_phones,
)
from refuge.intake.profiles import (
    DEFAULT_MIN_CONFIDENCE,
    SHARED,
    ColumnMapping,
    MappingProposal,
    Profile,
    ProposedColumn,
    find_profile,
    load_profile,
    load_profiles,
    propose_mapping,
    save_profile,
    shared_profiles,
)
from refuge.intake.records import (
    FieldProblem,
    IntakeRecord,
    Provenance,
    RejectedRow,
    Severity,
    cell_text,
)
from refuge.intake.report import IntakeReport, ReportedProblem, SheetMapping
from refuge.intake.services import IntakeRun, Progress, inspect_list, read_list
from refuge.intake.sources import (
    Cell,
    Column,
    Header,
    Limits,
    ListFormat,
    ListReader,
    SourceRow,
    content_hash,
    detect_delimiter,
    detect_encoding,
    read_rows,
)
from refuge.intake.validation import check_row

__all__ = [
    "DEFAULT_FALLBACK_REGIONS",
    "DEFAULT_MIN_CONFIDENCE",
    "DEFAULT_REGION",
    "MULTI_COLUMN_FIELDS",
    "NAME_FIELDS",
    "SHARED",
    "Cell",
    "Change",
    "Column",
    "ColumnMapping",
    "DateOrder",
    "FieldProblem",
    "Header",
    "IntakeField",
    "IntakeRecord",
    "IntakeReport",
    "IntakeRun",
    "Limits",
    "ListFormat",
    "ListReader",
    "MappingProposal",
    "NameOrder",
    "Normalised",
    "Profile",
    "Progress",
    "ProposedColumn",
    "Provenance",
    "RecordKey",
    "RecordKeys",
    "RejectedRow",
    "ReportedProblem",
    "Severity",
    "SheetMapping",
    "SourceRow",
    "WrittenName",
    "cell_text",
    "check_row",
    "content_hash",
    "country_alpha3",
    "detect_delimiter",
    "detect_encoding",
    "e164_of",
    "find_profile",
    "inspect_list",
    "load_profile",
    "load_profiles",
    "parse_date_of_birth",
    "parse_name",
    "parse_nationalities",
    "parse_passport_number",
    "parse_phones",
    "parse_relationship",
    "parse_sex",
    "parse_tazkira_number",
    "parse_written_name",
    "propose_mapping",
    "read_list",
    "read_rows",
    "save_profile",
    "shared_profiles",
]
