"""What each page shows, as view-models for its template (graphsvc/templates/<page>.html).

Each page is a function of the models the services return, giving a `Page` whose table rows are
cells (text, numbers, `Link`, `Why`, `Many`); the template escapes everything. Names reach the
page already masked for analysts (the services mask), and member names are masked again here
when `masked` (张*), so no page shows a person's full name, phone or ID number to an analyst.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphsvc.schemas import api
from graphsvc.schemas.coverage import CoverageSummary
from graphsvc.schemas.ledger import (
    BuildingKind,
    CommunityKind,
    MemberCategory,
    OrgDomain,
    OrgLevel,
    ResourceKind,
    ServiceKind,
    Theme,
    UnitKind,
)
from graphsvc.schemas.matching import Opportunities, PartnerSuggestions
from graphsvc.schemas.network import NetworkOverview, TieKind
from graphsvc.schemas.pairing import PairSuggestion, UrbanRuralPlan
from graphsvc.views.templating import Link, Many, Num, Page, Why, pct, q

# Every picture, by its route, with what it shows.
PICTURES = (
    ("/pictures/network/tree", "党组织架构图", "上下级隶属，从街道党工委到党小组"),
    ("/pictures/network", "党组织关系网络", "上下级、结对、资源共享、党员报到、兼职委员，按群组着色"),
    ("/pictures/network/pairings", "结对关系图", "现有结对共建与城乡结对"),
    ("/pictures/matching", "共建匹配图", "驻区单位与社区：现有结对与建议结对"),
    ("/pairing/urban-rural/network", "城乡结对网络图", "现有结对与两种方案的建议"),
    ("/pairing/urban-rural/map", "城乡结对地图", "城乡结对在地图上的连线"),
)
_TIE_ZH = {k.value: k.zh for k in TieKind}
COVERAGE_PICTURE = "/pictures/coverage"  # issue 3's; it draws one community
# Gap rules whose entities are people: their names are masked for analysts.
PERSON_RULES = frozenset({"member_overloaded", "mobile_unregistered", "employed_unregistered"})

_ZH: dict[str, str] = {
    **{x.value: x.zh for x in OrgLevel}, **{x.value: x.zh for x in OrgDomain}, **{x.value: x.zh for x in ServiceKind},
    **{x.value: x.zh for x in MemberCategory}, **{x.value: x.zh for x in ResourceKind}, **{x.value: x.zh for x in Theme},
    "joint_branch": "并入联合党支部", "own_branch": "单独建支部",
}
# Values whose word depends on the field ('office' is 办公用房 as a basic a community lacks, 商务楼宇 as a building).
_FIELD_ZH: dict[str, dict[str, str]] = {
    "building_kind": {x.value: x.zh for x in BuildingKind},
    "unit_kind": {x.value: x.zh for x in UnitKind},
    "lacks": {"office": "办公用房", "funds": "经费", "land": "场地"},
}
# Labels of the detail fields gap lists carry; coordinates and ids are left out.
_DETAIL = {
    "households": "住户", "resident_members": "居住党员", "links": "联系户数", "category": "类别", "org_name": "组织关系所在",
    "building_name": "楼栋", "size": "人口", "working_members": "在此工作的党员", "in_joint_branch": "已在联合支部",
    "needs": "应当", "missing": "缺少站点", "reach_m": "步行范围（米）", "lacks": "缺少", "three_nos": "三无",
    "unit_kind": "单位类型", "building_kind": "楼栋类型", "members": "党员",
}


def _short(rule_zh: str) -> str:
    """'党员联户：没有党员联系的住户' -> '党员联户'."""
    return rule_zh.split("：")[0]


def _zh(v: Any, words: Mapping[str, str] = _ZH) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (list, tuple)):
        return "、".join(_zh(x, words) for x in v)
    return words.get(v, _ZH.get(v, v)) if isinstance(v, str) else str(v)


def _detail(detail: Mapping[str, Any]) -> str:
    return "；".join(
        f"{_DETAIL[k]}：{_zh(v, _FIELD_ZH.get(k, _ZH))}" for k, v in detail.items() if k in _DETAIL and v not in (None, "")
    )


# --- home -----------------------------------------------------------------------------------------

HOME_CARDS = (
    ("/pages/gaps", "覆盖缺口", "十条规则逐条列出未覆盖的楼栋、住户、党员、单位，并给出建议"),
    ("/pages/matching", "共建匹配", "社区需求与驻区单位资源的匹配建议，附理由"),
    ("/pages/pairing", "城乡结对", "城市党组织与村党支部的结对方案，附理由"),
    ("/pages/network", "网络分析", "关键组织、薄弱环节、群组与孤立支部"),
    ("/pages/pictures", "关系图", "架构图、关系网络、结对图、覆盖图"),
)


def home(streets: api.Streets, communities: api.CommunitySummaries) -> Page:
    """The home page: where to go, streets with their overview, communities with counts."""
    kinds = {k.value: k.zh for k in CommunityKind}
    street_rows = [
        (Link(f"/pages/streets/{s.id}", s.name), s.district or "", s.communities,
         Link(q("/pictures/network/tree", street_id=s.id), "架构图"), Link(q("/pages/gaps", street_id=s.id), "缺口"))
        for s in streets.items
    ]
    rows = [
        (c.street_name or c.street_id, Link(q("/pages/gaps", community_id=c.id), c.name), kinds.get(c.kind, c.kind),
         c.resident_groups, c.buildings, c.households, c.resident_members, c.orgs, c.units,
         Link(q("/pictures/network/tree", community_id=c.id), "架构图"))
        for c in communities.items
    ]
    return Page("home.html", "共建图谱", {
        "empty": not streets.items, "cards": HOME_CARDS, "streets": streets, "communities": communities,
        "street_rows": street_rows, "rows": rows,
    })


def login(error: str | None = None) -> Page:
    """The login form: paste the token printed by `graphsvc keys create` (or by `graphsvc demo`); 401 after a bad one."""
    return Page("login.html", "登录", {"error": error}, status=401 if error else 200)


# --- street overview ------------------------------------------------------------------------------


def street(street_id: str, name: str, communities: api.CommunitySummaries, summary: CoverageSummary) -> Page:
    """A street: coverage ratio of every rule, then every community's counts, linked-household ratio and gaps."""
    rules = [
        (Link(q("/pages/gaps", street_id=street_id, rule=r.rule.value), _short(r.zh)), r.zh.split("：")[-1],
         r.population, r.total, r.gaps, pct(r.ratio))
        for r in summary.items
    ]
    gaps = {c.community_id: c for c in summary.communities}
    names = {r.rule.value: _short(r.zh) for r in summary.items}
    rows = []
    for c in communities.items:
        g = gaps.get(c.id)
        found = g.gaps if g else {}
        linked = 1 - found.get("household_unlinked", 0) / c.households if c.households else None
        where = "、".join(f"{names.get(k, k)} {n}" for k, n in sorted(found.items(), key=lambda kv: -kv[1]) if n)
        rows.append((
            Link(q("/pages/gaps", community_id=c.id), c.name), c.resident_groups, c.buildings, c.households,
            c.resident_members, c.orgs, c.units, pct(linked), g.total if g else 0, Why(where),
            Many((Link(q("/pictures/network/tree", community_id=c.id), "架构图"),
                  Link(q("/pictures/network", community_id=c.id), "关系网络"),
                  Link(q(COVERAGE_PICTURE, community_id=c.id), "覆盖图"))),
        ))
    links = (
        Link(q("/pictures/network/tree", street_id=street_id), "党组织架构图"),
        Link(q("/pictures/network", street_id=street_id), "党组织关系网络"),
        Link(q("/pages/network", street_id=street_id), "网络分析"),
        Link(q("/pages/matching", street_id=street_id), "共建匹配"),
    )
    return Page("street.html", f"{name} · 街道概览", {"links": links, "rules": rules, "rows": rows})


