"""The county organisation department's page (城乡结对): the optimal and the stable plan side by side
with reasons; per-row lock / forbid, per-organisation drop and cap, global caps and distance range;
重新计算 shows the new plan and what changed; 采纳 records the pairing (services/pairing.accept).

The constraints live in the page's form (a GET query), so a plan is a link that can be shared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from graphsvc.errors import GraphsvcError, InvalidInput
from graphsvc.graph import Graph
from graphsvc.schemas import pairing as s
from graphsvc.scope import Scope
from graphsvc.services import pairing
from graphsvc.services.pages import chrome
from graphsvc.views.templating import Page

STATUS_ZH = {"existing": "现有", "locked": "锁定", "new": "新建议"}


@dataclass
class Row:
    """One pair of a plan as the page shows it."""

    p: s.PairSuggestion
    key: str  # "urban|rural": the value of its lock / forbid boxes
    themes: str
    in_other: bool  # the other plan has it too
    locked: bool
    forbidden: bool


def _pairs(values: Iterable[str], field: str) -> list[s.PairIn]:
    out = []
    for v in values:
        urban, sep, rural = v.partition("|")
        if not sep or not urban or not rural:
            raise InvalidInput(f"{field}：应为“城市党组织编号|村党组织编号”，收到 {v[:60]}", details=[{"field": field}])
        out.append(s.PairIn(urban_id=urban, rural_id=rural))
    return out


def _number(params: dict[str, list[str]], name: str, default: float, label: str, *, lo: float = 0, hi: float = 1000) -> float:
    raw = (params.get(name) or [""])[-1].strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = lo - 1
    if not lo <= value <= hi:
        raise InvalidInput(f"{label}应为 {lo:g}–{hi:g} 之间的数，收到 {raw[:20]}", details=[{"field": name}])
    return value


def request_of(params: dict[str, list[str]]) -> s.PlanRequest:
    """The plan request a page's form (query parameters) describes."""
    caps = {}
    for name, values in params.items():
        if name.startswith("cap.") and values and values[-1].strip():
            caps[name[4:]] = int(_number(params, name, 0, "结对上限", hi=100))
    lo = _number(params, "min_km", s.PREFERRED_KM[0], "适宜距离下限")
    hi = _number(params, "max_km", s.PREFERRED_KM[1], "适宜距离上限")
    if lo > hi:
        raise InvalidInput("适宜距离下限大于上限", details=[{"field": "min_km"}])
    return s.PlanRequest(
        urban_cap=int(_number(params, "urban_cap", 1, "每个城市党组织的结对上限", hi=100)),
        rural_cap=int(_number(params, "rural_cap", 1, "每个村的结对上限", hi=100)),
        cap_overrides=caps, locked=_pairs(params.get("lock", []), "锁定"),
        forbidden=_pairs(params.get("forbid", []), "禁止"), dropped=list(dict.fromkeys(params.get("drop", []))),
        preferred_km=(lo, hi),
    )


def query_of(req: s.PlanRequest) -> str:
    """A plan request as the page's query string (what `request_of` reads back)."""
    items: list[tuple[str, Any]] = [("urban_cap", req.urban_cap), ("rural_cap", req.rural_cap),
                                    ("min_km", req.preferred_km[0]), ("max_km", req.preferred_km[1])]
    items += [("lock", f"{p.urban_id}|{p.rural_id}") for p in req.locked]
    items += [("forbid", f"{p.urban_id}|{p.rural_id}") for p in req.forbidden]
    items += [("drop", d) for d in req.dropped]
    items += [(f"cap.{k}", v) for k, v in sorted(req.cap_overrides.items())]
    return urlencode(items)


def _rows(items: list[s.PairSuggestion], other: list[s.PairSuggestion], req: s.PlanRequest) -> list[Row]:
    theirs = {(p.urban_id, p.rural_id) for p in other}
    locked = {(p.urban_id, p.rural_id) for p in req.locked}
    forbidden = {(p.urban_id, p.rural_id) for p in req.forbidden}
    return [Row(p, f"{p.urban_id}|{p.rural_id}", "、".join(s.LINK_ZH.get(t, t) for t in p.themes),
                (p.urban_id, p.rural_id) in theirs, (p.urban_id, p.rural_id) in locked,
                (p.urban_id, p.rural_id) in forbidden) for p in items]


