"""Coverage over time: snapshots of every rule's summary per street, community and grid."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from graphsvc.schemas.coverage import GapRule
from graphsvc.schemas.ids import PickedId

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

    street_id: PickedId = None
    community_id: PickedId = None
    grid_id: PickedId = None
    since: Annotated[str | None, AfterValidator(lambda v: v or None)] = Field(
        default=None, max_length=40, pattern=r"^$|^\d{4}-\d{2}-\d{2}([T ][0-9:.+Z-]*)?$",
        description="只看此时间之后（ISO 日期或时间，如 2026-12-01 或 2026-12-01T08:00:00）")


class SnapshotTaken(BaseModel):
    snapshot_id: str
    taken_at: str
    source: str
    places: int
