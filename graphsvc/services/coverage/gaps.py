"""Coverage gaps (the ten rules), counted or listed, and a community's picture (the summary is in `summary`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from functools import partial
from typing import Any

from graphsvc.algorithms.common import haversine_m
from graphsvc.algorithms.coverage import neighbour_clusters
from graphsvc.errors import NotFound
from graphsvc.gcpause import paused
from graphsvc.graph import Graph, together
from graphsvc.projection import coverage as proj
from graphsvc.schemas import coverage as s
from graphsvc.schemas.coverage import GapRule
from graphsvc.scope import Scope, mask_name
from graphsvc.services.coverage.area import (
    communities_of,
    distance_table,
    household_rows,
    points_near,
    query_params,
    scoped,
    walk_params,
)

# Rule 9 is computed in Python (distances); every other rule is one named query.
RULE_QUERIES: dict[GapRule, str] = {
    GapRule.community_without_org: "coverage/community_without_org",
    GapRule.building_without_group: "coverage/building_without_group",
    GapRule.building_needs_branch: "coverage/building_needs_branch",
    GapRule.household_unlinked: "coverage/household_unlinked",
    GapRule.member_overloaded: "coverage/member_overloaded",
    GapRule.vulnerable_without_helper: "coverage/vulnerable_without_helper",
    GapRule.unit_without_branch: "coverage/unit_without_branch",
    GapRule.mobile_unregistered: "coverage/mobile_unregistered",
    GapRule.employed_unregistered: "coverage/employed_unregistered",
    GapRule.community_lacking_basics: "coverage/community_lacking_basics",
}
# Rules counted in the engine; the others (member rules, rule 3's few buildings, the walk of rule 9) have few
# rows and count them (rule 3 counted per building in the engine measured slower than its rows).
COUNT_QUERIES: dict[GapRule, str] = {
    GapRule.community_without_org: "coverage/counts/community_without_org",
    GapRule.building_without_group: "coverage/counts/building_without_group",
    GapRule.household_unlinked: "coverage/counts/household_unlinked",
    GapRule.vulnerable_without_helper: "coverage/counts/vulnerable_without_helper",
    GapRule.unit_without_branch: "coverage/counts/unit_without_branch",
    GapRule.employed_unregistered: "coverage/counts/employed_unregistered",
    GapRule.community_lacking_basics: "coverage/counts/community_lacking_basics",
}
MEMBER_RULES = {GapRule.member_overloaded, GapRule.mobile_unregistered, GapRule.employed_unregistered}
HOUSEHOLD_RULES = {GapRule.household_unlinked, GapRule.vulnerable_without_helper}
# Rules whose every offender carries a sensitive flag (PIPL art. 28): masked callers get the count, never the ids.
FLAG_RULES = {GapRule.vulnerable_without_helper}
CONTEXT = ("id", "name", "street_id", "community_id", "community_name", "grid_id")
BASICS = ("office", "funds", "land")

# What each rule's ratio is a share of (Chinese for the summary) and the totals key that counts it.
POPULATION: dict[GapRule, tuple[str, str]] = {
    GapRule.community_without_org: ("社区", "communities"),
    GapRule.building_without_group: ("住宅楼栋", "residential_buildings"),
    GapRule.building_needs_branch: ("居住党员超过阈值的楼栋", "branch_buildings"),
    GapRule.household_unlinked: ("住户", "households"),
    GapRule.member_overloaded: ("联户党员", "linking_members"),
    GapRule.vulnerable_without_helper: ("困难户", "vulnerable_households"),
    GapRule.unit_without_branch: ("有党员的驻区单位", "units_with_members"),
    GapRule.mobile_unregistered: ("流动党员", "mobile_members"),
    GapRule.employed_unregistered: ("住在本地的单位在职党员", "unit_members_living_here"),
    GapRule.service_circle_gap: ("住宅楼栋", "residential_buildings"),
    GapRule.community_lacking_basics: ("社区", "communities"),
}


def gap_item(rule: GapRule, row: dict[str, Any], scope: Scope, p: s.GapParams) -> s.Gap:
    detail = {k: v for k, v in row.items() if k not in CONTEXT}
    name = row.get("name")
    if rule in MEMBER_RULES and scope.masked:
        name = mask_name(name)
        detail.pop("category", None)  # 生活困难党员 is itself sensitive
    if rule in HOUSEHOLD_RULES:
        flags = detail.pop("flags")
        if not scope.masked:
            detail["flags"] = flags
            detail["vulnerable"] = any(f in {v.value for v in p.vulnerable} for f in flags)
    if rule is GapRule.community_lacking_basics:
        detail["lacks"] = [b for b in BASICS if not row[f"has_{b}"]]
        detail["three_nos"] = len(detail["lacks"]) == len(BASICS)
    if rule is GapRule.unit_without_branch:
        own = row["working_members"] >= p.unit_branch_members
        detail["needs"] = "own_branch" if own else "joint_branch"
    return s.Gap(
        id=row["id"],
        name=name,
        street_id=row.get("street_id"),
        community_id=row.get("community_id"),
        community_name=row.get("community_name"),
        grid_id=row.get("grid_id"),
        detail=detail,
    )


def _service_circle_rows(
    graph: Graph, q: dict[str, Any], p: s.GapParams, table: dict[tuple[Hashable, Hashable], float],
    nearest: bool = True,
) -> list[dict[str, Any]]:
    """Rule 9: residential buildings with no point of some required kind within the walk (with the metres
    to the nearest point of each missing kind unless not `nearest`: counting them needs no distances)."""
    buildings = graph.read("coverage/residential_buildings", communities=q["communities"], grid_id=q["grid_id"])
    if not buildings:
        return []
    kinds = [k.value for k in p.required_points]
    points = points_near(graph, buildings, kinds, p.reach_m)
    kind_of = {pt["id"]: pt["kind"] for pt in points}
    reach = proj.walk_reach(buildings, points, **walk_params(p, table))
    rows = []
    for b in buildings:
        reached = {kind_of[pt] for pt in reach[b["id"]]}
        missing = [k for k in kinds if k not in reached]
        if missing:
            rows.append({**b, "missing": missing, "reach_m": round(p.reach_m / p.detour)})
    return _nearest(graph, rows, p) if rows and nearest else rows


NEAREST_SEARCH = 4  # how many walks' reach to look for the nearest point of a missing kind


def _nearest(graph: Graph, rows: list[dict[str, Any]], p: s.GapParams) -> list[dict[str, Any]]:
    """Each row's walking metres (straight line × detour) to the nearest point of every kind it misses;
    None when there is none within NEAREST_SEARCH walks."""
    kinds = sorted({k for r in rows for k in r["missing"]})
    far = points_near(graph, rows, kinds, p.reach_m * NEAREST_SEARCH)
    for r in rows:
        nearest: dict[str, int | None] = {}
        for k in r["missing"]:
            metres = [haversine_m(r["lat"], r["lon"], pt["lat"], pt["lon"]) * p.detour for pt in far if pt["kind"] == k]
            nearest[k] = round(min(metres)) if metres else None
        r["nearest_m"] = nearest
    return rows


def _clusters(graph: Graph, q: dict[str, Any], p: s.GapParams) -> list[s.Cluster]:
    """Rule 3 for neighbours: buildings each below the threshold that together pass it."""
    rows = graph.read(
        scoped("coverage/building_residents", q["communities"]),
        communities=q["communities"],
        grid_id=q["grid_id"],
        min_members=p.cluster_min_members,
    )
    candidates = [r for r in rows if not r["has_branch"] and r["resident_members"] <= p.branch_threshold]
    return [
        s.Cluster(
            community_id=c[0]["community_id"],
            building_ids=[b["id"] for b in c],
            members=sum(b["resident_members"] for b in c),
            span_m=round(max(haversine_m(a["lat"], a["lon"], b["lat"], b["lon"]) for a in c for b in c)),
        )
        for c in neighbour_clusters(
            proj.building_points(candidates), max_distance_m=p.cluster_distance_m, threshold=p.branch_threshold
        )
    ]


def rule_rows(
    graph: Graph, rule: GapRule, q: dict[str, Any], p: s.GapParams, table: dict[tuple[Hashable, Hashable], float]
) -> list[dict[str, Any]]:
    if rule is GapRule.service_circle_gap:
        return _service_circle_rows(graph, q, p, table)
    if rule not in HOUSEHOLD_RULES:
        return graph.read(scoped(RULE_QUERIES[rule], q["communities"]), **q)
    rows = household_rows(graph, RULE_QUERIES[rule], **q)
    if rows:  # narrow rows: the communities' names and streets come once each
        ids = sorted({r["community_id"] for r in rows})
        context = {c["id"]: c for c in graph.read("coverage/community_context", ids=ids)}
        for r in rows:
            c = context[r["community_id"]]
            r.update(street_id=c["street_id"], community_name=c["name"])
    return rows


def rule_counts(graph: Graph, rule: GapRule, q: dict[str, Any], p: s.GapParams,
                table: dict[tuple[Hashable, Hashable], float], *,
                nearest: bool = True) -> tuple[Counter[str | None], list[dict[str, Any]] | None]:
    """Gaps per community, and the rows when they had to be read to count them (rule 9's rows without
    the metres to the nearest missing point when not `nearest`)."""
    if rule in COUNT_QUERIES:
        return Counter({r["community_id"]: int(r["count"]) for r in graph.read(COUNT_QUERIES[rule], **q)}), None
    if rule is GapRule.service_circle_gap and not nearest:
        rows = _service_circle_rows(graph, q, p, table, nearest=False)
    else:
        rows = rule_rows(graph, rule, q, p, table)
    return Counter(r.get("community_id") for r in rows), rows


def gaps(
    graph: Graph,
    scope: Scope,
    area: s.Area,
    params: s.GapParams,
    *,
    rules: Sequence[GapRule] | None = None,
    distances: Iterable[s.Distance] = (),
    fresh: bool = False,
) -> s.GapReport:
    """Every rule's offending entities (or only `rules`), with their context; `fresh` computes them anew
    (a snapshot records the graph as it is now, not an answer cached before another process wrote)."""
    distances = tuple(distances)
    table_key = tuple(d.model_dump_json() for d in distances)
    key = ("coverage.gaps", scope, area.model_dump_json(), params.model_dump_json(), tuple(rules or ()), table_key)

    def compute() -> s.GapReport:
        return _gaps(graph, scope, area, params, rules=rules, distances=distances)

    return compute() if fresh else graph.cached(key, compute, lambda report: report.communities, "coverage")


@paused()
def _gaps(
    graph: Graph,
    scope: Scope,
    area: s.Area,
    params: s.GapParams,
    *,
    rules: Sequence[GapRule] | None,
    distances: Iterable[s.Distance],
) -> s.GapReport:
    communities = communities_of(graph, scope, area)
    q = query_params(communities, area.grid_id, params)
    table = distance_table(distances)
    chosen = list(rules or GapRule)
    # Every rule's rows read side by side (the engine answers on every core while Python waits).
    found = together(*(partial(rule_rows, graph, rule, q, params, table) for rule in chosen))
    out: dict[str, s.RuleGaps] = {}
    for rule, rows in zip(chosen, found, strict=True):
        items = [gap_item(rule, r, scope, params) for r in rows]
        count = len(items)
        if scope.masked and rule in FLAG_RULES:
            items = []
        out[rule.value] = s.RuleGaps(
            rule=rule,
            zh=rule.zh,
            count=count,
            ids=[i.id for i in items],
            items=items,
            clusters=_clusters(graph, q, params) if rule is GapRule.building_needs_branch else None,
        )
    return s.GapReport(communities=communities, grid_id=area.grid_id, params=params, rules=out)


# --- the picture -----------------------------------------------------------------------------------


def picture(graph: Graph, scope: Scope, community_id: str) -> str:
    """The coverage picture of one community as an HTML page."""
    from graphsvc.views import coverage as view  # here: the gap lists (and the command line) draw nothing

    rows = graph.read("coverage/picture", community_id=community_id, communities=scope.community_list)
    if not rows:
        raise NotFound(f"找不到编号为 {community_id} 的社区", details=[{"field": "community_id", "id": community_id}])
    return view.coverage_picture(
        rows[0]["community_name"], [r for r in rows if r["id"] is not None], masked=scope.masked
    )
