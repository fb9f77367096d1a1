"""The organisation network: named queries -> projection -> algorithms/network.py -> schemas or pictures."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from graphsvc.algorithms import network as algo
from graphsvc.errors import NotFound
from graphsvc.graph import Graph
from graphsvc.projection import network as projection
from graphsvc.schemas import network as s
from graphsvc.scope import Scope
from graphsvc.views import network as views

if TYPE_CHECKING:
    import networkx as nx


def org_network(graph: Graph, scope: Scope, sel: s.Selection) -> nx.Graph:
    """The projected network of the selected organisations, in the caller's scope."""
    orgs = graph.read(
        "network/orgs", communities=scope.community_list, street_id=sel.street_id, community_id=sel.community_id
    )
    if sel.levels:
        wanted = {lv.value for lv in sel.levels}
        orgs = [o for o in orgs if o["level"] in wanted]
    # Ties are read between the selected organisations only: the scope holds through $ids.
    ids = [o["id"] for o in orgs] if sel.filtered or scope.communities is not None else None
    kinds = {k.value for k in sel.kinds}

    def ties(name: str, *needed: str) -> list[dict[str, Any]]:
        return graph.read(name, ids=ids) if kinds & set(needed) else []

    return projection.org_graph(
        orgs,
        under=ties("network/under", projection.UNDER),
        pairings=ties("network/pairings", projection.PAIRED_WITH),
        sharings=ties("network/sharings", projection.SHARED_WITH),
        member_ties=ties("network/member_ties", projection.REGISTERED_AT, projection.SITS_ON),
        kinds=kinds,
    )


def _ref(G: nx.Graph, n: Hashable) -> s.OrgRef:
    return s.OrgRef(id=str(n), name=G.nodes[n].get("name"))


def _require(G: nx.Graph, org_id: str, field: str) -> None:
    if org_id not in G:
        raise NotFound(f"所选网络中没有编号为 {org_id} 的党组织", details=[{"field": field}])


def metrics(graph: Graph, scope: Scope, sel: s.Selection, *, seed: int = 0) -> s.OrgMetrics:
    """Every metric of every selected organisation (algorithms.network.summary_metrics)."""
    G = org_network(graph, scope, sel)
    facts = ("level", "domain", "community_id", "community_name", "members")
    items = [
        s.OrgMetric(id=str(n), **{k: G.nodes[n][k] for k in facts if G.nodes[n][k] is not None}, **asdict(row))
        for n, row in algo.summary_metrics(G, seed=seed).items()
    ]
    return s.OrgMetrics(items=items, count=len(items))


def _brokers(G: nx.Graph, measure: s.Measure, limit: int) -> s.Brokers:
    scores = algo.centrality(G, measures=[measure.value])
    ranked = sorted(scores, key=lambda n: (-scores[n].score(measure.value), n))[:limit]
    items = [
        s.Broker(id=str(n), name=G.nodes[n].get("name"), rank=i + 1, score=scores[n].score(measure.value),
                 level=G.nodes[n].get("level"), community_name=G.nodes[n].get("community_name"))
        for i, n in enumerate(ranked)
    ]
    return s.Brokers(measure=measure, items=items, count=len(items))


def brokers(graph: Graph, scope: Scope, sel: s.Selection, *, measure: s.Measure, limit: int) -> s.Brokers:
    """The organisations that broker most, by betweenness, degree or eigenvector centrality."""
    return _brokers(org_network(graph, scope, sel), measure, limit)


def _clusters(G: nx.Graph, seed: int) -> s.Clusters:
    r = algo.clusters(G, seed=seed)
    items = [s.Cluster(id=c.id, size=c.size, members=[_ref(G, n) for n in c.members]) for c in r.communities]
    return s.Clusters(items=items, count=r.count, modularity=r.modularity)


def clusters(graph: Graph, scope: Scope, sel: s.Selection, *, seed: int = 0) -> s.Clusters:
    """Louvain clusters of organisations (same seed, same answer)."""
    return _clusters(org_network(graph, scope, sel), seed)


def _fragile(G: nx.Graph) -> s.FragileLinks:
    r = algo.fragile_links(G)
    bridges = [
        s.Bridge(source=_ref(G, b.source), target=_ref(G, b.target), kinds=sorted(G.edges[b.source, b.target]["kinds"]))
        for b in r.bridges
    ]
    return s.FragileLinks(bridges=bridges, articulation_points=[_ref(G, p.id) for p in r.articulation_points])


def fragile(graph: Graph, scope: Scope, sel: s.Selection) -> s.FragileLinks:
    """Single points of failure: bridges and articulation points."""
    return _fragile(org_network(graph, scope, sel))


def _isolated(G: nx.Graph) -> s.OrgRefs:
    items = [_ref(G, o.id) for o in algo.isolated(G)]
    return s.OrgRefs(items=items, count=len(items))


def isolated(graph: Graph, scope: Scope, sel: s.Selection) -> s.OrgRefs:
    """Organisations tied to no other by the selected kinds of ties."""
    return _isolated(org_network(graph, scope, sel))


def k_core(graph: Graph, scope: Scope, sel: s.Selection, *, k: int | None) -> s.KCore:
    """The k-core (default: the main core) with every member's core number."""
    G = org_network(graph, scope, sel)
    r = algo.k_core(G, k)
    items = [s.CoreOrg(id=str(n), name=G.nodes[n].get("name"), core_number=r.core_number[n]) for n in r.core]
    return s.KCore(k=r.k, items=items, count=len(items))


