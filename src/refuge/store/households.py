"""Households and their people, every personal field sealed under the household's data key.

Each ciphertext is bound to its table, field and row id (the AES-GCM associated data), so a
ciphertext copied into another row does not decrypt there. Document and phone numbers are also
stored as blind-index digests for exact look-up; shredding a household destroys its wrapped data
key and those digests.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from refuge.domain import (
    DataShredded,
    Document,
    DocumentKind,
    Household,
    HouseholdMember,
    NotFound,
    PartialDate,
    Person,
    PersonName,
    Relationship,
    Script,
    Sex,
)
from refuge.protect import DataKey
from refuge.store.models import (
    HouseholdKeyRow,
    HouseholdRow,
    PersonDocumentRow,
    PersonPhoneRow,
    PersonRow,
)
from refuge.store.work import Work, chunks, now, translating

__all__ = ["SqlHouseholdRepository"]

_UNKNOWN_NATIONALITY = "unknown"


class SqlHouseholdRepository:
    def __init__(self, work: Work, on_shred: Callable[[uuid.UUID], None] | None = None) -> None:
        self._work = work
        # Told of each shred before it commits (the shred list kept beside the key file).
        self._on_shred = on_shred

    # -- writing -------------------------------------------------------------------------------

    def add(self, household: Household) -> None:
        """Queue a new household: a fresh data key, every personal field encrypted under it.
        The rows are written in batches with the unit of work's other new rows."""
        key = self._work.new_household(household.id)
        persons, documents, phones = self._rows(household, key)
        self._work.queue(PersonRow, persons)
        self._work.queue(PersonDocumentRow, documents)
        self._work.queue(PersonPhoneRow, phones)

    def add_many(self, households: Iterable[Household]) -> None:
        for household in households:
            self.add(household)

    def save(self, household: Household) -> None:
        """Store changes to a known household: members added, removed or corrected."""
        work = self._work
        work.flush()
        key = work.household_key(household.id)
        session = work.session
        persons, documents, phones = self._rows(household, key)
        with translating(f"saving household {household.id}"):
            stored = set(
                session.scalars(select(PersonRow.id).where(PersonRow.household_id == household.id))
            )
            kept = {row["id"] for row in persons}
            for part in chunks(sorted(stored)):
                work.change(delete(PersonDocumentRow).where(PersonDocumentRow.person_id.in_(part)))
                work.change(delete(PersonPhoneRow).where(PersonPhoneRow.person_id.in_(part)))
            gone = sorted(stored - kept)
            for part in chunks(gone):
                work.change(delete(PersonRow).where(PersonRow.id.in_(part)))
            changed = [row for row in persons if row["id"] in stored]
            if changed:
                session.execute(update(PersonRow), changed)
            new = [row for row in persons if row["id"] not in stored]
            if new:
                session.execute(insert(PersonRow), new)
            if documents:
                session.execute(insert(PersonDocumentRow), documents)
            if phones:
                session.execute(insert(PersonPhoneRow), phones)
            work.change(
                update(HouseholdRow).where(HouseholdRow.id == household.id).values(updated_at=now())
            )

    def shred(self, household_id: uuid.UUID) -> None:
        """Destroy the household's data key and its blind-index digests. Its people still count;
        its cases and the audit log remain; its personal fields cannot be read by anyone again."""
        work = self._work
        work.flush()
        with translating(f"shredding household {household_id}"):
            touched = work.change(
                update(HouseholdKeyRow)
                .where(
                    HouseholdKeyRow.household_id == household_id,
                    HouseholdKeyRow.wrapped_key.is_not(None),
                )
                .values(wrapped_key=None, shredded_at=now())
            )
            if touched == 0:
                if self.is_shredded(household_id):
                    raise DataShredded(f"household {household_id} was shredded already")
                raise NotFound(f"household {household_id} not found")
            if self._on_shred is not None:
                self._on_shred(household_id)
            members = select(PersonRow.id).where(PersonRow.household_id == household_id)
            for table in (PersonDocumentRow, PersonPhoneRow):
                work.change(
                    update(table).where(table.person_id.in_(members)).values(number_index=None)
                )
        work.forget_key(household_id)

    # -- reading -------------------------------------------------------------------------------

    def get(self, household_id: uuid.UUID) -> Household:
        """Decrypt in memory. NotFound if unknown; DataShredded if its key was destroyed."""
        return self.get_many([household_id])[0]

    def get_many(self, household_ids: Sequence[uuid.UUID]) -> list[Household]:
        """Several households in a few queries, in the order asked for."""
        work = self._work
        work.flush()
        wanted = list(dict.fromkeys(household_ids))
        work.load_keys(wanted)
        keys = {household_id: work.household_key(household_id) for household_id in wanted}
        persons: dict[uuid.UUID, list[PersonRow]] = defaultdict(list)
        documents: dict[uuid.UUID, list[PersonDocumentRow]] = defaultdict(list)
        phones: dict[uuid.UUID, list[PersonPhoneRow]] = defaultdict(list)
        session = work.session
        for part in chunks(wanted):
            for person in session.scalars(
                select(PersonRow)
                .where(PersonRow.household_id.in_(part))
                .order_by(PersonRow.position)
            ):
                persons[person.household_id].append(person)
            for document in session.scalars(
                select(PersonDocumentRow)
                .join(PersonRow, PersonRow.id == PersonDocumentRow.person_id)
                .where(PersonRow.household_id.in_(part))
                .order_by(PersonDocumentRow.position)
            ):
                documents[document.person_id].append(document)
            for phone in session.scalars(
                select(PersonPhoneRow)
                .join(PersonRow, PersonRow.id == PersonPhoneRow.person_id)
                .where(PersonRow.household_id.in_(part))
                .order_by(PersonPhoneRow.position)
            ):
                phones[phone.person_id].append(phone)
        found = {
            household_id: Household(
                [
                    HouseholdMember(
                        _person(row, keys[household_id], documents[row.id], phones[row.id]),
                        Relationship(row.relationship),
                    )
                    for row in persons[household_id]
                ],
                id=household_id,
            )
            for household_id in wanted
        }
        return [found[household_id] for household_id in household_ids]

    def find_by_document(self, number: str) -> list[uuid.UUID]:
        """Households with a person holding this document number (blind index, exact; spaces,
        dashes and case do not count)."""
        digest = self._work.blind_index.document(number)
        return self._households_where(
            select(PersonRow.household_id)
            .distinct()
            .join(PersonDocumentRow, PersonDocumentRow.person_id == PersonRow.id)
            .where(PersonDocumentRow.number_index == digest)
        )

    def find_by_phone(self, e164: str) -> list[uuid.UUID]:
        digest = self._work.blind_index.phone(e164)
        return self._households_where(
            select(PersonRow.household_id)
            .distinct()
            .join(PersonPhoneRow, PersonPhoneRow.person_id == PersonRow.id)
            .where(PersonPhoneRow.number_index == digest)
        )

    def _households_where(self, query: Any) -> list[uuid.UUID]:
        self._work.flush()
        return sorted(self._work.session.scalars(query), key=str)

    def is_shredded(self, household_id: uuid.UUID) -> bool:
        self._work.flush()
        shredded_at = self._work.session.scalar(
            select(HouseholdKeyRow.shredded_at).where(HouseholdKeyRow.household_id == household_id)
        )
        return shredded_at is not None

    def count(self) -> int:
        self._work.flush()
        return self._work.session.scalar(select(func.count()).select_from(HouseholdRow)) or 0

    def count_people(self) -> int:
        self._work.flush()
        return self._work.session.scalar(select(func.count()).select_from(PersonRow)) or 0

    def people_by_nationality(self) -> Mapping[str, int]:
        """People by their first nationality ("unknown" if none is recorded)."""
        self._work.flush()
        first = func.substr(PersonRow.nationalities, 1, 3)
        rows = self._work.session.execute(select(first, func.count()).group_by(first))
        return {code or _UNKNOWN_NATIONALITY: count for code, count in rows}

    # -- rows ----------------------------------------------------------------------------------

    def _rows(
        self, household: Household, key: DataKey
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        index = self._work.blind_index
        persons: list[dict[str, Any]] = []
        documents: list[dict[str, Any]] = []
        phones: list[dict[str, Any]] = []
        for position, member in enumerate(household.members):
            person = member.person
            name = person.name

            def seal(field: str, text: str, person_id: uuid.UUID = person.id) -> bytes:
                return key.encrypt(text, f"person.{field}:{person_id}")

            persons.append(
                {
                    "id": person.id,
                    "household_id": household.id,
                    "position": position,
                    "relationship": member.relationship.value,
                    "sex": person.sex.value,
                    "nationalities": " ".join(person.nationalities),
                    "date_of_birth_precision": person.date_of_birth.precision.value,
                    "name_script": name.script.value,
                    "given_enc": seal("given", name.given),
                    "family_enc": seal("family", name.family),
                    "given_romanised_enc": seal("given_romanised", name.given_romanised),
                    "family_romanised_enc": seal("family_romanised", name.family_romanised),
                    "date_of_birth_enc": seal("date_of_birth", person.date_of_birth.iso()),
                    "notes_enc": seal("notes", person.notes),
                }
            )
            for number, document in enumerate(person.documents):
                row_id = uuid.uuid4()
                documents.append(
                    {
                        "id": row_id,
                        "person_id": person.id,
                        "position": number,
                        "kind": document.kind.value,
                        "issuing_state": document.issuing_state,
                        "expiry": document.expiry,
                        "number_enc": key.encrypt(
                            document.number, f"person_document.number:{row_id}"
                        ),
                        "number_index": index.document(document.number),
                    }
                )
            for number, phone in enumerate(person.phones):
                row_id = uuid.uuid4()
                phones.append(
                    {
                        "id": row_id,
                        "person_id": person.id,
                        "position": number,
                        "number_enc": key.encrypt(phone, f"person_phone.number:{row_id}"),
                        "number_index": index.phone(phone),
                    }
                )
        return persons, documents, phones


def _person(
    row: PersonRow,
    key: DataKey,
    documents: Sequence[PersonDocumentRow],
    phones: Sequence[PersonPhoneRow],
) -> Person:
    def open_(field: str, blob: bytes) -> str:
        return key.decrypt(blob, f"person.{field}:{row.id}")

    name = PersonName(
        given=open_("given", row.given_enc),
        family=open_("family", row.family_enc),
        script=Script(row.name_script),
        given_romanised=open_("given_romanised", row.given_romanised_enc),
        family_romanised=open_("family_romanised", row.family_romanised_enc),
    )
    return Person(
        name=name,
        date_of_birth=PartialDate.parse_iso(open_("date_of_birth", row.date_of_birth_enc)),
        sex=Sex(row.sex),
        nationalities=tuple(row.nationalities.split()),
        documents=tuple(
            Document(
                kind=DocumentKind(document.kind),
                number=key.decrypt(document.number_enc, f"person_document.number:{document.id}"),
                issuing_state=document.issuing_state,
                expiry=document.expiry,
            )
            for document in documents
        ),
        phones=tuple(
            key.decrypt(phone.number_enc, f"person_phone.number:{phone.id}") for phone in phones
        ),
        notes=open_("notes", row.notes_enc),
        id=row.id,
    )
