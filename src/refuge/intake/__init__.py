"""Intake: reading organisations' lists (CSV, XLSX, HXL), column mapping profiles, normalisation
and row-level validation, with every row accounted for as an accepted record or a rejected row.

Storage is the caller's: `read_list` yields results and fills a report, nothing more.
"""

from refuge.intake.categories import parse_relationship, parse_sex
from refuge.intake.countries import country_alpha3, parse_nationalities
from refuge.intake.dates import DateOrder, parse_date_of_birth
from refuge.intake.documents import parse_passport_number, parse_tazkira_number
from refuge.intake.fields import MULTI_COLUMN_FIELDS, NAME_FIELDS, IntakeField
from refuge.intake.imports import (
    DEFAULT_BATCH,
    Correction,
    ImportOutcome,
    correct_quarantined,
    import_list,
    list_quarantine,
    show_quarantined,
    shred_imported_file,
)
from refuge.intake.keys import Change, RecordKey, RecordKeys
from refuge.intake.lookup import (
    HouseholdRecords,
    LookupUnitOfWork,
    household_records,
    records_by_id,
    search_records,
)
from refuge.intake.mappings import corrected_row, mapping_from_data, mapping_to_data
from refuge.intake.names import NameOrder, WrittenName, parse_name, parse_written_name
from refuge.intake.normalised import Normalised
from refuge.intake.phones import (
    DEFAULT_FALLBACK_REGIONS,
    DEFAULT_REGION,
    e164_of,
    parse_phones,
)
from refuge.intake.ports import (
    ImportedFile,
    IntakeRepository,
    IntakeUnitOfWork,
    KnownRecord,
    Origin,
    QuarantinedRow,
    QuarantineEntry,
    QuarantineStatus,
    QuarantineWrite,
    RecordWrite,
    SourceRecord,
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
    "HouseholdRecords",
    "LookupUnitOfWork",
    "household_records",
    "records_by_id",
    "search_records",
    "DEFAULT_BATCH",
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
    "Correction",
    "DateOrder",
    "FieldProblem",
    "Header",
    "ImportOutcome",
    "ImportedFile",
    "IntakeField",
    "IntakeRecord",
    "IntakeReport",
    "IntakeRepository",
    "IntakeRun",
    "IntakeUnitOfWork",
    "KnownRecord",
    "Limits",
    "ListFormat",
    "ListReader",
    "MappingProposal",
    "NameOrder",
    "Normalised",
    "Origin",
    "Profile",
    "Progress",
    "ProposedColumn",
    "Provenance",
    "QuarantineEntry",
    "QuarantineStatus",
    "QuarantineWrite",
    "QuarantinedRow",
    "RecordKey",
    "RecordKeys",
    "RecordWrite",
    "RejectedRow",
    "ReportedProblem",
    "Severity",
    "SheetMapping",
    "SourceRecord",
    "SourceRow",
    "WrittenName",
    "cell_text",
    "check_row",
    "content_hash",
    "correct_quarantined",
    "corrected_row",
    "country_alpha3",
    "detect_delimiter",
    "detect_encoding",
    "e164_of",
    "find_profile",
    "import_list",
    "inspect_list",
    "list_quarantine",
    "load_profile",
    "load_profiles",
    "mapping_from_data",
    "mapping_to_data",
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
    "show_quarantined",
    "shred_imported_file",
]
