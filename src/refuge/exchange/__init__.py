"""Exchange: passenger manifests to receiving states (PAXLST), manifest files for people (CSV,
XLSX), and aggregated statistics without personal data (HXL). The writers are pure code over
plain inputs: no database, no clock, no network; `refuge.exchange.services` reads a stored
flight or the arrivals through ports and hands them to the writers."""

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
from refuge.exchange.services import (
    ExchangeUnitOfWork,
    ManifestFormat,
    MovementSource,
    StatisticsExport,
    export_manifest,
    export_paxlst,
    export_statistics,
    flight_passengers,
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
    "ExchangeUnitOfWork",
    "ListedPassenger",
    "ManifestFormat",
    "ManifestIncomplete",
    "ManifestPassenger",
    "Movement",
    "MovementSource",
    "PassengerList",
    "PaxlstFinding",
    "ProtectedTable",
    "Protection",
    "StatisticsExport",
    "border_name",
    "check_paxlst",
    "export_manifest",
    "export_paxlst",
    "export_statistics",
    "flight_passengers",
    "manifest_csv",
    "manifest_rows",
    "manifest_xlsx",
    "paxlst",
    "protect_counts",
    "read_paxlst",
    "spreadsheet_safe",
    "statistics_hxl",
]
