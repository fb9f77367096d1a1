"""Records of co-construction: pairings (结对), sharings (资源共享) and projects (共建项目).

Every record is stamped with who wrote it, when, and from where (`source`); ending one stamps
`ended_at`/`ended_by` and keeps it, so the history stays in the graph.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from graphsvc.schemas.ledger import Id, PairingKind, Theme
from graphsvc.schemas.text import no_control

# Where a write came from: a person through the API or CLI, an accepted suggestion, or a ledger import.
Source = Literal["api", "cli", "suggestion", "ledger"]
Reason = Annotated[str, Field(max_length=500), AfterValidator(no_control)] | None
Percent = Annotated[float | None, Field(ge=0, le=100)]


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


IsoDate = Annotated[str | None, BeforeValidator(_iso)]


class Stamped(BaseModel):
    """Who created and who ended a record; a ledger import stamps nothing (source 'ledger')."""

    source: str = "ledger"
    created_by: str | None = None
    created_at: str | None = None
    ended_at: str | None = None
    ended_by: str | None = None
    end_source: str | None = None
    end_reason: str | None = None


class Pairing(Stamped):
    id: str
    org_a: str
    org_b: str
    kind: str
    since: IsoDate = None
    themes: list[str] = []
    active: bool = True
    name_a: str | None = None
    name_b: str | None = None
    community_a: str | None = None
    community_b: str | None = None


class Pairings(BaseModel):
    items: list[Pairing]
    count: int


class PairingCreate(BaseModel):
    model_config = ConfigDict(use_enum_values=True)

    org_a: Id = Field(description="社区（或城市一方）党组织编号")
    org_b: Id = Field(description="驻区单位（或农村一方）党组织编号")
    kind: PairingKind = PairingKind.co_construction
    themes: list[Theme] = []
    since: date | None = None
    source: Literal["api", "suggestion"] = "api"


class RecordEnd(BaseModel):
    reason: Reason = None


class Sharing(Stamped):
    id: str | None = None  # ledger sharings have no id
    resource_id: str
    community_id: str
    since: IsoDate = None
    units: int | None = None  # None: the whole resource
    need_id: str | None = None


class Sharings(BaseModel):
    items: list[Sharing]
    count: int


class SharingCreate(BaseModel):
    resource_id: Id
    community_id: Id
    units: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None
    need_id: Id | None = None
    since: date | None = None
    source: Literal["api", "suggestion"] = "api"


class ProjectRecord(Stamped):
    id: str
    name: str
    theme: str
    org_ids: list[str] = []
    year: int
    status: str
    outcome: float | None = None
    satisfaction: float | None = None
    pairing_id: str | None = None


class ProjectRecords(BaseModel):
    items: list[ProjectRecord]
    count: int


class ProjectCreate(BaseModel):
    model_config = ConfigDict(use_enum_values=True)

    pairing_id: Id
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(no_control)]
    theme: Theme
    year: Annotated[int, Field(ge=1949, le=2100)]
    status: Literal["planned", "ongoing"] = "planned"
    source: Literal["api", "suggestion"] = "api"


class ProjectEnd(BaseModel):
    status: Literal["done", "cancelled"] = "done"
    outcome: Percent = None
    satisfaction: Percent = None
