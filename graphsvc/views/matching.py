"""The co-construction picture: community branches and unit Party organisations on the map,
current pairings drawn solid and suggested ones dashed."""

from __future__ import annotations

from collections.abc import Mapping

from graphsvc.schemas.matching import PartnerSuggestions
from graphsvc.views.picture import Legend, PEdge, PNode, geo_positions, render

LEGEND = (
    Legend("community", "社区党组织", "#1565c0"),
    Legend("short", "社区党组织（结对数不足）", "#c62828"),
    Legend("unit", "驻区单位党组织", "#6a1b9a", "diamond"),
)
URGENCY_ZH = {1: "不急", 2: "一般", 3: "较急", 4: "紧急", 5: "非常紧急"}


def urgency(level: int) -> str:
    """A need's urgency as people say it: 4 -> '4 紧急'."""
    return f"{level} {URGENCY_ZH.get(level, '')}".strip()


EDGE_LEGEND = (
    Legend("existing", "现有结对", "#37474f"),
    Legend("suggested", "建议结对", "#ef6c00"),
)


def picture(s: PartnerSuggestions, places: Mapping[str, tuple[float, float]], *, title: str) -> str:
    """Units ↔ communities: `places` gives each organisation's (lat, lon); every community branch is shown."""
    short = {f.community_org_id for f in s.shortfall}
    names: dict[str, tuple[str, str, str]] = {}  # org id -> (label, group, tooltip)
    for p in s.items:
        names[p.community_org_id] = (p.community_name, "short" if p.community_org_id in short else "community",
                                     p.community_org_name or p.community_org_id)
        names[p.unit_org_id] = (p.unit_name or p.unit_org_id, "unit", p.unit_org_name or p.unit_org_id)
    for f in s.shortfall:
        names.setdefault(f.community_org_id, (f.community_name, "short", f"还缺 {f.missing} 个结对单位"))
    xy = geo_positions({k: v for k, v in places.items() if k in names})
    nodes = [
        PNode(k, label, group, title=tip, size=18 if group != "unit" else 10, x=xy[k][0], y=xy[k][1])
        for k, (label, group, tip) in sorted(names.items()) if k in xy
    ]
    edges = [
        PEdge(p.community_org_id, p.unit_org_id, group="existing" if p.existing else "suggested",
              label="" if p.existing else f"{p.score:.2f}",
              title=f"{p.community_name} — {p.unit_name}：{p.explanation}", dashes=not p.existing,
              width=1.0 if p.existing else 2.5)
        for p in s.items
    ]
    note = (f"现有结对 {s.count - s.suggested} 对，建议新增 {s.suggested} 对；每个单位至多 {s.unit_cap} 个社区，"
            f"每个社区至少 {s.community_min} 个单位")
    return render(nodes, edges, title=title, legend=LEGEND, edge_legend=EDGE_LEGEND, layout="fixed", note=note)
