"""The member → household assignment through the service, on a tiny street where members are scarce:
caps kept, vulnerable households first, mobile members left out, and the lexicographic optimum of a brute force."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.schemas.coverage import Area, GapParams
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import coverage

# b1 and b3 share grid g1, b2 is in grid g2. m1 lives in b1, m2 in b2, m3 (mobile) in b1.
# h1 is plain and next to m1; h2 and h3 are vulnerable. With a cap of 1 there are two places for
# three households: the vulnerable ones must be taken even though m1 -> h1 would cost nothing.
TINY: dict[str, list[dict[str, Any]]] = {
    "streets": [{"id": "s-t", "name": "试点街道"}],
    "communities": [{"id": "c-t", "name": "试点社区", "kind": "urban", "street_id": "s-t", "lat": 31.0, "lon": 120.0}],
    "resident_groups": [
        {"id": "g1", "name": "一网格", "community_id": "c-t"},
        {"id": "g2", "name": "二网格", "community_id": "c-t"},
    ],
    "buildings": [
        {
            "id": "b1",
            "name": "1幢",
            "kind": "residential",
            "community_id": "c-t",
            "resident_group_id": "g1",
            "lat": 31.0,
            "lon": 120.0,
        },
        {
            "id": "b2",
            "name": "2幢",
            "kind": "residential",
            "community_id": "c-t",
            "resident_group_id": "g2",
            "lat": 31.002,
            "lon": 120.0,
        },
        {
            "id": "b3",
            "name": "3幢",
            "kind": "residential",
            "community_id": "c-t",
            "resident_group_id": "g1",
            "lat": 31.0,
            "lon": 120.001,
        },
    ],
    "households": [
        {"id": "h1", "building_id": "b1"},
        {"id": "h2", "building_id": "b2", "elderly_alone": True},
        {"id": "h3", "building_id": "b3", "hardship": True},
    ],
    "party_orgs": [
        {"id": "po-t", "name": "试点社区党支部", "level": "branch", "domain": "community", "community_id": "c-t"}
    ],
    "members": [
        {
            "id": "m1",
            "name": "甲",
            "category": "retired",
            "employment": "retired",
            "household_id": "h1",
            "org_id": "po-t",
        },
        {
            "id": "m2",
            "name": "乙",
            "category": "resident",
            "employment": "employed",
            "household_id": "h2",
            "org_id": "po-t",
        },
        {
            "id": "m3",
            "name": "丙",
            "category": "mobile",
            "employment": "employed",
            "household_id": "h1",
            "org_id": "po-t",
        },
    ],
}
BUILDING = {"h1": "b1", "h2": "b2", "h3": "b3"}
GRID = {"b1": "g1", "b2": "g2", "b3": "g1"}
HOME = {"m1": "b1", "m2": "b2"}  # m3 is mobile: it cannot serve
VULNERABLE = {"h2", "h3"}


@pytest.fixture(scope="module")
def tiny(graph: Graph) -> Graph:
    import_ledger(graph, RawLedger(tables=TINY))
    return graph


def _cost(member: str, household: str) -> int:
    b = BUILDING[household]
    return 0 if HOME[member] == b else 1 if GRID[HOME[member]] == GRID[b] else 3


def _brute_force(cap: int) -> tuple[int, int, int]:
    """Best (vulnerable served, households served, -cost) over every assignment, written from the rule text."""
    best = (-1, -1, 0)
    households = sorted(BUILDING)
    for choice in itertools.product([None, *HOME], repeat=len(households)):
        if any(choice.count(m) > cap for m in HOME):
            continue
        served = [(h, m) for h, m in zip(households, choice, strict=True) if m]
        key = (sum(h in VULNERABLE for h, _ in served), len(served), -sum(_cost(m, h) for h, m in served))
        best = max(best, key)
    return best


@pytest.mark.parametrize("cap", [1, 2])
def test_assignment_is_the_lexicographic_optimum(tiny: Graph, cap: int) -> None:
    result = coverage.suggest_links(tiny, LOCAL_ADMIN, Area(community_id="c-t"), GapParams(link_cap=cap))
    pairs = {i.household_id: i.member_id for i in result.items}
    key = (sum(h in VULNERABLE for h in pairs), len(pairs), -result.total_cost)
    assert key == _brute_force(cap)
    assert result.total_cost == sum(_cost(m, h) for h, m in pairs.items())
    assert all(i.why["member_links_after"] <= cap for i in result.items)
    assert "m3" not in pairs.values()  # mobile members are left out


def test_scarce_members_serve_the_vulnerable_first(tiny: Graph) -> None:
    result = coverage.suggest_links(tiny, LOCAL_ADMIN, Area(community_id="c-t"), GapParams(link_cap=1))
    assert {i.household_id: i.member_id for i in result.items} == {"h2": "m2", "h3": "m1"}
    assert [(u.household_id, u.reason) for u in result.unassigned] == [("h1", "capacity")]
    assert {i.household_id: i.why["relation"] for i in result.items} == {"h2": "same_building", "h3": "same_grid"}
    assert all(i.vulnerable for i in result.items)
