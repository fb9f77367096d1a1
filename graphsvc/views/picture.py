"""Network pictures: vis-network pages that work offline, and stay usable at thousands of nodes.

pyvis's own template loads CSS and Bootstrap from CDNs, which an intranet cannot reach, so only
the vis-network JS/CSS that ship inside the pyvis package are used, served by graphsvc at
STATIC_ROUTE (or inlined into a standalone file). The node and edge data are plain vis-network
dicts built here: pyvis's add_node/add_edge scan every node per call (0.7 s at 5,000 nodes).

Large pictures: the browser's physics needs seconds to settle beyond a few hundred nodes, and
vis-network's own hierarchical layout takes ~8 s at 5,000; above the thresholds the positions are
computed here (networkx) and the browser only draws.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import pyvis

STATIC_ROUTE = "/static/vis"
STATIC_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
PHYSICS_MAX_NODES = 300  # beyond this the browser would spend seconds settling: lay out on the server
HIERARCHY_MAX_NODES = 1000  # vis-network's hierarchical layout: ~1 s at 1,000 nodes, ~8 s at 5,000
SPACING = 45.0  # picture units between neighbouring nodes in server layouts
_LEAF = 300  # communities up to this size get a plain spring layout; bigger ones are split again

Layout = Literal["physics", "fixed", "hierarchical", "tree"]
Point = tuple[float, float]


@dataclass(frozen=True)
class PNode:
    id: str
    label: str  # shown on the picture (Chinese)
    group: str  # a legend key: colour and shape come from the legend
    title: str = ""  # tooltip, plain text ("\n" for new lines)
    size: float = 12.0
    x: float | None = None  # for layout="fixed"
    y: float | None = None
    level: int | None = None  # for layout="hierarchical"
    url: str = ""  # double-click opens it (drill down)


@dataclass(frozen=True)
class PEdge:
    source: str
    target: str
    group: str = ""  # an edge-legend key
    label: str = ""
    title: str = ""
    dashes: bool = False
    width: float = 1.0


@dataclass(frozen=True)
class Legend:
    key: str
    zh: str  # what the legend says
    color: str
    shape: str = "dot"


def geo_positions(points: dict[str, tuple[float, float]], *, width: float = 1600.0) -> dict[str, tuple[float, float]]:
    """lat/lon -> picture x/y (north up), equirectangular around the points' centre."""
    if not points:
        return {}
    lats = [p[0] for p in points.values()]
    lons = [p[1] for p in points.values()]
    lat0 = (min(lats) + max(lats)) / 2
    kx = math.cos(math.radians(lat0))
    span = max((max(lons) - min(lons)) * kx, max(lats) - min(lats), 1e-9)
    s = width / span
    lon0 = (min(lons) + max(lons)) / 2
    return {k: ((lon - lon0) * kx * s, -(lat - lat0) * s) for k, (lat, lon) in points.items()}


