"""Co-construction matching and its records on the demo street, against the real engine."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.reference_solvers import allocate_networkx_reference
from graphsvc.algorithms import evaluation as evaluation_algo
from graphsvc.algorithms import matching as algo
from graphsvc.demo import street_ledger
from graphsvc.errors import Forbidden, Infeasible, InvalidInput, NotFound
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import export_ledger, import_ledger
from graphsvc.schemas.matching import AllocationRequest, PairRef
from graphsvc.scope import LOCAL_ADMIN, Scope
from graphsvc.services import matching, records

TABLES = street_ledger()
XF = "s-xf"


@pytest.fixture(scope="module")
def demo(graph: Graph) -> Iterator[Graph]:
    import_ledger(graph, RawLedger(tables=TABLES))
    yield graph


def _xf_instance() -> tuple[list[algo.Need], list[algo.Resource]]:
    """新丰街's allocation instance straight from the ledger tables (independent of the service's reads)."""
    comms = {c["id"]: c for c in TABLES["communities"] if c["street_id"] == XF}
    units = {u["id"]: u for u in TABLES["units"]}
    orgs = {o["id"]: o for o in TABLES["party_orgs"]}
    needs = [algo.Need(id=n["id"], community_id=n["community_id"], kind=n["kind"], quantity=math.ceil(n["quantity"]),
                       urgency=n["urgency"], lat=comms[n["community_id"]]["lat"], lon=comms[n["community_id"]]["lon"])
             for n in TABLES["needs"] if n["community_id"] in comms]
    raised = {(n.community_id, n.kind) for n in needs}
    needs += [n for n in evaluation_algo.lacking_basics_needs(comms.values()) if (n.community_id, n.kind) not in raised]
    shared = {s["resource_id"] for s in TABLES["sharings"]}  # a ledger sharing takes the whole resource

    def place(owner: str) -> tuple[float, float] | None:
        if owner in units:
            return (units[owner]["lat"], units[owner]["lon"]) if units[owner]["community_id"] in comms else None
        if owner in comms:
            return comms[owner]["lat"], comms[owner]["lon"]
        below = [comms[o["community_id"]] for o in orgs.values() if o["parent_id"] == owner and o["community_id"] in comms]
        return (sum(c["lat"] for c in below) / len(below), sum(c["lon"] for c in below) / len(below)) if below else None

    resources = []
    for r in TABLES["resources"]:
        if (where := place(r["owner_id"])) is not None:
            resources.append(algo.Resource(id=r["id"], owner_id=r["owner_id"], kind=r["kind"],
                                           capacity=0 if r["id"] in shared else int(r["capacity"]),
                                           lat=where[0], lon=where[1]))
    return needs, resources


def test_every_open_need_has_ranked_explained_candidates(demo: Graph) -> None:
    o = matching.opportunities(demo, LOCAL_ADMIN, street_id=XF)
    needs, _ = _xf_instance()
    assert {i.need_id for i in o.items} == {n.id for n in needs}
    for item in o.items:
        assert item.candidates, item.need_id
        scores = [c.score for c in item.candidates]
        assert scores == sorted(scores, reverse=True)
        for c in item.candidates:
            assert c.kind == item.kind and c.capacity_left > 0 and c.explanation.startswith("类型相符")
            assert math.isclose(sum(c.contributions.values()), c.score)
    # 三无 gaps: c-xf12 has no funds, and that need was raised in the ledger rather than derived
    assert {b.community_id for b in o.lacking_basics} == {"c-xf04", "c-xf05", "c-xf12"}
    idle = {r.resource_id for r in o.idle_resources}
    assert idle and not idle & {s["resource_id"] for s in TABLES["sharings"]}


def test_a_paired_owner_is_preferred(demo: Graph) -> None:
    o = matching.opportunities(demo, LOCAL_ADMIN, community_id="c-xf01", top=50)
    assert {i.community_id for i in o.items} == {"c-xf01"}
    for item in o.items:
        for c in item.candidates:
            assert c.paired == (math.isclose(c.contributions["paired"], algo.DEFAULT_RESOURCE_WEIGHTS["paired"]))
    assert any(c.paired for i in o.items for c in i.candidates)


def _check_allocation(a: Any, needs: list[algo.Need], resources: list[algo.Resource],
                      locked: set[tuple[str, str]], forbidden: set[tuple[str, str]]) -> None:
    quantity = {n.id: n.quantity for n in needs}
    capacity = {r.id: r.capacity for r in resources}
    by_need: dict[str, int] = defaultdict(int)
    by_res: dict[str, int] = defaultdict(int)
    flows = {(f.need_id, f.resource_id): f.units for f in a.items}
    for (n, r), units in flows.items():
        by_need[n] += units
        by_res[r] += units
    assert all(by_need[n] <= quantity[n] for n in by_need)
    assert all(by_res[r] <= capacity[r] for r in by_res)
    assert all(flows.get(p, 0) >= 1 for p in locked)
    assert not forbidden & flows.keys()
    unmet = {u.need_id: u.units for u in a.unmet}
    assert all(by_need[n] + unmet.get(n, 0) == q for n, q in quantity.items())


@pytest.mark.parametrize("case", ["plain", "constrained"])
def test_allocation_is_optimal_and_holds_caps_locks_and_bans(demo: Graph, case: str) -> None:
    needs, resources = _xf_instance()
    locked: set[tuple[str, str]] = set()
    forbidden: set[tuple[str, str]] = set()
    if case == "constrained":
        first = matching.allocate(demo, LOCAL_ADMIN, AllocationRequest(street_id=XF))
        forbidden = {(f.need_id, f.resource_id) for f in first.items[:5]}  # ban what it chose
        cand = matching.opportunities(demo, LOCAL_ADMIN, street_id=XF, top=3)
        used = {f.resource_id for f in first.items}
        locked = {(i.need_id, c.resource_id) for i in cand.items for c in i.candidates[1:2]
                  if (i.need_id, c.resource_id) not in forbidden and c.resource_id not in used}
        locked = set(sorted(locked)[:3])
        assert len(locked) == 3
    req = AllocationRequest(street_id=XF, locked=[PairRef(need_id=n, resource_id=r) for n, r in sorted(locked)],
                            forbidden=[PairRef(need_id=n, resource_id=r) for n, r in sorted(forbidden)])
    a = matching.allocate(demo, LOCAL_ADMIN, req)
    _check_allocation(a, needs, resources, locked, forbidden)
    reference = allocate_networkx_reference(needs, resources, locked=locked, forbidden=forbidden)
    assert a.objective == pytest.approx(reference.objective, abs=1e-4)
    assert matching.allocate(demo, LOCAL_ADMIN, req) == a  # deterministic


def test_allocation_errors(demo: Graph) -> None:
    with pytest.raises(NotFound):
        matching.allocate(demo, LOCAL_ADMIN, AllocationRequest(street_id=XF, locked=[PairRef(need_id="n-x", resource_id="r-x")]))
    funds = next(n["id"] for n in TABLES["needs"] if n["community_id"] == "c-xf01" and n["kind"] != "venue")
    venue = next(r["id"] for r in TABLES["resources"] if r["kind"] == "venue" and r["owner_id"].startswith("u-xf"))
    with pytest.raises(Infeasible):  # kinds differ
        matching.allocate(demo, LOCAL_ADMIN, AllocationRequest(street_id=XF, locked=[PairRef(need_id=funds, resource_id=venue)]))
    with pytest.raises(NotFound):
        matching.allocate(demo, LOCAL_ADMIN, AllocationRequest(street_id="s-nowhere"))


def test_partner_suggestions_respect_caps(demo: Graph) -> None:
    for unit_cap, community_min, community_max in ((1, 3, None), (2, 5, 7)):
        p = matching.partners(demo, LOCAL_ADMIN, street_id=XF, unit_cap=unit_cap, community_min=community_min,
                              community_max=community_max)
        per_unit: dict[str, list[bool]] = defaultdict(list)
        per_comm: dict[str, list[bool]] = defaultdict(list)
        for i in p.items:
            per_unit[i.unit_org_id].append(i.existing)
            per_comm[i.community_org_id].append(i.existing)
        for flags in per_unit.values():  # new pairs only up to the cap; current ones are kept
            assert not any(not f for f in flags) or len(flags) <= unit_cap
        if community_max is not None:
            assert all(not any(not f for f in flags) or len(flags) <= community_max for flags in per_comm.values())
        short = {s.community_org_id: s.missing for s in p.shortfall}
        assert all(len(flags) + short.get(c, 0) >= community_min for c, flags in per_comm.items())
        assert all(i.explanation for i in p.items) and p.suggested == sum(not i.existing for i in p.items)


def test_scope_limits_what_is_seen(demo: Graph) -> None:
    one = Scope(role="community", communities=("c-xf02",), actor="t")
    o = matching.opportunities(demo, one)
    assert {i.community_id for i in o.items} == {"c-xf02"}
    with pytest.raises(NotFound):
        matching.opportunities(demo, one, community_id="c-xf01")


def test_evaluation_ranks_and_flags(demo: Graph) -> None:
    e = matching.evaluation(demo, LOCAL_ADMIN, street_id=XF)
    rated = [i for i in e.items if i.mean_satisfaction is not None]
    assert rated and all(i.pairing_id for i in e.items)
    for i in rated:
        want = "fail" if i.mean_satisfaction < 60 else "warn" if i.mean_satisfaction < 70 else "ok"  # type: ignore[operator]
        assert i.status == want
    for year in {i.year for i in e.items}:
        tops = [i for i in e.items if i.year == year and i.top]
        assert len(tops) <= 10 and all(t.status == "ok" for t in tops)


# --- records (these write: they run last) --------------------------------------------------------


def test_pairing_records_keep_history(demo: Graph) -> None:
    p = records.create_pairing(demo, LOCAL_ADMIN, "po-xf02", "pu-xf-001", "co_construction", ["culture"], "api")
    assert p.id.startswith("pr-") and p.active and p.created_by == "local" and p.source == "api"
    assert p.community_a == "c-xf02" and p.themes == ["culture"] and p.since
    with pytest.raises(Infeasible):
        records.create_pairing(demo, LOCAL_ADMIN, "pu-xf-001", "po-xf02", "co_construction", [], "api")
    ended = records.end_pairing(demo, LOCAL_ADMIN, p.id, source="cli", reason="到期")
    assert not ended.active and ended.ended_by == "local" and ended.end_reason == "到期"
    with pytest.raises(Infeasible):
        records.end_pairing(demo, LOCAL_ADMIN, p.id, source="cli")
    assert p.id not in {x.id for x in records.pairings(demo, LOCAL_ADMIN).items}
    assert p.id in {x.id for x in records.pairings(demo, LOCAL_ADMIN, active=None).items}
    again = records.create_pairing(demo, LOCAL_ADMIN, "po-xf02", "pu-xf-001", "co_construction", [], "suggestion")
    assert again.id != p.id and again.active
    assert {p.id, again.id} <= {r["id"] for r in export_ledger(demo)["pairings"]}


def test_record_input_errors(demo: Graph) -> None:
    with pytest.raises(NotFound):
        records.create_pairing(demo, LOCAL_ADMIN, "po-xf03", "po-nowhere", "co_construction", [], "api")
    with pytest.raises(InvalidInput):
        records.create_pairing(demo, LOCAL_ADMIN, "po-xf03", "pu-xf-002", "co_construction", ["charity"], "api")
    with pytest.raises(InvalidInput):
        records.create_pairing(demo, LOCAL_ADMIN, "po-xf03", "po-xf03", "urban_rural", [], "api")
    with pytest.raises(NotFound):
        records.create_pairing(demo, Scope(role="community", communities=("c-hm01",)), "po-xf03", "pu-xf-002",
                               "co_construction", [], "api")
    with pytest.raises(Forbidden):
        records.create_pairing(demo, Scope(role="analyst", masked=True), "po-xf03", "pu-xf-002", "co_construction", [], "api")


def test_sharing_meets_a_need_and_uses_capacity(demo: Graph) -> None:
    o = matching.opportunities(demo, LOCAL_ADMIN, community_id="c-xf03", top=1)
    item = next(i for i in o.items if i.candidates and not i.derived and i.open_quantity >= 2)
    res = item.candidates[0]
    s = records.create_sharing(demo, LOCAL_ADMIN, res.resource_id, "c-xf03", source="suggestion", units=1,
                               need_id=item.need_id)
    assert s.units == 1 and s.need_id == item.need_id and s.source == "suggestion"
    after = matching.opportunities(demo, LOCAL_ADMIN, community_id="c-xf03", top=50)
    need = next(i for i in after.items if i.need_id == item.need_id)
    assert need.open_quantity == item.open_quantity - 1
    again = next((c for c in need.candidates if c.resource_id == res.resource_id), None)
    assert again is None or again.capacity_left == res.capacity_left - 1
    with pytest.raises(Infeasible):
        records.create_sharing(demo, LOCAL_ADMIN, res.resource_id, "c-xf03", source="api", units=10_000)
    ended = records.end_sharing(demo, LOCAL_ADMIN, s.id, source="api")  # type: ignore[arg-type]
    assert ended.ended_at is not None
    back = matching.opportunities(demo, LOCAL_ADMIN, community_id="c-xf03", top=1)
    assert next(i for i in back.items if i.need_id == item.need_id).open_quantity == item.open_quantity
    ledger_one = TABLES["sharings"][0]
    old = records.end_sharing(demo, LOCAL_ADMIN, f"{ledger_one['resource_id']}@{ledger_one['community_id']}", source="api")
    assert old.ended_at is not None


def test_project_feeds_evaluation(demo: Graph) -> None:
    pairing = records.create_pairing(demo, LOCAL_ADMIN, "po-xf06", "pu-xf-002", "co_construction", ["welfare"], "api")
    pj = records.create_project(demo, LOCAL_ADMIN, pairing.id, name="爱心助餐", theme="welfare", year=2031,
                                status="ongoing", source="api")
    assert pj.org_ids == sorted(["po-xf06", "pu-xf-002"]) and pj.pairing_id == pairing.id
    with pytest.raises(InvalidInput):
        records.end_project(demo, LOCAL_ADMIN, pj.id, status="done", outcome=150, satisfaction=None, source="api")
    done = records.end_project(demo, LOCAL_ADMIN, pj.id, status="done", outcome=70, satisfaction=65, source="api")
    assert done.status == "done" and done.ended_at is not None
    e = matching.evaluation(demo, LOCAL_ADMIN, year=2031)
    assert [(i.pairing_id, i.status, i.top) for i in e.items] == [(pairing.id, "warn", False)]
