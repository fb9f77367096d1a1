"""Plain Chinese HTML pages (no external assets: intranets have no internet).

Each page is a function of the models the services return; names reach the page already masked
for analysts (the services mask), and member names are masked again here when `masked` (张*), so
no page shows a person's full name, phone or ID number to an analyst.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import urlencode

from graphsvc.schemas import api
from graphsvc.schemas.coverage import CoverageSummary, GapReport
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
from graphsvc.scope import mask_name

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 2rem 2rem;color:#222;line-height:1.5}
nav{padding:.6rem 0;border-bottom:2px solid #b71c1c;margin-bottom:.5rem}nav a{margin-right:1.1rem}
table{border-collapse:collapse;margin:.6rem 0 1.2rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f4f0ea;white-space:nowrap}td.n{text-align:right;white-space:nowrap}
h1{color:#b71c1c;font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem;border-left:4px solid #b71c1c;padding-left:.5rem}
a{color:#0d47a1}.muted{color:#666;font-size:.9rem}.warn{color:#b71c1c}.ok{color:#2e7d32}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:.8rem 0}.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:13rem}
.card b{display:block;font-size:1.05rem}
.why{font-size:.88rem;color:#444;text-align:left}
"""
NAV = (
    ("/", "首页"), ("/pages/network", "网络分析"), ("/pages/gaps", "覆盖缺口"), ("/pages/matching", "共建匹配"),
    ("/pages/pairing", "城乡结对"), ("/pages/pictures", "关系图"), ("/ledger?format=xlsx", "下载台账"), ("/docs", "接口文档"),
)
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


def layout(title: str, body: str) -> str:
    nav = "".join(f'<a href="{href}">{escape(zh)}</a>' for href, zh in NAV)
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<link rel="icon" href="data:,"><style>{_CSS}</style></head><body><nav>{nav}</nav>'
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )


def _q(path: str, **params: Any) -> str:
    """A link with its query string (None values left out), escaped for an attribute."""
    query = urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
    return escape(f"{path}?{query}" if query else path)


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """An HTML table; cells are escaped unless given as `Html`; numbers align right."""
    def cell(tag: str, v: Any) -> str:
        number = isinstance(v, (int, float)) and not isinstance(v, bool) or isinstance(v, Num)
        text = v if isinstance(v, Html) else escape("" if v is None else str(v))
        return f'<{tag}{" class=n" if number else ""}>{text}</{tag}>'

    body = "".join("<tr>" + "".join(cell("td", v) for v in r) + "</tr>" for r in rows)
    if not body:
        return '<p class="muted">（无）</p>'
    return "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + f"</tr>{body}</table>"


class Html(str):
    """Markup that is already safe."""


class Num(Html):
    """Markup for a number: aligned right."""


def _a(href: str, text: str) -> Html:
    return Html(f'<a href="{href}">{escape(text)}</a>')


def _pct(ratio: float | None) -> Num:
    if ratio is None:
        return Num('<span class="muted">—</span>')
    cls = "ok" if ratio >= 0.95 else "warn" if ratio < 0.8 else ""
    return Num(f'<span class="{cls}">{ratio:.1%}</span>')


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


def home(streets: api.Streets, communities: api.CommunitySummaries) -> str:
    """The home page: where to go, streets with their overview, communities with counts."""
    kinds = {k.value: k.zh for k in CommunityKind}
    if not streets.items:
        body = "<p>图中还没有数据。运行 <code>graphsvc demo</code> 载入示范街道，或 <code>graphsvc import 台账.xlsx</code>。</p>"
        return layout("共建图谱", body)
    cards = "".join(
        f'<div class="card"><b>{_a(href, zh)}</b><span class="muted">{escape(what)}</span></div>'
        for href, zh, what in (
            ("/pages/gaps", "覆盖缺口", "十条规则逐条列出未覆盖的楼栋、住户、党员、单位"),
            ("/pages/matching", "共建匹配", "社区需求与驻区单位资源的匹配建议，附理由"),
            ("/pages/pairing", "城乡结对", "城市党组织与村党支部的结对方案，附理由"),
            ("/pages/network", "网络分析", "关键组织、薄弱环节、群组与孤立支部"),
            ("/pages/pictures", "关系图", "架构图、关系网络、结对图、覆盖图"),
        )
    )
    street_rows = [
        (_a(f"/pages/streets/{escape(s.id)}", s.name), s.district or "", s.communities,
         _a(_q("/pictures/network/tree", street_id=s.id), "架构图"), _a(_q("/pages/gaps", street_id=s.id), "缺口"))
        for s in streets.items
    ]
    rows = [
        (c.street_name or c.street_id, _a(_q("/pages/gaps", community_id=c.id), c.name), kinds.get(c.kind, c.kind),
         c.resident_groups, c.buildings, c.households, c.resident_members, c.orgs, c.units,
         _a(_q("/pictures/network/tree", community_id=c.id), "架构图"))
        for c in communities.items
    ]
    body = (
        f'<div class="cards">{cards}</div>'
        f"<h2>街道（乡镇）</h2><p>共 {streets.count} 个街道（乡镇），{communities.count} 个社区（村）。</p>"
        + _table(("街道", "区县", "社区数", "图", "缺口"), street_rows)
        + "<h2>社区（村）</h2>"
        + _table(("街道", "社区（点击看缺口）", "类型", "网格", "楼栋", "住户", "居住党员", "党组织", "驻区单位", "图"), rows)
    )
    return layout("共建图谱", body)