def render(
    nodes: Sequence[PNode],
    edges: Iterable[PEdge],
    *,
    title: str,
    legend: Sequence[Legend],
    edge_legend: Sequence[Legend] = (),
    layout: Layout = "physics",
    note: str = "",
    standalone: bool = False,
    seed: int = 0,
) -> str:
    """A complete HTML page for the picture: Chinese legend (click to hide a kind), search box,
    tooltips, PNG export; double-click a node with a `url` to drill down.

    `layout`: "physics" (the browser settles it; above PHYSICS_MAX_NODES positions are computed
    here), "fixed" (the nodes' x/y), "hierarchical" (vis-network's top-down layout by `level`;
    above HIERARCHY_MAX_NODES it becomes "tree"), "tree" (an org chart by `level`, computed
    here: see tree_positions). `standalone` inlines vis-network so the
    file opens from disk; otherwise the page loads it from STATIC_ROUTE.
    """
    styles = {lg.key: lg for lg in legend}
    edge_styles = {lg.key: lg for lg in edge_legend}
    ids = {n.id for n in nodes}
    edge_list = [e for e in edges if e.source in ids and e.target in ids]

    big_physics = layout == "physics" and len(nodes) > PHYSICS_MAX_NODES
    tree = layout == "tree" or (layout == "hierarchical" and len(nodes) > HIERARCHY_MAX_NODES)
    positions: dict[str, Point] = {}
    if big_physics:
        positions = force_positions([n.id for n in nodes], [(e.source, e.target) for e in edge_list], seed=seed)
    elif tree:
        positions = tree_positions(nodes, edge_list)
    elif layout == "fixed":
        positions = {n.id: (n.x, n.y) for n in nodes if n.x is not None and n.y is not None}

    vis_nodes = []
    for n in nodes:
        st = styles.get(n.group)
        d: dict[str, Any] = {
            "id": n.id, "label": n.label, "title": n.title or n.label, "group": n.group, "size": n.size,
            "color": st.color if st else "#9e9e9e", "shape": st.shape if st else "dot",
            # bigger nodes, bigger names: zoomed out, only the names of the big ones are drawn
            "font": {"size": round(min(22.0, 10 + n.size / 4), 1)},
        }
        if n.id in positions:
            d["x"], d["y"] = (round(c, 1) for c in positions[n.id])
        if layout == "hierarchical" and not tree and n.level is not None:
            d["level"] = n.level
        if n.url:
            d["url"] = n.url
        vis_nodes.append(d)
    vis_edges = []
    for e in edge_list:
        st = edge_styles.get(e.group)
        vis_edges.append({
            "from": e.source, "to": e.target, "group": e.group, "title": e.title or e.label, "label": e.label,
            "dashes": e.dashes, "width": e.width, "color": st.color if st else "#b0bec5",
        })

    large = len(nodes) > PHYSICS_MAX_NODES
    options: dict[str, Any] = {
        "physics": {
            "enabled": layout == "physics" and not large, "stabilization": {"iterations": 150},
            "barnesHut": {"springLength": 140, "avoidOverlap": 0.2},
        },
        "interaction": {"hover": not large, "tooltipDelay": 120, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large},
        "nodes": {
            "font": {"face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 14},
            "scaling": {"label": {"drawThreshold": 9}},
        },
        "edges": {"arrows": {"to": {"enabled": False}}, "smooth": False},
        # with positions given, vis's own initial layout (Kamada-Kawai per cluster) is wasted work
        "layout": {"improvedLayout": not positions and len(nodes) <= PHYSICS_MAX_NODES},
    }
    if layout == "hierarchical" and not tree:
        options["layout"] = {"hierarchical": {"enabled": True, "direction": "UD", "sortMethod": "directed"}}
    data = {"nodes": vis_nodes, "edges": vis_edges, "options": options}
    counts = Counter(n.group for n in nodes)
    edge_counts = Counter(e.group for e in edge_list)
    return _page(title, data, legend, edge_legend, note, counts, edge_counts, standalone)


# --- server-side layouts --------------------------------------------------------------------------


def force_positions(node_ids: Sequence[Hashable], edges: Iterable[tuple[Hashable, Hashable]], *, seed: int = 0) -> dict[Any, Point]:
    """Force-directed positions in O(n) memory for pictures too big for the browser's physics.

    networkx's spring layout is quadratic (dense) or slow (sparse) at thousands of nodes, so:
    Louvain communities are laid out as discs (sized by their node count) by a spring layout of the
    community graph, each community is laid out inside its disc (recursively when big), and
    organisations tied to nothing are set in a grid below the picture.
    """
    G = nx.Graph()
    G.add_nodes_from(node_ids)
    G.add_edges_from((u, v) for u, v in edges if u != v)
    lonely = sorted((n for n in G if G.degree(n) == 0), key=str)
    G.remove_nodes_from(lonely)
    pos = _communities_layout(G, seed) if len(G) else {}
    if lonely:
        bottom = max((p[1] for p in pos.values()), default=0.0) + 3 * SPACING
        left = min((p[0] for p in pos.values()), default=0.0)
        width = max((p[0] for p in pos.values()), default=0.0) - left
        cols = max(int(width / SPACING), math.ceil(math.sqrt(len(lonely))))
        for i, n in enumerate(lonely):
            pos[n] = (left + (i % cols) * SPACING, bottom + (i // cols) * SPACING)
    return pos


def _communities_layout(G: nx.Graph, seed: int) -> dict[Any, Point]:
    if len(G) <= _LEAF:
        return _disc(nx.spring_layout(G, seed=seed, iterations=35) if len(G) > 1 else dict.fromkeys(G, (0.0, 0.0)), _radius(len(G)))
    # one level of Louvain: many small communities, each quick to lay out (full Louvain merges them
    # into a few big ones that would need laying out again)
    parts = [sorted(p, key=str) for p in nx.community.louvain_communities(G, seed=seed, max_level=1)]
    if len(parts) == 1:  # no community structure to use: one spectral picture
        return _disc(nx.spectral_layout(G), _radius(len(G)))
    part_of = {n: i for i, p in enumerate(parts) for n in p}
    Q = nx.Graph()
    Q.add_nodes_from(range(len(parts)))
    for u, v in G.edges():
        a, b = part_of[u], part_of[v]
        if a != b:
            Q.add_edge(a, b, weight=Q.get_edge_data(a, b, {"weight": 0})["weight"] + 1)
    radii = np.array([_radius(len(p)) for p in parts])
    centres = _spread(nx.spring_layout(Q, seed=seed, weight="weight"), radii)
    pos: dict[Any, Point] = {}
    for i, p in enumerate(parts):
        inner = _communities_layout(G.subgraph(p), seed)
        cx, cy = centres[i]
        pos.update({n: (cx + x, cy + y) for n, (x, y) in inner.items()})
    return pos


def _radius(n: int) -> float:
    return SPACING * math.sqrt(n / math.pi) + SPACING / 2


def _disc(layout: dict[Any, Any], radius: float) -> dict[Any, Point]:
    """Centre a layout and scale it to fit a disc of `radius`."""
    if not layout:
        return {}
    xy = np.array(list(layout.values()), dtype=float)
    xy -= xy.mean(axis=0)
    far = float(np.hypot(xy[:, 0], xy[:, 1]).max()) or 1.0
    xy *= radius / far
    return {n: (float(x), float(y)) for n, (x, y) in zip(layout, xy)}


def _spread(layout: dict[int, Any], radii: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Scale community centres to the discs' total size, then push overlapping discs apart."""
    xy = np.array([layout[i] for i in range(len(radii))], dtype=float)
    xy -= xy.mean(axis=0)
    far = float(np.hypot(xy[:, 0], xy[:, 1]).max()) or 1.0
    xy *= 1.2 * math.sqrt(float((radii**2).sum())) / far
    need = radii[:, None] + radii[None, :]
    for _ in range(rounds):
        d = xy[:, None, :] - xy[None, :, :]
        dist = np.hypot(d[..., 0], d[..., 1])
        np.fill_diagonal(dist, np.inf)
        overlap = np.clip(need - dist, 0, None)
        if not overlap.any():
            break
        dist[~np.isfinite(dist)] = 1.0
        dist[dist == 0] = 1e-3
        push = (d / dist[..., None]) * (overlap / 2)[..., None]
        xy += push.sum(axis=1)
    return xy


def tree_positions(nodes: Sequence[PNode], edges: Iterable[PEdge]) -> dict[str, Point]:
    """An org chart, top-down, packed to fit a screen rather than one line thousands wide.

    Each node sits above its children. Children with none of their own are set in a grid (a
    general branch's twenty groups take a few rows); subtrees are packed onto shelves, left to
    right, wrapping at about the width that makes the whole roughly the screen's shape. Nodes
    with neither parent nor child share one grid. A node's parent is a neighbour one `level` up;
    a node with none heads a tree of its own.
    """
    level = {n.id: n.level or 0 for n in nodes}
    children: dict[str | None, list[str]] = defaultdict(list)
    parent: dict[str, str] = {}
    for e in edges:
        for child, up in ((e.source, e.target), (e.target, e.source)):
            if child not in parent and level[up] == level[child] - 1:
                parent[child] = up
                children[up].append(child)
    children[None] = [n.id for n in nodes if n.id not in parent]  # None: the (undrawn) root of the forest

    # sizes bottom-up, in slots and rows (iteratively: a deep hierarchy must not hit the recursion limit)
    order: list[str | None] = []
    stack: list[str | None] = [None]
    while stack:
        v = stack.pop()
        order.append(v)
        stack.extend(children[v])
    size: dict[str | None, tuple[float, float]] = {}
    packing: dict[str | None, list[tuple[float, float]]] = {}
    for v in reversed(order):
        leaves = [c for c in children[v] if not children[c]]
        cols = max(1, min(len(leaves), math.ceil(math.sqrt(2 * len(leaves)))))
        blocks = ([(float(cols), float(math.ceil(len(leaves) / cols)))] if leaves else [])
        blocks += [size[c] for c in children[v] if children[c]]
        packing[v], w, h = _shelves(blocks)
        size[v] = (max(1.0, w), h + (v is not None))

    pos: dict[str, Point] = {}
    slot, row = SPACING * 3.5, SPACING * 2.2  # Chinese names are wide
    todo: list[tuple[str | None, float, float]] = [(None, 0.0, -1.0)]
    while todo:
        v, x0, y0 = todo.pop()
        if v is not None:
            pos[v] = ((x0 + size[v][0] / 2) * slot, y0 * row)
        leaves = [c for c in children[v] if not children[c]]
        offsets = iter(packing[v])
        if leaves:
            gx, gy = next(offsets)
            cols = max(1, min(len(leaves), math.ceil(math.sqrt(2 * len(leaves)))))
            for i, c in enumerate(leaves):
                pos[c] = ((x0 + gx + i % cols + 0.5) * slot, (y0 + 1 + gy + i // cols) * row)
        for c, (cx, cy) in zip((c for c in children[v] if children[c]), offsets):
            todo.append((c, x0 + cx, y0 + 1 + cy))
    return pos


def _shelves(blocks: list[tuple[float, float]], gap: float = 0.5) -> tuple[list[tuple[float, float]], float, float]:
    """Offsets of blocks (width, height) set left to right on shelves about as wide as the whole is
    tall on screen (slots are ~1.6 times wider than rows); and the total width and height."""
    if not blocks:
        return [], 0.0, 0.0
    area = sum((w + gap) * (h + gap) for w, h in blocks)
    limit = max(*(w for w, _ in blocks), math.sqrt(1.2 * area))
    offsets, x, y, shelf, widest = [], 0.0, 0.0, 0.0, 0.0
    for w, h in blocks:
        if x and x + w > limit:
            x, y, shelf = 0.0, y + shelf + gap, 0.0
        offsets.append((x, y))
        x += w + gap
        shelf = max(shelf, h)
        widest = max(widest, x - gap)
    return offsets, widest, y + shelf


# --- the page -------------------------------------------------------------------------------------


def _json(obj: object) -> str:
    # Inside <script>: "</" would end the script element early.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def _assets(standalone: bool) -> tuple[str, str]:
    if standalone:
        css = (STATIC_DIR / "vis-network.css").read_text(encoding="utf-8")
        js = (STATIC_DIR / "vis-network.min.js").read_text(encoding="utf-8")
        return f"<style>{css}</style>", f"<script>{js}</script>"
    return (
        f'<link rel="stylesheet" href="{STATIC_ROUTE}/vis-network.css">',
        f'<script src="{STATIC_ROUTE}/vis-network.min.js"></script>',
    )


def _legend_items(legend: Sequence[Legend], counts: Counter[str], kind: str) -> str:
    mark = "i" if kind == "node" else "b"
    style = "background" if kind == "node" else "border-color"
    return "".join(
        f'<button type="button" class="lg" data-kind="{kind}" data-key="{escape(lg.key)}" aria-pressed="true" '
        f'title="点击隐藏或显示"><{mark} style="{style}:{escape(lg.color)}"></{mark}>{escape(lg.zh)}'
        f"<small>{counts.get(lg.key, 0)}</small></button>"
        for lg in legend
    )


def _page(
    title: str, data: dict[str, Any], legend: Sequence[Legend], edge_legend: Sequence[Legend], note: str,
    counts: Counter[str], edge_counts: Counter[str], standalone: bool,
) -> str:
    items = _legend_items(legend, counts, "node") + _legend_items(edge_legend, edge_counts, "edge")
    css, js = _assets(standalone)
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>
<link rel="icon" href="data:,">{css}
<style>
body{{margin:0;font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;display:flex;flex-direction:column;height:100vh}}
header{{padding:.4rem 1rem;border-bottom:1px solid #ddd;display:flex;gap:.6rem;align-items:center;flex-wrap:wrap}}
h1{{font-size:1.1rem;margin:0;color:#b71c1c}}#net{{width:100%;flex:1;min-height:0}}
.lg{{border:0;background:none;font:inherit;font-size:.9rem;cursor:pointer;padding:.1rem .3rem}}
.lg[aria-pressed=false]{{opacity:.35;text-decoration:line-through}}.lg small{{color:#777;margin-left:.2rem}}
.lg i{{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.3rem}}
.lg b{{display:inline-block;width:1.2rem;border-top:3px solid;margin-right:.3rem;vertical-align:middle}}
div.vis-tooltip{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:13px;line-height:1.5}}
.note{{color:#555;font-size:.85rem}}a{{color:#0d47a1}}
</style></head><body>
<header><a href="/">首页</a><h1>{escape(title)}</h1><div id="legend">{items}</div>
<input id="q" placeholder="搜索名称或编号" aria-label="搜索"><span id="found"></span>
<button id="png" type="button">导出图片</button><span class="note">{escape(note)}</span></header>
<div id="net"></div>
{js}
<script>
const data = {_json(data)};
const nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
const network = new vis.Network(document.getElementById("net"), {{nodes, edges}}, data.options);
network.once("afterDrawing", () => {{
  document.body.dataset.readyMs = Math.round(performance.now());
  document.body.dataset.ready = "1";
}});
// the legend filters: a click hides (or shows again) every node or tie of that kind
document.querySelectorAll(".lg").forEach(btn => btn.addEventListener("click", () => {{
  const on = btn.getAttribute("aria-pressed") !== "true", key = btn.dataset.key;
  btn.setAttribute("aria-pressed", String(on));
  const set = btn.dataset.kind === "node" ? nodes : edges;
  set.update(set.get({{filter: x => x.group === key}}).map(x => ({{id: x.id, hidden: !on}})));
}}));
document.getElementById("q").addEventListener("input", e => {{
  const q = e.target.value.trim();
  const hits = q ? nodes.get({{filter: n => !n.hidden && (String(n.label).includes(q) || String(n.id) === q)}}) : [];
  network.selectNodes(hits.map(n => n.id));
  if (hits.length) network.fit({{nodes: hits.map(n => n.id), animation: false}});
  document.getElementById("found").textContent = q ? `找到 ${{hits.length}} 个` : "";
}});
network.on("doubleClick", p => {{
  const n = p.nodes.length ? nodes.get(p.nodes[0]) : null;
  if (n && n.url) window.location.href = n.url;
}});
document.getElementById("png").addEventListener("click", () => {{
  const a = document.createElement("a");
  a.href = document.querySelector("#net canvas").toDataURL("image/png");
  a.download = "graphsvc.png"; a.click();
}});
</script></body></html>"""
