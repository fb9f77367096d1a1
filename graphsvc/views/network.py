"""Pictures of the organisation network: tree, ego network, pairings, the whole network.

Each takes the projected graph (projection/network.py) and a Style (what sizes and colours the
nodes), and returns a page from picture.render: a Chinese legend, tooltips with the facts of each
organisation and tie, search, and double-click to open an organisation's own ego picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import networkx as nx

from graphsvc.schemas.ledger import OrgDomain, OrgLevel, PairingKind, ResourceKind, Theme
from graphsvc.schemas.network import ColorBy, SizeBy, TieKind
from graphsvc.views.picture import Layout, Legend, PEdge, PNode, picture_data, render

EGO_ROUTE = "/pictures/network/ego"

LEVEL_COLORS = {"working_committee": "#b71c1c", "committee": "#d84315", "general_branch": "#ef6c00",
                "branch": "#f9a825", "group": "#7cb342"}
DOMAIN_COLORS = {"community": "#e53935", "building": "#8e24aa", "unit": "#1e88e5", "association": "#00897b",
                 "industrial_park": "#6d4c41", "market": "#fb8c00", "non_public": "#3949ab", "village": "#43a047",
                 "mobile": "#00acc1", "joint": "#c0ca33"}
CLUSTER_COLORS = ("#e53935", "#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00acc1", "#6d4c41", "#d81b60",
                  "#3949ab", "#c0ca33", "#00897b", "#f4511e")
OTHER = "#9e9e9e"

# An edge is drawn in the colour of its most telling tie.
EDGE_LEGEND = (
    Legend("co_construction", PairingKind.co_construction.zh, "#e53935"),
    Legend("urban_rural", PairingKind.urban_rural.zh, "#43a047"),
    Legend("SHARED_WITH", TieKind.SHARED_WITH.zh, "#fb8c00"),
    Legend("REGISTERED_AT", TieKind.REGISTERED_AT.zh, "#1e88e5", dashed=True),
    Legend("SITS_ON", TieKind.SITS_ON.zh, "#8e24aa", dashed=True),
    Legend("UNDER", TieKind.UNDER.zh, "#90a4ae"),
)
_LEVEL_ZH = {x.value: x.zh for x in OrgLevel}
_DOMAIN_ZH = {x.value: x.zh for x in OrgDomain}
_PAIRING_ZH = {x.value: x.zh for x in PairingKind}
_THEME_ZH = {x.value: x.zh for x in Theme}
_RESOURCE_ZH = {x.value: x.zh for x in ResourceKind}


@dataclass(frozen=True)
class Style:
    size_by: SizeBy
    sizes: dict[str, float]  # the size_by value of each organisation (empty: all the same size)
    color_by: ColorBy
    cluster_of: dict[str, int] | None = None  # for color_by=cluster


def tree(G: nx.Graph, style: Style, *, where: str = "", standalone: bool = False) -> str:
    """The hierarchy top-down: each organisation one level below the one it is UNDER."""
    depth = _depths(G)
    note = f"共 {len(G)} 个党组织；双击查看其关系网络"
    return _render(G, style, title=_title("党组织架构图", where), layout="tree", levels=depth, note=note,
                   standalone=standalone)


def ego(G: nx.Graph, center: str, radius: int, style: Style, *, standalone: bool = False) -> str:
    """One organisation (the star) and everything within `radius` ties."""
    name = G.nodes[center].get("name") or center
    note = f"{radius} 步以内共 {len(G) - 1} 个党组织、{G.number_of_edges()} 条联系"
    return _render(G, style, title=f"{name} 的关系网络", layout="physics", focus=center, note=note,
                   standalone=standalone)


def pairings(G: nx.Graph, style: Style, *, where: str = "", standalone: bool = False) -> str:
    """Current pairings (结对共建, 城乡结对) between organisations."""
    note = f"{len(G)} 个党组织之间现有 {G.number_of_edges()} 对结对（已解除的不计）"
    return _render(G, style, title=_title("结对关系图", where), layout="physics", note=note, standalone=standalone)


def network(
    G: nx.Graph, style: Style, *, where: str = "", kinds: Sequence[TieKind] = tuple(TieKind), seed: int = 0,
    standalone: bool = False,
) -> str:
    """The whole selected network, every selected kind of tie."""
    note = f"{len(G)} 个党组织、{G.number_of_edges()} 条联系（{'、'.join(k.zh for k in kinds)}）"
    return _render(G, style, title=_title("党组织关系网络", where), layout="physics", note=note, seed=seed,
                   standalone=standalone, collapse=True)


def _title(what: str, where: str) -> str:
    return f"{where} · {what}" if where else what


def _depths(G: nx.Graph) -> dict[str, int]:
    """Levels in the tree: 0 for an organisation under none (in the picture), parent's + 1 below."""
    depth: dict[str, int] = {}
    for n in G:
        chain, v = [], n
        while v not in depth and v not in chain:  # `chain` guards a cycle a bad ledger might make
            chain.append(v)
            p = G.nodes[v].get("parent")
            if p is None or p not in G:
                break
            v = p
        base = depth.get(v, -1) if v not in chain else -1
        for i, u in enumerate(reversed(chain)):
            depth[u] = base + 1 + i
    return depth


