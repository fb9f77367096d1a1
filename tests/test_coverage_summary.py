"""The coverage summary added up from per-community parts: equal to counting the area at once, and
after a coverage write only the touched community is counted again, by the writer."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator
from typing import Any

import pytest

from graphsvc.demo import street_ledger
from graphsvc.graph import REFRESH_WAIT_S, Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.schemas.coverage import AcceptCovers, Area, GapParams, GapRule
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import coverage
from graphsvc.services.coverage.summary import compose, count_parts, counted_at_once, parts
from tests.conftest import FIXTURES

# The defaults, and tight ones under which every rule finds gaps somewhere.
PARAMS = [GapParams(), GapParams(link_cap=1, branch_threshold=1, unit_branch_members=1, walk_minutes=5)]


@pytest.fixture(scope="module")
def both(graph: Graph) -> Iterator[Graph]:
    """The demo street (s-xf) and the example ledger's street (s-jz) in one graph."""
    import_ledger(graph, RawLedger(tables=street_ledger()))
    import_ledger(graph, RawLedger(tables=json.loads((FIXTURES / "ledger-example.json").read_text("utf-8"))))
    yield graph


def _areas(graph: Graph) -> list[tuple[str, list[str], str | None]]:
    """(what, communities, grid) for every street, every community, a grid and all communities together."""
    rows = graph.read("coverage/filter_communities", street_id=None, community_id=None, grid_id=None)
    every = [r["id"] for r in rows]
    streets = {r["id"]: r["street_id"] for r in graph.read("coverage/community_context", ids=every)}
    areas: list[tuple[str, list[str], str | None]] = [("all", every, None)]
    for street in sorted(set(streets.values())):
        areas.append((street, sorted(c for c, st in streets.items() if st == street), None))
    areas += [(c, [c], None) for c in every]
    areas.append(("g-xf01-1", ["c-xf01"], "g-xf01-1"))
    return areas


def _plain(summary: Any) -> Any:
    return summary.model_dump(mode="json")


@pytest.mark.parametrize("params", PARAMS, ids=["defaults", "tight"])
def test_the_sum_of_the_parts_is_the_area_counted_at_once(both: Graph, params: GapParams) -> None:
    areas = _areas(both)
    assert {"s-xf", "s-jz"} <= {what for what, _, _ in areas}
    every_part = count_parts(both, areas[0][1], None, params)
    for what, communities, grid in areas:
        at_once = counted_at_once(both, communities, grid, params)
        one_by_one = [count_parts(both, [c], grid, params)[c] for c in communities]
        assert _plain(compose(one_by_one)) == _plain(at_once), what  # each part counted alone
        if grid is None:  # and the parts counted together for all communities
            assert _plain(compose(every_part[c] for c in communities)) == _plain(at_once), what
    whole = counted_at_once(both, areas[0][1], None, params)
    if params is PARAMS[1]:  # the comparison means something for every rule: each has gaps and a population
        assert all(i.gaps > 0 and i.total > 0 for i in whole.items), [(i.rule.value, i.gaps) for i in whole.items]
    assert len({c.community_id for c in whole.communities}) > 2


def test_the_summary_of_a_street_is_added_up_from_cached_parts(both: Graph) -> None:
    params = GapParams()
    street = coverage.summary(both, LOCAL_ADMIN, Area(street_id="s-xf"), params)
    communities = [r["id"] for r in both.read("coverage/filter_communities", street_id="s-xf", community_id=None,
                                              grid_id=None)]
    assert _plain(street) == _plain(counted_at_once(both, communities, None, params))
    cached = parts(both, communities, None, params)
    assert parts(both, communities, None, params) == cached and all(
        parts(both, communities, None, params)[c] is cached[c] for c in communities
    )  # a second ask computes nothing


def _boom() -> Any:
    raise AssertionError("computed again: the writer should have refreshed it")


def test_a_coverage_write_refreshes_only_its_community_before_it_returns(both: Graph) -> None:
    params = GapParams()
    area = Area(street_id="s-xf")
    communities = [r["id"] for r in both.read("coverage/filter_communities", street_id="s-xf", community_id=None,
                                              grid_id=None)]
    before = coverage.summary(both, LOCAL_ADMIN, area, params)
    old = parts(both, communities, None, params)
    suggestions = coverage.suggest_groups(both, LOCAL_ADMIN, Area(community_id="c-xf09"), params)
    pair = next(s.accept_covers for s in suggestions.items if s.accept_covers)
    both.refresh_wait_s = 120  # a busy test machine must not cut the writer's refresh short
    try:
        coverage.accept_covers(both, LOCAL_ADMIN, AcceptCovers(items=[pair]))
    finally:
        both.refresh_wait_s = REFRESH_WAIT_S
    named = both.read("scope/visible", ids=[pair.org_id, pair.building_id], communities=None)
    touched = {c for r in named for c in r["communities"]}
    assert "c-xf09" in touched and len(touched) < len(communities)

    key = ("coverage.summary", LOCAL_ADMIN, area.model_dump_json(), params.model_dump_json())
    after = both.cached(key, _boom, topic="coverage")[0]  # ready: the writer computed it again
    assert _plain(after) == _plain(counted_at_once(both, communities, None, params))
    rule = GapRule.building_without_group
    gaps = {i.rule: i.gaps for i in after.items}
    assert gaps[rule] == {i.rule: i.gaps for i in before.items}[rule] - 1
    keys: dict[Hashable, str] = {("coverage.summary.part", c, None, params.model_dump_json()): c for c in communities}
    new = both.cached_many(list(keys), lambda _: _boom(), lambda k: [keys[k]], "coverage")
    new_parts = {keys[k]: p for k, p in new.items()}
    assert new_parts["c-xf09"] is not old["c-xf09"] and new_parts["c-xf09"].gaps[rule] == old["c-xf09"].gaps[rule] - 1
    assert all(new_parts[c] is old[c] for c in communities if c not in touched)  # the others were not counted again


def test_the_from_communities_variants_answer_the_same_rows(both: Graph) -> None:
    """A street's rule-3 rows found from its buildings equal the whole graph's rows of its communities."""
    from graphsvc.services.coverage.area import FROM_COMMUNITIES

    areas = _areas(both)[1:]
    q: dict[str, Any] = {"threshold": 1, "min_members": 1, "cap": 1, "grid_id": None}
    for name, variant in FROM_COMMUNITIES.items():
        every = both.read(name, communities=None, **q)
        assert every, name  # the comparison means something
        for what, communities, grid in areas:
            q["grid_id"] = grid
            mine = both.read(variant, communities=communities, **q)
            assert mine == [r for r in both.read(name, communities=None, **q) if r["community_id"] in communities], (name, what)
        q["grid_id"] = None
