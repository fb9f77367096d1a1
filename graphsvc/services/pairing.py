"""Urban–rural pairing (城乡结对互帮互助): who should pair with whom, why, and what if.

Named queries -> projection (candidates, ties) -> algorithms.pairing (scores, the optimal and the
stable solution, blocking pairs, diff) -> API models with a Chinese explanation per pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from graphsvc.algorithms.pairing import (
    KIND_LINKS,
    LINKS,
    SKILL_KEYWORDS,
    UNIT_KIND_LINKS,
    Pair,
    PairingResult,
    Side,
    haversine_km,
    pair_score,
    pair_scores,
)
from graphsvc.algorithms.pairing_solvers import blocking_pairs, compare, diff, optimal_pairing, stable_pairing
from graphsvc.errors import Infeasible, InvalidInput, NotFound
from graphsvc.gcpause import paused
from graphsvc.graph import Graph
from graphsvc.projection.pairing import KIND, RURAL_KINDS, URBAN_KINDS, Candidates, Org, TieFacts, candidates
from graphsvc.schemas import pairing as s
from graphsvc.schemas.ledger import ResourceKind, UnitKind
from graphsvc.schemas.records import Pairing as PairingRecord
from graphsvc.scope import Scope, require
from graphsvc.services import pairing_caps, records
from graphsvc.views import pairing as views

BLOCKING_SHOWN = 50
THEMES_SUGGESTED = 3
PART_SHOWN = 0.01  # a link part below this explains nothing


@dataclass
class Scored:
    """A request's candidates, every candidate pair's score, and the solvers' constraint arguments."""

    request: s.PlanRequest
    cands: Candidates
    scores: dict[Pair, float]
    constraints: dict[str, Any]
    over_cap: list[s.OverCap]  # organisations whose kept pairs exceed a cap (kept, reported)

    def side(self, org_id: str) -> Side:
        org = self.cands.urban.get(org_id) or self.cands.rural[org_id]
        return org.side_for_scoring()


# --------------------------------------------------------------------------- loading and checking


def _load(graph: Graph, scope: Scope, req: s.PlanRequest, *, org_ids: list[str] | None = None) -> Candidates:
    common = {"communities": scope.community_list, "org_ids": org_ids}
    urban = {"kinds": URBAN_KINDS, "street_ids": req.urban_street_ids, "districts": req.urban_districts, **common}
    rural = {"kinds": RURAL_KINDS, "street_ids": req.rural_street_ids, "districts": req.rural_districts, **common}
    community_rows = graph.read("pairing/community_orgs", **urban)
    unit_rows = graph.read("pairing/unit_orgs", **urban)
    village_rows = graph.read("pairing/community_orgs", **rural)
    ids = [r["id"] for r in (*community_rows, *unit_rows, *village_rows)]
    rural_ids = [r["id"] for r in village_rows]
    return candidates(
        community_rows, unit_rows, village_rows,
        graph.read("pairing/pairings", org_ids=ids),
        graph.read("pairing/projects", org_ids=rural_ids),
        graph.read("pairing/member_places", org_ids=rural_ids),
    )


def _check(graph: Graph, loaded: Candidates, req: s.PlanRequest) -> None:
    """Unknown ids are NotFound; known ones that are not candidates here are InvalidInput, by field."""
    streets = {*(req.urban_street_ids or ()), *(req.rural_street_ids or ())}
    wanted = sorted({i for _, ids in _fields(req) for i, _ in ids} | streets)
    found = {r["id"]: r["labels"] for r in graph.read("read/ids_exist", ids=wanted)} if wanted else {}
    missing = [i for i in wanted if i not in found or (i in streets and "Street" not in found[i])]
    if missing:
        raise NotFound(f"找不到编号 {'、'.join(missing[:10])}", details=[{"id": i} for i in missing])
    gone = set(req.dropped)
    pools: dict[str, set[str]] = {"urban": set(loaded.urban), "rural": set(loaded.rural)}
    pools["any"] = pools["urban"] | pools["rural"]
    where = {"urban": "城市一方", "rural": "农村一方", "any": "候选"}
    details = []
    for field, ids in _fields(req):
        for ident, side in ids:
            if ident not in pools[side]:
                details.append({"field": field, "id": ident, "message": f"不是本次选择范围内的{where[side]}党组织"})
            elif ident in gone and field != "dropped":
                details.append({"field": field, "id": ident, "message": "已在 dropped 中排除"})
    existing = set(loaded.existing)
    details += [
        {"field": "released", "id": f"{p.urban_id}:{p.rural_id}", "message": "不是现有结对"}
        for p in req.released if (p.urban_id, p.rural_id) not in existing
    ]
    if details:
        raise InvalidInput("结对约束中有不属于候选范围的党组织或结对", details=details)