def login() -> str:
    """The login form: paste the token printed by `graphsvc keys create` (or by `graphsvc demo`)."""
    body = (
        '<form method="post" action="/login"><p>请输入访问令牌（由 <code>graphsvc keys create</code> 生成；'
        "示范环境的令牌由 <code>graphsvc demo</code> 打印并保存在数据目录的 admin-token 文件中）：</p>"
        '<input name="token" size="60" autocomplete="off" aria-label="访问令牌"> <button>登录</button></form>'
    )
    return layout("登录", body)


# --- street overview ------------------------------------------------------------------------------


def street(street_id: str, name: str, communities: api.CommunitySummaries, summary: CoverageSummary) -> str:
    """A street: coverage ratio of every rule, then every community's counts, linked-household ratio and gaps."""
    rules = [
        (_a(_q("/pages/gaps", street_id=street_id, rule=r.rule.value), _short(r.zh)), r.zh.split("：")[-1],
         r.population, r.total, r.gaps, _pct(r.ratio))
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
            _a(_q("/pages/gaps", community_id=c.id), c.name), c.resident_groups, c.buildings, c.households,
            c.resident_members, c.orgs, c.units, _pct(linked), g.total if g else 0, Html(f'<span class="why">{escape(where)}</span>'),
            Html(f'{_a(_q("/pictures/network/tree", community_id=c.id), "架构图")} '
                 f'{_a(_q("/pictures/network", community_id=c.id), "关系网络")} '
                 f'{_a(_q(COVERAGE_PICTURE, community_id=c.id), "覆盖图")}'),
        ))
    links = " · ".join((
        _a(_q("/pictures/network/tree", street_id=street_id), "党组织架构图"),
        _a(_q("/pictures/network", street_id=street_id), "党组织关系网络"),
        _a(_q("/pages/network", street_id=street_id), "网络分析"),
        _a(_q("/pages/matching", street_id=street_id), "共建匹配"),
    ))
    body = (
        f"<p>{links}</p><h2>各项规则覆盖率</h2>"
        + _table(("规则", "内容", "统计对象", "总数", "缺口", "覆盖率"), rules)
        + "<h2>各社区</h2><p class=\"muted\">联户率 = 有党员联系的住户 / 全部住户；缺口按规则计数，点社区名看明细。</p>"
        + _table(("社区", "网格", "楼栋", "住户", "居住党员", "党组织", "驻区单位", "联户率", "缺口合计", "主要缺口", "图"), rows)
    )
    return layout(f"{name} · 街道概览", body)


# --- gap lists ------------------------------------------------------------------------------------


