"""Urban–rural pairing (城乡结对): suggestions (optimal and stable), what-if, accepting, pictures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from graphsvc.api.deps import GraphDep, ScopeDep
from graphsvc.schemas import pairing as s
from graphsvc.schemas.ledger import Id
from graphsvc.schemas.records import Pairing
from graphsvc.services import pairing

router = APIRouter(prefix="/pairing/urban-rural", tags=["pairing"])


class PlanQuery(BaseModel):
    """The GET form of a plan request: selection, caps, must-pair and dropped organisations."""

    model_config = ConfigDict(extra="forbid")

    urban_street_id: list[Id] = Field([], description="城市一方：街道编号，可重复")
    urban_district: list[str] = Field([], description="城市一方：区县，可重复")
    rural_street_id: list[Id] = Field([], description="农村一方：乡镇编号，可重复")
    rural_district: list[str] = Field([], description="农村一方：区县，可重复")
    urban_cap: s.Cap = 1
    rural_cap: s.Cap = 1
    must_pair: list[Id] = []
    drop: list[Id] = []
    min_km: Annotated[float, Field(ge=0, le=1000)] = s.PREFERRED_KM[0]
    max_km: Annotated[float, Field(ge=0, le=1000)] = s.PREFERRED_KM[1]

    @model_validator(mode="after")
    def _range(self) -> PlanQuery:
        if self.min_km > self.max_km:
            raise ValueError("min_km is above max_km")
        return self

    def request(self) -> s.PlanRequest:
        return s.PlanRequest(
            urban_street_ids=self.urban_street_id or None, urban_districts=self.urban_district or None,
            rural_street_ids=self.rural_street_id or None, rural_districts=self.rural_district or None,
            urban_cap=self.urban_cap, rural_cap=self.rural_cap, must_pair=self.must_pair, dropped=self.drop,
            preferred_km=(self.min_km, self.max_km),
        )


Q = Annotated[PlanQuery, Query()]


@router.get("", response_model=s.UrbanRuralPlan)
def suggest(graph: GraphDep, scope: ScopeDep, q: Q) -> s.UrbanRuralPlan:
    """The optimal and the stable pairing side by side (simple constraints as query parameters)."""
    return pairing.plan(graph, scope, q.request())


@router.post("", response_model=s.UrbanRuralPlan)
def suggest_with(graph: GraphDep, scope: ScopeDep, body: s.PlanRequest) -> s.UrbanRuralPlan:
    """The optimal and the stable pairing under every constraint: caps, overrides, locks, forbids, releases."""
    return pairing.plan(graph, scope, body)


@router.post("/what-if", response_model=s.WhatIf)
def what_if(graph: GraphDep, scope: ScopeDep, body: s.WhatIfRequest) -> s.WhatIf:
    """Re-run with a change (caps, locks, forbids, releases, dropped organisations) and show what changed."""
    return pairing.what_if(graph, scope, body)


@router.post("/accept", response_model=Pairing, status_code=201)
def accept(graph: GraphDep, scope: ScopeDep, body: s.AcceptRequest) -> Pairing:
    """Accept a suggestion: record PAIRED_WITH {kind: 'urban_rural'} with the agreed themes, who and when."""
    return pairing.accept(graph, scope, body)


@router.get("/network", response_class=HTMLResponse)
def network(graph: GraphDep, scope: ScopeDep, q: Q) -> str:
    """The pairing network: existing pairs and both solutions' suggestions (HTML)."""
    return pairing.picture(graph, scope, q.request(), "network")


@router.get("/map", response_class=HTMLResponse)
def geo_map(graph: GraphDep, scope: ScopeDep, q: Q) -> str:
    """Pairing lines between city and countryside on the organisations' places (HTML)."""
    return pairing.picture(graph, scope, q.request(), "map")
