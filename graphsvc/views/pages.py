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
from graphsvc.schemas.network import TieKind
from graphsvc.schemas.rectify import Progress
from graphsvc.views.templating import Link, Many, Num, Page, Why, pct, q

# Every picture, by its route, with what it shows.
PICTURES = (
    ("/pictures/network/tree", "党组织架构图", "上下级隶属，从街道党工委到党小组"),
    ("/pictures/network", "党组织关系网络", "上下级、结对、资源共享、党员报到、兼职委员，按群组着色"),
    ("/pictures/network/pairings", "结对关系图", "现有结对共建与城乡结对"),
    ("/pictures/matching", "共建匹配图", "驻区单位与社区：现有结对与建议结对"),
    ("/pairing/urban-rural/network", "城乡结对网络图", "现有结对与两种方案的建议"),
    ("/pages/map?show=urban_rural,co_construction,communities", "一张图 · 结对连线", "结对共建与城乡结对在地图上的连线，社区边界为底"),
)
_TIE_ZH = {k.value: k.zh for k in TieKind}
COVERAGE_PICTURE = "/pictures/coverage"  # the coverage picture; it draws one community
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
    "unit_kind": "单位类型", "building_kind": "楼栋类型", "members": "党员", "nearest_m": "最近的站点（步行）",
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


def _nearest(nearest: Mapping[str, int | None]) -> str:
    """{'service_station': 1240, 'activity_room': None} -> 社区服务站 1240 米、党员活动室 附近没有."""
    return "、".join(f"{_zh(k)} {m} 米" if m is not None else f"{_zh(k)} 附近没有" for k, m in nearest.items())


def _detail(detail: Mapping[str, Any]) -> str:
    return "；".join(
        f"{_DETAIL[k]}：{_nearest(v) if k == 'nearest_m' else _zh(v, _FIELD_ZH.get(k, _ZH))}"
        for k, v in detail.items() if k in _DETAIL and v not in (None, "")
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


def street(street_id: str, name: str, communities: api.CommunitySummaries, summary: CoverageSummary,
           progress: Iterable[Progress] = ()) -> Page:
    """A street: coverage ratio of every rule, then every community's counts, linked-household ratio and gaps,
    and the rectifications' progress per street and community."""
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
        Link(q("/pages/map", street_id=street_id), "一张图"),
        Link(q("/pages/trends", street_id=street_id), "覆盖趋势"),
        Link(q("/pages/rectifications", street_id=street_id), "整改台账"),
    )
    rect = [("街道" if p.level == "street" else "社区", p.name or name, p.total, p.open, p.in_progress, p.done,
             Num(str(p.overdue), "warn" if p.overdue else ""), pct(p.done_ratio)) for p in progress]
    return Page("street.html", f"{name} · 街道概览", {"links": links, "rules": rules, "rows": rows, "rect": rect,
                                                   "report": q("/reports/street", street_id=street_id)})


def pictures(communities: api.CommunitySummaries) -> Page:
    """Every picture, with what it shows; the coverage picture is drawn per community."""
    rows: list[tuple[Any, Any]] = [(Link(href, zh), what) for href, zh, what in PICTURES]
    per = tuple(Link(q(COVERAGE_PICTURE, community_id=c.id), c.name) for c in communities.items)
    rows.append(("覆盖缺口图", Many(("楼栋、住户与党组织的覆盖情况，按社区：", *per))))
    return Page("pictures.html", "关系图", {"rows": rows})
