"""The coverage summary added up from per-community parts kept in the graph: equal to counting the area at
once, and after a coverage write only the touched community is counted again, by the writer."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import pytest

from graphsvc.demo import street_ledger
from graphsvc.graph import REFRESH_WAIT_S, Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.schemas.coverage import AcceptCovers, Area, GapParams, GapRule
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import coverage
from graphsvc.services.coverage.counters import NOWHERE, decode, kept
from graphsvc.services.coverage.summary import compose, count_parts, counted_at_once, place_ids
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
    everything = count_parts(both, place_ids(both, None), None, params)  # every community, and members nowhere
    assert set(everything) == set(areas[0][1]) | {NOWHERE}
    assert _plain(compose(everything.values())) == _plain(counted_at_once(both, None, None, params))
    if params is PARAMS[1]:  # the comparison means something for every rule: each has gaps and a population
        assert all(i.gaps > 0 and i.total > 0 for i in whole.items), [(i.rule.value, i.gaps) for i in whole.items]
    assert len({c.community_id for c in whole.communities}) > 2


def _street(graph: Graph) -> list[str]:
    return [r["id"] for r in graph.read("coverage/filter_communities", street_id="s-xf", community_id=None, grid_id=None)]


def _kept(graph: Graph, params: GapParams) -> dict[str, str]:
    """community id -> its counter's text, as the graph keeps them for `params`."""
    from graphsvc.services.coverage.counters import params_key

    return {r["community_id"]: r["part"]
            for r in graph.read("coverage/counters/read", params=params_key(None, params), communities=None)}


def _boom(*_: Any) -> Any:
    raise AssertionError("computed again: the writer should have refreshed it")


def test_the_summary_of_a_street_is_added_up_from_kept_parts(both: Graph) -> None:
    params = GapParams()
    both.transaction(lambda tx: None)  # a write that says nothing of what it touched drops every counter
    assert _kept(both, params) == {}
    street = coverage.summary(both, LOCAL_ADMIN, Area(street_id="s-xf"), params)
    communities = _street(both)
    assert _plain(street) == _plain(counted_at_once(both, communities, None, params))
    held = _kept(both, params)
    assert set(held) == set(communities)  # the street's parts, kept; nothing else counted
    again = kept(both, communities, None, params, _boom)  # a second ask counts nothing
    assert again == {c: decode(held[c]) for c in communities}


def test_the_summary_of_everything_adds_the_members_placed_nowhere(both: Graph) -> None:
    params = GapParams(link_cap=1)
    whole = coverage.summary(both, LOCAL_ADMIN, Area(), params)
    assert _plain(whole) == _plain(counted_at_once(both, None, None, params))
    nowhere = decode(_kept(both, params)[NOWHERE])
    assert nowhere.totals["members"] > 0  # the demo's unit members living elsewhere: the part counts someone


def test_a_count_that_raced_a_coverage_write_is_not_kept(both: Graph) -> None:
    params = GapParams(branch_threshold=2)
    communities = _street(both)

    def count(ids: list[str]) -> dict[str, Any]:
        counted = count_parts(both, ids, None, params)
        both.transaction(lambda tx: tx.touch("coverage", ["c-xf01"]))  # a write lands while this counted
        return counted

    answered = kept(both, communities, None, params, count)
    assert set(answered) == set(communities)  # answered once ...
    assert _kept(both, params) == {}  # ... and not kept
    kept(both, communities, None, params, partial(count_parts, both, grid_id=None, params=params))
    assert set(_kept(both, params)) == set(communities)
    both.transaction(lambda tx: tx.touch("coverage", ["c-xf01"]))  # a write in one community drops its part only
    assert set(_kept(both, params)) == set(communities) - {"c-xf01"}


def test_an_import_drops_the_counters_of_the_communities_its_rows_change(both: Graph) -> None:
    params = GapParams()
    ledger = street_ledger()
    communities = _street(both)
    kept(both, communities, None, params, partial(count_parts, both, grid_id=None, params=params))
    assert set(_kept(both, params)) >= set(communities)

    household = next(h for h in ledger["households"] if h["building_id"].startswith("b-xf01-"))
    moved = dict(household, disabled=not household["disabled"])  # a flag changed: rule 5 and the totals there
    report = import_ledger(both, RawLedger(tables={"households": [moved]}))
    assert report.changes["households"]["updated"] == 1
    assert set(communities) - set(_kept(both, params)) == {"c-xf01"}  # only its community counted again

    kept(both, communities, None, params, partial(count_parts, both, grid_id=None, params=params))
    point = dict(ledger["service_points"][0], name="新的服务点名称")  # rule 9 reaches across communities
    import_ledger(both, RawLedger(tables={"service_points": [point]}))
    assert not set(communities) & set(_kept(both, params))  # every counter dropped
    summary = coverage.summary(both, LOCAL_ADMIN, Area(street_id="s-xf"), params)
    assert _plain(summary) == _plain(counted_at_once(both, communities, None, params))
    import_ledger(both, RawLedger(tables={"households": [household]}))  # as it was


