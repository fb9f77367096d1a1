"""Read the graph as it is: a node with its neighbours, streets, communities, organisations."""

from __future__ import annotations

from typing import Any

from graphsvc.errors import Forbidden, NotFound
from graphsvc.graph import Graph
from graphsvc.schemas import api
from graphsvc.scope import Scope, mask_name, require

# Never shown by the generic views; the ledger export is the one place phones leave the graph.
HIDDEN = frozenset({"phone", "id_number"})
# Also withheld from masked (analyst) views: they identify a person or a household's hardship.
PERSONAL = frozenset({"birth_year", "gender", "category", "hardship", "disabled", "elderly_alone", "low_income", "separated", "unemployed"})
# Ties that reveal a sensitive flag of the household at their other end.
SENSITIVE_TIES = frozenset({"HELPS"})


def _props(label: str, props: dict[str, Any], scope: Scope) -> dict[str, Any]:
    hidden = HIDDEN | PERSONAL if scope.masked else HIDDEN
    out = {k: v for k, v in props.items() if k not in hidden}
    if scope.masked and label == "Member":
        out["name"] = mask_name(out.get("name"))
    return out


def node(graph: Graph, scope: Scope, node_id: str, *, limit: int = 200) -> api.Node:
    """One node by id with up to `limit` neighbours; 403 outside the caller's communities."""
    rows = graph.read("read/node", id=node_id, limit=limit, communities=scope.community_list)
    if not rows:
        raise NotFound(f"找不到编号为 {node_id} 的对象")
    r = rows[0]
    if not r["visible"]:
        raise Forbidden(f"{node_id} 不在当前密钥的范围内")
    neighbours = r["neighbours"]
    if scope.communities is not None and neighbours:  # neighbours are scoped like the node itself
        ids = sorted({n["id"] for n in neighbours if n["id"] is not None})
        seen = {v["id"] for v in graph.read("scope/visible", ids=ids, communities=scope.community_list) if v["visible"]}
        neighbours = [n for n in neighbours if n["id"] in seen]
    degree = r["degree"]
    if scope.masked:
        # A 一帮一 tie says the household is vulnerable (sensitive under PIPL art. 28): masked views never show one.
        sensitive = sum(1 for n in neighbours if n["type"] in SENSITIVE_TIES)
        neighbours = [{**n, "name": mask_name(n["name"])} if n["label"] == "Member" else n
                      for n in neighbours if n["type"] not in SENSITIVE_TIES]
        degree -= sensitive
    return api.Node(
        id=node_id, label=r["label"], props=_props(r["label"], r["props"], scope), degree=degree, neighbours=neighbours
    )


def streets(graph: Graph, scope: Scope) -> api.Streets:
    """Streets with a community in scope, with their community counts."""
    items = [api.Street(**r) for r in graph.read("read/streets", communities=scope.community_list)]
    return api.Streets(items=items, count=len(items))


def communities(graph: Graph, scope: Scope, *, street_id: str | None, skip: int, limit: int) -> api.CommunitySummaries:
    """Communities in scope with their counts, optionally of one street."""
    rows = graph.read(
        "read/communities", street_id=street_id, skip=skip, limit=limit, communities=scope.community_list
    )
    items = [api.CommunitySummary(**r) for r in rows]
    return api.CommunitySummaries(items=items, count=len(items))


def orgs(
    graph: Graph, scope: Scope, *, community_id: str | None, level: str | None, skip: int, limit: int
) -> api.OrgSummaries:
    """Party organisations in scope with their counts."""
    rows = graph.read(
        "read/orgs", community_id=community_id, level=level, skip=skip, limit=limit, communities=scope.community_list
    )
    items = [api.OrgSummary(**r) for r in rows]
    return api.OrgSummaries(items=items, count=len(items))


def stats(graph: Graph, scope: Scope) -> api.Stats:
    """Node counts per label and relationship counts per type (whole graph: admin and analyst only)."""
    require(scope, "admin", "analyst")
    return api.Stats(
        nodes={r["label"]: r["count"] for r in graph.read("read/node_counts")},
        relationships={r["type"]: r["count"] for r in graph.read("read/rel_counts")},
    )
