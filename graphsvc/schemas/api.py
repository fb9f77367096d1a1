"""API models, in families (X, Xs{items,count}), apart from ledger rows and graph records."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

ENGINE_INT_MAX = 2**31 - 1  # the largest SKIP/LIMIT (a 32-bit int) the engines accept

class Health(BaseModel):
    status: str
    engine: str
    address: str | None = None
    agent: str | None = None
    database: str


class Neighbour(BaseModel):
    type: str
    outgoing: bool
    id: str | None
    label: str
    name: str | None = None


class Node(BaseModel):
    id: str
    label: str
    props: dict[str, Any]
    degree: int
    neighbours: list[Neighbour]


class Street(BaseModel):
    id: str
    name: str
    district: str | None = None
    city: str | None = None
    communities: int


class Streets(BaseModel):
    items: list[Street]
    count: int


class CommunitySummary(BaseModel):
    id: str
    name: str
    kind: str
    street_id: str
    street_name: str | None = None
    resident_groups: int
    buildings: int
    households: int
    resident_members: int
    orgs: int
    units: int


class CommunitySummaries(BaseModel):
    items: list[CommunitySummary]
    count: int


class OrgSummary(BaseModel):
    id: str
    name: str
    level: str
    domain: str
    parent_id: str | None = None
    community_id: str | None = None
    unit_id: str | None = None
    members: int = Field(description="党员数：本组织及其下级组织（党小组等）的党员")
    direct_members: int = Field(0, description="组织关系直接在本组织的党员数")
    children: int
    covers: int
    pairings: int


class OrgSummaries(BaseModel):
    items: list[OrgSummary]
    count: int


class ImportResult(BaseModel):
    rows: dict[str, int]
    total: int
    # per table: {"new", "updated", "unchanged"} — 新增、更新、未变化 against what the graph held
    changes: dict[str, dict[str, int]] = {}
    warnings: list[str]


class Stats(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]
