"""The map (一张图): buildings by coverage status, service points with their rule-9 walking reach, units with
and without a branch, pairing lines, gap markers, community and grid boundaries — layers of GeoJSON with each
feature's facts in Chinese and a link to its page. Base tiles only from GRAPHSVC_TILE_URL."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from graphsvc.graph import Graph
from graphsvc.schemas import geomap as m
from graphsvc.schemas.coverage import Area, GapParams, GapReport, GapRule
from graphsvc.schemas.ledger import CommunityKind, ServiceKind, Theme, UnitKind
from graphsvc.scope import Scope
from graphsvc.services import coverage
from graphsvc.views.templating import q

STATUS = {  # building status -> (Chinese, colour)
    "covered": ("已覆盖", "#2e7d32"),
    "uncovered": ("无党小组覆盖", "#c62828"),
    "needs_branch": ("需建楼宇党支部", "#ef6c00"),
}
UNIT_STATUS = {
    "own_branch": ("有本单位党组织", "#1565c0"),
    "joint_branch": ("党员在联合党支部", "#6a1b9a"),
    "none": ("无党组织", "#c62828"),
}
PAIR_COLOR = {"co_construction": "#1565c0", "urban_rural": "#6a1b9a"}
POINT_COLOR = "#00838f"


def _point(lat: float, lon: float, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def _facts(*pairs: tuple[str, Any]) -> list[list[str]]:
    return [[k, str(v)] for k, v in pairs if v not in (None, "", [])]


def _boundaries(rows: list[dict[str, Any]], kind: str, counts: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        if not r.get("boundary"):
            continue
        facts = (
            _facts(("类型", CommunityKind[r["kind"]].zh if r.get("kind") else None), ("缺口", counts.get(r["id"], 0)))
            if kind == "community" else _facts(("所属社区", r.get("community_id")), ("缺口", counts.get(r["id"], 0)))
        )
        href = q("/pages/gaps", community_id=r["id"]) if kind == "community" else q("/pages/gaps", community_id=r["community_id"])
        out.append({"type": "Feature", "geometry": json.loads(r["boundary"]),
                    "properties": {"id": r["id"], "name": r["name"], "facts": facts, "href": href, "label": r["name"]}})
    return out


def _gap_places(report: GapReport, buildings: dict[str, dict[str, Any]], centres: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One marker per place holding gaps (a building, a unit, else the community's centre), with its count per rule."""
    where: dict[str, Counter[str]] = defaultdict(Counter)
    place: dict[str, tuple[float, float, str]] = {}
    for rule in GapRule:
        for g in report.rules[rule.value].items:
            d = g.detail
            if d.get("lat") is not None and d.get("lon") is not None:
                key, lat, lon, name = g.id, d["lat"], d["lon"], g.name or g.id
            elif d.get("building_id") in buildings:
                b = buildings[d["building_id"]]
                key, lat, lon, name = b["id"], b["lat"], b["lon"], b["name"]
            elif g.community_id in centres:
                c = centres[g.community_id]
                key, lat, lon, name = c["id"], c["lat"], c["lon"], c["name"]
            else:
                continue
            where[key][rule.value] += 1
            place[key] = (lat, lon, name)
    out = []
    for key, n in sorted(where.items()):
        lat, lon, name = place[key]
        facts = [[GapRule[r].zh.split("：")[0], f"{c} 处"] for r, c in n.items()]
        out.append(_point(lat, lon, {"id": key, "name": name, "total": sum(n.values()), "facts": facts,
                                     "href": q("/pages/gaps", community_id=_community_of(key, buildings, centres))}))
    return out


def _community_of(key: str, buildings: dict[str, dict[str, Any]], centres: dict[str, dict[str, Any]]) -> str | None:
    return buildings[key]["community_id"] if key in buildings else key if key in centres else None


def _buildings(rows: list[dict[str, Any]], report: GapReport) -> list[dict[str, Any]]:
    uncovered = set(report.rules[GapRule.building_without_group.value].ids)
    branch = set(report.rules[GapRule.building_needs_branch.value].ids)
    out = []
    for b in rows:
        status = "needs_branch" if b["id"] in branch else "uncovered" if b["id"] in uncovered else "covered"
        out.append(_point(b["lat"], b["lon"], {
            "id": b["id"], "name": b["name"], "status": status, "color": STATUS[status][1], "label": b["name"],
            "facts": _facts(("社区", b.get("community_name")), ("网格", b.get("grid_id")), ("住户", b.get("households")),
                            ("覆盖状态", STATUS[status][0])),
            "href": q("/pictures/coverage", community_id=b["community_id"]),
        }))
    return out


