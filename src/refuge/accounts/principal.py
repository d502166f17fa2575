"""The acting user of a request, as services see it: who, in which role and organisation, and
through what (a browser session or an API token with scopes)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from refuge.accounts.roles import ROLE_SCOPES, Role, Scope
from refuge.domain.errors import Forbidden

__all__ = ["Channel", "Principal"]


class Channel(enum.StrEnum):
    SESSION = "session"  # a person at a browser or client, logged in with a second factor
    TOKEN = "token"  # noqa: S105 - a channel name, not a secret: a machine client with a token


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID
    username: str
    role: Role
    organisation: str | None
    channel: Channel
    scopes: frozenset[Scope]  # what this request may do: the role's, or the token's subset
    credential_id: uuid.UUID  # the session or token, so it can be revoked

    @classmethod
    def of(
        cls,
        *,
        user_id: uuid.UUID,
        username: str,
        role: Role,
        organisation: str | None,
        channel: Channel,
        credential_id: uuid.UUID,
        token_scopes: frozenset[Scope] | None = None,
    ) -> Principal:
        allowed = ROLE_SCOPES[role]
        scopes = allowed if token_scopes is None else allowed & token_scopes
        return cls(user_id, username, role, organisation, channel, scopes, credential_id)

    @property
    def actor(self) -> str:
        """How the audit log names this principal."""
        return f"user:{self.username}"

    @property
    def is_human(self) -> bool:
        return self.channel is Channel.SESSION

    def may(self, scope: Scope) -> bool:
        return scope in self.scopes

    def require(self, scope: Scope) -> None:
        """For whole kinds of resources; single objects use the `access_*` functions."""
        if scope not in self.scopes:
            raise Forbidden(f"role {self.role} with this credential may not use {scope}")
