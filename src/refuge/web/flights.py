"""Flights and manifests: the flight board (departure times only for the roles allowed to see
them before the release window), one flight's manifest with its households grouped and its
standby list, and the same manifest as a PDF to print."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from refuge.accounts import flight_board, may_work_gate, read_manifest
from refuge.api.deps import Now, Svc
from refuge.domain import ManifestStatus
from refuge.web.pages import PageRoute, Viewer
from refuge.web.rendering import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)


@router.get("/departures")
def board(request: Request, principal: Viewer, svc: Svc, now: Now) -> Response:
    lines = flight_board(svc.refuge.uow(), svc.guards, principal, now=now)
    release = svc.policy.flight_release_before
    context = {
        "lines": lines,
        "gate": may_work_gate(principal),
        "release_hours": int(release.total_seconds() // 3600),
    }
    return render(request, "flights.html", context, principal=principal)


@router.get("/departures/{code}")
def manifest(request: Request, code: str, principal: Viewer, svc: Svc, now: Now) -> Response:
    view = read_manifest(svc.refuge.uow(), svc.guards, principal, code, now=now)
    context = {
        "view": view,
        "gate": may_work_gate(principal),
        "statuses": ManifestStatus,
    }
    return render(request, "manifest.html", context, principal=principal)


@router.get("/departures/{code}/manifest.pdf")
def manifest_print(request: Request, code: str, principal: Viewer, svc: Svc, now: Now) -> Response:
    """The manifest to print. Never cached: it holds the people on the flight."""
    # Imported here: fpdf2 and Pillow take a second or more to load, which starting the server
    # and every other page should not pay for.
    from refuge.web.manifest_pdf import manifest_pdf

    view = read_manifest(svc.refuge.uow(), svc.guards, principal, code, now=now)
    pdf = manifest_pdf(view, printed_at=now, printed_by=principal.actor)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": f'inline; filename="manifest-{view.flight.code}.pdf"',
            "cache-control": "no-store",
        },
    )
