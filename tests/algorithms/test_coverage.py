"""Coverage algorithms: tiny hand-computed cases, plus independent solvers on random instances.

The independent checks (brute-force enumeration, a lexicographic MILP) live here on purpose:
they share no code with graphsvc.algorithms.coverage.
"""

from __future__ import annotations

import doctest
import itertools
import math
import random
from collections import Counter
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from graphsvc.algorithms import coverage
from graphsvc.algorithms.assignment import Assignment, assign_households
from graphsvc.algorithms.coverage import (
    propose_building_branches,
    suggest_group_for_buildings,
    what_if_removed,
)
from graphsvc.errors import InvalidInput

M_PER_DEG_LAT = math.pi / 180 * 6_371_008.8  # about 111,195 m


def test_docstring_examples_hold() -> None:
    failed, tried = doctest.testmod(coverage, optionflags=doctest.ELLIPSIS)
    assert tried >= 10
    assert failed == 0


# --------------------------------------------------------------------------- assign_households


def graph(
    members: dict[str, dict[str, Any]],
    households: dict[str, bool],
    edges: list[tuple[str, str, int]],
) -> nx.Graph:
    G = nx.Graph()
    for m, attrs in members.items():
        G.add_node(m, kind="member", **attrs)
    for h, vulnerable in households.items():
        G.add_node(h, kind="household", vulnerable=vulnerable)
    for m, h, cost in edges:
        G.add_edge(m, h, cost=cost)
    return G


def test_vulnerable_household_is_taken_even_at_higher_cost() -> None:
    G = graph({"m1": {"capacity": 1}}, {"h1": False, "h2": True}, [("m1", "h1", 0), ("m1", "h2", 3)])
    result = assign_households(G)
    assert result.pairs == [("m1", "h2", 3)]
    assert result.unassigned == {"h1": "capacity"}
    assert result.total_cost == 3


def test_vulnerable_first_with_a_swap_between_members() -> None:
    # m1 can take one of three; m2 only reaches the ordinary h1. Cheapest would be m1-h1 (0);
    # the right answer gives m1 a vulnerable household (h2, the cheaper one) and h1 to m2.
    G = graph(
        {"m1": {"capacity": 1}, "m2": {"capacity": 1}},
        {"h1": False, "h2": True, "h3": True},
        [("m1", "h1", 0), ("m1", "h2", 1), ("m2", "h1", 3), ("m1", "h3", 3)],
    )
    result = assign_households(G)
    assert set(result.pairs) == {("m1", "h2", 1), ("m2", "h1", 3)}
    assert result.unassigned == {"h3": "capacity"}
    assert result.total_cost == 4


def test_more_households_beats_lower_cost() -> None:
    # Both households placed (cost 3) is better than the cheap m1-h1 leaving h2 out.
    G = graph(
        {"m1": {"capacity": 1}, "m2": {"capacity": 1}},
        {"h1": False, "h2": False},
        [("m1", "h1", 0), ("m1", "h2", 0), ("m2", "h1", 3)],
    )
    result = assign_households(G)
    assert set(result.pairs) == {("m1", "h2", 0), ("m2", "h1", 3)}
    assert result.unassigned == {}


def test_caps_and_capacity_attribute() -> None:
    households = {f"h{i}": False for i in range(6)}
    G = graph(
        {"big": {"capacity": 20}, "default": {}, "over": {"capacity": -3}},
        households,
        [(m, h, 1) for m in ("big", "default", "over") for h in households],
    )
    result = assign_households(G, cap=2)
    load = Counter(m for m, _, _ in result.pairs)
    assert load == {"big": 2, "default": 2}  # capacity clipped to cap; absent means cap; overloaded takes none
    assert len(result.unassigned) == 2
    assert set(result.unassigned.values()) == {"capacity"}


def test_reasons_no_candidate_versus_capacity_and_can_serve() -> None:
    G = graph(
        {"away": {"capacity": 5, "can_serve": False}, "full": {"capacity": 0}},
        {"h1": False, "h2": True, "h3": False},
        [("away", "h1", 0), ("full", "h2", 0)],
    )
    result = assign_households(G)
    assert result.pairs == []
    assert result.unassigned == {"h1": "no_candidate", "h2": "capacity", "h3": "no_candidate"}


def test_identical_households_are_handed_out_by_id() -> None:
    order = ("h3", "h1", "h2")
    G = graph({"m1": {"capacity": 2}}, dict.fromkeys(order, False), [("m1", h, 0) for h in order])
    result = assign_households(G)
    assert [h for _, h, _ in result.pairs] == ["h1", "h2"]
    assert result.unassigned == {"h3": "capacity"}
    assert assign_households(G) == result  # deterministic


