"""Pictures of urban–rural pairing: the pairing network, and pairing lines on the map."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphsvc.schemas.pairing import PairSuggestion, UrbanRuralPlan
from graphsvc.views.picture import Legend, PEdge, PNode, geo_positions, render


@dataclass(frozen=True)
class Place:
    """An organisation where it stands: its community's place, or its unit's."""

    id: str
    name: str
    group: str  # community | unit | rural | resettlement
    lat: float | None
    lon: float | None
    title: str


LEGEND = (
    Legend("community", "城市社区党组织", "#1565c0"),
    Legend("unit", "驻区单位党组织", "#6a1b9a", "diamond"),
    Legend("rural", "村党组织", "#2e7d32", "square"),
    Legend("resettlement", "安置社区党组织", "#00897b", "square"),
)
EDGE_LEGEND = (
    Legend("existing", "现有结对", "#37474f"),
    Legend("both", "两种方案都建议", "#c62828"),
    Legend("optimal", "仅最优方案", "#ef6c00"),
    Legend("stable", "仅稳定方案", "#0277bd"),
    Legend("released", "现有结对（两种方案都解除）", "#b0bec5"),
)


def _edges(plan: UrbanRuralPlan) -> list[PEdge]:
    optimal = {(p.urban_id, p.rural_id): p for p in plan.optimal}
    stable = {(p.urban_id, p.rural_id): p for p in plan.stable}
    existing = {(p.urban_id, p.rural_id): p for p in plan.existing}
    out = []
    for key in sorted(optimal.keys() | stable.keys() | existing.keys()):
        in_opt, in_st = key in optimal, key in stable
        group = (
            ("existing" if in_opt or in_st else "released") if key in existing
            else "both" if in_opt and in_st else "optimal" if in_opt else "stable"
        )
        p: PairSuggestion = optimal.get(key) or stable.get(key) or existing[key]
        zh = next(lg.zh for lg in EDGE_LEGEND if lg.key == group)
        out.append(PEdge(
            p.urban_id, p.rural_id, group=group, label=f"{p.score:.2f}",
            title="\n".join([f"{p.urban_name} — {p.rural_name}：{zh}，得分 {p.score:.2f}", *p.reasons]),
            dashes=group in ("stable", "released"), width=1.0 + 2.0 * max(p.score, 0.0),
        ))
    return out


def _shown(plan: UrbanRuralPlan, places: Mapping[str, Place]) -> list[Place]:
    # Every village (so the unpaired show) and every urban organisation on a line.
    urban = {p.urban_id for p in (*plan.existing, *plan.optimal, *plan.stable)}
    return [v for k, v in sorted(places.items()) if k in urban or v.group in ("rural", "resettlement")]


def _node(v: Place, xy: tuple[float, float] | None = None) -> PNode:
    x, y = xy or (None, None)
    size = 16 if v.group in ("rural", "resettlement") else 12
    return PNode(v.id, v.name, v.group, title=v.title, size=size, x=x, y=y)


def _note(plan: UrbanRuralPlan) -> str:
    o, st = plan.summary.optimal, plan.summary.stable
    return (f"最优方案总分 {o.objective:.2f}（{o.count} 对），稳定方案总分 {st.objective:.2f}（{st.count} 对），"
            f"相同 {plan.difference.same} 对")


def network(plan: UrbanRuralPlan, places: Mapping[str, Place]) -> str:
    """The pairing network: urban organisations and villages, existing and suggested pairs."""
    return render([_node(v) for v in _shown(plan, places)], _edges(plan), title="城乡结对网络", legend=LEGEND,
                  edge_legend=EDGE_LEGEND, note=_note(plan))


def geo_map(plan: UrbanRuralPlan, places: Mapping[str, Place]) -> str:
    """Pairing lines between city and countryside, each organisation on its community's or unit's place."""
    located = [v for v in _shown(plan, places) if v.lat is not None and v.lon is not None]
    xy = geo_positions({v.id: (v.lat, v.lon) for v in located})  # type: ignore[misc]
    return render([_node(v, xy[v.id]) for v in located], _edges(plan), title="城乡结对地图", legend=LEGEND,
                  edge_legend=EDGE_LEGEND, layout="fixed", note=_note(plan) + "；位置取所在社区或单位的坐标")
