"""An analyst's link plan (党员联户) never favours vulnerable households — on a ledger where it would show.

The example ledger plus two unlinked households in 康乐小区1号楼 (h-3 with no flag, h-4 an old person living alone) and at
`link_cap=1` one member with room (m-2 lives there, no links; m-1 is over the cap): one household can be
served. The planner's own plan serves the one living alone; an analyst's plan is the plan made as if no
household were vulnerable, so which household it serves reveals nothing.
"""

from __future__ import annotations

from typing import Any

from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger, read_path
from graphsvc.schemas.coverage import Area, GapParams
from graphsvc.scope import LOCAL_ADMIN, Scope
from graphsvc.services import coverage
from graphsvc.services.ledger import import_raw

FLAGS = {"hardship": False, "disabled": False, "elderly_alone": False, "low_income": False, "separated": False,
         "unemployed": False}


def _served(graph: Graph, scope: Scope, params: GapParams) -> list[tuple[str, str]]:
    return sorted((i.member_id, i.household_id) for i in coverage.suggest_links(graph, scope, Area(), params).items)


def test_a_short_plan_serves_the_vulnerable_first_but_not_for_an_analyst(graph: Graph, example_path: Any) -> None:
    import_raw(graph, LOCAL_ADMIN, read_path(example_path), batch_size=1000, source="test")
    extra = [{"id": "h-3", "building_id": "b-kl-1", "size": 2, **FLAGS},
             {"id": "h-4", "building_id": "b-kl-1", "size": 2, **FLAGS, "elderly_alone": True}]
    import_raw(graph, LOCAL_ADMIN, RawLedger(tables={"households": extra}), batch_size=1000, source="test")
    params = GapParams(link_cap=1)
    planner = _served(graph, LOCAL_ADMIN, params)
    analyst = _served(graph, Scope(role="analyst", masked=True), params)
    blind = _served(graph, LOCAL_ADMIN, params.model_copy(update={"vulnerable": []}))
    assert planner == [("m-2", "h-4")]  # room for one: the vulnerable household first
    assert analyst == blind and analyst != planner  # the analyst's plan is the flag-blind one