def path(graph: Graph, scope: Scope, sel: s.Selection, *, source: str, target: str) -> s.NetworkPath:
    """A shortest chain of ties between two organisations."""
    G = org_network(graph, scope, sel)
    _require(G, source, "source")
    _require(G, target, "target")
    r = algo.shortest_path(G, source, target)
    return s.NetworkPath(found=r.found, length=r.length, path=[_ref(G, p.id) for p in r.path])


def ego(graph: Graph, scope: Scope, sel: s.Selection, *, center: str, radius: int) -> s.Ego:
    """Everything within `radius` ties of one organisation."""
    G = org_network(graph, scope, sel)
    _require(G, center, "center")
    r = algo.ego(G, center, radius)
    distance = algo.hops(G, center, radius)
    nodes = [
        s.EgoOrg(id=n["id"], name=n.get("name"), level=n.get("level"), domain=n.get("domain"),
                 community_name=n.get("community_name"), distance=distance[n["id"]])
        for n in r.nodes
    ]
    return s.Ego(center=_ref(G, center), radius=radius, nodes=nodes, edges=[s.Tie(**e) for e in r.edges])


def overview(graph: Graph, scope: Scope, sel: s.Selection, *, top: int = 10, seed: int = 0) -> s.NetworkOverview:
    """Counts, top brokers, clusters, single points of failure and isolated organisations, from one projection."""
    return overview_of(org_network(graph, scope, sel), sel, top=top, seed=seed)


def overview_of(G: nx.Graph, sel: s.Selection, *, top: int = 10, seed: int = 0) -> s.NetworkOverview:
    """The overview of a network already projected (org_network)."""
    by_kind = {k.value: sum(1 for *_, kinds in G.edges(data="kinds") if k.value in kinds) for k in sel.kinds}
    parts = algo.component_counts(G)
    counts = s.NetworkCounts(
        orgs=len(G), ties=G.number_of_edges(), ties_by_kind=by_kind,
        components=parts.components, isolated=parts.isolated,
    )
    return s.NetworkOverview(
        counts=counts, brokers=_brokers(G, s.Measure.betweenness, top), clusters=_clusters(G, seed),
        fragile=_fragile(G), isolated=_isolated(G),
    )


# --- pictures -----------------------------------------------------------------------------------


def _sizes(G: nx.Graph, size_by: s.SizeBy) -> dict[str, float]:
    if size_by is s.SizeBy.none:
        return {}
    if size_by is s.SizeBy.members:
        return {n: float(G.nodes[n].get("members") or 0) for n in G}
    if size_by is s.SizeBy.degree:
        return {n: float(d) for n, d in G.degree()}
    if size_by is s.SizeBy.core_number:
        return {str(n): float(c) for n, c in algo.k_core(G).core_number.items()}
    return {str(n): row.score(size_by.value) for n, row in algo.centrality(G, measures=[size_by.value]).items()}


def _style(G: nx.Graph, size_by: s.SizeBy, color_by: s.ColorBy, seed: int) -> views.Style:
    cluster_of = None
    if color_by is s.ColorBy.cluster:
        cluster_of = {str(n): c.id for c in algo.clusters(G, seed=seed).communities for n in c.members}
    return views.Style(size_by=size_by, sizes=_sizes(G, size_by), color_by=color_by, cluster_of=cluster_of)


def _where(G: nx.Graph, sel: s.Selection) -> str:
    """The selection in words for a picture's title."""
    for key, name in (("community_id", "community_name"), ("street_id", "street_name")):
        wanted = getattr(sel, key)
        if wanted:
            names = {G.nodes[n].get(name) for n in G if G.nodes[n].get(key) == wanted} - {None}
            return next(iter(names), wanted)
    return ""


def tree_picture(
    graph: Graph, scope: Scope, sel: s.Selection, *, size_by: s.SizeBy = s.SizeBy.members,
    color_by: s.ColorBy = s.ColorBy.level, standalone: bool = False,
) -> str:
    """The organisation tree (UNDER), top-down."""
    G = org_network(graph, scope, sel.model_copy(update={"kinds": [s.TieKind.UNDER]}))
    return views.tree(G, _style(G, size_by, color_by, 0), where=_where(G, sel), standalone=standalone)


def ego_picture(
    graph: Graph, scope: Scope, sel: s.Selection, *, center: str, radius: int, size_by: s.SizeBy = s.SizeBy.degree,
    color_by: s.ColorBy = s.ColorBy.domain, standalone: bool = False,
) -> str:
    """One organisation and everything within `radius` ties of it."""
    G = org_network(graph, scope, sel)
    _require(G, center, "center")
    sub = algo.ego_graph(G, center, radius)
    return views.ego(sub, center, radius, _style(sub, size_by, color_by, 0), standalone=standalone)


def pairing_picture(
    graph: Graph, scope: Scope, sel: s.Selection, *, size_by: s.SizeBy = s.SizeBy.degree,
    color_by: s.ColorBy = s.ColorBy.domain, standalone: bool = False,
) -> str:
    """Current pairings (both kinds) between organisations; organisations without one are left out."""
    G = org_network(graph, scope, sel.model_copy(update={"kinds": [s.TieKind.PAIRED_WITH]}))
    where = _where(G, sel)
    G = algo.without_isolates(G)
    return views.pairings(G, _style(G, size_by, color_by, 0), where=where, standalone=standalone)


def network_picture(
    graph: Graph, scope: Scope, sel: s.Selection, *, size_by: s.SizeBy = s.SizeBy.degree,
    color_by: s.ColorBy = s.ColorBy.cluster, seed: int = 0, standalone: bool = False,
) -> str:
    """The whole selected network, every selected kind of tie."""
    G = org_network(graph, scope, sel)
    return views.network(G, _style(G, size_by, color_by, seed), where=_where(G, sel), kinds=sel.kinds,
                         seed=seed, standalone=standalone)
