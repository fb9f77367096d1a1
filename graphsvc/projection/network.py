"""Records -> the organisation network: an undirected simple nx.Graph of Party organisations.

Nodes carry the organisation's facts (``name``, ``level``, ``domain``, ``community_id``,
``community_name``, ``street_id``, ``street_name``, ``unit_name``, ``members``, ``parent``). Each edge merges every
tie between its two organisations, as algorithms/network.py expects: ``kinds`` (the relationship
types), ``weight`` (how many ties), and the facts behind them for tooltips: ``pairings``
[{id, kind, since, themes}], ``resources`` [resource kinds], ``registered`` and ``seats``
(how many members tie the two by a registration or a part-time seat).

A tie from an organisation to itself (a member registered where the membership already is, a
resource shared with a community the owner serves itself) is dropped: the algorithms refuse
self-loops, and it ties nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from itertools import combinations
from typing import Any

import networkx as nx

UNDER = "UNDER"
PAIRED_WITH = "PAIRED_WITH"
SHARED_WITH = "SHARED_WITH"
REGISTERED_AT = "REGISTERED_AT"
SITS_ON = "SITS_ON"
KINDS = (UNDER, PAIRED_WITH, SHARED_WITH, REGISTERED_AT, SITS_ON)

Row = Mapping[str, Any]
NODE_FACTS = (
    "name", "level", "domain", "community_id", "community_name", "street_id", "street_name", "unit_name", "members",
)


def org_graph(
    orgs: Iterable[Row],
    *,
    under: Iterable[Row] = (),
    pairings: Iterable[Row] = (),
    sharings: Iterable[Row] = (),
    member_ties: Iterable[Row] = (),
    kinds: Collection[str] = KINDS,
) -> nx.Graph:
    """The organisation network from the rows of cypher/network/*; ties of `kinds` only,
    between organisations among `orgs` only."""
    G = nx.Graph()
    for o in orgs:
        G.add_node(o["id"], **{k: o.get(k) for k in NODE_FACTS}, parent=None)
    if UNDER in kinds:
        for r in under:
            if r["source"] in G and r["target"] in G:
                G.nodes[r["source"]]["parent"] = r["target"]
            _tie(G, r["source"], r["target"], UNDER)
    if PAIRED_WITH in kinds:
        for r in pairings:
            fact = {"id": r["id"], "kind": r["kind"], "since": r.get("since"), "themes": list(r.get("themes") or [])}
            if e := _tie(G, r["source"], r["target"], PAIRED_WITH):
                e.setdefault("pairings", []).append(fact)
    if SHARED_WITH in kinds:
        for r in sharings:
            if e := _tie(G, r["source"], r["target"], SHARED_WITH):
                e.setdefault("resources", []).append(r["resource_kind"])
    member_kinds = {REGISTERED_AT, SITS_ON} & set(kinds)
    for r in member_ties if member_kinds else ():
        for a, b in combinations(r["ties"], 2):
            # a pair is tied by whatever is not a plain membership on either side
            via = ({a["type"], b["type"]} - {"MEMBER_OF"}) & member_kinds
            for kind in sorted(via):
                if e := _tie(G, a["org"], b["org"], kind):
                    key = "registered" if kind == REGISTERED_AT else "seats"
                    e[key] = e.get(key, 0) + 1
    return G


def _tie(G: nx.Graph, a: str, b: str, kind: str) -> dict[str, Any] | None:
    """Add one tie of `kind` between a and b (merged into their edge); None when it ties nothing."""
    if a == b or a not in G or b not in G:
        return None
    if not G.has_edge(a, b):
        G.add_edge(a, b, kinds=set(), weight=0)
    e: dict[str, Any] = G.edges[a, b]
    e["kinds"].add(kind)
    e["weight"] += 1
    return e