def _fields(req: s.PlanRequest) -> Iterable[tuple[str, list[tuple[str, str]]]]:
    for name in ("locked", "forbidden", "released"):
        pairs = getattr(req, name)
        yield name, [(p.urban_id, "urban") for p in pairs] + [(p.rural_id, "rural") for p in pairs]
    yield "must_pair", [(r, "rural") for r in req.must_pair]
    yield "cap_overrides", [(i, "any") for i in req.cap_overrides]
    yield "dropped", [(i, "any") for i in req.dropped]


def _pairs(items: Sequence[s.PairIn]) -> list[Pair]:
    return [(p.urban_id, p.rural_id) for p in items]


def _scored(loaded: Candidates, req: s.PlanRequest, scores: dict[Pair, float] | None = None) -> Scored:
    """Drop what the request drops and score the rest (or narrow `scores` already computed for more)."""
    cands = loaded.without(req.dropped)
    if scores is None:
        urban, rural = cands.sides()
        weights = {str(k): v for k, v in req.weights.items()}
        scores = pair_scores(urban, rural, ties=cands.ties(), preferred_km=req.preferred_km, weights=weights)
    elif req.dropped:
        gone = set(req.dropped)
        scores = {p: v for p, v in scores.items() if p[0] not in gone and p[1] not in gone}
    # Current pairs beyond a cap are kept and reported; the solvers see the cap raised to them.
    raised, over = pairing_caps.over_caps(cands, req)
    caps = {**req.cap_overrides, **raised}
    pairing_caps.must_pair_checked(cands, req, caps)
    constraints = {
        "urban_cap": req.urban_cap, "rural_cap": req.rural_cap, "cap_overrides": caps,
        "locked": _pairs(req.locked), "forbidden": _pairs(req.forbidden), "existing": list(cands.existing),
        "released": _pairs(req.released),
    }
    return Scored(req, cands, scores, constraints, over)


def scored(graph: Graph, scope: Scope, req: s.PlanRequest) -> Scored:
    """The candidates and scores a plan is solved on (tests check the solutions against these)."""
    loaded = _load(graph, scope, req)
    _check(graph, loaded, req)
    return _scored(loaded, req)


# --------------------------------------------------------------------------- explaining


def _zh_kind(kind: str) -> str:
    # Resource/need kinds first ('talent' is both a kind and a link); a link name is a kind too.
    return ResourceKind(kind).zh if kind in ResourceKind.__members__ else s.LINK_ZH[kind]


def _wants(org: Org, link: str) -> list[str]:
    return list(dict.fromkeys(_zh_kind(k) for k in org.needs if link in KIND_LINKS.get(k, ())))


def _gives(org: Org, link: str) -> list[str]:
    out = list(dict.fromkeys(_zh_kind(k) for k in org.offers if link in KIND_LINKS.get(k, ())))
    if org.unit_kind and link in UNIT_KIND_LINKS.get(org.unit_kind, ()):
        out.append(f"{UnitKind(org.unit_kind).zh}的优势")
    skills = [k for k in org.skills if any(w in k.lower() for w in SKILL_KEYWORDS[link])]
    if skills:
        out.append("党员技能" + "、".join(skills[:4]))
    return out


def _place(org: Org) -> str:
    return org.community_name if org.kind == "community" else org.name


def _reasons(u: Org, r: Org, parts: dict[str, float], km: float | None, facts: TieFacts | None,
            preferred_km: tuple[float, float]) -> list[str]:
    """Why this pair scores what it does, one sentence per part that matters (Chinese)."""
    out = []
    for link in sorted(LINKS, key=lambda k: -parts[k]):
        if parts[link] < PART_SHOWN:
            break
        bits = []
        if (wants := _wants(r, link)) and (gives := _gives(u, link)):
            bits.append(f"{r.community_name}需要{'、'.join(wants)}，{u.name}有{'、'.join(gives)}")
        if (wants := _wants(u, link)) and (gives := _gives(r, link)):
            bits.append(f"{_place(u)}需要{'、'.join(wants)}，{r.community_name}有{'、'.join(gives)}")
        out.append(f"{s.LINK_ZH[link]}（+{parts[link]:.2f}）" + ("：" + "；".join(bits) if bits else ""))
    lo, hi = preferred_km
    if km is None:
        out.append(f"距离不详，按适宜计（+{parts['distance']:.2f}）")
    else:
        fit = "在适宜范围内" if lo <= km <= hi else ("偏近" if km < lo else "偏远")
        out.append(f"相距约 {km:.1f} 公里，{fit}（适宜 {lo:g}–{hi:g} 公里，+{parts['distance']:.2f}）")
    if facts is not None:
        bits = []
        if facts.pairing_id:
            bits.append(f"现有结对（{facts.since or '日期不详'}起）")
        elif facts.paired_before:
            bits.append("曾经结对")
        if facts.projects:
            marks = "，".join(
                f"{zh} {v:.0f}" for zh, v in (("满意度", facts.mean("satisfaction")), ("成效", facts.mean("outcome")))
                if v is not None
            )
            bits.append(f"共同项目 {facts.projects} 个" + (f"（{marks}）" if marks else ""))
        if facts.members:
            where = "在该社区居住" if u.kind == "community" else "在该单位工作"
            bits.append(f"村里 {facts.members} 名党员{where}")
        if bits:
            out.append("已有联系：" + "，".join(bits) + f"（{parts['ties']:+.2f}）")
    if u.load or r.load:
        out.append(f"现有其他结对：城市一方 {u.load} 个，村 {r.load} 个（负担 +{parts['load']:.2f}）")
    return out


