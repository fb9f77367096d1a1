"""Network pictures: pyvis builds the vis-network data; our own page template serves it offline.

pyvis's own template loads CSS and Bootstrap from CDNs, which an intranet cannot reach, so only
its data (nodes, edges, options) is used; vis-network's JS/CSS ship inside the pyvis package and
are served by graphsvc at STATIC_ROUTE.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Literal

import pyvis
from pyvis.network import Network

STATIC_ROUTE = "/static/vis"
STATIC_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
PHYSICS_MAX_NODES = 300  # beyond this the browser would spend seconds settling: lay out on the server

Layout = Literal["physics", "fixed", "hierarchical"]


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
) -> str:
    """A complete HTML page (Chinese legend, search box) for the picture."""
    styles = {lg.key: lg for lg in legend}
    edge_styles = {lg.key: lg for lg in edge_legend}
    net = Network(directed=True, cdn_resources="local")
    for n in nodes:
        st = styles.get(n.group)
        extra = {"x": n.x, "y": n.y} if layout == "fixed" and n.x is not None else {}
        if layout == "hierarchical" and n.level is not None:
            extra["level"] = n.level
        net.add_node(
            n.id, label=n.label, title=n.title or n.label, group=n.group, size=n.size,
            color=st.color if st else "#9e9e9e", shape=st.shape if st else "dot", **extra,
        )
    ids = {n.id for n in nodes}
    for e in edges:
        if e.source in ids and e.target in ids:
            st = edge_styles.get(e.group)
            net.add_edge(
                e.source, e.target, title=e.title or e.label, label=e.label, dashes=e.dashes, width=e.width,
                color=st.color if st else "#b0bec5",
            )
    physics = layout == "physics" and len(nodes) <= PHYSICS_MAX_NODES
    options: dict[str, object] = {
        "physics": {"enabled": physics, "stabilization": {"iterations": 150}},
        "interaction": {"hover": True, "tooltipDelay": 120},
        "nodes": {"font": {"face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 14}},
        "edges": {"arrows": {"to": {"enabled": False}}, "smooth": False},
    }
    if layout == "hierarchical":
        options["layout"] = {"hierarchical": {"enabled": True, "direction": "UD", "sortMethod": "directed"}}
    data = {"nodes": net.nodes, "edges": net.edges, "options": options}
    return _page(title, data, legend, edge_legend, note)


def _json(obj: object) -> str:
    # Inside <script>: "</" would end the script element early.
    return json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")


def _page(title: str, data: dict[str, object], legend: Sequence[Legend], edge_legend: Sequence[Legend], note: str) -> str:
    items = "".join(
        f'<span class="lg"><i style="background:{escape(lg.color)}"></i>{escape(lg.zh)}</span>' for lg in legend
    ) + "".join(
        f'<span class="lg"><b style="border-color:{escape(lg.color)}"></b>{escape(lg.zh)}</span>' for lg in edge_legend
    )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>
<link rel="stylesheet" href="{STATIC_ROUTE}/vis-network.css">
<style>
body{{margin:0;font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif}}
header{{padding:.5rem 1rem;border-bottom:1px solid #ddd;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}}
h1{{font-size:1.1rem;margin:0;color:#b71c1c}}#net{{width:100%;height:calc(100vh - 4rem)}}
.lg{{margin-right:.8rem;font-size:.9rem}}.lg i{{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.3rem}}
.lg b{{display:inline-block;width:1.2rem;border-top:3px solid;margin-right:.3rem;vertical-align:middle}}
</style></head><body>
<header><h1>{escape(title)}</h1><div id="legend">{items}</div>
<input id="q" placeholder="搜索名称或编号" aria-label="搜索"><span id="found"></span>
<button id="png">导出图片</button><span>{escape(note)}</span></header>
<div id="net"></div>
<script src="{STATIC_ROUTE}/vis-network.min.js"></script>
<script>
const data = {_json(data)};
const nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
const network = new vis.Network(document.getElementById("net"), {{nodes, edges}}, data.options);
network.once("afterDrawing", () => document.body.dataset.ready = "1");
document.getElementById("q").addEventListener("input", e => {{
  const q = e.target.value.trim();
  const hits = q ? nodes.get({{filter: n => String(n.label).includes(q) || String(n.id) === q}}) : [];
  network.selectNodes(hits.map(n => n.id));
  if (hits.length) network.fit({{nodes: hits.map(n => n.id), animation: false}});
  document.getElementById("found").textContent = q ? `找到 ${{hits.length}} 个` : "";
}});
document.getElementById("png").addEventListener("click", () => {{
  const a = document.createElement("a");
  a.href = document.querySelector("#net canvas").toDataURL("image/png");
  a.download = "graphsvc.png"; a.click();
}});
</script></body></html>"""
