"""API keys and audit entries as the API and CLI show them (never the token or its hash)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ApiKey(BaseModel):
    id: str
    name: str
    role: str
    scope_id: str | None = None
    created_at: str
    created_by: str
    revoked_at: str | None = None
    revoked_by: str | None = None


class ApiKeys(BaseModel):
    items: list[ApiKey]
    count: int


class AuditEntry(BaseModel):
    id: str
    at: str
    actor: str
    role: str
    action: str
    target: str
    source: str
    detail: dict[str, Any]


class AuditEntries(BaseModel):
    items: list[AuditEntry]
    count: int