def test_an_import_snapshots_only_the_streets_whose_coverage_it_changed(both: Graph) -> None:
    from graphsvc.services.ledger import import_raw

    household = next(h for h in street_ledger()["households"] if h["building_id"].startswith("b-xf01-"))
    seen = {r["id"] for r in both.driver.execute_query("MATCH (s:CoverageSnapshot) RETURN s.snapshot_id AS id",
                                                        database_=both.database).records}
    for flagged in (not household["disabled"], household["disabled"]):  # changed, then as it was
        import_raw(both, LOCAL_ADMIN, RawLedger(tables={"households": [dict(household, disabled=flagged)]}),
                   batch_size=500, source="test", snapshot=GapParams())
        rows = both.driver.execute_query(
            "MATCH (s:CoverageSnapshot) WHERE s.source = 'import' RETURN s.snapshot_id AS id, s.street_id AS street",
            database_=both.database).records
        taken = {r["id"] for r in rows} - seen
        assert len(taken) == 1  # one snapshot for the import ...
        seen.update(taken)
        assert {r["street"] for r in rows if r["id"] in taken} == {"s-xf"}  # ... of its street, not s-jz
        assert {"c-xf01", NOWHERE} <= set(_kept(both, GapParams()))  # and its counters counted again, ready


def test_a_coverage_write_refreshes_only_its_community_before_it_returns(both: Graph) -> None:
    params = GapParams()
    area = Area(street_id="s-xf")
    communities = _street(both)
    before = coverage.summary(both, LOCAL_ADMIN, area, params)
    old = _kept(both, params)
    assert set(communities) <= set(old)
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
    new = _kept(both, params)  # the writer's refresh counted its community again and kept it
    assert decode(new["c-xf09"]).gaps[rule] == decode(old["c-xf09"]).gaps[rule] - 1
    assert all(new[c] == old[c] for c in communities if c not in touched)  # the others were not counted again


def _unordered(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows and the lists in them in one order (some queries answer in no order)."""
    return sorted(({k: sorted(v, key=repr) if isinstance(v, list) else v for k, v in r.items()} for r in rows), key=repr)


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
            mine = _unordered(both.read(variant, communities=communities, **q))
            theirs = _unordered(r for r in both.read(name, communities=None, **q) if r["community_id"] in communities)
            assert mine == theirs, (name, what)
        q["grid_id"] = None


def test_an_accept_by_a_caller_who_sees_everything_snapshots_only_its_street(both: Graph) -> None:
    from graphsvc.services import history

    params = GapParams()
    suggestions = coverage.suggest_groups(both, LOCAL_ADMIN, Area(street_id="s-xf"), params)
    pair = next(s.accept_covers for s in suggestions.items if s.accept_covers)
    seen = {r["id"] for r in both.driver.execute_query("MATCH (s:CoverageSnapshot) RETURN s.snapshot_id AS id",
                                                        database_=both.database).records}
    result = history.accepted(both, LOCAL_ADMIN, params, coverage.accept_covers(both, LOCAL_ADMIN, AcceptCovers(items=[pair])))
    assert result.communities and "accepted_by" in result.model_dump() and "communities" not in result.model_dump()
    rows = both.driver.execute_query(
        "MATCH (s:CoverageSnapshot) WHERE s.source = 'accept' RETURN s.snapshot_id AS id, s.street_id AS street",
        database_=both.database).records
    assert {r["street"] for r in rows if r["id"] not in seen} == {"s-xf"}  # not s-jz, which LOCAL_ADMIN also sees


def test_writes_that_change_no_coverage_keep_the_counters(both: Graph) -> None:
    """A key made and revoked: no coverage answer changes, so no counter is dropped."""
    from graphsvc.services import access

    params = GapParams()
    communities = _street(both)
    kept(both, communities, None, params, partial(count_parts, both, grid_id=None, params=params))
    before = _kept(both, params)
    key, _ = access.create_key(both, LOCAL_ADMIN, role="street", scope_id="s-xf", name="测试")
    access.revoke_key(both, LOCAL_ADMIN, key.id)
    assert _kept(both, params) == before
