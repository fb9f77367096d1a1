"""The projection alone: rows as cypher/network/* returns them -> the organisation graph."""

from __future__ import annotations

from typing import Any

import pytest

from graphsvc.algorithms.network import centrality
from graphsvc.projection.network import KINDS, org_graph
from graphsvc.views.network import _depths

ORGS = [{"id": i, "name": f"{i}支部", "level": "branch", "members": 3} for i in ("a", "b", "c", "d")]
UNDER = [{"source": "b", "target": "a"}, {"source": "c", "target": "a"}, {"source": "x", "target": "a"}]
PAIRINGS: list[dict[str, Any]] = [
    {"source": "b", "target": "c", "id": "p1", "kind": "co_construction", "since": "2024-03-15", "themes": ["culture"]},
    {"source": "c", "target": "b", "id": "p2", "kind": "urban_rural", "since": None, "themes": None},
]
SHARINGS = [{"source": "d", "target": "a", "resource_kind": "venue"}, {"source": "a", "target": "a", "resource_kind": "funds"}]
MEMBER_TIES = [
    {"ties": [{"org": "d", "type": "MEMBER_OF"}, {"org": "a", "type": "REGISTERED_AT"}]},
    {"ties": [{"org": "d", "type": "MEMBER_OF"}, {"org": "a", "type": "REGISTERED_AT"}]},
    # one member registered where the membership already is: ties nothing
    {"ties": [{"org": "b", "type": "MEMBER_OF"}, {"org": "b", "type": "REGISTERED_AT"}]},
    # a part-time seat and a registration: ties all three, by what is not a plain membership
    {"ties": [{"org": "c", "type": "MEMBER_OF"}, {"org": "d", "type": "SITS_ON"}, {"org": "a", "type": "REGISTERED_AT"}]},
]


def build(kinds=KINDS):
    return org_graph(ORGS, under=UNDER, pairings=PAIRINGS, sharings=SHARINGS, member_ties=MEMBER_TIES, kinds=kinds)


def test_ties_merge_into_one_edge_with_kinds_weight_and_facts() -> None:
    G = build()
    assert sorted(G) == ["a", "b", "c", "d"]  # x is outside the selection: its tie is dropped
    assert G.edges["b", "a"] == {"kinds": {"UNDER"}, "weight": 1}
    bc = G.edges["b", "c"]
    assert bc["kinds"] == {"PAIRED_WITH"} and bc["weight"] == 2
    assert [p["kind"] for p in bc["pairings"]] == ["co_construction", "urban_rural"]
    assert bc["pairings"][1]["themes"] == []
    da = G.edges["d", "a"]
    assert da["kinds"] == {"SHARED_WITH", "REGISTERED_AT", "SITS_ON"}
    # the last member ties d and a by both their seat and their registration
    assert (da["resources"], da["registered"], da["seats"], da["weight"]) == (["venue"], 3, 1, 5)
    assert G.edges["c", "d"]["kinds"] == {"SITS_ON"} and G.edges["c", "a"]["kinds"] == {"UNDER", "REGISTERED_AT"}


def test_self_ties_are_dropped_so_the_algorithms_accept_the_graph() -> None:
    G = build()
    assert not any(u == v for u, v in G.edges())
    assert centrality(G)["a"].degree == 1.0  # would raise InvalidInput on a self-loop


@pytest.mark.parametrize(
    ("kinds", "edges"),
    [
        (("UNDER",), {("a", "b"), ("a", "c")}),
        (("PAIRED_WITH",), {("b", "c")}),
        (("SHARED_WITH",), {("a", "d")}),
        (("SITS_ON",), {("c", "d"), ("a", "d")}),
        ((), set()),
    ],
)
def test_kinds_select_the_ties(kinds: tuple[str, ...], edges: set[tuple[str, str]]) -> None:
    G = build(kinds)
    assert {tuple(sorted(e)) for e in G.edges()} == edges
    assert len(G) == 4  # organisations stay, tied or not


def test_parent_and_tree_depths() -> None:
    G = build(("UNDER",))
    assert [G.nodes[n]["parent"] for n in "abcd"] == [None, "a", "a", None]
    assert _depths(G) == {"a": 0, "b": 1, "c": 1, "d": 0}
