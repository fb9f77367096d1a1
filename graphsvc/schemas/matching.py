"""API models of co-construction matching: opportunities, allocation, partner suggestions, evaluation."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from graphsvc.schemas.ledger import Id

# --------------------------------------------------------------------------- needs ↔ resources


class Candidate(BaseModel):
    """A resource proposed for a need; `contributions` are the weighted parts that sum to `score`."""

    resource_id: str
    kind: str
    description: str | None = None
    owner_id: str
    owner_name: str | None = None
    score: float
    distance_m: float
    paired: bool
    capacity_left: int
    owner_load: int
    rating: float | None = None
    contributions: dict[str, float]
    explanation: str


class NeedOpportunity(BaseModel):
    need_id: str
    community_id: str
    community_name: str
    kind: str
    kind_zh: str
    quantity: int
    open_quantity: int
    urgency: int
    description: str | None = None
    derived: bool = Field(description="true: a 三无 gap (rule 10) raised as a need, id '<community>:<has_field>'")
    candidates: list[Candidate]


class IdleResource(BaseModel):
    resource_id: str
    kind: str
    capacity: int
    owner_id: str
    owner_name: str | None = None
    description: str | None = None


class CommunityWithoutPartner(BaseModel):
    community_id: str
    community_name: str
    open_needs: int
    kinds: list[str]


class OverloadedUnit(BaseModel):
    org_id: str
    org_name: str | None = None
    pairings: int
    over_by: int


class LackingBasics(BaseModel):
    community_id: str
    community_name: str
    lacks: list[str] = Field(description="has_office / has_funds / has_land that are false")
    lacks_zh: list[str]


class Opportunities(BaseModel):
    """Every open need with its ranked candidates (`items`), and what the street should look at next."""

    items: list[NeedOpportunity]
    count: int
    idle_resources: list[IdleResource]
    communities_without_partner: list[CommunityWithoutPartner]
    overloaded_units: list[OverloadedUnit]
    lacking_basics: list[LackingBasics]
    weights: dict[str, float]


# --------------------------------------------------------------------------- allocation


class PairRef(BaseModel):
    need_id: Id
    resource_id: Id


class AllocationRequest(BaseModel):
    street_id: Id | None = None
    locked: list[PairRef] = Field(default=[], description="pairs that must carry at least one unit")
    forbidden: list[PairRef] = Field(default=[], description="pairs that must carry none")
    distance_cost_per_km: Annotated[float, Field(ge=0)] = 0.2
    max_km: Annotated[float | None, Field(gt=0)] = None
    k_nearest: Annotated[int | None, Field(ge=1)] = None


class AllocatedFlow(BaseModel):
    need_id: str
    community_id: str
    community_name: str
    kind: str
    kind_zh: str
    resource_id: str
    owner_id: str
    owner_name: str | None = None
    units: int
    distance_m: float
    value: float
    locked: bool
    why: str


class UnmetNeed(BaseModel):
    need_id: str
    community_id: str
    community_name: str
    kind: str
    kind_zh: str
    units: int
    reason: str
    reason_zh: str


class AllocationResult(BaseModel):
    """`objective` = Σ units × (urgency − distance_cost_per_km × km), maximised exactly (HiGHS LP)."""

    objective: float
    met_units: int
    needed_units: int
    items: list[AllocatedFlow]
    count: int
    unmet: list[UnmetNeed]
    candidate_pairs: int
    solver: str


# --------------------------------------------------------------------------- partners


class PartnerPair(BaseModel):
    community_org_id: str
    community_org_name: str | None = None
    community_id: str
    community_name: str
    unit_org_id: str
    unit_org_name: str | None = None
    unit_id: str
    unit_name: str | None = None
    existing: bool
    pairing_id: str | None = None
    score: float | None = None
    themes: list[str] = []
    missing_themes: list[str] = []
    kinds: list[str] = []
    distance_m: float | None = None
    ties: list[str] = []
    rating: float | None = None
    contributions: dict[str, float] = {}
    explanation: str


class PartnerShortfall(BaseModel):
    community_org_id: str
    community_id: str
    community_name: str
    missing: int


class PartnerSuggestions(BaseModel):
    """Kept and new pairings; `count` = all items, `suggested` = the new ones."""

    items: list[PartnerPair]
    count: int
    suggested: int
    shortfall: list[PartnerShortfall]
    overloaded_units: list[OverloadedUnit]
    objective: float
    unit_cap: int
    community_min: int
    community_max: int | None


# --------------------------------------------------------------------------- evaluation


class PairingScore(BaseModel):
    year: int
    org_ids: list[str]
    org_names: list[str | None]
    pairing_id: str | None = None
    projects: int
    mean_outcome: float | None = None
    mean_satisfaction: float | None = None
    score: float | None = None
    status: str = Field(description="ok | warn (satisfaction < warn_below) | fail (< fail_below) | unrated")
    status_zh: str
    rank: int | None = None
    top: bool = Field(description="one of the year's 十佳共建对子")


class PairingScores(BaseModel):
    items: list[PairingScore]
    count: int
    warn_below: float
    fail_below: float
