"""Urban–rural pairing (城乡结对): the request (selection and constraints), suggestions, what-if."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graphsvc.schemas.ledger import Id, Theme

Cap = Annotated[int, Field(ge=0, le=100)]
Link = Literal["organisation", "culture", "information", "talent", "service", "charity"]
WeightKey = Literal["rural_needs", "urban_needs", "distance", "ties", "load"]
LINKS: tuple[str, ...] = Link.__args__  # type: ignore[attr-defined]
# The default range of `pair_score`; tests/test_layers.py holds these literals to what the algorithm knows.
PREFERRED_KM = (5.0, 50.0)


class PairIn(BaseModel):
    """A pair named in a request: an urban Party organisation and a village one."""

    urban_id: Id
    rural_id: Id


class PlanConstraints(BaseModel):
    """What a planner fixes before solving; every field is also what a what-if may change."""

    model_config = ConfigDict(extra="forbid")

    urban_cap: Cap = Field(1, description="每个城市党组织最多结对的村数")
    rural_cap: Cap = Field(1, description="每个村最多结对的城市党组织数")
    cap_overrides: dict[Id, Cap] = Field({}, description="个别党组织的结对上限（编号 → 上限）")
    must_pair: list[Id] = Field([], description="必须有结对的村党组织")
    locked: list[PairIn] = Field([], description="必须保留或建立的结对")
    forbidden: list[PairIn] = Field([], description="不允许的结对（现有结对列入即解除）")
    released: list[PairIn] = Field([], description="允许解除的现有结对")
    dropped: list[Id] = Field([], description="不参加本轮结对的党组织")


class PlanRequest(PlanConstraints):
    """Which organisations take part (by street / district / county, per side) and how to score."""

    urban_street_ids: list[Id] | None = Field(None, description="城市一方：街道编号（空 = 全部）")
    urban_districts: list[str] | None = Field(None, description="城市一方：区县名称（空 = 全部）")
    rural_street_ids: list[Id] | None = Field(None, description="农村一方：乡镇编号（空 = 全部）")
    rural_districts: list[str] | None = Field(None, description="农村一方：区县名称（空 = 全部）")
    preferred_km: tuple[Annotated[float, Field(ge=0, le=1000)], Annotated[float, Field(ge=0, le=1000)]] = Field(
        PREFERRED_KM, description="适宜距离范围（公里）：范围内距离分满分，过近或过远递减"
    )
    weights: dict[WeightKey, Annotated[float, Field(ge=0, le=100)]] = Field({}, description="评分权重（覆盖默认值）")

    @model_validator(mode="after")
    def _range(self) -> PlanRequest:
        if self.preferred_km[0] > self.preferred_km[1]:
            raise ValueError("preferred_km: the lower bound is above the upper one")
        return self


class PairParts(BaseModel):
    """A pair's score by its parts: the six links (六联六互), distance, ties and history, load."""

    organisation: float
    culture: float
    information: float
    talent: float
    service: float
    charity: float
    distance: float
    ties: float
    load: float


class PairSuggestion(BaseModel):
    """One urban–rural pair with its score and why."""

    urban_id: str
    urban_name: str
    urban_kind: Literal["community", "unit"]
    rural_id: str
    rural_name: str
    score: float
    parts: PairParts
    km: float | None = None
    status: Literal["existing", "locked", "new"]
    pairing_id: str | None = None  # the current PAIRED_WITH record of an existing pair
    themes: list[Link] = Field(description="建议的结对主题：得分最高的联系方面")
    reasons: list[str] = Field(description="评分说明（中文）")


class PairRef(BaseModel):
    urban_id: str
    rural_id: str


class PairingSummary(BaseModel):
    method: str  # assignment | lp | deferred_acceptance
    objective: float  # total score of the solution
    count: int
    new: int  # pairs that do not exist yet
    unpaired: list[str]  # villages left without a partner
    unmet_must_pair: list[str]  # must-pair villages left without one (only the stable solution can)
    blocking_count: int  # pairs that would both rather be together: 0 for a stable solution
    blocking_pairs: list[PairRef]  # the first 50 of them


class PairingSummaries(BaseModel):
    optimal: PairingSummary
    stable: PairingSummary


class PairingDifference(BaseModel):
    """How far apart the optimal and the stable solution are."""

    same: int
    only_optimal: list[PairRef]
    only_stable: list[PairRef]
    objective_gap: float  # optimal − stable (>= 0)
    objective_gap_share: float  # the gap as a share of the optimal objective
    villages_changed: list[str]


class OverCap(BaseModel):
    """An organisation whose current pairings already exceed its cap: all kept, none added."""

    id: str
    name: str
    side: Literal["urban", "rural"]
    cap: int
    existing: int  # current urban–rural pairings the plan keeps
    excess: int  # existing − cap


class UrbanRuralPlan(BaseModel):
    """Both solutions side by side, with the current pairs and how far apart the solutions are."""

    urban_count: int
    rural_count: int
    candidate_pairs: int
    existing: list[PairSuggestion]
    optimal: list[PairSuggestion]
    stable: list[PairSuggestion]
    summary: PairingSummaries
    difference: PairingDifference
    over_cap: list[OverCap] = Field([], description="现有结对已超过上限的党组织（现有结对保留，不再新增）")


class WhatIfChange(BaseModel):
    """What to change from the base request: caps replace, lists are added to it."""

    model_config = ConfigDict(extra="forbid")

    urban_cap: Cap | None = None
    rural_cap: Cap | None = None
    cap_overrides: dict[Id, Cap] = {}
    must_pair: list[Id] = []
    locked: list[PairIn] = []
    forbidden: list[PairIn] = []
    released: list[PairIn] = []
    dropped: list[Id] = []


class WhatIfRequest(PlanRequest):
    change: WhatIfChange


class PairingChanges(BaseModel):
    """What a change did to one solution: pairs added (scored after) and removed (scored before)."""

    added: list[PairSuggestion]
    removed: list[PairSuggestion]
    kept: int
    objective_delta: float
    villages_changed: list[str]


class WhatIf(BaseModel):
    before: UrbanRuralPlan
    after: UrbanRuralPlan
    optimal: PairingChanges
    stable: PairingChanges


class AcceptRequest(BaseModel):
    """Accept a suggestion: record the pair with the themes both sides agreed on."""

    urban_id: Id
    rural_id: Id
    themes: list[Link] = Field([], description="商定的结对主题（六联六互）；空 = 采用建议的主题")


LINK_ZH = {link: Theme(link).zh for link in LINKS}