def _render(
    G: nx.Graph, style: Style, *, title: str, layout: Layout, note: str, levels: dict[str, int] | None = None,
    focus: str | None = None, seed: int = 0, standalone: bool = False, collapse: bool = False,
) -> str:
    nodes, edges, legend, edge_legend = _drawn(G, style, levels=levels, focus=focus, standalone=standalone,
                                               collapse=collapse)
    return render(nodes, edges, title=title, legend=legend, edge_legend=edge_legend, layout=layout, note=note,
                  standalone=standalone, seed=seed)


def network_data(G: nx.Graph, style: Style, *, seed: int = 0, collapse: bool = True) -> dict[str, Any]:
    """The network picture's data alone, for a page that draws it in place (picture.js)."""
    nodes, edges, legend, edge_legend = _drawn(G, style, collapse=collapse)
    return picture_data(nodes, edges, legend=legend, edge_legend=edge_legend, seed=seed)


def _drawn(
    G: nx.Graph, style: Style, *, levels: dict[str, int] | None = None, focus: str | None = None,
    standalone: bool = False, collapse: bool = False,
) -> tuple[list[PNode], list[PEdge], list[Legend], list[Legend]]:
    legend, group_of = _legend(G, style)
    top = max(style.sizes.values(), default=0) or 1
    nodes = [
        PNode(
            id=n, label=("★ " if n == focus else "") + (G.nodes[n].get("name") or n), group=group_of(n),
            title=_node_title(G, n, style), size=40.0 if n == focus else 8 + 30 * math.sqrt(style.sizes.get(n, 0) / top),
            level=levels.get(n) if levels else None, url="" if standalone else f"{EGO_ROUTE}/{quote(n, safe='')}",
            cluster=(G.nodes[n].get("community_name") or "") if collapse else "",
        )
        for n in sorted(G)
    ]
    edges = [x for u, v, e in G.edges(data=True) for x in _edge(u, v, e)]
    used = {e.group for e in edges}
    return nodes, edges, legend, [lg for lg in EDGE_LEGEND if lg.key in used]


