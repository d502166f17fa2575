"""Flights for the browser tests of the flight, gate and applicant pages, added to a running
site's operation: one flight inside the release window and one outside it, households
manifested whole, one on standby, boarding passes issued, and an applicant secret. All people are
made up (the gate tests' builder)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from tests.gate.building import family, td3

from refuge.accounts import Channel, Principal, Role, issue_applicant_secret
from refuge.domain import Case, Flight, Household, ManifestEntry, ManifestStatus, Stage
from refuge.gate import issue_passes, load_or_create_signing_key, signing_key_path

from .site import Site

NEAR = "RCH101"  # departs within the release window: everyone sees its times
FAR = "RCH202"  # departs tomorrow: only flight operations and coordinators see its times
_TO_MANIFEST = (Stage.REGISTERED, Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED)


@dataclass(frozen=True)
class Departures:
    seated: tuple[str, ...]  # case numbers on NEAR, in the order they were added
    standby: str  # a case waiting on NEAR's standby list
    far: str  # a case on FAR
    zones: dict[str, str]  # case number -> its principal's passport zone (TD3)
    passes: dict[str, str]  # case number -> its principal's boarding pass token
    secret: str  # the applicant secret of `far`, a case the gate tests leave alone


def add_departures(site: Site) -> Departures:
    now = site.clock.now
    near = _flight(NEAR, now + dt.timedelta(hours=2))
    far = _flight(FAR, now + dt.timedelta(hours=30))
    seated: list[str] = []
    zones: dict[str, str] = {}
    households: dict[str, Household] = {}
    with site.refuge.uow() as uow:
        program = uow.programs.list()[0].code
        organisation = site.organisations[0]
        uow.flights.add(near)
        uow.flights.add(far)

        def case_on(flight: Flight, *, standby: bool = False) -> str:
            household = family()
            uow.households.add(household)
            case = Case(uow.cases.next_number(), household.id, program, organisation)
            for stage in (*_TO_MANIFEST, *(() if standby else (Stage.MANIFESTED,))):
                case.move_to(stage, actor="coordinator-seed", at=now)
            uow.cases.add(case)
            uow.manifests.add_many(
                ManifestEntry(
                    flight.id,
                    case.id,
                    household.id,
                    m.person.id,
                    status=ManifestStatus.STANDBY if standby else ManifestStatus.MANIFESTED,
                    standby_rank=1 if standby else None,
                )
                for m in household.members
            )
            households[case.number] = household
            zones[case.number] = td3(household.members[0].person.documents[0].number)
            return case.number

        seated = [case_on(near) for _ in range(3)]
        standby = case_on(near, standby=True)
        other = case_on(far)
        uow.commit()
    refuge = site.refuge
    key = load_or_create_signing_key(
        signing_key_path(refuge.settings.resolved_key_file), refuge.kek
    )
    tokens = issue_passes(refuge.uow(), NEAR, key, actor="gate-seed", now=now)
    principals = {households[number].members[0].person.id: number for number in seated}
    passes: dict[str, str] = {}
    with refuge.uow() as uow:
        for token in tokens:
            entry = uow.manifests.get(token.entry_id)
            if entry.person_id in principals:
                passes[principals[entry.person_id]] = token.token
    coordinator = Principal.of(
        user_id=uuid.uuid4(),
        username="coordinator-seed",
        role=Role.COORDINATOR,
        organisation=None,
        channel=Channel.SESSION,
        credential_id=uuid.uuid4(),
    )
    secret = issue_applicant_secret(refuge.uow(), coordinator, other, now=now)
    return Departures(tuple(seated), standby, other, zones, passes, secret)


def _flight(code: str, departs: dt.datetime) -> Flight:
    return Flight(
        code=code,
        aircraft="C-17",
        seats=300,
        origin="KBL",
        destination="DOH",
        departs_earliest=departs,
        departs_latest=departs + dt.timedelta(hours=3),
    )
