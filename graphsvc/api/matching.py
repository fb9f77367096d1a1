"""Co-construction matching (结对共建, 资源共享): opportunities, allocation, partner suggestions, evaluation, picture."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import GraphDep, ScopeDep
from graphsvc.schemas import matching as m
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import matching

router = APIRouter(tags=["matching"])
OptId = Annotated[str | None, Query(max_length=ID_MAX, pattern=ID_PATTERN)]
MaxKm = Annotated[float, Query(gt=0, le=100, description="距离在此以内才算近（公里）")]
UnitCap = Annotated[int, Query(ge=0, le=100, description="每个单位至多结对的社区数 k")]
CommunityMin = Annotated[int, Query(ge=0, le=100, description="每个社区至少需要的结对单位数 m")]
CommunityMax = Annotated[int | None, Query(ge=0, le=1000, description="每个社区至多的结对单位数（不填则不限）")]
MinScore = Annotated[float, Query(ge=0, le=1, description="新建议结对的最低得分（不足最少数时例外）")]


@router.get("/match/needs", response_model=m.Opportunities)
def needs(
    graph: GraphDep, scope: ScopeDep, street_id: OptId = None, community_id: OptId = None,
    top: Annotated[int, Query(ge=1, le=50)] = 5, max_km: MaxKm = 5.0, unit_cap: UnitCap = 2,
) -> m.Opportunities:
    """Every open need (三无 gaps included) with ranked, explained candidate resources; idle resources; gaps."""
    return matching.opportunities(graph, scope, street_id=street_id, community_id=community_id, top=top,
                                  max_km=max_km, unit_cap=unit_cap)


@router.post("/match/allocate", response_model=m.AllocationResult)
def allocate(graph: GraphDep, scope: ScopeDep, body: m.AllocationRequest) -> m.AllocationResult:
    """The street's optimal allocation of resources to needs, honouring locked and forbidden pairs."""
    return matching.allocate(graph, scope, body)


@router.get("/match/partners", response_model=m.PartnerSuggestions)
def partners(
    graph: GraphDep, scope: ScopeDep, street_id: OptId = None, community_id: OptId = None, unit_cap: UnitCap = 2,
    community_min: CommunityMin = 3, community_max: CommunityMax = None, max_km: MaxKm = 5.0, min_score: MinScore = 0.6,
) -> m.PartnerSuggestions:
    """Which unit Party organisations each community branch should pair with: current and suggested, explained."""
    return matching.partners(graph, scope, street_id=street_id, community_id=community_id, unit_cap=unit_cap,
                             community_min=community_min, community_max=community_max, max_km=max_km,
                             min_score=min_score)


@router.get("/match/evaluation", response_model=m.PairingScores)
def evaluation(
    graph: GraphDep, scope: ScopeDep, street_id: OptId = None, year: Annotated[int | None, Query(ge=1949, le=2100)] = None,
    warn_below: Annotated[float, Query(ge=0, le=100)] = 70.0, fail_below: Annotated[float, Query(ge=0, le=100)] = 60.0,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> m.PairingScores:
    """Pairings ranked per year (十佳共建对子) and flagged (satisfaction under 70% warns, under 60% fails)."""
    return matching.evaluation(graph, scope, street_id=street_id, year=year, warn_below=warn_below,
                               fail_below=fail_below, top=top)


@router.get("/pictures/matching", response_class=HTMLResponse)
def picture(
    graph: GraphDep, scope: ScopeDep, street_id: OptId = None, unit_cap: UnitCap = 2, community_min: CommunityMin = 3,
    community_max: CommunityMax = None, max_km: MaxKm = 5.0, min_score: MinScore = 0.6,
) -> str:
    """Units ↔ communities on the map: current pairings solid, suggested ones dashed."""
    return matching.picture(graph, scope, street_id=street_id, unit_cap=unit_cap, community_min=community_min,
                            community_max=community_max, max_km=max_km, min_score=min_score)
