"""The coverage picture: a community's buildings on their coordinates, green when a Party group (or a
building branch) covers them, red when none does, with the groups and the members who link their households."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from graphsvc.scope import mask_name
from graphsvc.views.picture import Legend, PEdge, PNode, geo_positions, render

LEGEND = [
    Legend("covered", "已有党小组覆盖的住宅楼", "#2e7d32", "square"),
    Legend("uncovered", "没有党小组覆盖的住宅楼", "#c62828", "square"),
    Legend("office", "商务楼宇", "#9e9e9e", "square"),
    Legend("group", "党小组 / 楼宇党支部", "#f9a825", "triangle"),
    Legend("org", "其他党组织", "#fbc02d", "diamond"),
    Legend("member", "联户党员", "#1565c0", "dot"),
]
EDGE_LEGEND = [Legend("covers", "覆盖（联幢）", "#f9a825"), Legend("links", "联系住户（联户）", "#90caf9")]
KIND_ZH = {"residential": "住宅楼", "mixed": "商住混合", "office": "商务楼宇"}
ORG_LIFT, MEMBER_RING = 70.0, 45.0  # picture units: groups above their buildings, members around them


def _covers_rule2(org: dict[str, Any]) -> bool:
    return org["level"] == "group" or org["domain"] == "building"


def _centre(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def coverage_picture(community_name: str, buildings: Sequence[dict[str, Any]], *, masked: bool) -> str:
    """buildings: rows of coverage/picture ({id, name, kind, lat, lon, households, coverers, linkers})."""
    pos = geo_positions({b["id"]: (b["lat"], b["lon"]) for b in buildings})
    nodes: list[PNode] = []
    edges: list[PEdge] = []
    orgs: dict[str, dict[str, Any]] = {}
    org_buildings: dict[str, list[str]] = defaultdict(list)
    member_names: dict[str, str | None] = {}
    member_links: dict[str, Counter[str]] = defaultdict(Counter)
    uncovered = 0
    for b in buildings:
        coverers = [o for o in b["coverers"] if o]
        covered = any(_covers_rule2(o) for o in coverers)
        group = "office" if b["kind"] == "office" else "covered" if covered else "uncovered"
        uncovered += group == "uncovered"
        linked = Counter(m["id"] for m in b["linkers"] if m)
        title = "\n".join(
            [
                b["name"],
                f"{KIND_ZH.get(b['kind'], b['kind'])}，{b['households']} 户，党员联系 {sum(linked.values())} 户",
                "覆盖：" + ("、".join(o["name"] for o in coverers) or "无"),
            ]
        )
        x, y = pos[b["id"]]
        nodes.append(PNode(b["id"], b["name"], group, title=title, size=10 + min(b["households"], 200) / 20, x=x, y=y))
        for o in coverers:
            orgs[o["id"]] = o
            org_buildings[o["id"]].append(b["id"])
        for m in b["linkers"]:
            if m:
                member_names[m["id"]] = mask_name(m["name"]) if masked else m["name"]
        for m_id, n in linked.items():
            member_links[m_id][b["id"]] = n
    org_nodes, org_edges = _org_nodes(orgs, org_buildings, pos)
    member_nodes, member_edges = _member_nodes(member_links, member_names, pos)
    nodes += org_nodes + member_nodes
    edges += org_edges + member_edges
    note = f"{len(buildings)} 栋楼，其中 {uncovered} 栋住宅楼没有党小组覆盖"
    return render(
        nodes,
        edges,
        title=f"{community_name} 党组织覆盖图",
        legend=LEGEND,
        edge_legend=EDGE_LEGEND,
        layout="fixed",
        note=note,
    )


def _org_nodes(
    orgs: dict[str, dict[str, Any]], org_buildings: dict[str, list[str]], pos: dict[str, tuple[float, float]]
) -> tuple[list[PNode], list[PEdge]]:
    """Each covering organisation above the buildings it covers, tied to them."""
    nodes: list[PNode] = []
    edges: list[PEdge] = []
    for o_id, b_ids in sorted(org_buildings.items()):
        o = orgs[o_id]
        x, y = _centre([pos[b] for b in b_ids])
        nodes.append(
            PNode(o_id, o["name"], "group" if _covers_rule2(o) else "org", title=o["name"], x=x, y=y - ORG_LIFT)
        )
        edges += [PEdge(o_id, b, "covers", title="覆盖") for b in b_ids]
    return nodes, edges


def _member_nodes(
    member_links: dict[str, Counter[str]], member_names: dict[str, str | None], pos: dict[str, tuple[float, float]]
) -> tuple[list[PNode], list[PEdge]]:
    """Each linking member around the buildings of the households it links, tied to them."""
    nodes: list[PNode] = []
    edges: list[PEdge] = []
    for i, (m_id, per_building) in enumerate(sorted(member_links.items())):
        x, y = _centre([pos[b] for b in per_building])
        angle = i * 2.399963  # the golden angle keeps members around one building apart
        name = member_names[m_id] or m_id
        nodes.append(
            PNode(
                m_id,
                name,
                "member",
                title=f"{name}\n联系 {sum(per_building.values())} 户",
                size=6,
                x=x + MEMBER_RING * math.cos(angle),
                y=y + MEMBER_RING * math.sin(angle),
            )
        )
        edges += [
            PEdge(m_id, b, "links", title=f"联系 {n} 户", width=min(1 + n / 3, 4)) for b, n in per_building.items()
        ]
    return nodes, edges