# --- matching -------------------------------------------------------------------------------------


def matching(opportunities: Opportunities, partners: PartnerSuggestions, *, where: str) -> Page:
    """Needs with their best resources, and the unit organisations each community should pair with, explained."""
    needs = [
        (n.community_name, n.kind_zh + ("（三无）" if n.derived else ""), n.description or "", n.open_quantity, n.urgency,
         Many(tuple(
             Many((f"{c.owner_name or c.owner_id}：{c.description or _zh(c.kind)}（得分 {c.score:.2f}）", Why(c.explanation)),
                  lines=True)
             for c in n.candidates
         ), lines=True) if n.candidates else Why("附近没有可用资源"))
        for n in opportunities.items
    ]
    suggested = [p for p in partners.items if not p.existing]
    pairs = [
        (p.community_name, p.community_org_name or p.community_org_id, p.unit_name or p.unit_id,
         Num(f"{p.score:.2f}") if p.score is not None else "", "、".join(_zh(t) for t in p.themes), Why(p.explanation))
        for p in suggested
    ]
    short = [(s.community_name, s.missing) for s in partners.shortfall]
    idle = [(r.owner_name or r.owner_id, _zh(r.kind), r.description or "", r.capacity) for r in opportunities.idle_resources]
    return Page("matching.html", "共建匹配", {
        "where": where, "count": opportunities.count, "suggested": len(suggested),
        "needs": needs, "pairs": pairs, "short": short, "idle": idle,
    })