def _legend(G: nx.Graph, style: Style) -> tuple[list[Legend], Callable[[str], str]]:
    """The node legend and each node's legend key, for the chosen colouring."""
    if style.color_by is ColorBy.cluster and style.cluster_of is not None:
        cluster_of = style.cluster_of
        shown = sorted(set(cluster_of.values()))[: len(CLUSTER_COLORS)]  # numbered largest first
        legend = [Legend(f"c{c}", f"群组 {c + 1}", CLUSTER_COLORS[i]) for i, c in enumerate(shown)]
        if len(set(cluster_of.values())) > len(shown):
            legend.append(Legend("c-other", "其他小群组", OTHER))
        keys = {f"c{c}" for c in shown}
        return legend, lambda n: f"c{cluster_of[n]}" if f"c{cluster_of[n]}" in keys else "c-other"
    attr, colors, zh = ("level", LEVEL_COLORS, _LEVEL_ZH) if style.color_by is ColorBy.level else \
        ("domain", DOMAIN_COLORS, _DOMAIN_ZH)
    present = {G.nodes[n].get(attr) for n in G}
    legend = [Legend(k, zh[k], c) for k, c in colors.items() if k in present]
    if present - set(colors):  # a value with no colour of its own (or none at all) is drawn grey, and says so
        legend.append(Legend("other", "其他或未标明", OTHER))
    return legend, lambda n: G.nodes[n].get(attr) if G.nodes[n].get(attr) in colors else "other"


def _node_title(G: nx.Graph, n: str, style: Style) -> str:
    d = G.nodes[n]
    lines = [d.get("name") or n, f"编号：{n}"]
    if d.get("level") or d.get("domain"):
        lines.append(f"{_LEVEL_ZH.get(d.get('level'), d.get('level') or '')} · {_DOMAIN_ZH.get(d.get('domain'), d.get('domain') or '')}")
    if d.get("community_name"):
        lines.append(f"社区：{d['community_name']}")
    if d.get("unit_name"):
        lines.append(f"单位：{d['unit_name']}")
    lines.append(f"党员：{d.get('members') or 0} 名；联系：{G.degree(n)} 个党组织")
    if style.size_by in (SizeBy.betweenness, SizeBy.eigenvector, SizeBy.core_number) and n in style.sizes:
        value = style.sizes[n]
        lines.append(f"{style.size_by.zh}：{value:.3f}" if style.size_by is not SizeBy.core_number else f"核心数：{value:.0f}")
    if style.cluster_of is not None:
        lines.append(f"群组：{style.cluster_of[n] + 1}")
    return "\n".join(lines)


def _edge(u: str, v: str, e: dict[str, Any]) -> list[PEdge]:
    """One drawn line per kind of tie between the two (parallel ties curve apart), each in its
    legend colour, so that every kind drawn is in the legend and hiding one kind hides only it."""
    kinds: set[str] = e["kinds"]
    out: list[tuple[str, str, bool]] = []  # (legend key, tooltip, dashed)
    for p in e.get("pairings", []):
        themes = "、".join(_THEME_ZH.get(t, t) for t in p["themes"])
        since = f"{p['since']} 起" if p.get("since") else ""
        out.append((p["kind"], f"{_PAIRING_ZH.get(p['kind'], p['kind'])}（{'；'.join(x for x in (since, themes) if x)}）", False))
    if "SHARED_WITH" in kinds:
        out.append(("SHARED_WITH", "资源共享：" + "、".join(_RESOURCE_ZH.get(r, r) for r in e.get("resources", [])), False))
    if "REGISTERED_AT" in kinds:
        out.append(("REGISTERED_AT", f"{e.get('registered', 0)} 名党员报到", True))
    if "SITS_ON" in kinds:
        out.append(("SITS_ON", f"{e.get('seats', 0)} 名兼职委员", True))
    if "UNDER" in kinds:
        out.append(("UNDER", TieKind.UNDER.zh, False))
    seen: dict[str, int] = {}
    edges = []
    for i, (key, title, dashed) in enumerate(out):
        seen[key] = seen.get(key, 0) + 1
        smooth = None if i == 0 else {"enabled": True, "type": "curvedCW" if i % 2 else "curvedCCW",
                                       "roundness": 0.2 * ((i + 1) // 2)}
        a, b = sorted((u, v))
        edges.append(PEdge(u, v, group=key, title=title, dashes=dashed, width=1.5 if key != "UNDER" else 1.0,
                           smooth=smooth, id=f"{a}~{b}~{key}~{seen[key]}"))
    return edges
