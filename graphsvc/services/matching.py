"""Co-construction matching for a street: needs ↔ resources, allocation, partner suggestions, evaluation.

Each answer reads the street's communities, needs, resources, current pairings and projects
(named queries, scoped), projects them into graphsvc.algorithms.matching's inputs, runs the
algorithm and explains the result in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from graphsvc.algorithms import allocation as allocation_algo
from graphsvc.algorithms import evaluation as evaluation_algo
from graphsvc.algorithms import matching as algo
from graphsvc.algorithms import partners as partners_algo
from graphsvc.errors import Infeasible, NotFound
from graphsvc.gcpause import paused
from graphsvc.graph import Graph, together
from graphsvc.projection import matching as proj
from graphsvc.schemas import matching as m
from graphsvc.schemas.ledger import ResourceKind
from graphsvc.scope import Scope
from graphsvc.views import matching as views

UNMET_ZH = {
    "no_resource_of_kind": "街道内没有这类资源",
    "forbidden": "这类资源都被排除了",
    "too_far": "太远：距离成本超过了紧迫程度",
    "all_capacity_used": "能用的资源已全部分配",
}
STATUS_ZH = {"ok": "良好", "warn": "预警（满意度低于{warn:g}%）", "fail": "不合格（满意度低于{fail:g}%）", "unrated": "未评价"}
LACK_ZH = {"has_office": "无办公用房", "has_funds": "无办公经费", "has_land": "无经济发展用地"}
TIES_ZH = {"located_in": "驻在本社区", "shares_resource": "已向本社区共享资源"}
SOLVER = "HiGHS 线性规划（列生成，最优解）"


@dataclass
class StreetRows:
    """The rows a matching question reads (the named queries' answers), before projection."""

    communities: list[dict[str, Any]]  # matching/communities
    pairings: list[dict[str, Any]]  # records/pairings, current ones
    projects: list[dict[str, Any]]  # records/projects
    needs: list[dict[str, Any]]  # matching/needs
    resources: list[dict[str, Any]]  # matching/resources
    branches: list[dict[str, Any]] = field(default_factory=list)  # matching/community_orgs (partners only)
    units: list[dict[str, Any]] = field(default_factory=list)  # matching/unit_orgs (partners only)


@dataclass
class Street:
    """StreetRows projected into the algorithm's inputs."""

    rows: StreetRows
    communities: dict[str, dict[str, Any]]
    needs: list[algo.Need]  # open needs, the 三无 gaps included
    need_info: dict[str, dict[str, Any]]
    resources: list[algo.Resource]
    resource_info: dict[str, dict[str, Any]]
    ties: proj.Ties
    ratings: dict[str, float]


def _fetch(graph: Graph, scope: Scope, *, street_id: str | None, community_id: str | None,
           partners: bool = False) -> StreetRows:
    rows = graph.read("matching/communities", communities=scope.community_list, street_id=street_id)
    if community_id is not None:
        street = next((c["street_id"] for c in rows if c["id"] == community_id), None)
        if street is None:
            raise NotFound(f"找不到社区 {community_id}（或不在权限范围内）", details=[{"field": "community_id", "id": community_id}])
        # Resources and partners come from the community's whole street.
        rows = [c for c in rows if c["street_id"] == street]
    elif street_id is not None and not rows:
        raise NotFound(f"找不到街道 {street_id}（或不在权限范围内）", details=[{"field": "street_id", "id": street_id}])
    # The narrowed list is a subset of the caller's scope: every later query stays inside it.
    pool = sorted(c["id"] for c in rows)
    read = partial(graph.read, communities=pool)
    pairings, projects, needs, resources, *orgs = together(  # side by side: a city's reads are engine time
        partial(read, "records/pairings", id=None, kind=None, active=True, community_id=None, street_id=None),
        partial(read, "records/projects", id=None, year=None, street_id=None),
        partial(read, "matching/needs"),
        partial(_resources, graph, pool, everything=scope.community_list is None and street_id is None
                and community_id is None),
        *((partial(read, "matching/community_orgs"), partial(read, "matching/unit_orgs")) if partners else ()),
    )
    branches, units = orgs or ([], [])
    return StreetRows(communities=rows, pairings=pairings, projects=projects, needs=needs, resources=resources,
                      branches=branches, units=units)


def _resources(graph: Graph, pool: list[str], *, everything: bool) -> list[dict[str, Any]]:
    """The resources of the communities of `pool`; for every community, read without the list (the engine
    checks each owner against a city's thousand ids otherwise) and kept where they have a home in it."""
    if not everything:
        return graph.read("matching/resources", communities=pool)
    held = set(pool)
    return [r for r in graph.read("matching/resources", communities=None) if held.intersection(r["homes"])]


def project(rows: StreetRows) -> Street:
    """Rows -> open needs (三无 gaps included), resources with what they have left, ties and ratings."""
    communities = {r["id"]: r for r in rows.communities}
    ties = proj.ties(rows.pairings)
    ratings = evaluation_algo.org_ratings(proj.projects(rows.projects))
    needs, need_info = proj.open_needs(rows.needs, communities)
    derived, derived_info = proj.basics_needs(communities, needs)
    resources, resource_info = proj.resources(rows.resources, communities, ties, ratings)
    return Street(rows, communities, needs + derived, need_info | derived_info, resources, resource_info, ties, ratings)


def _read(graph: Graph, scope: Scope, *, street_id: str | None, community_id: str | None) -> Street:
    return project(_fetch(graph, scope, street_id=street_id, community_id=community_id))


def _kind_zh(kind: str) -> str:
    try:
        return ResourceKind(kind).zh
    except ValueError:
        return kind


def _km(distance_m: float) -> str:
    return f"{distance_m / 1000:.1f} 公里"


def _explain_candidate(parts: dict[str, Any]) -> str:
    """'类型相符；0.8 公里；已与该社区结对；可提供 2（需要 3）；所有者现有 3 项共享/结对；评价 85 分'."""
    bits = ["类型相符", _km(parts["distance_m"])]
    bits.append("已与该社区结对" if parts["paired"] else "尚未与该社区结对")
    left, want = parts["capacity_left"], parts["quantity"]
    bits.append(f"可提供 {left}（需要 {want}）" if left < want else f"可满足全部 {want}")
    bits.append(f"所有者现有 {parts['owner_load']} 项共享/结对")
    bits.append("无项目评价（按中等计）" if parts["rating"] is None else f"过往项目满意度 {parts['rating']:.0f} 分")
    return "；".join(bits)


def _community_name(s: Street, community_id: str) -> str:
    return str(s.communities[community_id]["name"])


def opportunities(
    graph: Graph, scope: Scope, *, street_id: str | None = None, community_id: str | None = None,
    top: int = 5, max_km: float = 5.0, unit_cap: int = 2,
) -> m.Opportunities:
    """Every open need with ranked, explained candidates; idle resources; unpartnered, overloaded, 三无 lists."""
    s = _read(graph, scope, street_id=street_id, community_id=community_id)
    needs = [n for n in s.needs if community_id is None or n.community_id == community_id]
    ranked = algo.rank_candidates(needs, s.resources, top=top, max_km=max_km)
    by_id = {n.id: n for n in needs}
    items = []
    for need_id, candidates in ranked.items():
        n, info = by_id[need_id], s.need_info[need_id]
        items.append(m.NeedOpportunity(
            need_id=n.id, community_id=n.community_id, community_name=_community_name(s, n.community_id),
            kind=n.kind, kind_zh=_kind_zh(n.kind), quantity=info["quantity"], open_quantity=n.quantity,
            urgency=n.urgency, description=info["description"] or f"{LACK_ZH.get(n.id.rsplit(':', 1)[-1], '')}（三无）",
            derived=info["derived"],
            candidates=[
                m.Candidate(
                    resource_id=c.resource_id, kind=n.kind, description=s.resource_info[c.resource_id]["description"],
                    owner_id=c.owner_id, owner_name=s.resource_info[c.resource_id]["owner_name"], score=c.score,
                    distance_m=c.parts["distance_m"], paired=c.parts["paired"], capacity_left=c.parts["capacity_left"],
                    owner_load=c.parts["owner_load"], rating=c.parts["rating"], contributions=c.parts["contributions"],
                    explanation=_explain_candidate(c.parts),
                )
                for c in candidates
            ],
        ))
    idle_ids = evaluation_algo.idle_resources(s.resource_info, [r for r, i in s.resource_info.items() if i["ever_shared"]])
    idle = [
        m.IdleResource(resource_id=r.id, kind=r.kind, capacity=s.resource_info[r.id]["capacity"], owner_id=r.owner_id,
                       owner_name=s.resource_info[r.id]["owner_name"], description=s.resource_info[r.id]["description"])
        for r in s.resources if r.id in set(idle_ids)
    ]
    alone = [
        m.CommunityWithoutPartner(community_name=_community_name(s, row["community_id"]), **row)
        for row in evaluation_algo.communities_without_partner(needs, s.ties.partnered)
    ]
    return m.Opportunities(
        items=items, count=len(items), idle_resources=idle, communities_without_partner=alone,
        overloaded_units=_overloaded(s, unit_cap),
        lacking_basics=[
            m.LackingBasics(community_id=c["id"], community_name=c["name"], lacks=lacks, lacks_zh=[LACK_ZH[f] for f in lacks])
            for c in s.communities.values()
            if (community_id is None or c["id"] == community_id)
            and (lacks := [f for f in algo.LACK_NEED_KIND if not c[f]])
        ],
        weights=algo.DEFAULT_RESOURCE_WEIGHTS,
    )


def _overloaded(s: Street, unit_cap: int) -> list[m.OverloadedUnit]:
    rows = evaluation_algo.overloaded_units(s.ties.unit_pairs, cap=unit_cap)
    names = _org_names(s)
    return [m.OverloadedUnit(org_id=r["unit_id"], org_name=names.get(r["unit_id"]), pairings=r["pairings"],
                             over_by=r["over_by"]) for r in rows]


def _org_names(s: Street) -> dict[str, str]:
    # Owners of resources name most organisations; pairing ends name the rest.
    names = {r["owner_id"]: r["owner_name"] for r in s.rows.resources}
    return names | s.ties.names


def _check_pairs(s: Street, request: m.AllocationRequest) -> None:
    """Locked and forbidden pairs name open needs and resources of the street; a locked pair matches kinds."""
    needs = {n.id: n for n in s.needs}
    kinds = {r.id: r.kind for r in s.resources}
    for name, pairs in (("locked", request.locked), ("forbidden", request.forbidden)):
        for k, p in enumerate(pairs):
            where = [{"field": f"{name}.{k}", "need_id": p.need_id, "resource_id": p.resource_id}]
            if p.need_id not in needs:
                raise NotFound(f"{name}：找不到未满足的需求 {p.need_id}（或不在该街道）", details=where)
            if p.resource_id not in kinds:
                raise NotFound(f"{name}：找不到资源 {p.resource_id}（或不在该街道）", details=where)
            if name == "locked" and kinds[p.resource_id] != needs[p.need_id].kind:
                raise Infeasible(f"锁定的需求 {p.need_id}（{_kind_zh(needs[p.need_id].kind)}）与资源 {p.resource_id}"
                                 f"（{_kind_zh(kinds[p.resource_id])}）类型不同", details=where)


@paused()
def allocate(graph: Graph, scope: Scope, request: m.AllocationRequest) -> m.AllocationResult:
    """The street's optimal capacity-constrained allocation of resources to needs, honouring locks and bans."""
    s = _read(graph, scope, street_id=request.street_id, community_id=None)
    _check_pairs(s, request)
    result = allocation_algo.allocate(
        s.needs, s.resources, distance_cost_per_km=request.distance_cost_per_km,
        locked=[(p.need_id, p.resource_id) for p in request.locked],
        forbidden=[(p.need_id, p.resource_id) for p in request.forbidden],
        max_km=request.max_km, k_nearest=request.k_nearest,
    )
    needs = {n.id: n for n in s.needs}
    owners = {r.id: r.owner_id for r in s.resources}
    flows = [
        m.AllocatedFlow(
            need_id=f.need_id, community_id=needs[f.need_id].community_id,
            community_name=_community_name(s, needs[f.need_id].community_id), kind=needs[f.need_id].kind,
            kind_zh=_kind_zh(needs[f.need_id].kind), resource_id=f.resource_id, owner_id=owners[f.resource_id],
            owner_name=s.resource_info[f.resource_id]["owner_name"], units=f.units, distance_m=f.distance_m,
            value=f.value, locked=f.locked,
            why=f"紧迫度 {views.urgency(needs[f.need_id].urgency)}，{_km(f.distance_m)}" + ("，已锁定" if f.locked else ""),
        )
        for f in result.flows
    ]
    unmet = [
        m.UnmetNeed(need_id=u.need_id, community_id=needs[u.need_id].community_id,
                    community_name=_community_name(s, needs[u.need_id].community_id), kind=needs[u.need_id].kind,
                    kind_zh=_kind_zh(needs[u.need_id].kind), units=u.units, reason=u.reason, reason_zh=UNMET_ZH[u.reason])
        for u in result.unmet
    ]
    return m.AllocationResult(
        objective=result.objective, met_units=result.met_units, needed_units=sum(n.quantity for n in s.needs),
        items=flows, count=len(flows), unmet=unmet, candidate_pairs=result.candidate_pairs, solver=SOLVER,
    )


def _candidate_pairs(
    cps: list[algo.CommunityProfile], ups: list[algo.UnitProfile], existing: list[tuple[int, int]], max_km: float
) -> np.ndarray:
    """(community index, unit index) of the pairs within `max_km`, and of every current pairing wherever it is."""
    grid = proj.nearby_grid(cps, ups, max_km=max_km)
    near = np.argwhere(grid)
    if not existing:
        return near
    current = np.array(existing, dtype=np.intp)
    return np.concatenate([near, current[~grid[current[:, 0], current[:, 1]]]])


def _explain_partner(parts: dict[str, Any], pairing_id: str | None) -> str:
    """'互补：党建联做、基础设施联建（仍缺：公益事业联办）；可直接提供：办公用房；0.8 公里；驻在本社区；…'."""
    bits = [f"现有结对 {pairing_id}"] if pairing_id else []
    if not parts:
        return "；".join(bits)
    zh = algo.THEME_LABELS
    themes = "、".join(zh[t] for t in parts["themes"]) or "无"
    missing = "、".join(zh[t] for t in parts["missing_themes"])
    bits.append(f"互补：{themes}" + (f"（仍缺：{missing}）" if missing else ""))
    if parts["kinds"]:
        bits.append("可直接提供：" + "、".join(_kind_zh(k) for k in parts["kinds"]))
    bits.append(_km(parts["distance_m"]))
    bits += [TIES_ZH[t] for t in parts["ties"]]
    bits.append("无项目评价（按中等计）" if parts["rating"] is None else f"过往项目满意度 {parts['rating']:.0f} 分")
    return "；".join(bits)


@paused()
def partners(
    graph: Graph, scope: Scope, *, street_id: str | None = None, community_id: str | None = None,
    unit_cap: int = 2, community_min: int = 3, community_max: int | None = None, max_km: float = 5.0,
    min_score: float = 0.6,
) -> m.PartnerSuggestions:
    """Which unit Party organisations each community branch should pair with (optimal, with caps), explained.

    Current pairings are kept and count toward the caps. A new pair is a candidate when the unit is
    within `max_km`; it is suggested when it scores above `min_score`, or below it only where a
    community would otherwise have fewer than `community_min` partners. `objective` is the total
    margin over `min_score` of the new pairs. For one community the street's plan is solved and
    that community's part returned, so units' other pairings still count.
    """
    return _partners(graph, scope, street_id=street_id, community_id=community_id, unit_cap=unit_cap,
                     community_min=community_min, community_max=community_max, max_km=max_km, min_score=min_score)[0]


def picture(graph: Graph, scope: Scope, *, street_id: str | None = None, **options: Any) -> str:
    """The partner picture (HTML): current pairings solid, suggested ones dashed, on the map."""
    suggestions, places = _partners(graph, scope, street_id=street_id, community_id=None, **options)
    return views.picture(suggestions, places, title="结对共建：社区与驻区单位")


def _partners(
    graph: Graph, scope: Scope, *, street_id: str | None, community_id: str | None, **options: Any
) -> tuple[m.PartnerSuggestions, dict[str, tuple[float, float]]]:
    rows = _fetch(graph, scope, street_id=street_id, community_id=community_id, partners=True)
    return suggest(project(rows), community_id=community_id, **options)


def suggest(
    s: Street, *, community_id: str | None = None, unit_cap: int = 2, community_min: int = 3,
    community_max: int | None = None, max_km: float = 5.0, min_score: float = 0.6,
) -> tuple[m.PartnerSuggestions, dict[str, tuple[float, float]]]:
    """Partner suggestions from a projected street (see `partners`), with each organisation's (lat, lon)."""
    branch_rows, unit_rows = s.rows.branches, s.rows.units
    cps = proj.community_profiles(branch_rows, s.communities, s.needs)
    ups = proj.unit_profiles(unit_rows, s.rows.resources, s.ratings)
    c_at, u_at = {c.id: i for i, c in enumerate(cps)}, {u.id: j for j, u in enumerate(ups)}
    existing = sorted((c_at[c], u_at[u]) for c, u in s.ties.unit_pairs if c in c_at and u in u_at)
    pairs = _candidate_pairs(cps, ups, existing, max_km)
    scored = partners_algo.partner_scores(cps, ups, pairs, max_km=max_km)
    # The solver adds every pair of positive worth: a pair is worth its margin over `min_score`, so one
    # below the bar is added only where a community needs it to reach `community_min`.
    result = partners_algo.suggest_partners_indexed(
        [c.id for c in cps], [u.id for u in ups], pairs, scored.scores - min_score, unit_cap=unit_cap,
        community_min=community_min, community_max=community_max, existing=existing,
    )
    branch = {r["id"]: r for r in branch_rows}
    unit = {r["id"]: r for r in unit_rows}
    items = []
    for p in result.pairs:
        c = branch[p.community_id]
        if community_id is not None and c["community_id"] != community_id:
            continue
        pairing_id = s.ties.ids.get(frozenset((p.community_id, p.unit_id))) if p.existing else None
        k = p.index
        assert k is not None  # every pair suggested or kept was scored
        parts = scored.parts(k)
        items.append(m.PartnerPair(
            community_org_id=p.community_id, community_org_name=c["name"], community_id=c["community_id"],
            community_name=_community_name(s, c["community_id"]), unit_org_id=p.unit_id,
            unit_org_name=unit[p.unit_id]["name"], unit_id=unit[p.unit_id]["unit_id"],
            unit_name=unit[p.unit_id]["unit_name"], existing=p.existing, pairing_id=pairing_id,
            score=float(scored.scores[k]),
            themes=parts.get("themes", []), missing_themes=parts.get("missing_themes", []),
            kinds=parts.get("kinds", []), distance_m=parts.get("distance_m"), ties=parts.get("ties", []),
            rating=parts.get("rating"), contributions=parts.get("contributions", {}),
            explanation=_explain_partner(parts, pairing_id),
        ))
    shortfall = [
        m.PartnerShortfall(community_org_id=org, community_id=branch[org]["community_id"],
                           community_name=_community_name(s, branch[org]["community_id"]), missing=k)
        for org, k in sorted(result.shortfall.items())
        if community_id is None or branch[org]["community_id"] == community_id
    ]
    places = {c.id: (c.lat, c.lon) for c in cps} | {u.id: (u.lat, u.lon) for u in ups}
    return m.PartnerSuggestions(
        items=items, count=len(items), suggested=sum(not i.existing for i in items), shortfall=shortfall,
        overloaded_units=_overloaded(s, unit_cap), objective=result.objective, unit_cap=unit_cap,
        community_min=community_min, community_max=community_max,
    ), places


def evaluation(
    graph: Graph, scope: Scope, *, street_id: str | None = None, year: int | None = None,
    warn_below: float = 70.0, fail_below: float = 60.0, top: int = 10,
) -> m.PairingScores:
    """Pairings ranked per year by their projects' outcome and residents' satisfaction (十佳共建对子), weak ones flagged."""
    rows = graph.read("records/projects", communities=scope.community_list, id=None, year=year, street_id=street_id)
    evals = evaluation_algo.evaluate_pairings(proj.projects(rows), warn_below=warn_below, fail_below=fail_below, top=top)
    pairing_rows = graph.read("records/pairings", communities=scope.community_list, id=None, kind=None, active=None,
                              community_id=None, street_id=street_id)
    names: dict[str, str] = {}
    ids: dict[frozenset[str], str] = {}
    # Ended pairings first, so that a current pairing of the same two organisations wins.
    for r in sorted(pairing_rows, key=lambda r: r["pairing"].get("ended_at") is None):
        names.update({r["pairing"]["org_a"]: r["name_a"], r["pairing"]["org_b"]: r["name_b"]})
        ids[frozenset((r["pairing"]["org_a"], r["pairing"]["org_b"]))] = r["pairing"]["id"]
    status_zh = {k: v.format(warn=warn_below, fail=fail_below) for k, v in STATUS_ZH.items()}
    items = [
        m.PairingScore(
            year=e.year, org_ids=list(e.org_ids), org_names=[names.get(o) for o in e.org_ids],
            pairing_id=ids.get(frozenset(e.org_ids)), projects=e.projects, mean_outcome=e.mean_outcome,
            mean_satisfaction=e.mean_satisfaction, score=e.score, status=e.status, status_zh=status_zh[e.status],
            rank=e.rank, top=e.top,
        )
        for e in evals
    ]
    return m.PairingScores(items=items, count=len(items), warn_below=warn_below, fail_below=fail_below)