def _suggestion(sc: Scored, u_id: str, r_id: str, score: float) -> s.PairSuggestion:
    u, r = sc.cands.urban[u_id], sc.cands.rural[r_id]
    facts = sc.cands.facts.get((u_id, r_id))
    req = sc.request
    _, parts = pair_score(
        sc.side(u_id), sc.side(r_id), ties=facts.ties() if facts else None, preferred_km=req.preferred_km,
        weights={str(k): v for k, v in req.weights.items()},
    )
    km = None if u.lat is None or r.lat is None else haversine_km(u.lat, u.lon, r.lat, r.lon)  # type: ignore[arg-type]
    pairing_id = sc.cands.existing.get((u_id, r_id))
    # A released pair the solver keeps anyway is still the existing one: nothing to accept.
    status: Literal["existing", "locked", "new"] = (
        "existing" if pairing_id else "locked" if (u_id, r_id) in sc.constraints["locked"] else "new"
    )
    themes = [k for k in sorted(LINKS, key=lambda k: -parts[k]) if parts[k] >= PART_SHOWN][:THEMES_SUGGESTED]
    return s.PairSuggestion(
        urban_id=u_id, urban_name=u.name, urban_kind=cast(Literal["community", "unit"], u.kind), rural_id=r_id,
        rural_name=r.name, score=round(score, 6),
        parts=s.PairParts(**{k: round(v, 6) for k, v in parts.items()}), km=None if km is None else round(km, 3),
        status=status, pairing_id=pairing_id, themes=cast(list[s.Link], themes),
        reasons=_reasons(u, r, parts, km, facts, req.preferred_km),
    )


def _suggestions(sc: Scored, pairs: Iterable[tuple[str, str, float]]) -> list[s.PairSuggestion]:
    return [_suggestion(sc, u, r, score) for u, r, score in pairs]


# --------------------------------------------------------------------------- solving


def _solve(sc: Scored) -> tuple[PairingResult, PairingResult]:
    try:
        optimal = optimal_pairing(sc.scores, must_pair=sc.request.must_pair, **sc.constraints)
        stable = stable_pairing(sc.scores, **sc.constraints)
    except Infeasible as e:
        raise pairing_caps.zh_infeasible(e, sc.cands) from e
    return optimal, stable


def _summary(sc: Scored, sol: PairingResult, items: list[s.PairSuggestion]) -> s.PairingSummary:
    blocking = blocking_pairs(sol.pairs, sc.scores, **sc.constraints)
    paired = {r for _, r, _ in sol.pairs}
    return s.PairingSummary(
        method=sol.method, objective=round(sol.objective, 6), count=len(sol.pairs),
        new=sum(1 for i in items if i.status == "new"), unpaired=sol.unpaired,
        unmet_must_pair=sorted(r for r in set(sc.request.must_pair) if r not in paired),
        blocking_count=len(blocking),
        blocking_pairs=[s.PairRef(urban_id=u, rural_id=r) for u, r in blocking[:BLOCKING_SHOWN]],
    )


def _refs(rows: Iterable[tuple[str, str, float]]) -> list[s.PairRef]:
    return [s.PairRef(urban_id=u, rural_id=r) for u, r, _ in rows]


def _plan(sc: Scored) -> tuple[s.UrbanRuralPlan, PairingResult, PairingResult]:
    optimal, stable = _solve(sc)
    opt_items, st_items = _suggestions(sc, optimal.pairs), _suggestions(sc, stable.pairs)
    d = compare(optimal, stable)
    gap = optimal.objective - stable.objective
    share = gap / optimal.objective if optimal.objective > 0 else 0.0
    plan = s.UrbanRuralPlan(
        urban_count=len(sc.cands.urban), rural_count=len(sc.cands.rural), candidate_pairs=len(sc.scores),
        existing=_suggestions(sc, sorted((u, r, sc.scores[(u, r)]) for u, r in sc.cands.existing)),
        optimal=opt_items, stable=st_items,
        summary=s.PairingSummaries(optimal=_summary(sc, optimal, opt_items), stable=_summary(sc, stable, st_items)),
        difference=s.PairingDifference(
            same=len(d.kept), only_optimal=_refs(d.removed), only_stable=_refs(d.added),
            objective_gap=round(gap, 6), objective_gap_share=round(share, 6),
            villages_changed=d.villages_changed,
        ),
        over_cap=sc.over_cap,
    )
    return plan, optimal, stable