def gaps(report: GapReport, *, where: str, masked: bool, params: Mapping[str, Any]) -> str:
    """Every rule's offending entities, one section per rule, with where they are and why."""
    toc = " · ".join(
        f'<a href="#{escape(key)}">{escape(_short(r.zh))}（{r.count}）</a>' for key, r in report.rules.items()
    )
    sections = []
    for key, r in report.rules.items():
        rows = [
            (
                (mask_name(g.name) if masked and key in PERSON_RULES else g.name) or g.id, g.id,
                g.community_name or g.community_id or "", g.grid_id or "", Html(f'<span class="why">{escape(_detail(g.detail))}</span>'),
            )
            for g in r.items
        ]
        more = ""
        if r.clusters:
            more = "<p>相邻楼栋合建：" + "；".join(
                f"{escape('、'.join(c.building_ids))}（{c.members} 名党员，相距最远 {c.span_m} 米）" for c in r.clusters
            ) + "</p>"
        sections.append(
            f'<h2 id="{escape(key)}">{escape(r.zh)}：{r.count}</h2>'
            + _table(("名称", "编号", "社区", "网格", "情况"), rows) + more
        )
    every = _a(_q("/pages/gaps", **{**params, "rule": None}), "全部规则") if params.get("rule") else ""
    body = f"<p>{escape(where)}　{every}</p><p>{toc}</p>" + "".join(sections)
    return layout("覆盖缺口", body)


# --- matching -------------------------------------------------------------------------------------


def matching(opportunities: Opportunities, partners: PartnerSuggestions, *, where: str) -> str:
    """Needs with their best resources, and the unit organisations each community should pair with, explained."""
    needs = [
        (n.community_name, n.kind_zh + ("（三无）" if n.derived else ""), n.description or "", n.open_quantity, n.urgency,
         Html("<br>".join(
             f"{escape(c.owner_name or c.owner_id)}：{escape(c.description or _zh(c.kind))}（得分 {c.score:.2f}）"
             f'<div class="why">{escape(c.explanation)}</div>' for c in n.candidates
         ) or '<span class="muted">附近没有可用资源</span>'))
        for n in opportunities.items
    ]
    suggested = [p for p in partners.items if not p.existing]
    pairs = [
        (p.community_name, p.community_org_name or p.community_org_id, p.unit_name or p.unit_id,
         Num(f"{p.score:.2f}") if p.score is not None else "", "、".join(_zh(t) for t in p.themes),
         Html(f'<span class="why">{escape(p.explanation)}</span>'))
        for p in suggested
    ]
    short = [(s.community_name, s.missing) for s in partners.shortfall]
    idle = [(r.owner_name or r.owner_id, _zh(r.kind), r.description or "", r.capacity) for r in opportunities.idle_resources]
    body = (
        f"<p>{escape(where)}　共 {opportunities.count} 项未满足的需求，建议新结对 {len(suggested)} 对。"
        f' {_a("/pictures/matching", "共建匹配图")}</p>'
        + "<h2>社区需求与可用资源</h2>"
        + _table(("社区", "需求", "说明", "缺口数量", "紧急程度", "建议资源与理由"), needs)
        + "<h2>建议新增的结对共建</h2>"
        + _table(("社区", "社区党组织", "驻区单位", "得分", "共建主题", "理由"), pairs)
        + ("<h2>结对单位仍然不足的社区</h2>" + _table(("社区", "还差几个结对单位"), short) if short else "")
        + "<h2>闲置资源</h2>" + _table(("提供方", "类型", "说明", "数量"), idle)
    )
    return layout("共建匹配", body)


# --- urban-rural pairing --------------------------------------------------------------------------


def pairing(plan: UrbanRuralPlan) -> str:
    """The optimal and the stable urban–rural pairing side by side, every pair with its reasons."""
    status = {"existing": "现有", "locked": "锁定", "new": "新建议"}

    def rows(items: Iterable[PairSuggestion]) -> list[tuple[Any, ...]]:
        return [
            (p.urban_name, p.rural_name, status.get(p.status, p.status), Num(f"{p.score:.2f}"),
             "" if p.km is None else Num(f"{p.km:.1f}"), "、".join(_zh(t) for t in p.themes),
             Html('<div class="why">' + "<br>".join(escape(x) for x in p.reasons) + "</div>"))
            for p in items
        ]

    head = ("城市党组织", "村党组织", "状态", "得分", "距离（公里）", "建议主题", "理由")
    s, d = plan.summary, plan.difference
    body = (
        f"<p>城市一方 {plan.urban_count} 个党组织，村 {plan.rural_count} 个，候选 {plan.candidate_pairs} 对。"
        f' {_a("/pairing/urban-rural/network", "城乡结对网络图")} · {_a("/pairing/urban-rural/map", "城乡结对地图")}</p>'
        + _table(
            ("方案", "结对数", "其中新建议", "总得分", "未结对的村", "不稳定的对子"),
            [(zh, x.count, x.new, Num(f"{x.objective:.2f}"), len(x.unpaired), x.blocking_count)
             for zh, x in (("最优方案（总得分最高）", s.optimal), ("稳定方案（没有双方都更愿意的对子）", s.stable))],
        )
        + f'<p class="muted">两方案相同的对子 {d.same} 对；稳定方案比最优方案少 {d.objective_gap:.2f} 分（{d.objective_gap_share:.1%}）。</p>'
        + "<h2>最优方案</h2>" + _table(head, rows(plan.optimal))
        + "<h2>稳定方案</h2>" + _table(head, rows(plan.stable))
    )
    return layout("城乡结对建议", body)