def test_assign_households_rejects_bad_graphs() -> None:
    with pytest.raises(InvalidInput):
        assign_households(nx.DiGraph())
    with pytest.raises(InvalidInput):
        assign_households(nx.Graph(), cap=-1)
    bad_cost = graph({"m1": {}}, {"h1": False}, [("m1", "h1", 0)])
    bad_cost.edges["m1", "h1"]["cost"] = True
    with pytest.raises(InvalidInput):
        assign_households(bad_cost)
    negative = graph({"m1": {}}, {"h1": False}, [("m1", "h1", -1)])
    with pytest.raises(InvalidInput):
        assign_households(negative)
    member_member = graph({"m1": {}, "m2": {}}, {}, [])
    member_member.add_edge("m1", "m2", cost=0)
    with pytest.raises(InvalidInput) as err:
        assign_households(member_member)
    assert err.value.details[0]["edge"] == ["m1", "m2"]
    unknown_kind = nx.Graph()
    unknown_kind.add_node("x", kind="building")
    with pytest.raises(InvalidInput):
        assign_households(unknown_kind)


def random_instance(rng: random.Random, n_members: int, n_households: int, p_edge: float) -> nx.Graph:
    G = nx.Graph()
    for i in range(n_members):
        attrs: dict[str, Any] = {"kind": "member"}
        roll = rng.random()
        if roll < 0.8:
            attrs["capacity"] = rng.randint(-1, 3)
        if rng.random() < 0.15:
            attrs["can_serve"] = False
        G.add_node(f"m{i}", **attrs)
    for j in range(n_households):
        G.add_node(f"h{j}", kind="household", vulnerable=rng.random() < 0.4)
        for i in range(n_members):
            if rng.random() < p_edge:
                G.add_edge(f"m{i}", f"h{j}", cost=rng.choice([0, 1, 3]))
    return G


def effective_capacity(G: nx.Graph, m: Hashable, cap: int) -> int:
    data = G.nodes[m]
    if data.get("can_serve", True) is False:
        return 0
    return max(0, min(cap, data.get("capacity", cap)))


def score(G: nx.Graph, pairs: list[tuple[Hashable, Hashable, int]]) -> tuple[int, int, int]:
    """(vulnerable placed, placed, total cost): the lexicographic goal, best = max, max, min."""
    vulnerable = sum(1 for _, h, _ in pairs if G.nodes[h]["vulnerable"])
    return (vulnerable, len(pairs), sum(c for _, _, c in pairs))


def check_valid(G: nx.Graph, result: Assignment, cap: int) -> None:
    households = [h for h, k in G.nodes(data="kind") if k == "household"]
    placed = [h for _, h, _ in result.pairs]
    assert len(placed) == len(set(placed))
    assert set(placed).isdisjoint(result.unassigned)
    assert set(placed) | set(result.unassigned) == set(households)
    for m, h, cost in result.pairs:
        assert G.edges[m, h]["cost"] == cost
    load = Counter(m for m, _, _ in result.pairs)
    for m, n in load.items():
        assert n <= effective_capacity(G, m, cap)
    assert result.total_cost == sum(c for _, _, c in result.pairs)


def brute_force_best(G: nx.Graph, cap: int) -> tuple[int, int, int]:
    households = [h for h, k in G.nodes(data="kind") if k == "household"]
    options = [[None, *[m for m in G.adj[h] if effective_capacity(G, m, cap) > 0]] for h in households]
    best: tuple[int, int, int] | None = None
    for choice in itertools.product(*options):
        load = Counter(m for m in choice if m is not None)
        if any(n > effective_capacity(G, m, cap) for m, n in load.items()):
            continue
        pairs = [(m, h, G.edges[m, h]["cost"]) for m, h in zip(choice, households, strict=True) if m is not None]
        v, n, c = score(G, pairs)
        if best is None or (v, n, -c) > (best[0], best[1], -best[2]):
            best = (v, n, c)
    assert best is not None
    return best


@pytest.mark.parametrize("seed", range(40))
def test_assignment_matches_brute_force_on_tiny_instances(seed: int) -> None:
    rng = random.Random(seed)
    cap = rng.randint(1, 3)
    G = random_instance(rng, rng.randint(1, 3), rng.randint(1, 6), p_edge=0.5)
    result = assign_households(G, cap=cap)
    check_valid(G, result, cap)
    assert score(G, result.pairs) == brute_force_best(G, cap)


