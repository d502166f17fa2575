"""The applicant status page, in English, Dari and Pashto (right to left): a case number and the
secret given at registration in, the coarse status out, and never a flight detail. No account;
the status service's rate limits apply, and an unknown case and a wrong secret read the same."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from refuge.accounts import applicant_status
from refuge.api.deps import Client, Now, Svc
from refuge.domain.errors import NotFound, TooManyAttempts
from refuge.web.catalogue import LANGUAGES, catalogue, choose_language
from refuge.web.pages import PageRoute, same_origin
from refuge.web.rendering import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)

Language = Annotated[str | None, Query(max_length=8)]


def _page(
    request: Request,
    code: str,
    *,
    status: str | None = None,
    problem: str | None = None,
    http_status: int = 200,
) -> Response:
    words = catalogue(code)
    context = {
        "t": words,
        "languages": [catalogue(other) for other in LANGUAGES],
        "status": status,
        "problem": problem,
    }
    return render(
        request,
        "applicant_status.html",
        context,
        status=http_status,
        lang=words.lang,
        direction=words.direction,
    )


@router.get("/case-status")
def form(request: Request, lang: Language = None) -> Response:
    return _page(request, choose_language(lang, request.headers.get("accept-language")))


@router.post("/case-status")
def check(
    request: Request,
    svc: Svc,
    now: Now,
    client: Client,
    case_number: Annotated[str, Form(max_length=64)] = "",
    secret: Annotated[str, Form(max_length=128)] = "",
    lang: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """POSTed, so the secret stays out of URLs and logs."""
    same_origin(request)
    code = choose_language(lang, request.headers.get("accept-language"))
    if not case_number.strip() or not secret.strip():
        return _page(request, code, problem="missing", http_status=422)
    try:
        coarse = applicant_status(
            svc.uow(), svc.guards, number=case_number, secret=secret, client=client, now=now
        )
    except NotFound:
        return _page(request, code, problem="not_found", http_status=404)
    except TooManyAttempts:
        return _page(request, code, problem="too_many", http_status=429)
    return _page(request, code, status=coarse.value)