# --- urban-rural pairing --------------------------------------------------------------------------


def pairing(plan: UrbanRuralPlan) -> Page:
    """The optimal and the stable urban–rural pairing side by side, every pair with its reasons."""
    status = {"existing": "现有", "locked": "锁定", "new": "新建议"}

    def rows(items: Iterable[PairSuggestion]) -> list[tuple[Any, ...]]:
        return [
            (p.urban_name, p.rural_name, status.get(p.status, p.status), Num(f"{p.score:.2f}"),
             "" if p.km is None else Num(f"{p.km:.1f}"), "、".join(_zh(t) for t in p.themes),
             Many(tuple(Why(x) for x in p.reasons), lines=True))
            for p in items
        ]

    s = plan.summary
    plans = [(zh, x.count, x.new, Num(f"{x.objective:.2f}"), len(x.unpaired), x.blocking_count)
             for zh, x in (("最优方案（总得分最高）", s.optimal), ("稳定方案（没有双方都更愿意的对子）", s.stable))]
    return Page("pairing.html", "城乡结对建议", {
        "plan": plan, "plans": plans, "d": plan.difference, "optimal": rows(plan.optimal), "stable": rows(plan.stable),
        "head": ("城市党组织", "村党组织", "状态", "得分", "距离（公里）", "建议主题", "理由"),
    })


# --- network analytics ----------------------------------------------------------------------------


def network(overview: NetworkOverview, *, where: str, params: Mapping[str, Any]) -> Page:
    """The analyst's page: counts, brokers, single points of failure, clusters, isolated organisations."""
    c = overview.counts
    brokers = [
        (b.rank, Link(q(f"/pictures/network/ego/{b.id}", radius=1), b.name or b.id), b.community_name or "", Num(f"{b.score:.3f}"))
        for b in overview.brokers.items
    ]
    cut = [(Link(q(f"/pictures/network/ego/{p.id}", radius=1), p.name or p.id), p.id) for p in overview.fragile.articulation_points]
    bridges = [(b.source.name or b.source.id, b.target.name or b.target.id, "、".join(_TIE_ZH.get(k, k) for k in b.kinds))
               for b in overview.fragile.bridges[:50]]
    clusters = [
        (f"群组 {k.id + 1}", k.size, "、".join(m.name or m.id for m in k.members[:8]) + ("……" if k.size > 8 else ""))
        for k in overview.clusters.items
    ]
    return Page("network.html", "党组织网络分析", {
        "where": where, "c": c, "kinds": "、".join(f"{_TIE_ZH.get(k, k)} {n}" for k, n in c.ties_by_kind.items()),
        "pics": [Link(q(href, **params), zh) for href, zh, _ in PICTURES[:3]],
        "metrics": Link(q("/network/metrics", **params), "全部指标（JSON）"),
        "cut_count": len(overview.fragile.articulation_points), "bridge_count": len(overview.fragile.bridges),
        "modularity": "" if overview.clusters.modularity is None else f"，模块度 {overview.clusters.modularity:.2f}",
        "brokers": brokers, "clusters": clusters, "cut": cut, "bridges": bridges,
        "lonely": [(o.name or o.id, o.id) for o in overview.isolated.items],
    })


def pictures(communities: api.CommunitySummaries) -> Page:
    """Every picture, with what it shows; the coverage picture is drawn per community."""
    rows: list[tuple[Any, Any]] = [(Link(href, zh), what) for href, zh, what in PICTURES]
    per = tuple(Link(q(COVERAGE_PICTURE, community_id=c.id), c.name) for c in communities.items)
    rows.append(("覆盖缺口图", Many(("楼栋、住户与党组织的覆盖情况，按社区：", *per))))
    return Page("pictures.html", "关系图", {"rows": rows})