def milp_lexicographic_best(G: nx.Graph, cap: int) -> tuple[int, int, int]:
    """Three MILP stages on x[edge] in {0,1}: max vulnerable placed, then placed, then min cost."""
    edges = [(m, h) if G.nodes[m]["kind"] == "member" else (h, m) for m, h in G.edges]
    if not edges:
        return (0, 0, 0)
    index = {e: k for k, e in enumerate(edges)}
    rows, ub = [], []
    for node, kind in G.nodes(data="kind"):
        row = np.zeros(len(edges))
        for other in G.adj[node]:
            row[index[(node, other) if kind == "member" else (other, node)]] = 1
        rows.append(row)
        ub.append(effective_capacity(G, node, cap) if kind == "member" else 1)
    limits = [LinearConstraint(np.array(rows), ub=np.array(ub, dtype=float))]
    vulnerable = np.array([1.0 if G.nodes[h]["vulnerable"] else 0.0 for _, h in edges])
    ones = np.ones(len(edges))
    costs = np.array([float(G.edges[e]["cost"]) for e in edges])
    ints = np.ones(len(edges))

    def solve(c: np.ndarray, extra: list[LinearConstraint]) -> np.ndarray:
        res = milp(c, integrality=ints, bounds=Bounds(0, 1), constraints=limits + extra, options={"mip_rel_gap": 0})
        assert res.status == 0
        return np.round(res.x)

    v_best = float(vulnerable @ solve(-vulnerable, []))
    keep_v = [LinearConstraint(vulnerable[None, :], lb=v_best)]
    n_best = float(ones @ solve(-ones, keep_v))
    keep_n = [LinearConstraint(ones[None, :], lb=n_best)]
    c_best = float(costs @ solve(costs, keep_v + keep_n))
    return (round(v_best), round(n_best), round(c_best))


@pytest.mark.parametrize("seed", range(15))
def test_assignment_matches_lexicographic_milp(seed: int) -> None:
    rng = random.Random(1000 + seed)
    cap = rng.randint(1, 4)
    G = random_instance(rng, rng.randint(3, 10), rng.randint(10, 40), p_edge=rng.choice([0.1, 0.3, 0.6]))
    result = assign_households(G, cap=cap)
    check_valid(G, result, cap)
    assert score(G, result.pairs) == milp_lexicographic_best(G, cap)


def test_merged_identical_households_still_optimal() -> None:
    # Whole buildings of identical households: the case the class merging is for.
    rng = random.Random(7)
    G = nx.Graph()
    for b in range(4):
        for i in range(12):
            G.add_node(f"h{b}_{i:02d}", kind="household", vulnerable=i < 3, building=b)
    for k in range(6):
        home = k % 4
        G.add_node(f"m{k}", kind="member", capacity=rng.randint(2, 9))
        for h, b in G.nodes(data="building"):
            if b is not None:
                G.add_edge(f"m{k}", h, cost=0 if b == home else 3)
    result = assign_households(G, cap=15)
    check_valid(G, result, 15)
    assert score(G, result.pairs) == milp_lexicographic_best(G, 15)


# --------------------------------------------------------------------------- suggest_group_for_buildings


def building(ident: str, community: str, lat: float, residents: int = 0) -> dict[str, Any]:
    return {"id": ident, "community_id": community, "lat": lat, "lon": 120.0, "resident_members": residents}


def group(ident: str, community: str, lat: float, now: int) -> dict[str, Any]:
    return {"id": ident, "community_id": community, "lat": lat, "lon": 120.0, "buildings_now": now}


def test_same_community_ranks_before_a_nearer_group_next_door() -> None:
    groups = [group("g_near_other", "c2", 30.0005, 1), group("g_far_same", "c1", 30.002, 1)]
    [s] = suggest_group_for_buildings([building("b1", "c1", 30.0)], groups)
    assert s.action == "join_group"
    assert [c.group_id for c in s.candidates] == ["g_far_same", "g_near_other"]
    assert s.candidates[0].why == {"distance_m": 222, "same_community": True, "buildings_now": 1, "capacity_left": None}
    assert s.candidates[1].why["same_community"] is False


def test_full_groups_and_far_other_communities_do_not_qualify() -> None:
    groups = [
        group("g_full", "c1", 30.0001, 4),
        group("g_other_far", "c2", 30.004, 0),  # 445 m away, beyond cross_community_m
    ]
    [rich, poor] = suggest_group_for_buildings(
        [building("b1", "c1", 30.0, residents=5), building("b2", "c1", 30.0, residents=2)],
        groups,
        max_buildings_per_group=4,
    )
    assert (rich.action, rich.candidates) == ("form_group", [])
    assert rich.why == {
        "resident_members": 5,
        "groups_in_community": 1,
        "groups_full_in_community": 1,
        "min_new_group_members": 3,
    }
    assert (poor.action, poor.candidates) == ("no_option", [])
    [wider] = suggest_group_for_buildings(
        [building("b1", "c1", 30.0)], groups, max_buildings_per_group=4, cross_community_m=500
    )
    assert [c.group_id for c in wider.candidates] == ["g_other_far"]


