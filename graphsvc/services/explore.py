"""Read the graph as it is: a node with its neighbours, streets, communities, organisations."""

from __future__ import annotations

from graphsvc.errors import NotFound
from graphsvc.graph import Graph
from graphsvc.schemas import api

# Never shown by the generic views; the ledger export is the one place phones leave the graph.
HIDDEN = frozenset({"phone", "id_number"})


def node(graph: Graph, node_id: str, *, limit: int = 200) -> api.Node:
    """One node by id with up to `limit` neighbours."""
    rows = graph.read("read/node", id=node_id, limit=limit)
    if not rows:
        raise NotFound(f"找不到编号为 {node_id} 的对象")
    r = rows[0]
    props = {k: v for k, v in r["props"].items() if k not in HIDDEN}
    return api.Node(id=node_id, label=r["label"], props=props, degree=r["degree"], neighbours=r["neighbours"])


def streets(graph: Graph) -> api.Streets:
    """Every street with its community count."""
    items = [api.Street(**r) for r in graph.read("read/streets")]
    return api.Streets(items=items, count=len(items))


def communities(graph: Graph, *, street_id: str | None, skip: int, limit: int) -> api.CommunitySummaries:
    """Communities with their counts, optionally of one street."""
    items = [api.CommunitySummary(**r) for r in graph.read("read/communities", street_id=street_id, skip=skip, limit=limit)]
    return api.CommunitySummaries(items=items, count=len(items))


def orgs(graph: Graph, *, community_id: str | None, level: str | None, skip: int, limit: int) -> api.OrgSummaries:
    """Party organisations with their counts."""
    rows = graph.read("read/orgs", community_id=community_id, level=level, skip=skip, limit=limit)
    items = [api.OrgSummary(**r) for r in rows]
    return api.OrgSummaries(items=items, count=len(items))


def stats(graph: Graph) -> api.Stats:
    """Node counts per label and relationship counts per type."""
    return api.Stats(
        nodes={r["label"]: r["count"] for r in graph.read("read/node_counts")},
        relationships={r["type"]: r["count"] for r in graph.read("read/rel_counts")},
    )
