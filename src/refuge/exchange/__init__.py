"""Exchange: passenger manifests to receiving states (PAXLST), manifest files for people (CSV,
XLSX), and aggregated statistics without personal data (HXL). Pure code over plain inputs: no
database, no clock, no network; callers pass the decrypted fields and get text or bytes back."""

from refuge.exchange.edifact import EdifactUnreadable
from refuge.exchange.manifests import (
    MANIFEST_COLUMNS,
    manifest_csv,
    manifest_rows,
    manifest_xlsx,
    spreadsheet_safe,
)
from refuge.exchange.passengers import ManifestPassenger, border_name
from refuge.exchange.paxlst import (
    PAXLST_CHARACTERS,
    ListedPassenger,
    ManifestIncomplete,
    PassengerList,
    paxlst,
    read_paxlst,
)
from refuge.exchange.statistics import (
    DEFAULT_THRESHOLD,
    Countable,
    Dimension,
    Movement,
    ProtectedTable,
    Protection,
    protect_counts,
    statistics_hxl,
)
from refuge.exchange.structure import PaxlstFinding, check_paxlst

__all__ = [
    "DEFAULT_THRESHOLD",
    "MANIFEST_COLUMNS",
    "PAXLST_CHARACTERS",
    "Countable",
    "Dimension",
    "EdifactUnreadable",
    "ListedPassenger",
    "ManifestIncomplete",
    "ManifestPassenger",
    "Movement",
    "PassengerList",
    "PaxlstFinding",
    "ProtectedTable",
    "Protection",
    "border_name",
    "check_paxlst",
    "manifest_csv",
    "manifest_rows",
    "manifest_xlsx",
    "paxlst",
    "protect_counts",
    "read_paxlst",
    "spreadsheet_safe",
    "statistics_hxl",
]