def test_ties_on_distance_go_to_more_room_then_id_and_top_limits() -> None:
    groups = [group("gB", "c1", 30.001, 1), group("gA", "c1", 30.001, 1), group("gC", "c1", 30.001, 0)]
    [s] = suggest_group_for_buildings([building("b1", "c1", 30.0)], groups, max_buildings_per_group=3, top=2)
    assert [c.group_id for c in s.candidates] == ["gC", "gA"]
    assert s.candidates[0].why["capacity_left"] == 3


def test_suggest_rejects_rows_without_location() -> None:
    with pytest.raises(InvalidInput) as err:
        suggest_group_for_buildings([{"id": "b1", "community_id": "c1"}], [])
    assert err.value.details[0]["id"] == "b1"
    with pytest.raises(InvalidInput):
        suggest_group_for_buildings([], [group("g1", "c1", 30.0, -1)])


# --------------------------------------------------------------------------- propose_building_branches


def test_single_building_needs_more_than_threshold() -> None:
    rows = [building("b50", "c1", 30.0, 50), building("b51", "c1", 31.0, 51)]
    [p] = propose_building_branches(rows)
    assert (p.building_ids, p.members, p.why["kind"]) == (["b51"], 51, "single")


def test_cluster_grows_nearest_first_within_community_and_distance() -> None:
    rows = [
        building("a", "c1", 30.0, 30),
        building("near", "c1", 30.001, 15),  # 111 m
        building("nearer_empty", "c1", 30.0005, 0),  # never joins: adds no member
        building("next", "c1", 30.002, 10),  # 222 m
        building("spare", "c1", 30.0025, 10),  # 278 m, not needed once the total passes 50
        building("too_far", "c1", 30.008, 40),  # 890 m from a, 611 m from spare: anchors nothing
        building("other_comm", "c2", 30.0001, 40),
    ]
    proposals = propose_building_branches(rows, threshold=50, max_distance_m=300)
    assert len(proposals) == 1
    [p] = proposals
    assert p.community_id == "c1"
    assert p.building_ids == ["a", "near", "next"]
    assert p.members == 55
    assert p.why["radius_m"] == 222


def test_failed_anchor_can_be_absorbed_by_a_later_one() -> None:
    # A (40) reaches only B: 45; C (20) reaches only B: 25; B in the middle reaches both: 65.
    step = 250 / M_PER_DEG_LAT
    rows = [
        building("A", "c1", 30.0, 40),
        building("B", "c1", 30.0 + step, 5),
        building("C", "c1", 30.0 + 2 * step, 20),
    ]
    [p] = propose_building_branches(rows, threshold=50, max_distance_m=300)
    assert p.anchor_id == "B"
    assert sorted(map(str, p.building_ids)) == ["A", "B", "C"]
    assert p.members == 65


def test_propose_rejects_missing_member_count() -> None:
    with pytest.raises(InvalidInput):
        propose_building_branches([{"id": "b1", "community_id": "c1", "lat": 30.0, "lon": 120.0}])


# --------------------------------------------------------------------------- what_if_removed


def coverage_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_nodes_from(["m1", "m2", "m3"], kind="member")
    G.add_nodes_from(["g1", "g2"], kind="party_org")
    G.add_nodes_from(["h1", "h2", "h3", "h4"], kind="household")
    G.add_nodes_from(["b1", "b2"], kind="building")
    G.add_edge("m1", "h1", rel="LINKS")
    G.add_edge("m1", "h1", rel="HELPS")  # parallel edge, same coverer
    G.add_edge("m1", "h2", rel="LINKS")
    G.add_edge("m2", "h2", rel="HELPS")
    G.add_edge("m3", "h3", rel="LINKS")  # h4 has nobody: a gap, not an effect
    G.add_edge("g1", "b1", rel="COVERS")
    G.add_edge("g1", "b2", rel="COVERS")
    G.add_edge("g2", "b2", rel="COVERS")
    return G


def test_what_if_removed_reports_only_targets_that_lose_their_last_coverer() -> None:
    G = coverage_graph()
    r = what_if_removed(G, ["m1", "g1"])
    assert r.households == {"h1": ["m1"]}  # h2 keeps m2
    assert r.buildings == {"b1": ["g1"]}  # b2 keeps g2
    r = what_if_removed(G, ["m1", "m2", "h1"])
    assert r.households == {"h2": ["m1", "m2"]}  # h1 is itself removed
    assert r.buildings == {}
    assert what_if_removed(G, []).households == {}


def test_what_if_removed_rejects_unknown_nodes_and_undirected_graphs() -> None:
    with pytest.raises(InvalidInput) as err:
        what_if_removed(coverage_graph(), ["m1", "ghost"])
    assert err.value.details == [{"id": "ghost", "problem": "not in the graph"}]
    with pytest.raises(InvalidInput):
        what_if_removed(nx.Graph(), [])
