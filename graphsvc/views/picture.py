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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal

from graphsvc.views.force_layout import SPACING, Point, force_positions

STATIC_ROUTE = "/static/vis"


def _package_dir(name: str) -> Path:
    """Where an installed package is, without importing it (pyvis imports IPython, jinja2 and networkx)."""
    spec = find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(name)
    return Path(spec.origin).parent


STATIC_DIR = _package_dir("pyvis") / "lib" / "vis-9.1.2"
PHYSICS_MAX_NODES = 300  # beyond this the browser would spend seconds settling: lay out on the server
HIERARCHY_MAX_NODES = 1000  # vis-network's hierarchical layout: ~1 s at 1,000 nodes, ~8 s at 5,000
COLLAPSE_MIN_NODES = 150  # bigger pictures open with each cluster (a community) collapsed into one node
LABELLED = 40  # pictures up to this size show every name; bigger ones the names of this many biggest nodes
COLLAPSED_COLOR = "#5d4037"  # a collapsed community: a colour no legend of nodes uses
COLLAPSED_EDGE = "#a1887f"
UNKNOWN_NODE = "#9e9e9e"  # never drawn when the legend is complete (tests check it is)
UNKNOWN_EDGE = "#b0bec5"

Layout = Literal["physics", "fixed", "hierarchical", "tree"]


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
    cluster: str = ""  # what a big picture collapses it into (a community's name); "" stays a node


@dataclass(frozen=True)
class PEdge:
    source: str
    target: str
    group: str = ""  # an edge-legend key
    label: str = ""
    title: str = ""
    dashes: bool = False
    width: float = 1.0
    smooth: dict[str, Any] | None = None  # a curve, so that parallel ties of different kinds both show
    id: str = ""  # stable across pictures of the same network (a page adds neighbours in place); "" = numbered