def _service_points(rows: list[dict[str, Any]], params: GapParams) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    required = {k.value for k in params.required_points}
    radius = round(params.reach_m / params.detour)
    points, reach = [], []
    for p in rows:
        zh = ServiceKind[p["kind"]].zh
        facts = _facts(("类型", zh), ("社区", p["community_id"]),
                       ("步行范围", f"{params.walk_minutes:g} 分钟（直线约 {radius} 米）" if p["kind"] in required else None))
        props = {"id": p["id"], "name": p["name"], "kind": p["kind"], "facts": facts, "label": p["name"],
                 "href": q("/pages/gaps", community_id=p["community_id"], rule="service_circle_gap")}
        points.append(_point(p["lat"], p["lon"], props))
        if p["kind"] in required:  # the rule measures reach to these kinds only
            reach.append(_point(p["lat"], p["lon"], {**props, "radius": radius}))
    return points, reach


def _units(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for u in rows:
        status = "own_branch" if u["org_ids"] else "joint_branch" if u["in_joint_branch"] else "none"
        href = (f"/pictures/network/ego/{u['org_ids'][0]}" if u["org_ids"]
                else q("/pages/gaps", community_id=u["community_id"], rule="unit_without_branch"))
        out.append(_point(u["lat"], u["lon"], {
            "id": u["id"], "name": u["name"], "status": status, "color": UNIT_STATUS[status][1], "label": u["name"],
            "facts": _facts(("类型", UnitKind[u["kind"]].zh if u.get("kind") else None), ("在职党员", u["working_members"]),
                            ("党组织", UNIT_STATUS[status][0])),
            "href": href,
        }))
    return out


def _pairings(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    out = []
    for p in rows:
        if p["kind"] != kind:
            continue
        themes = "、".join(Theme[t].zh for t in p.get("themes") or [] if t in Theme.__members__)
        out.append({"type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": [[p["lon_a"], p["lat_a"]], [p["lon_b"], p["lat_b"]]]},
                    "properties": {"id": p["id"], "name": f"{p['name_a']} — {p['name_b']}", "color": PAIR_COLOR[kind],
                                   "facts": _facts(("开始", p.get("since")), ("主题", themes)),
                                   "href": f"/pictures/network/ego/{p['org_a']}"}})
    return out


def _bounds(features: list[dict[str, Any]]) -> list[list[float]] | None:
    xs, ys = [], []

    def walk(c: Any) -> None:
        if isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for x in c:
                walk(x)

    for f in features:
        walk(f["geometry"]["coordinates"])
    return [[min(ys), min(xs)], [max(ys), max(xs)]] if xs else None


def layers(graph: Graph, scope: Scope, params: GapParams, query: m.MapQuery, *, tile_url: str | None, where: str) -> m.MapData:
    """Every layer of the map for a street or community (none: everything in the caller's scope)."""
    area = Area(street_id=query.street_id, community_id=query.community_id)
    communities = coverage.communities_of(graph, scope, area)
    report = coverage.gaps(graph, scope, area, params)
    comm_rows = graph.read("map/communities", communities=communities)
    grid_rows = graph.read("map/grids", communities=communities)
    building_rows = graph.read("coverage/residential_buildings", communities=communities, grid_id=None)
    per_place: Counter[str] = Counter()
    for rule in report.rules.values():
        for g in rule.items:
            per_place.update(x for x in (g.community_id, g.grid_id) if x)
    points, reach = _service_points(graph.read("map/service_points", communities=communities), params)
    pairs = graph.read("map/pairings", communities=communities, kind=None)
    buildings = {b["id"]: b for b in building_rows}
    centres = {c["id"]: c for c in comm_rows}
    features = {
        "communities": _boundaries(comm_rows, "community", per_place),
        "grids": _boundaries(grid_rows, "grid", per_place),
        "reach": reach,
        "co_construction": _pairings(pairs, "co_construction"),
        "urban_rural": _pairings(pairs, "urban_rural"),
        "buildings": _buildings(building_rows, report),
        "units": _units(graph.read("map/units", communities=communities)),
        "service_points": points,
        "gaps": _gap_places(report, buildings, centres),
    }
    legends = {
        "buildings": [{"key": k, "zh": zh, "color": c} for k, (zh, c) in STATUS.items()],
        "units": [{"key": k, "zh": zh, "color": c} for k, (zh, c) in UNIT_STATUS.items()],
    }
    out = [m.Layer(id=k, zh=zh, features=features[k], count=len(features[k]), legend=legends.get(k, []))
           for k, zh in m.LAYERS.items()]
    placed = features["communities"] + features["buildings"] or [_point(c["lat"], c["lon"], {}) for c in comm_rows]
    show = [x for x in (query.show or "").split(",") if x in m.LAYERS] or None
    return m.MapData(where=where, layers=out, reach_m=round(params.reach_m / params.detour), tile_url=tile_url,
                     bounds=_bounds(placed), show=show)
