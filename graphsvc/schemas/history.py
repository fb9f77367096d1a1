"""Coverage over time: snapshots of every rule's summary per street, community and grid."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from graphsvc.schemas.coverage import GapRule

Level = Literal["street", "community", "grid"]


class RulePoint(BaseModel):
    total: int
    gaps: int
    ratio: float | None  # covered share; None when the rule has nothing to cover here


class HistoryPoint(BaseModel):
    snapshot_id: str
    taken_at: str
    source: str  # import | accept | snapshot (the daily command) | demo
    rules: dict[str, RulePoint]


class PlaceHistory(BaseModel):
    level: Level
    id: str
    name: str | None
    street_id: str | None
    community_id: str | None
    points: list[HistoryPoint]


class RuleName(BaseModel):
    rule: GapRule
    zh: str


class CoverageHistory(BaseModel):
    items: list[PlaceHistory]
    count: int
    rules: list[RuleName]


class HistoryQuery(BaseModel):
    """Which places: a street (its row and every community's), a community (its row and its grids), or a grid."""

    model_config = ConfigDict(extra="forbid")

    street_id: str | None = Field(default=None, max_length=200)
    community_id: str | None = Field(default=None, max_length=200)
    grid_id: str | None = Field(default=None, max_length=200)
    since: str | None = Field(default=None, max_length=40, description="只看此时间之后（ISO 日期或时间）")


class SnapshotTaken(BaseModel):
    snapshot_id: str
    taken_at: str
    source: str
    places: int
