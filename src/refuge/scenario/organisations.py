"""The organisations of a synthetic operation and how each keeps its list: file format,
encoding, column headers (English, Dari, Pashto, Russian, HXL), date style, vocabulary, and how
carefully it copies names, dates and numbers."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from refuge.domain import Organisation, OrganisationKind, Relationship, Sex

__all__ = ["LIST_PROFILES", "Column", "ListProfile", "choose_organisations"]

# Canonical fields a list column can carry (the intake's mapping profiles target these).
FIELDS = (
    "record_id",
    "household_ref",
    "relationship",
    "full_name",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "date_of_birth",
    "age",
    "nationality",
    "tazkira",
    "passport",
    "passport_expiry",
    "phone",
    "program",
    "vulnerability",
)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    hxl: str = ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """An organisation's words for relationships, sexes, nationalities and programs."""

    relationships: Mapping[str, str]  # keys: Relationship values, or child/sibling + _m/_f
    sexes: Mapping[Sex, str]
    nationality: str  # "alpha3", "english", "demonym", "dari", "russian", "alpha2"
    programs: Mapping[str, str]
    vulnerabilities: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ListProfile:
    organisation: Organisation
    file_format: str  # "csv" or "xlsx"
    encoding: str  # csv only: "utf-8", "utf-8-sig", "utf-16"
    delimiter: str  # csv only
    columns: tuple[Column, ...]
    vocabulary: Vocabulary
    date_style: str  # see lists.write_date
    name_layout: str  # "split", "full", "surname_first" (FAMILY Given, in one column)
    record_prefix: str
    household_prefix: str
    programs: Mapping[str, float]  # weight as sponsor, by program
    also_lists: float  # chance of listing a household another organisation sponsors
    title_rows: tuple[str, ...] = ()  # xlsx: lines above the header
    arabic_script: float = 0.0  # share of households written in Perso-Arabic
    persian_digits: float = 0.0
    variant: float = 0.3  # chance a name is spelt another way
    typo: float = 0.04
    swap: float = 0.03  # given and family names exchanged
    upper_family: float = 0.0
    missing: Mapping[str, float] = field(default_factory=dict)
    coarsen_date: float = 0.1  # a full date written as its year (or 1 January)
    day_month_swap: float = 0.02
    year_off: float = 0.02
    phone_styles: Mapping[str, float] = field(default_factory=lambda: {"e164": 1.0})
    member_coverage: float = 0.9  # chance a member other than the principal is listed
    split: float = 0.03  # the household listed as two
    merge: float = 0.02  # the household listed under the previous household's reference
    vulnerability_bias: Mapping[str, float] = field(default_factory=dict)
    nationality_bias: Mapping[str, float] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.organisation.code

    @property
    def file_name(self) -> str:
        return f"{self.code}.{self.file_format}"

    def fields(self) -> frozenset[str]:
        return frozenset(column.field for column in self.columns)


_EN_RELATIONSHIPS = {
    "principal": "Principal",
    "spouse_m": "Husband",
    "spouse_f": "Wife",
    "child_m": "Son",
    "child_f": "Daughter",
    "parent_m": "Father",
    "parent_f": "Mother",
    "sibling_m": "Brother",
    "sibling_f": "Sister",
    "grandchild": "Grandchild",
    "other_relative": "Relative",
}
_DARI_RELATIONSHIPS = {
    "principal": "سرپرست",
    "spouse_m": "شوهر",
    "spouse_f": "همسر",
    "child_m": "پسر",
    "child_f": "دختر",
    "parent_m": "پدر",
    "parent_f": "مادر",
    "sibling_m": "برادر",
    "sibling_f": "خواهر",
    "grandchild": "نواسه",
    "other_relative": "اقارب",
}
_PASHTO_RELATIONSHIPS = {
    "principal": "مشر",
    "spouse_m": "خاوند",
    "spouse_f": "مېرمن",
    "child_m": "زوی",
    "child_f": "لور",
    "parent_m": "پلار",
    "parent_f": "مور",
    "sibling_m": "ورور",
    "sibling_f": "خور",
    "grandchild": "لمسی",
    "other_relative": "خپلوان",
}
_RU_RELATIONSHIPS = {
    "principal": "Заявитель",
    "spouse_m": "Муж",
    "spouse_f": "Жена",
    "child_m": "Сын",
    "child_f": "Дочь",
    "parent_m": "Отец",
    "parent_f": "Мать",
    "sibling_m": "Брат",
    "sibling_f": "Сестра",
    "grandchild": "Внук",
    "other_relative": "Родственник",
}
_EN_SEXES = {Sex.MALE: "Male", Sex.FEMALE: "Female", Sex.OTHER: "Other", Sex.UNKNOWN: ""}
_PROGRAMS_EN = {
    "siv": "SIV",
    "citizens": "AMCIT/LPR",
    "partner-tcn": "TCN",
    "humanitarian-p": "P1/P2 referral",
    "resettlement-partner": "Locally employed staff",
}


