"""The analyst's page (网络分析): the picture in the page, filters, search, an organisation's facts and
metrics, its neighbours added in place, and the paged tables (brokers, bridges, clusters, isolated).

Everything is read-only and goes through services/network.py on the caller's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from graphsvc.algorithms import network as algo
from graphsvc.errors import NotFound
from graphsvc.graph import Graph
from graphsvc.schemas import network as s
from graphsvc.schemas.ledger import OrgDomain, OrgLevel
from graphsvc.scope import Scope
from graphsvc.services import network
from graphsvc.services.pages import chrome, where
from graphsvc.views import network as views
from graphsvc.views.paging import Paged, paginate
from graphsvc.views.templating import Page, q

SEARCH_LIMIT = 20
ROUTE = "/pages/network"
_LEVEL_ZH = {x.value: x.zh for x in OrgLevel}
_DOMAIN_ZH = {x.value: x.zh for x in OrgDomain}
_TIE_ZH = {x.value: x.zh for x in s.TieKind}


@dataclass
class Table:
    """One table of the page: what it lists and its rows (all of them until `paged`)."""

    name: str
    title: str
    head: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    note: str = ""
    paged: Paged[tuple[Any, ...]] | None = None


def query(sel: s.Selection) -> dict[str, Any]:
    """The selection as query parameters (for links and the picture's data)."""
    kinds = [k.value for k in sel.kinds] if set(sel.kinds) != set(s.TieKind) else None
    return {"street_id": sel.street_id, "community_id": sel.community_id, "kinds": kinds,
            "levels": [lv.value for lv in sel.levels] or None}


def _paged(t: Table, sel: s.Selection, page_no: int, everything: bool) -> Table:
    t.paged = paginate(t.rows, page_no, everything, path=f"{ROUTE}/tables/{t.name}", target=f"t-{t.name}",
                       query=query(sel))
    return t


def _tables(G: nx.Graph, sel: s.Selection) -> dict[str, Table]:
    o = network.overview_of(G, sel, top=max(len(G), 1))

    def name(ref: s.OrgRef) -> str:
        return ref.name or ref.id

    brokers = [(b.rank, name(b), _LEVEL_ZH.get(b.level or "", b.level or ""), b.community_name or "", f"{b.score:.3f}")
               for b in o.brokers.items if b.score > 0]
    hierarchy = [b for b in o.fragile.bridges if set(b.kinds) == {s.TieKind.UNDER}]
    others = [b for b in o.fragile.bridges if set(b.kinds) != {s.TieKind.UNDER}]

    def bridge_rows(items: list[s.Bridge]) -> list[tuple[Any, ...]]:
        return [(name(b.source), name(b.target), "、".join(k.zh for k in b.kinds)) for b in items]

    clusters = [(c.id + 1, c.size, "、".join(name(m) for m in c.members[:8]) + ("……" if c.size > 8 else ""))
                for c in o.clusters.items]
    isolated = [(name(r), _LEVEL_ZH.get(G.nodes[r.id].get("level") or "", ""), G.nodes[r.id].get("community_name") or "")
                for r in o.isolated.items]
    tables = [
        Table("brokers", "中介（桥梁）作用大的党组织", ("名次", "党组织", "级别", "社区", "中介中心性"), brokers,
              note="中介中心性：其他党组织之间的最短联系经过它的比例"),
        Table("hierarchy_bridges", "断开即分裂的上下级联系", ("下级", "上级", "联系"), bridge_rows(hierarchy),
              note="组织隶属关系本来就是树，这些联系断开属正常结构"),
        Table("other_bridges", "断开即分裂的横向联系", ("党组织", "党组织", "联系"), bridge_rows(others),
              note="结对、资源共享、党员报到或兼职委员中唯一的纽带：值得加固"),
        Table("clusters", f"群组（模块度 {o.clusters.modularity or 0:.2f}）", ("群组", "党组织数", "成员"), clusters),
        Table("isolated", "孤立的党组织（与其他党组织没有所选联系）", ("党组织", "级别", "社区"), isolated),
    ]
    return {t.name: t for t in tables}


def page(graph: Graph, scope: Scope, sel: s.Selection) -> Page:
    """The analyst's page: filters, the picture, the tables (first pages)."""
    G = network.org_network(graph, scope, sel)
    tables = [_paged(t, sel, 1, False) for t in _tables(G, sel).values()]
    context = {
        "where": where(graph, scope, sel.street_id, sel.community_id),
        "kinds": [(k.value, k.zh, k in sel.kinds) for k in s.TieKind],
        "levels": [(lv.value, lv.zh, lv in sel.levels) for lv in OrgLevel],
        "sel": sel, "tables": tables, "counts": (len(G), G.number_of_edges()),
        "data_url": q(f"{ROUTE}/picture", **query(sel)), "query": query(sel),
        "chrome": chrome(graph, scope, sel.street_id, sel.community_id),
    }
    return Page("network_analysis.html", "党组织网络分析", context)


def table(graph: Graph, scope: Scope, sel: s.Selection, name: str, page_no: int, everything: bool) -> Table:
    """One table, one page of it (or all of it)."""
    tables = _tables(network.org_network(graph, scope, sel), sel)
    if name not in tables:
        raise NotFound(f"没有名为 {name} 的表", details=[{"field": "name"}])
    return _paged(tables[name], sel, page_no, everything)


def _style(G: nx.Graph) -> views.Style:
    # coloured by level: a colour means the same in the picture and in what "展开" adds to it
    return views.Style(size_by=s.SizeBy.degree, sizes={n: float(d) for n, d in G.degree()}, color_by=s.ColorBy.level)


def picture(graph: Graph, scope: Scope, sel: s.Selection) -> dict[str, Any]:
    """What picture.js draws for the selection (big networks collapsed by community)."""
    G = network.org_network(graph, scope, sel)
    return views.network_data(G, _style(G))


def neighbours(graph: Graph, scope: Scope, sel: s.Selection, org_id: str) -> dict[str, Any]:
    """An organisation and its direct neighbours in the whole scope (all kinds of tie), to add in place."""
    G = network.org_network(graph, scope, s.Selection(kinds=sel.kinds))
    if org_id not in G:
        raise NotFound(f"找不到党组织 {org_id}", details=[{"field": "org_id", "id": org_id}])
    sub = algo.ego_graph(G, org_id, 1)
    style = views.Style(size_by=s.SizeBy.degree, sizes={n: float(G.degree(n)) for n in sub}, color_by=s.ColorBy.level)
    data = views.network_data(sub, style, collapse=False)
    return {"nodes": data["nodes"], "edges": data["edges"]}


def org(graph: Graph, scope: Scope, sel: s.Selection, org_id: str) -> dict[str, Any]:
    """An organisation's facts and metrics, for the side panel."""
    G = network.org_network(graph, scope, sel)
    if org_id not in G:
        G = network.org_network(graph, scope, s.Selection(kinds=sel.kinds))  # found by search outside the filters
        if org_id not in G:
            raise NotFound(f"找不到党组织 {org_id}", details=[{"field": "org_id", "id": org_id}])
    d = G.nodes[org_id]
    metrics = algo.summary_metrics(G)[org_id]
    ties: dict[str, int] = {}
    for _, _, kinds in G.edges(org_id, data="kinds"):
        for k in kinds:
            ties[_TIE_ZH[k]] = ties.get(_TIE_ZH[k], 0) + 1
    facts = [
        ("编号", org_id), ("级别", _LEVEL_ZH.get(d.get("level") or "", "")), ("领域", _DOMAIN_ZH.get(d.get("domain") or "", "")),
        ("街道", d.get("street_name") or ""), ("社区", d.get("community_name") or ""), ("单位", d.get("unit_name") or ""),
        ("党员", f"{d.get('members') or 0} 名"),
    ]
    figures = [
        ("联系", f"{G.degree(org_id)} 个党组织"), ("中介中心性", f"{metrics.betweenness:.3f}"),
        ("度中心性", f"{metrics.degree:.3f}"), ("特征向量中心性", f"{metrics.eigenvector:.3f}"),
        ("核心数", str(metrics.core_number)), ("群组", str(metrics.cluster + 1)),
        ("断开即分裂的节点", "是" if metrics.is_articulation_point else "否"),
    ]
    return {"id": org_id, "name": d.get("name") or org_id, "facts": [f for f in facts if f[1]], "figures": figures,
            "ties": sorted(ties.items())}


def search(graph: Graph, scope: Scope, text: str) -> list[dict[str, str]]:
    """Organisations in the caller's whole scope whose name or id contains `text`."""
    text = text.strip()
    if not text:
        return []
    G = network.org_network(graph, scope, s.Selection(kinds=[]))
    hits = [n for n in sorted(G) if text in (G.nodes[n].get("name") or "") or text == n]
    return [{"id": n, "name": G.nodes[n].get("name") or n, "level": _LEVEL_ZH.get(G.nodes[n].get("level") or "", ""),
             "community": G.nodes[n].get("community_name") or G.nodes[n].get("street_name") or ""}
            for n in hits[:SEARCH_LIMIT]]