# --- network analytics ----------------------------------------------------------------------------


def network(overview: NetworkOverview, *, where: str, params: Mapping[str, Any]) -> str:
    """The analyst's page: counts, brokers, single points of failure, clusters, isolated organisations."""
    c = overview.counts
    kinds = "、".join(f"{_TIE_ZH.get(k, k)} {n}" for k, n in c.ties_by_kind.items())
    brokers = [
        (b.rank, _a(_q(f"/pictures/network/ego/{b.id}", radius=1), b.name or b.id), b.community_name or "", Num(f"{b.score:.3f}"))
        for b in overview.brokers.items
    ]
    cut = [(_a(_q(f"/pictures/network/ego/{p.id}", radius=1), p.name or p.id), p.id) for p in overview.fragile.articulation_points]
    bridges = [(b.source.name or b.source.id, b.target.name or b.target.id, "、".join(_TIE_ZH.get(k, k) for k in b.kinds))
               for b in overview.fragile.bridges[:50]]
    clusters = [
        (f"群组 {k.id + 1}", k.size, "、".join(m.name or m.id for m in k.members[:8]) + ("……" if k.size > 8 else ""))
        for k in overview.clusters.items
    ]
    lonely = [(o.name or o.id, o.id) for o in overview.isolated.items]
    pics = " · ".join(_a(_q(href, **params), zh) for href, zh, _ in PICTURES[:3])
    modularity = "" if overview.clusters.modularity is None else f"，模块度 {overview.clusters.modularity:.2f}"
    body = (
        f"<p>{escape(where)}　{pics} · {_a(_q('/network/metrics', **params), '全部指标（JSON）')}</p>"
        f'<div class="cards"><div class="card"><b>{c.orgs}</b>个党组织</div><div class="card"><b>{c.ties}</b>对组织之间有联系'
        f'<div class="muted">{escape(kinds)}</div></div><div class="card"><b>{c.components}</b>个互不相连的部分</div>'
        f'<div class="card"><b>{len(overview.fragile.articulation_points)}</b>个关键节点（去掉即断开）</div>'
        f'<div class="card"><b>{c.isolated}</b>个孤立党组织</div></div>'
        + "<h2>中介作用最大的党组织（中介中心性）</h2>"
        + _table(("排名", "党组织", "社区", "中介中心性"), brokers)
        + f"<h2>群组（Louvain{escape(modularity)}）</h2>" + _table(("群组", "数量", "成员"), clusters)
        + "<h2>关键节点：去掉后网络断开的党组织</h2>" + _table(("党组织", "编号"), cut)
        + f"<h2>唯一联系：断开后网络分裂的联系（{len(overview.fragile.bridges)}）</h2>"
        + _table(("一方", "另一方", "联系"), bridges)
        + "<h2>孤立党组织：与其他党组织没有联系</h2>" + _table(("党组织", "编号"), lonely)
    )
    return layout("党组织网络分析", body)


def pictures(communities: api.CommunitySummaries) -> str:
    """Every picture, with what it shows; the coverage picture is drawn per community."""
    rows: list[tuple[str, str]] = [(_a(href, zh), what) for href, zh, what in PICTURES]
    per = " ".join(_a(_q(COVERAGE_PICTURE, community_id=c.id), c.name) for c in communities.items)
    rows.append(("覆盖缺口图", Html(f"楼栋、住户与党组织的覆盖情况，按社区：{per}")))
    body = (
        "<p>图在浏览器中绘制，不需要联网：可拖动、缩放；点击图例隐藏或显示一类；搜索框查找名称；"
        "鼠标停在节点或连线上看详情；双击党组织看它的关系网络；“导出图片”保存为 PNG。</p>"
        + _table(("图", "内容"), rows)
    )
    return layout("关系图", body)
