"""The street committee's page (共建匹配): partner suggestions with 结对, needs with ranked candidates,
一键分配 with 采纳 per row, the records with 结束, projects and the yearly 十佳 ranking.

Reads go through services/matching.py, writes through services/records.py (which checks the key's
role and scope and audits): an analyst's key gets no write buttons, and a write it sends anyway is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from graphsvc.errors import GraphsvcError, InvalidInput
from graphsvc.graph import Graph
from graphsvc.schemas import matching as m
from graphsvc.schemas.ledger import Theme
from graphsvc.scope import Scope
from graphsvc.services import matching, records
from graphsvc.services.pages import chrome, where
from graphsvc.views.matching import urgency
from graphsvc.views.paging import paginate
from graphsvc.views.templating import Page

ROUTE = "/pages/matching"
TABS = (("partners", "结对建议"), ("needs", "需求与资源"), ("allocate", "一键分配"), ("records", "结对与共享记录"),
        ("projects", "共建项目与十佳"))
RECORD_KINDS = (("pairings", "结对"), ("sharings", "资源共享"), ("projects", "共建项目"))
FIVE = ("party_work", "infrastructure", "culture", "welfare", "security")  # 五联共建
THEME_ZH = {t.value: t.zh for t in Theme}
STATUS_ZH = {"planned": "计划", "ongoing": "进行中", "done": "已完成", "cancelled": "已取消"}


def km(metres: float | None) -> str:
    """'1.2 公里'."""
    return "—" if metres is None else f"{metres / 1000:.1f} 公里"


@dataclass
class Area:
    street_id: str | None
    community_id: str | None

    @property
    def query(self) -> dict[str, Any]:
        return {"street_id": self.street_id, "community_id": self.community_id}


def page(graph: Graph, scope: Scope, area: Area, tab: str, **options: Any) -> Page:
    """The page with one tab open."""
    tab = tab if tab in dict(TABS) else TABS[0][0]
    ch = chrome(graph, scope, area.street_id, area.community_id)
    context = {"where": where(graph, scope, area.street_id, area.community_id), "tabs": TABS, "tab": tab,
               "area": area, "chrome": ch, "body": tab_context(graph, scope, area, tab, **options)}
    return Page("street_matching.html", "共建匹配", context)


def tab_context(graph: Graph, scope: Scope, area: Area, tab: str, *, page_no: int = 1, everything: bool = False,
                kind: str = "pairings", year: int | None = None, run: bool = False) -> dict[str, Any]:
    """What one tab shows (also what the tab's fragment answers when paged); the allocation runs on `run`."""
    builders: dict[str, Callable[..., dict[str, Any]]] = {
        "partners": _partners, "needs": _needs, "allocate": _allocation, "records": _records, "projects": _projects,
    }
    if tab == "allocate" and not run:
        ctx: dict[str, Any] = {"all_rows": []}
    else:
        ctx = builders.get(tab, _partners)(graph, scope, area, kind=kind, year=year)
    ctx.update(tab=tab, area=area, can_write=scope.role in ("admin", "street", "community"))
    rows = ctx.pop("all_rows")
    query = {**area.query, "kind": kind if tab == "records" else None, "year": year, "run": 1 if run else None}
    ctx["p"] = paginate(rows, page_no, everything, path=f"{ROUTE}/tabs/{tab}", target="tab", query=query)
    return ctx


def _partners(graph: Graph, scope: Scope, area: Area, **_: Any) -> dict[str, Any]:
    s = matching.partners(graph, scope, street_id=area.street_id, community_id=area.community_id)
    new = [p for p in s.items if not p.existing]
    new.sort(key=lambda p: -(p.score or 0))
    rows = [{"pair": p, "km": km(p.distance_m), "themes": [(t, THEME_ZH[t], t in p.themes) for t in FIVE]} for p in new]
    return {"all_rows": rows, "kept": s.count - s.suggested, "shortfall": s.shortfall}


def _needs(graph: Graph, scope: Scope, area: Area, **_: Any) -> dict[str, Any]:
    o = matching.opportunities(graph, scope, street_id=area.street_id, community_id=area.community_id, top=3)
    items = sorted(o.items, key=lambda n: (-n.urgency, n.community_name, n.need_id))
    rows = [{"need": n, "urgency": urgency(n.urgency),
             "candidates": [(c.owner_name or c.owner_id, km(c.distance_m), f"{c.score:.2f}", c.explanation)
                            for c in n.candidates]} for n in items]
    return {"all_rows": rows, "idle": len(o.idle_resources), "lacking": o.lacking_basics}


def _allocation(graph: Graph, scope: Scope, area: Area, **_: Any) -> dict[str, Any]:
    street_id = area.street_id or _street_of(graph, scope, area)
    result = matching.allocate(graph, scope, m.AllocationRequest(street_id=street_id))
    flows = [f for f in result.items if area.community_id in (None, f.community_id)]
    rows = [{"flow": f, "km": km(f.distance_m), "need_id": None if ":" in f.need_id else f.need_id} for f in flows]
    return {"all_rows": rows, "result": result, "unmet": result.unmet}


def _street_of(graph: Graph, scope: Scope, area: Area) -> str | None:
    ch = chrome(graph, scope, area.street_id, area.community_id)
    return ch.street_id


def _records(graph: Graph, scope: Scope, area: Area, *, kind: str = "pairings", **_: Any) -> dict[str, Any]:
    names = _community_names(graph, scope)
    rows: list[dict[str, Any]]
    head: tuple[str, ...]
    if kind == "sharings":
        sh = records.sharings(graph, scope, street_id=area.street_id, community_id=area.community_id)
        rows = [{"id": x.id or f"{x.resource_id}@{x.community_id}", "cells": (
            x.resource_id, names.get(x.community_id, x.community_id), "全部" if x.units is None else x.units,
            x.since or "—", _source(x.source))} for x in sh.items]
        head = ("资源", "共享给社区", "数量", "起始日期", "来源")
    elif kind == "projects":
        pj = records.projects(graph, scope, street_id=area.street_id)
        rows = [{"id": x.id, "ended": x.ended_at is not None or x.status in ("done", "cancelled"), "cells": (
            x.name, THEME_ZH.get(x.theme, x.theme), x.year, STATUS_ZH.get(x.status, x.status),
            "—" if x.outcome is None else f"{x.outcome:.0f}", "—" if x.satisfaction is None else f"{x.satisfaction:.0f}%")}
            for x in pj.items]
        head = ("项目", "主题", "年度", "状态", "成效", "群众满意度")
    else:
        kind = "pairings"
        pr = records.pairings(graph, scope, kind="co_construction", street_id=area.street_id,
                              community_id=area.community_id)
        rows = [{"id": x.id, "cells": (x.name_a or x.org_a, x.name_b or x.org_b,
                                       "、".join(THEME_ZH.get(t, t) for t in x.themes) or "—", x.since or "—",
                                       _source(x.source))} for x in pr.items]
        head = ("社区党组织", "驻区单位党组织", "共建主题", "结对日期", "来源")
    return {"all_rows": rows, "kind": kind, "kinds": RECORD_KINDS, "head": head}


def _source(source: str) -> str:
    return {"ledger": "台账导入", "api": "手工录入", "suggestion": "采纳建议", "cli": "命令行"}.get(source, source)


def _community_names(graph: Graph, scope: Scope) -> dict[str, str]:
    return {c["id"]: c["name"] for st in chrome(graph, scope).streets for c in st["communities"]}


def _projects(graph: Graph, scope: Scope, area: Area, *, year: int | None = None, **_: Any) -> dict[str, Any]:
    done = {x.year for x in records.projects(graph, scope, street_id=area.street_id).items if x.status == "done"}
    year = year or max(done, default=date.today().year)  # the latest year with results to rank
    ranking = matching.evaluation(graph, scope, street_id=area.street_id, year=year)
    pairings = records.pairings(graph, scope, kind="co_construction", street_id=area.street_id,
                                community_id=area.community_id).items
    years = sorted({year, date.today().year, *done}, reverse=True)
    rows = [{"score": x, "names": " — ".join(n or o for n, o in zip(x.org_names, x.org_ids))} for x in ranking.items]
    return {"all_rows": rows, "year": year, "years": years, "pairings": pairings, "this_year": date.today().year,
            "themes": [(t, THEME_ZH[t]) for t in FIVE], "ranking": ranking}


# --- writes: each answers a message for the row it came from ----------------------------------------


def percent(text: str, label: str) -> float | None:
    """A 0–100 form field ('' = not given); InvalidInput names the field in Chinese."""
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise InvalidInput(f"{label}应为 0–100 之间的数", details=[{"field": label}])
    return value


def act(write: Callable[[], Any], done: Callable[[Any], str]) -> dict[str, Any]:
    """Run one write through the records service; the row says what was written, or why not."""
    try:
        return {"ok": True, "message": done(write())}
    except GraphsvcError as e:
        return {"ok": False, "message": e.message}


def accept_flow(graph: Graph, scope: Scope, *, resource_id: str, community_id: str, units: int,
                need_id: str | None) -> dict[str, Any]:
    """采纳 one row of the allocation: a sharing record of `units` of the resource for the community."""
    return act(lambda: records.create_sharing(graph, scope, resource_id, community_id, source="suggestion", units=units,
                                              need_id=need_id),
               lambda x: f"已采纳：资源共享记录 {x.id}（{x.units} 份）")


def pair(graph: Graph, scope: Scope, *, org_a: str, org_b: str, themes: list[str]) -> dict[str, Any]:
    """结对 a suggested partner with the chosen themes (five joint works)."""
    if not themes:
        return {"ok": False, "message": "请至少选择一项共建主题"}
    return act(lambda: records.create_pairing(graph, scope, org_a, org_b, "co_construction", themes, "suggestion"),
               lambda x: f"已结对：{x.id}（{'、'.join(THEME_ZH.get(t, t) for t in x.themes)}）")


def end(graph: Graph, scope: Scope, kind: str, record_id: str, *, outcome: str = "", satisfaction: str = "") -> dict[str, Any]:
    """结束 a pairing, a sharing or a project (a project closes as done, with its outcome and satisfaction)."""
    if kind == "pairings":
        return act(lambda: records.end_pairing(graph, scope, record_id, source="api"), lambda x: f"结对 {x.id} 已结束")
    if kind == "sharings":
        return act(lambda: records.end_sharing(graph, scope, record_id, source="api"), lambda x: f"资源共享 {record_id} 已结束")
    return act(lambda: records.end_project(graph, scope, record_id, status="done", outcome=percent(outcome, "成效"),
                                           satisfaction=percent(satisfaction, "群众满意度"), source="api"),
               lambda x: f"项目 {x.name} 已结束")


def add_project(graph: Graph, scope: Scope, *, pairing_id: str, name: str, theme: str, year: int,
                outcome_text: str = "", satisfaction_text: str = "") -> dict[str, Any]:
    """A project under a pairing; with an outcome or satisfaction it is recorded as done (what 十佳 ranks)."""
    def write() -> Any:
        outcome, satisfaction = percent(outcome_text, "成效"), percent(satisfaction_text, "群众满意度")  # before writing
        p = records.create_project(graph, scope, pairing_id, name=name, theme=theme, year=year, status="ongoing",
                                   source="api")
        if outcome is not None or satisfaction is not None:
            p = records.end_project(graph, scope, p.id, status="done", outcome=outcome, satisfaction=satisfaction,
                                    source="api")
        return p
    return act(write, lambda x: f"已添加项目 {x.name}（{x.id}，{STATUS_ZH.get(x.status, x.status)}）")