def _orgs(plan: s.UrbanRuralPlan, req: s.PlanRequest) -> list[dict[str, Any]]:
    """Every organisation the plans name, with its drop box and cap (its own, or the side's)."""
    seen: dict[str, dict[str, Any]] = {}
    for p in (*plan.existing, *plan.optimal, *plan.stable):
        seen.setdefault(p.urban_id, {"id": p.urban_id, "name": p.urban_name, "side": "城市", "default": req.urban_cap})
        seen.setdefault(p.rural_id, {"id": p.rural_id, "name": p.rural_name, "side": "农村", "default": req.rural_cap})
    for d in req.dropped:
        seen.setdefault(d, {"id": d, "name": d, "side": "", "default": ""})
    for o in seen.values():
        o["dropped"] = o["id"] in req.dropped
        o["cap"] = req.cap_overrides.get(o["id"], "")
    return sorted(seen.values(), key=lambda o: (o["side"] != "城市", o["name"]))


def plan_context(graph: Graph, scope: Scope, params: dict[str, list[str]]) -> dict[str, Any]:
    """The plan a form asks for; with `prev` (the form the page showed before), what changed."""
    try:
        req = request_of(params)
        plan = pairing.plan(graph, scope, req)
    except GraphsvcError as e:  # a constraint the plan cannot meet: say which, keep the form
        return {"error": e.message, "query": "", "can_write": scope.role in ("admin", "street", "community")}
    except ValueError:  # an id the ledger could not hold
        return {"error": "条件中有无效的编号", "query": "", "can_write": scope.role in ("admin", "street", "community")}
    ctx: dict[str, Any] = {
        "req": req, "plan": plan, "query": query_of(req), "orgs": _orgs(plan, req),
        "optimal": _rows(plan.optimal, plan.stable, req), "stable": _rows(plan.stable, plan.optimal, req),
        "can_write": scope.role in ("admin", "street", "community"), "changes": None,
    }
    prev = params["prev"][-1] if params.get("prev") else None
    if prev is not None and prev != ctx["query"]:
        before = pairing.plan(graph, scope, request_of(parse_qs(prev, keep_blank_values=True)))
        ctx["changes"] = {name: _diff(getattr(before, name), getattr(plan, name)) for name in ("optimal", "stable")}
        ctx["changes"]["objective"] = {
            name: round(getattr(plan.summary, name).objective - getattr(before.summary, name).objective, 3)
            for name in ("optimal", "stable")}
    return ctx


def _diff(before: list[s.PairSuggestion], after: list[s.PairSuggestion]) -> dict[str, list[str]]:
    b = {(p.urban_id, p.rural_id): p for p in before}
    a = {(p.urban_id, p.rural_id): p for p in after}
    return {"added": [f"{a[k].urban_name} — {a[k].rural_name}" for k in sorted(a.keys() - b.keys())],
            "removed": [f"{b[k].urban_name} — {b[k].rural_name}" for k in sorted(b.keys() - a.keys())]}


def page(graph: Graph, scope: Scope, params: dict[str, list[str]]) -> Page:
    """The county page with the plan its query asks for."""
    ctx = plan_context(graph, scope, params)
    ctx["chrome"] = chrome(graph, scope)
    return Page("county_pairing.html", "城乡结对", ctx)


def accept(graph: Graph, scope: Scope, urban_id: str, rural_id: str, themes: list[str]) -> dict[str, Any]:
    """采纳 a pair: record the pairing (with the suggested themes unless others are chosen)."""
    try:
        req = s.AcceptRequest.model_validate(
            {"urban_id": urban_id, "rural_id": rural_id, "themes": [t for t in themes if t in s.LINK_ZH]})
        rec = pairing.accept(graph, scope, req)
    except GraphsvcError as e:
        return {"ok": False, "message": e.message}
    return {"ok": True, "message": f"已采纳：城乡结对记录 {rec.id}（{'、'.join(s.LINK_ZH.get(t, t) for t in rec.themes)}）"}