@dataclass(frozen=True)
class Legend:
    key: str
    zh: str  # what the legend says
    color: str
    shape: str = "dot"
    dashed: bool = False  # an edge legend entry drawn dashed


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
    here: see tree_positions). Above COLLAPSE_MIN_NODES, nodes that name a `cluster` open
    collapsed into one node per cluster (a click expands it). `standalone` inlines vis-network so
    the file opens from disk; otherwise the page loads it from STATIC_ROUTE.
    """
    data = picture_data(nodes, edges, legend=legend, edge_legend=edge_legend, layout=layout, seed=seed)
    return _page(title, data, note, standalone)


def picture_data(
    nodes: Sequence[PNode], edges: Iterable[PEdge], *, legend: Sequence[Legend], edge_legend: Sequence[Legend] = (),
    layout: Layout = "physics", seed: int = 0,
) -> dict[str, Any]:
    """What picture.js draws: vis-network nodes, edges and options, the legend with counts, the
    names to keep readable at any zoom, and the clusters to open collapsed."""
    styles = {lg.key: lg for lg in legend}
    ids = {n.id for n in nodes}
    edge_list = [e for e in edges if e.source in ids and e.target in ids]
    groups = _collapsible(nodes) if layout == "physics" else {}
    tree = layout == "tree" or (layout == "hierarchical" and len(nodes) > HIERARCHY_MAX_NODES)
    positions = _positions(nodes, edge_list, layout, tree=tree, groups=groups, seed=seed)

    vis_nodes = [_vis_node(n, styles.get(n.group), positions.get(n.id), layout == "hierarchical" and not tree)
                 for n in nodes]
    items = _legend_items(nodes, edge_list, legend, edge_legend)
    collapse = _collapse(nodes, edge_list, groups, positions, items) if groups else None
    return {"nodes": vis_nodes, "edges": _vis_edges(edge_list, edge_legend),
            "options": _vis_options(len(nodes), layout, tree=tree, positioned=bool(positions)), "legend": items,
            "important": important_nodes(nodes, edge_list, tree=tree or layout == "hierarchical"),
            "collapse": collapse}


def _positions(
    nodes: Sequence[PNode], edge_list: list[PEdge], layout: Layout, *, tree: bool, groups: dict[str, list[str]],
    seed: int,
) -> dict[str, Point]:
    """The positions computed here (none: the browser lays the picture out)."""
    if layout == "physics" and (len(nodes) > PHYSICS_MAX_NODES or bool(groups)):
        return force_positions([n.id for n in nodes], [(e.source, e.target) for e in edge_list], seed=seed,
                               parts=list(groups.values()) if groups else None)
    if tree:
        return tree_positions(nodes, edge_list)
    if layout == "fixed":
        return {n.id: (n.x, n.y) for n in nodes if n.x is not None and n.y is not None}
    return {}


def _vis_edges(edge_list: list[PEdge], edge_legend: Sequence[Legend]) -> list[dict[str, Any]]:
    color = {lg.key: lg.color for lg in edge_legend}
    return [{"id": e.id or f"e{i}", "from": e.source, "to": e.target, "kind": e.group, "title": e.title or e.label,
             "label": e.label, "dashes": e.dashes, "width": e.width, "baseWidth": e.width,
             "color": color.get(e.group, UNKNOWN_EDGE), **({"smooth": e.smooth} if e.smooth else {})}
            for i, e in enumerate(edge_list)]


def _vis_options(node_count: int, layout: Layout, *, tree: bool, positioned: bool) -> dict[str, Any]:
    large = node_count > PHYSICS_MAX_NODES
    options: dict[str, Any] = {
        "physics": {
            "enabled": layout == "physics" and not positioned, "stabilization": {"iterations": 150},
            "barnesHut": {"springLength": 140, "avoidOverlap": 0.2},
        },
        "interaction": {"hover": not large, "tooltipDelay": 120, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large},
        "nodes": {
            "font": {"face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 14},
            "scaling": {"label": {"drawThreshold": 9}},
        },
        "edges": {"arrows": {"to": {"enabled": False}}, "smooth": False},
        # with positions given, vis's own initial layout (Kamada-Kawai per cluster) is wasted work
        "layout": {"improvedLayout": not positioned and node_count <= PHYSICS_MAX_NODES},
    }
    if layout == "hierarchical" and not tree:
        options["layout"] = {"hierarchical": {"enabled": True, "direction": "UD", "sortMethod": "directed"}}
    return options


def _legend_items(
    nodes: Sequence[PNode], edge_list: list[PEdge], legend: Sequence[Legend], edge_legend: Sequence[Legend]
) -> list[dict[str, Any]]:
    """The legend names what is drawn, all of it and nothing else."""
    counts = Counter(n.group for n in nodes)
    edge_counts = Counter(e.group for e in edge_list)
    items = [{"kind": "node", "key": lg.key, "zh": lg.zh, "color": lg.color, "count": counts[lg.key]}
             for lg in legend if counts[lg.key]]
    items += [{"kind": "edge", "key": lg.key, "zh": lg.zh, "color": lg.color, "count": edge_counts[lg.key],
               "dashes": lg.dashed} for lg in edge_legend if edge_counts[lg.key]]
    return items


def _collapse(
    nodes: Sequence[PNode], edge_list: list[PEdge], groups: dict[str, list[str]], positions: dict[str, Point],
    items: list[dict[str, Any]],
) -> dict[str, Any]:
    """The clusters that open collapsed, each where its organisations stand; their entries go into the legend
    `items`."""
    collapse = {"color": COLLAPSED_COLOR, "edgeColor": COLLAPSED_EDGE, "groups": {
        key: {"label": f"{key}\n{len(members)} 个", "title": f"{key}：{len(members)} 个党组织（点击展开）",
              "size": round(16 + 4 * math.sqrt(len(members)), 1),
              # where its organisations stand: it opens in place
              "x": round(sum(positions[m][0] for m in members) / len(members), 1),
              "y": round(sum(positions[m][1] for m in members) / len(members), 1)}
        for key, members in groups.items()}}
    items.insert(0, {"kind": "collapsed", "key": "__collapsed", "zh": "收起的社区（点击展开）",
                     "color": COLLAPSED_COLOR, "count": len(groups)})
    cluster_of = {n.id: n.cluster for n in nodes}
    crossing = {frozenset((cluster_of[e.source], cluster_of[e.target])) for e in edge_list
                if cluster_of[e.source] != cluster_of[e.target]}
    if crossing:
        items.append({"kind": "collapsed-edge", "key": "__collapsed", "zh": "社区之间的联系（收起时）",
                      "color": COLLAPSED_EDGE, "count": len(crossing), "dashes": False})
    return collapse


def _vis_node(n: PNode, st: Legend | None, at: Point | None, hierarchical: bool) -> dict[str, Any]:
    d: dict[str, Any] = {
        # "kind", not vis-network's "group": a vis group paints its own palette over the node's colour
        "id": n.id, "label": n.label, "title": n.title or n.label, "kind": n.group, "size": n.size,
        "color": st.color if st else UNKNOWN_NODE, "shape": st.shape if st else "dot",
        # bigger nodes, bigger names: zoomed out, only the names of the big ones are drawn
        "font": {"size": round(min(22.0, 10 + n.size / 4), 1)},
    }
    if n.cluster:
        d["cluster"] = n.cluster
    if at is not None:
        d["x"], d["y"] = (round(c, 1) for c in at)
    if hierarchical and n.level is not None:
        d["level"] = n.level
    if n.url:
        d["url"] = n.url
    return d


def _collapsible(nodes: Sequence[PNode]) -> dict[str, list[str]]:
    """The clusters a big picture opens collapsed into (empty: draw every node)."""
    if len(nodes) <= COLLAPSE_MIN_NODES:
        return {}
    groups: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        if n.cluster:
            groups[n.cluster].append(n.id)
    groups = {k: v for k, v in groups.items() if len(v) > 1}
    return dict(sorted(groups.items())) if len(groups) >= 2 else {}


def important_nodes(nodes: Sequence[PNode], edges: Sequence[PEdge], *, tree: bool = False) -> list[str]:
    """The nodes whose names stay readable at the picture's default zoom.

    Small pictures: every node. Org charts: every organisation with organisations under it.
    Otherwise the LABELLED biggest nodes (size shows what matters: members, degree, centrality).

    >>> important_nodes([PNode("a", "甲", "g", size=30), PNode("b", "乙", "g", size=8)], [])
    ['a', 'b']
    """
    if len(nodes) <= LABELLED:
        return [n.id for n in nodes]
    if tree:
        level = {n.id: n.level or 0 for n in nodes}
        heads = {up for e in edges for child, up in ((e.source, e.target), (e.target, e.source))
                 if level[up] == level[child] - 1}
        return [n.id for n in nodes if n.id in heads]
    ranked = sorted(nodes, key=lambda n: (-n.size, n.id))
    return [n.id for n in ranked[:LABELLED]]


# --- server-side layouts --------------------------------------------------------------------------


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


PICTURE_JS = Path(__file__).resolve().parent.parent / "static" / "picture" / "picture.js"
PICTURE_ROUTE = "/static/picture"


def _assets(standalone: bool) -> tuple[str, str]:
    if standalone:
        css = (STATIC_DIR / "vis-network.css").read_text(encoding="utf-8")
        js = (STATIC_DIR / "vis-network.min.js").read_text(encoding="utf-8")
        own = PICTURE_JS.read_text(encoding="utf-8")
        return f"<style>{css}</style>", f"<script>{js}</script><script>{own}</script>"
    return (
        f'<link rel="stylesheet" href="{STATIC_ROUTE}/vis-network.css">',
        f'<script src="{STATIC_ROUTE}/vis-network.min.js"></script><script src="{PICTURE_ROUTE}/picture.js"></script>',
    )


PICTURE_CSS = """
.lg{border:0;background:none;font:inherit;font-size:.9rem;cursor:pointer;padding:.1rem .3rem}
.lg[aria-pressed=false]{opacity:.35;text-decoration:line-through}.lg small{color:#777;margin-left:.2rem}
.lg i{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.3rem}
.lg b{display:inline-block;width:1.2rem;border-top:3px solid;margin-right:.3rem;vertical-align:middle}
div.vis-tooltip{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:13px;line-height:1.5;white-space:pre-line}
"""


def _page(title: str, data: dict[str, Any], note: str, standalone: bool) -> str:
    css, js = _assets(standalone)
    home = "" if standalone else '<a href="/">首页</a>'
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">{css}
<style>
body{{margin:0;font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;display:flex;flex-direction:column;height:100vh}}
header{{padding:.4rem 1rem;border-bottom:1px solid #ddd;display:flex;gap:.6rem;align-items:center;flex-wrap:wrap}}
h1{{font-size:1.1rem;margin:0;color:#b71c1c}}#net{{width:100%;flex:1;min-height:0}}
.note{{color:#555;font-size:.85rem}}a{{color:#0d47a1}}{PICTURE_CSS}
</style></head><body>
<header>{home}<h1>{escape(title)}</h1><div id="legend"></div>
<input id="q" placeholder="搜索名称或编号" aria-label="搜索"><span id="found"></span>
<button id="png" type="button">导出图片</button><span class="note">{escape(note)}</span></header>
<div id="net"></div>
{js}
<script>
const data = {_json(data)};
window.picture = GraphsvcPicture.mount(document.getElementById("net"), data, {{
  legend: document.getElementById("legend"), search: document.getElementById("q"),
  found: document.getElementById("found"), png: document.getElementById("png")}});
</script></body></html>"""
