"""A generator of synthetic operations with known truth, for the demo, tests and benchmarks.

scenario = generate(people=10_000, seed=1)
scenario.households          # refuge.domain.Household objects, built on demand
scenario.truths              # the same with program, risks and listing organisations
files = write_scenario(scenario, Path("out"))   # lists, truth.csv, households.csv, scenario.json
"""

from refuge.scenario.files import HOUSEHOLD_COLUMNS, TRUTH_COLUMNS, ScenarioFiles, write_scenario
from refuge.scenario.households import (
    OPERATION_DAY,
    PROGRAMS,
    VULNERABILITIES,
    HouseholdTruth,
    TruePerson,
)
from refuge.scenario.lists import ListRecord
from refuge.scenario.names import DEFAULT_CACHE_DIR, load_name_book
from refuge.scenario.organisations import LIST_PROFILES, Column, ListProfile
from refuge.scenario.scenario import MAX_PEOPLE, MIN_PEOPLE, Scenario, ScenarioStats, generate

__all__ = [
    "DEFAULT_CACHE_DIR",
    "HOUSEHOLD_COLUMNS",
    "LIST_PROFILES",
    "MAX_PEOPLE",
    "MIN_PEOPLE",
    "OPERATION_DAY",
    "PROGRAMS",
    "TRUTH_COLUMNS",
    "VULNERABILITIES",
    "Column",
    "HouseholdTruth",
    "ListProfile",
    "ListRecord",
    "Scenario",
    "ScenarioFiles",
    "ScenarioStats",
    "TruePerson",
    "generate",
    "load_name_book",
    "write_scenario",
]