def relationship_key(rel: Relationship, sex: Sex) -> str:
    if rel in (
        Relationship.SPOUSE,
        Relationship.CHILD,
        Relationship.PARENT,
        Relationship.SIBLING,
    ):
        return f"{rel.value}_{'f' if sex is Sex.FEMALE else 'm'}"
    if rel in (Relationship.GRANDCHILD, Relationship.PRINCIPAL):
        return rel.value
    return "other_relative"


LIST_PROFILES: tuple[ListProfile, ...] = (
    ListProfile(
        organisation=Organisation(
            "harbor-logistics", "Harbor Logistics Group", OrganisationKind.EMPLOYER
        ),
        file_format="csv",
        encoding="utf-8",
        delimiter=",",
        columns=(
            Column("Employee ID", "record_id"),
            Column("Case No", "household_ref"),
            Column("Relation", "relationship"),
            Column("First Name", "given_name"),
            Column("Last Name", "family_name"),
            Column("Father Name", "father_name"),
            Column("Gender", "sex"),
            Column("DOB (MM/DD/YYYY)", "date_of_birth"),
            Column("Passport #", "passport"),
            Column("Tazkira #", "tazkira"),
            Column("Phone", "phone"),
            Column("Nationality", "nationality"),
            Column("Program", "program"),
        ),
        vocabulary=Vocabulary(
            _EN_RELATIONSHIPS,
            {Sex.MALE: "M", Sex.FEMALE: "F", Sex.OTHER: "X", Sex.UNKNOWN: ""},
            "demonym",
            _PROGRAMS_EN,
        ),
        date_style="mdy_slash",
        name_layout="split",
        record_prefix="HLG-",
        household_prefix="CASE-",
        programs={"siv": 3.0, "resettlement-partner": 0.3},
        also_lists=0.18,
        variant=0.35,
        typo=0.05,
        swap=0.05,
        missing={"father_name": 0.35, "tazkira": 0.3, "passport": 0.05, "sex": 0.02},
        phone_styles={"national": 0.5, "e164": 0.3, "trunk_00": 0.2},
        member_coverage=0.85,
    ),
    ListProfile(
        organisation=Organisation(
            "women-leaders-network", "Afghan Women Leaders Network", OrganisationKind.ADVOCACY
        ),
        file_format="xlsx",
        encoding="",
        delimiter="",
        columns=(
            Column("شماره", "record_id"),
            Column("کد خانواده", "household_ref"),
            Column("نسبت", "relationship"),
            Column("نام", "given_name"),
            Column("تخلص", "family_name"),
            Column("نام پدر", "father_name"),
            Column("جنسیت", "sex"),
            Column("تاریخ تولد", "date_of_birth"),
            Column("شماره تذکره", "tazkira"),
            Column("شماره پاسپورت", "passport"),
            Column("شماره تماس", "phone"),
            Column("ملیت", "nationality"),
            Column("کتگوری", "vulnerability"),
        ),
        vocabulary=Vocabulary(
            _DARI_RELATIONSHIPS,
            {Sex.MALE: "مرد", Sex.FEMALE: "زن", Sex.OTHER: "", Sex.UNKNOWN: ""},
            "dari",
            {},
            {
                "woman_leader": "رهبر زن",
                "journalist": "خبرنگار",
                "human_rights_defender": "مدافع حقوق بشر",
                "minority_high_risk": "اقلیت در معرض خطر",
                "judge_or_prosecutor": "قاضی / څارنوال",
                "female_headed_household": "خانواده سرپرست زن",
                "medical_need": "نیاز صحی",
                "disability": "معلولیت",
                "elderly_dependant": "سالمند",
            },
        ),
        date_style="solar_hijri",
        name_layout="split",
        record_prefix="",
        household_prefix="خ-",
        programs={"humanitarian-p": 1.0},
        also_lists=0.12,
        arabic_script=0.75,
        persian_digits=0.4,
        variant=0.3,
        typo=0.04,
        swap=0.02,
        missing={"passport": 0.2, "phone": 0.1, "father_name": 0.05},
        phone_styles={"national": 0.5, "persian": 0.3, "bare": 0.2},
        member_coverage=0.92,
        vulnerability_bias={
            "woman_leader": 6.0,
            "female_headed_household": 4.0,
            "human_rights_defender": 2.0,
        },
    ),
    ListProfile(
        organisation=Organisation(
            "press-emergency-desk", "Press Freedom Emergency Desk", OrganisationKind.ADVOCACY
        ),
        file_format="csv",
        encoding="utf-8-sig",
        delimiter=",",
        columns=(
            Column("Ref", "record_id"),
            Column("Family Ref", "household_ref"),
            Column("Full Name", "full_name"),
            Column("Relationship", "relationship"),
            Column("Sex", "sex"),
            Column("Date of Birth", "date_of_birth"),
            Column("Age", "age"),
            Column("Passport No.", "passport"),
            Column("National ID (Tazkira)", "tazkira"),
            Column("Mobile", "phone"),
            Column("Nationality", "nationality"),
            Column("Risk profile", "vulnerability"),
        ),
        vocabulary=Vocabulary(
            _EN_RELATIONSHIPS,
            _EN_SEXES,
            "english",
            {},
            {
                "journalist": "Journalist / media worker",
                "human_rights_defender": "Human rights defender",
                "woman_leader": "Woman in public life",
                "minority_high_risk": "Minority, high-risk profession",
                "judge_or_prosecutor": "Judiciary",
                "female_headed_household": "Female-headed household",
                "medical_need": "Medical",
                "disability": "Disability",
                "elderly_dependant": "Elderly dependant",
            },
        ),
        date_style="iso",
        name_layout="full",
        record_prefix="PED-",
        household_prefix="F",
        programs={"humanitarian-p": 1.0},
        also_lists=0.1,
        variant=0.35,
        typo=0.05,
        missing={"date_of_birth": 0.2, "tazkira": 0.4, "passport": 0.15},
        coarsen_date=0.25,
        phone_styles={"international": 0.6, "e164": 0.2, "national": 0.2},
        member_coverage=0.75,
        vulnerability_bias={"journalist": 8.0, "human_rights_defender": 2.0},
    ),
    ListProfile(
        organisation=Organisation(
            "hindukush-relief", "Hindukush Relief and Development", OrganisationKind.NGO
        ),
        file_format="csv",
        encoding="utf-8",
        delimiter=",",
        columns=(
            Column("ID", "record_id", "#affected+id"),
            Column("Household", "household_ref", "#affected+household+code"),
            Column("Relationship to head", "relationship", "#affected+relationship"),
            Column("Given name", "given_name", "#affected+name+given"),
            Column("Family name", "family_name", "#affected+name+family"),
            Column("Father's name", "father_name", "#affected+name+father"),
            Column("Sex", "sex", "#affected+sex"),
            Column("Date of birth", "date_of_birth", "#affected+birth+date"),
            Column("Tazkira", "tazkira", "#affected+id+tazkira"),
            Column("Passport", "passport", "#affected+id+passport"),
            Column("Phone", "phone", "#contact+phone"),
            Column("Nationality", "nationality", "#affected+nationality+code"),
            Column("Program", "program", "#affected+programme"),
            Column("Vulnerability", "vulnerability", "#affected+vulnerability"),
        ),
        vocabulary=Vocabulary(
            _EN_RELATIONSHIPS,
            {Sex.MALE: "m", Sex.FEMALE: "f", Sex.OTHER: "x", Sex.UNKNOWN: ""},
            "alpha3",
            {code: code for code in _PROGRAMS_EN},
            {
                code: code
                for code in (
                    "woman_leader",
                    "journalist",
                    "human_rights_defender",
                    "minority_high_risk",
                    "judge_or_prosecutor",
                    "female_headed_household",
                    "medical_need",
                    "disability",
                    "elderly_dependant",
                )
            },
        ),
        date_style="dmy_slash",
        name_layout="split",
        record_prefix="HRD-",
        household_prefix="HH",
        programs={"siv": 0.6, "humanitarian-p": 1.0, "resettlement-partner": 0.8},
        also_lists=0.2,
        arabic_script=0.1,
        variant=0.3,
        typo=0.03,
        swap=0.03,
        missing={"passport": 0.1, "father_name": 0.2},
        phone_styles={"e164": 0.4, "national": 0.4, "bare": 0.2},
        member_coverage=0.95,
    ),
    ListProfile(
        organisation=Organisation("spin-ghar-aid", "Spin Ghar Community Aid", OrganisationKind.NGO),
        file_format="csv",
        encoding="utf-16",
        delimiter="\t",
        columns=(
            Column("شمېره", "record_id"),
            Column("د کورنۍ کوډ", "household_ref"),
            Column("اړیکه", "relationship"),
            Column("نوم", "given_name"),
            Column("تخلص", "family_name"),
            Column("د پلار نوم", "father_name"),
            Column("جنس", "sex"),
            Column("د زېږون کال", "date_of_birth"),
            Column("د تذکرې شمېره", "tazkira"),
            Column("د تلیفون شمېره", "phone"),
            Column("تابعیت", "nationality"),
        ),
        vocabulary=Vocabulary(
            _PASHTO_RELATIONSHIPS,
            {Sex.MALE: "نارینه", Sex.FEMALE: "ښځینه", Sex.OTHER: "", Sex.UNKNOWN: ""},
            "dari",
            {},
        ),
        date_style="year",
        name_layout="split",
        record_prefix="",
        household_prefix="SG",
        programs={"resettlement-partner": 0.8, "humanitarian-p": 0.4, "siv": 0.2},
        also_lists=0.12,
        arabic_script=0.6,
        persian_digits=0.3,
        variant=0.3,
        typo=0.05,
        swap=0.04,
        missing={"tazkira": 0.15, "phone": 0.2, "sex": 0.05},
        phone_styles={"national": 0.6, "persian": 0.2, "bare": 0.2},
        member_coverage=0.9,
        split=0.05,
        merge=0.04,
    ),
    ListProfile(
        organisation=Organisation(
            "liaison-gbr",
            "Partner Nation Liaison Cell (United Kingdom)",
            OrganisationKind.PARTNER_NATION,
        ),
        file_format="xlsx",
        encoding="",
        delimiter="",
        columns=(
            Column("Serial", "record_id"),
            Column("Family Group", "household_ref"),
            Column("SURNAME", "family_name"),
            Column("Forenames", "given_name"),
            Column("Relationship to Principal", "relationship"),
            Column("Sex", "sex"),
            Column("DOB", "date_of_birth"),
            Column("Nationality", "nationality"),
            Column("Passport Number", "passport"),
            Column("Passport Expiry", "passport_expiry"),
            Column("Contact Number", "phone"),
            Column("Scheme", "program"),
        ),
        vocabulary=Vocabulary(
            _EN_RELATIONSHIPS,
            {Sex.MALE: "M", Sex.FEMALE: "F", Sex.OTHER: "X", Sex.UNKNOWN: "U"},
            "alpha3",
            {
                "resettlement-partner": "ARAP",
                "citizens": "British national",
                "partner-tcn": "Third-country national",
                "siv": "US SIV (referred)",
                "humanitarian-p": "ACRS",
            },
        ),
        date_style="excel",
        name_layout="split",
        record_prefix="",
        household_prefix="FG-",
        programs={"resettlement-partner": 1.5, "citizens": 0.5, "partner-tcn": 0.3},
        also_lists=0.1,
        title_rows=("OFFICIAL-SENSITIVE", "Evacuation handling list", ""),
        variant=0.25,
        typo=0.03,
        upper_family=0.9,
        missing={"phone": 0.3, "passport": 0.05},
        phone_styles={"international": 0.7, "e164": 0.3},
        member_coverage=0.9,
        nationality_bias={"GBR": 5.0},
    ),
    ListProfile(
        organisation=Organisation(
            "tcn-consular-desk",
            "Third-Country Nationals Consular Desk",
            OrganisationKind.GOVERNMENT,
        ),
        file_format="csv",
        encoding="utf-8",
        delimiter=";",
        columns=(
            Column("№", "record_id"),
            Column("Семья", "household_ref"),
            Column("Фамилия Имя", "full_name"),
            Column("Родство", "relationship"),
            Column("Пол", "sex"),
            Column("Дата рождения", "date_of_birth"),
            Column("Гражданство", "nationality"),
            Column("Номер паспорта", "passport"),
            Column("Телефон", "phone"),
        ),
        vocabulary=Vocabulary(
            _RU_RELATIONSHIPS,
            {Sex.MALE: "М", Sex.FEMALE: "Ж", Sex.OTHER: "", Sex.UNKNOWN: ""},
            "russian",
            {},
        ),
        date_style="dmy_dot",
        name_layout="surname_first",
        record_prefix="",
        household_prefix="",
        programs={"partner-tcn": 1.0},
        also_lists=0.15,
        variant=0.1,
        typo=0.03,
        missing={"phone": 0.25},
        coarsen_date=0.02,
        phone_styles={"international": 0.6, "e164": 0.2, "national": 0.2},
        member_coverage=0.95,
    ),
    ListProfile(
        organisation=Organisation(
            "citizen-services", "Citizen Services Task Force", OrganisationKind.GOVERNMENT
        ),
        file_format="xlsx",
        encoding="",
        delimiter="",
        columns=(
            Column("Case Number", "household_ref"),
            Column("Line", "record_id"),
            Column("PA/Dependent", "relationship"),
            Column("Last Name", "family_name"),
            Column("First Name", "given_name"),
            Column("Gender", "sex"),
            Column("Date of Birth", "date_of_birth"),
            Column("Citizenship", "nationality"),
            Column("Passport Number", "passport"),
            Column("Phone", "phone"),
            Column("Category", "program"),
        ),
        vocabulary=Vocabulary(
            {**_EN_RELATIONSHIPS, "principal": "PA"},
            _EN_SEXES,
            "english",
            {
                "citizens": "AMCIT",
                "siv": "SIV",
                "partner-tcn": "TCN",
                "humanitarian-p": "Humanitarian",
                "resettlement-partner": "Partner referral",
            },
        ),
        date_style="mdy_slash",
        name_layout="split",
        record_prefix="",
        household_prefix="ACS-2021-",
        programs={"citizens": 3.0, "siv": 0.15},
        also_lists=0.12,
        variant=0.3,
        typo=0.04,
        swap=0.06,
        missing={"phone": 0.2, "passport": 0.1},
        phone_styles={"e164": 0.4, "national": 0.3, "international": 0.3},
        member_coverage=0.9,
        nationality_bias={"USA": 4.0},
    ),
)


def choose_organisations(
    rng: random.Random,
    program: str,
    vulnerabilities: tuple[str, ...],
    nationality: str,
    profiles: Sequence[ListProfile] = LIST_PROFILES,
) -> tuple[str, ...]:
    """The sponsor, by affinity with the program and the household's risks, then the others
    that list the household too."""
    weights = []
    for profile in profiles:
        weight = profile.programs.get(program, 0.0)
        for reason in vulnerabilities:
            weight *= profile.vulnerability_bias.get(reason, 1.0)
        weight *= profile.nationality_bias.get(nationality, 1.0)
        weights.append(weight)
    sponsor = rng.choices(range(len(profiles)), weights=weights)[0]
    chosen = [profiles[sponsor].code]
    for index, profile in enumerate(profiles):
        if index != sponsor and weights[index] > 0 and rng.random() < profile.also_lists:
            chosen.append(profile.code)
    return tuple(chosen)
