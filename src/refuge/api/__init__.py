"""Refuge's HTTP service: the FastAPI application, one router per resource, problem details,
security headers and CSRF protection. Routes translate; `refuge.accounts` decides."""

from refuge.api.app import create_app

__all__ = ["create_app"]