@paused()
def plan(graph: Graph, scope: Scope, req: s.PlanRequest) -> s.UrbanRuralPlan:
    """The optimal and the stable urban–rural pairing side by side, each pair explained."""
    return _plan(scored(graph, scope, req))[0]


def apply_change(req: s.WhatIfRequest) -> s.PlanRequest:
    """The base request with the change applied: caps replaced, overrides merged, lists extended."""
    c = req.change
    data = req.model_dump(exclude={"change"})
    data["urban_cap"] = data["urban_cap"] if c.urban_cap is None else c.urban_cap
    data["rural_cap"] = data["rural_cap"] if c.rural_cap is None else c.rural_cap
    data["cap_overrides"] = {**req.cap_overrides, **c.cap_overrides}
    for name in ("must_pair", "locked", "forbidden", "released", "dropped"):
        data[name] = data[name] + c.model_dump()[name]
    return s.PlanRequest(**data)


def _changes(before: PairingResult, after: PairingResult, b_items: list[s.PairSuggestion],
             a_items: list[s.PairSuggestion]) -> s.PairingChanges:
    d = diff(before, after)
    added, removed = {(u, r) for u, r, _ in d.added}, {(u, r) for u, r, _ in d.removed}
    return s.PairingChanges(
        added=[i for i in a_items if (i.urban_id, i.rural_id) in added],
        removed=[i for i in b_items if (i.urban_id, i.rural_id) in removed],
        kept=len(d.kept), objective_delta=round(d.objective_delta, 6), villages_changed=d.villages_changed,
    )


def what_if(graph: Graph, scope: Scope, req: s.WhatIfRequest) -> s.WhatIf:
    """Solve the base request and the changed one on the same scores; say what changed in each solution."""
    after_req = apply_change(req)
    base = s.PlanRequest(**req.model_dump(exclude={"change"}))
    loaded = _load(graph, scope, base)
    _check(graph, loaded, base)
    _check(graph, loaded, after_req)
    before_sc = _scored(loaded, base)
    after_sc = _scored(loaded, after_req, before_sc.scores)
    before, b_opt, b_st = _plan(before_sc)
    after, a_opt, a_st = _plan(after_sc)
    return s.WhatIf(
        before=before, after=after,
        optimal=_changes(b_opt, a_opt, before.optimal, after.optimal),
        stable=_changes(b_st, a_st, before.stable, after.stable),
    )


# --------------------------------------------------------------------------- accepting, pictures


def accept(graph: Graph, scope: Scope, req: s.AcceptRequest) -> PairingRecord:
    """Record an accepted suggestion as PAIRED_WITH {kind: 'urban_rural'} with the agreed themes."""
    require(scope, "admin", "street", "community")
    base = s.PlanRequest()
    loaded = _load(graph, scope, base, org_ids=[req.urban_id, req.rural_id])
    for field, ident, pool in (("urban_id", req.urban_id, loaded.urban), ("rural_id", req.rural_id, loaded.rural)):
        if ident not in pool:
            if not graph.read("read/ids_exist", ids=[ident]):
                raise NotFound(f"找不到党组织 {ident}", details=[{"field": field, "id": ident}])
            side = "城市社区或驻区单位" if field == "urban_id" else "村（安置社区）"
            raise InvalidInput(f"{ident} 不是可结对的{side}党组织", details=[{"field": field, "id": ident}])
    sc = _scored(loaded, base)
    suggestion = _suggestion(sc, req.urban_id, req.rural_id, sc.scores[(req.urban_id, req.rural_id)])
    # create_pairing audits the write ("pairing.create", source "suggestion") in the same transaction.
    return records.create_pairing(
        graph, scope, req.urban_id, req.rural_id, KIND, req.themes or suggestion.themes, "suggestion"
    )


def picture(graph: Graph, scope: Scope, req: s.PlanRequest, kind: Literal["network", "map"]) -> str:
    """The pairing network, or pairing lines between city and countryside on the map (HTML)."""
    sc = scored(graph, scope, req)
    result = _plan(sc)[0]
    places = {
        o.id: views.Place(o.id, o.name, o.kind, o.lat, o.lon, f"{o.name}\n{o.street_name} {o.community_name}")
        for o in (*sc.cands.urban.values(), *sc.cands.rural.values())
    }
    return views.network(result, places) if kind == "network" else views.geo_map(result, places)
