"""The planner's page (覆盖缺口): every rule's gaps with the suggestion beside each, accepting them, what-if.

Accepting calls the same services as the API (coverage.accept_*, suggest.accept_helps), so their
checks (role, scope, caps) apply to the page too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from graphsvc.errors import GraphsvcError
from graphsvc.graph import Graph
from graphsvc.schemas import coverage as s
from graphsvc.schemas.coverage import GapRule
from graphsvc.schemas.ids import ID_MESSAGE, ID_RE
from graphsvc.schemas.planner import AcceptHelps
from graphsvc.scope import Scope, mask_name
from graphsvc.services import coverage, explore, guard, pages, suggest
from graphsvc.services.coverage.gaps import MEMBER_RULES
from graphsvc.views import planner as v
from graphsvc.views.pages import _detail, _short
from graphsvc.views.templating import Page, Why
from graphsvc.views.templating import q as url

SHOWN = 200  # rows per rule on the page
THRESHOLDS = (  # the form's fields: (name, words)
    ("branch_threshold", "楼宇党支部：居住党员超过"), ("cluster_distance_m", "相邻楼栋联建距离（米）"),
    ("link_cap", "每名党员联系住户上限"), ("help_cap", "每名党员帮扶户数上限"),
    ("unit_branch_members", "单位党员达到几人单独建支部"), ("walk_minutes", "服务圈步行分钟数"),
)


ADVICE = {  # what a planner does about a rule that has no one-click suggestion
    GapRule.member_overloaded: "把超出上限的住户转给同楼或同网格还有余力的党员（在“党员联户”一节采纳建议）。",
    GapRule.mobile_unregistered: "请流入地社区党组织与其联系，登记为流动党员并纳入组织生活。",
    GapRule.employed_unregistered: "请居住社区党组织通知其到社区报到，参加社区活动。",
    GapRule.service_circle_gap: "在步行范围内新设缺少的站点，或与附近驻区单位共享场地（见“共建匹配”）。",
    GapRule.community_lacking_basics: "由街道党工委统筹办公用房、经费和场地，或与驻区单位共建解决。",
}


class PlannerQuery(s.GapsQuery):
    help_cap: int = suggest.HELP_CAP


@dataclass
class Row:
    id: str
    cells: list[Any]
    suggestion: str = ""
    actions: list[v.Action] = field(default_factory=list)
    target: str = ""  # the gap's subject (building, household, member, unit, community): a rectification names it
    rectify: str = ""  # the link that opens the rectification form filled in with this gap

    @property
    def encoded(self) -> str:
        return v.encode(self.actions)


@dataclass
class Section:
    rule: str
    title: str
    short: str
    count: int
    head: tuple[str, ...]
    rows: list[Row]
    note: str = ""

    @property
    def actions(self) -> list[v.Action]:
        return [a for r in self.rows for a in r.actions]

    @property
    def suggests(self) -> bool:
        """Whether the 建议 column has anything to show."""
        return any(r.suggestion for r in self.rows)

    @property
    def encoded(self) -> str:
        return v.encode(self.actions)


def _gap_rows(report: s.GapReport, rule: GapRule, masked: bool) -> list[Row]:
    """Rules with no suggestion: each gap with where it is and why, readable names."""
    r = report.rules[rule.value]
    rows = []
    for g in r.items[:SHOWN]:
        name = g.name or g.id
        if rule in MEMBER_RULES and masked:
            name = mask_name(g.name) or g.id
        where = [] if rule is GapRule.community_lacking_basics else [g.community_name or g.community_id or "",
                                                                      g.grid_id or ""]
        rows.append(Row(f"{rule.value}-{g.id}", [name, *where, Why(_detail(g.detail))], target=g.id))
    return rows


def _gap_head(rule: GapRule) -> tuple[str, ...]:
    return ("社区", "情况") if rule is GapRule.community_lacking_basics else ("名称", "社区", "网格", "情况")


def _sections(graph: Graph, scope: Scope, q: PlannerQuery, settings_gaps: s.GapParams) -> list[Section]:
    area, params = q.area(), q.params(settings_gaps)
    rules = q.rule or list(GapRule)
    report = coverage.gaps(graph, scope, area, params, rules=rules)
    out = []
    for rule in rules:
        rg = report.rules[rule.value]
        build = BUILDERS.get(rule)
        head, rows, note = build(graph, scope, area, params, q, rg) if build else (
            _gap_head(rule), _gap_rows(report, rule, scope.masked), ADVICE.get(rule, ""))
        rows = rows[:SHOWN]
        for row in rows:
            row.rectify = url("/pages/rectifications", street_id=area.street_id, community_id=area.community_id,
                              rule=rule.value, target_id=row.target) if row.target else ""
        out.append(Section(rule.value, rg.zh, _short(rg.zh), rg.count, head, rows, note))
    _name_grids(graph, report.communities, out)
    return out


def _name_grids(graph: Graph, communities: list[str] | None, sections: list[Section]) -> None:
    """The builders put grid ids in the 网格 column; people read the grid's name there."""
    if not any("网格" in sec.head and sec.rows for sec in sections):
        return
    names = {g["id"]: g["name"] for g in graph.read("history/grids", communities=communities) if g["name"]}
    for sec in sections:
        if "网格" in sec.head:
            at = sec.head.index("网格")
            for row in sec.rows:
                row.cells[at] = names.get(row.cells[at], row.cells[at])


# --- the rules with suggestions (each gives the table head, the rows, a note) --------------------------


def _org_names(graph: Graph, ids: list[str]) -> dict[str, str]:
    """The names of the organisations `ids` (the parent a suggestion names), id -> name."""
    wanted = sorted(set(ids))
    return {r["id"]: r["name"] for r in graph.read("coverage/orgs_by_id", ids=wanted) if r["name"]} if wanted else {}


def _communities(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams, q: PlannerQuery,
                 rg: s.RuleGaps) -> tuple[tuple[str, ...], list[Row], str]:
    rows = []
    branches = suggest.suggest_community_branches(graph, scope, area).items
    names = _org_names(graph, [b.accept_org.parent_id for b in branches if b.accept_org])
    for b in branches:
        org = b.accept_org
        text = v.say_org(org, names.get(org.parent_id, "街道党工委")) if org else "街道没有党工委，无法自动建议"
        rows.append(Row(f"cwo-{b.community_id}", [b.community_name or b.community_id,
                                                  f"楼栋 {b.why['buildings']}，居住党员 {b.why['resident_members']}"],
                        text, [v.Action(kind="org", body=org.model_dump(mode="json"), say=text)] if org else [],
                        target=b.community_id))
    return ("社区", "情况"), rows, ""


def _groups(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams, q: PlannerQuery,
            rg: s.RuleGaps) -> tuple[tuple[str, ...], list[Row], str]:
    rows = []
    grid = {g.id: g.grid_id or "" for g in rg.items}
    for b in coverage.suggest_groups(graph, scope, area, params).items:
        actions: list[v.Action] = []
        if b.accept_covers and b.candidates:
            c = b.candidates[0]
            text = f"由「{c.group_name or c.group_id}」联系「{b.building_name}」（相距 {c.distance_m} 米，已联系 {c.buildings_now} 幢）"
            actions = [v.Action(kind="covers", body=b.accept_covers.model_dump(), say=text)]
        elif b.accept_org:
            text = f"由住在楼里的 {len(b.member_ids)} 名党员{v.say_org(b.accept_org)}"
            actions = [v.Action(kind="org", body=b.accept_org.model_dump(mode="json"), say=text)]
        else:
            text = "附近没有可用的党小组，楼里党员也不足以新建"
        rows.append(Row(f"bwg-{b.building_id}", [b.building_name or b.building_id, grid.get(b.building_id, ""),
                                                 b.why.get("households", "")], text, actions, target=b.building_id))
    return ("楼栋", "网格", "住户"), rows, ""


def _branches(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams, q: PlannerQuery,
              rg: s.RuleGaps) -> tuple[tuple[str, ...], list[Row], str]:
    names = {g.id: g.name or g.id for g in rg.items}
    places = coverage.suggest_branches(graph, scope, area, params).items
    missing = sorted({b for p in places for b in p.building_ids} - set(names))
    if missing:
        names |= {r["id"]: r["name"] for r in graph.read("coverage/buildings_by_id", ids=missing)}
    rows = []
    for p in places:
        text = v.say_org(p.accept_org) if p.accept_org else "社区没有上级党组织，无法自动建议"
        kind = "单幢" if p.kind == "single" else f"相邻 {len(p.building_ids)} 幢合建"
        rows.append(Row(f"bnb-{'-'.join(p.building_ids)}", ["、".join(names.get(b, b) for b in p.building_ids), kind,
                                                             p.members], text,
                        [v.Action(kind="org", body=p.accept_org.model_dump(mode="json"), say=text)] if p.accept_org else [],
                        target=p.building_ids[0]))
    return ("楼栋", "方式", "居住党员"), rows, f"居住党员超过 {params.branch_threshold} 人的楼栋（或相邻楼栋合计）应建楼宇党支部。"


def _links(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams, q: PlannerQuery,
           rg: s.RuleGaps) -> tuple[tuple[str, ...], list[Row], str]:
    plan = coverage.suggest_links(graph, scope, area, params)
    by_household = {i.household_id: i for i in plan.items}
    rows = []
    for g in rg.items[:SHOWN]:
        label = v.household_label(g.detail.get("building_name"), g.id)
        i = by_household.get(g.id)
        actions, text = [], "附近没有还能联系住户的党员"
        if i:
            w = i.why
            text = (f"由{i.member_name}联系（{v.RELATION_ZH.get(w['relation'], w['relation'])}，"
                    f"联系户数 {w['member_links_before']}→{w['member_links_after']}，上限 {w['link_cap']}）")
            actions = [v.Action(kind="links", body={"member_id": i.member_id, "household_id": g.id},
                                say=f"{i.member_name} 联系 {label}（党员联户）", cap=params.link_cap)]
        rows.append(Row(f"hu-{g.id}", [label, g.grid_id or "", g.detail.get("size", "")], text, actions, target=g.id))
    return ("住户", "网格", "人口"), rows, "建议为最优分配：困难户优先，尽量多覆盖，同楼优先，每名党员不超过上限。"


def _helpers(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams, q: PlannerQuery,
             rg: s.RuleGaps) -> tuple[tuple[str, ...], list[Row], str]:
    plan = suggest.suggest_helpers(graph, scope, area, params, help_cap=q.help_cap)
    by_household = {i.household_id: i for i in plan.items}
    rows = []
    for g in rg.items[:SHOWN]:
        label = v.household_label(g.detail.get("building_name"), g.id)
        i = by_household.get(g.id)
        actions, text = [], "社区里没有还能帮扶的党员"
        if i:
            where = {"same_building": "同楼", "same_grid": f"同网格，相距 {i.distance_m} 米"}.get(
                i.relation, f"相距 {i.distance_m} 米")
            text = f"由{i.member_name}帮扶（{where}，已帮扶 {i.why['helps_before']} 户，上限 {plan.help_cap}）"
            actions = [v.Action(kind="helps", body={"member_id": i.member_id, "household_id": g.id},
                                say=f"{i.member_name} 帮扶 {label}（一帮一）", cap=plan.help_cap)]
        which = "（不显示）" if scope.masked else v.flags_zh(g.detail.get("flags"))
        rows.append(Row(f"vwh-{g.id}", [label, which, g.grid_id or ""], text, actions, target=g.id))
    return ("住户", "困难类型", "网格"), rows, "帮扶人：同楼优先，其次同网格，再按距离；只选还有余力的党员（流动党员、生活困难党员除外）。"


def _units(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams, q: PlannerQuery,
           rg: s.RuleGaps) -> tuple[tuple[str, ...], list[Row], str]:
    rows = []
    units = coverage.suggest_units(graph, scope, area, params).items
    names = _org_names(graph, [u.joint_branch_id for u in units if u.joint_branch_id]
                       + [u.accept_org.parent_id for u in units if u.accept_org])
    for u in units:
        actions: list[v.Action] = []
        if u.action == "own_branch" and u.accept_org:
            text = v.say_org(u.accept_org, names.get(u.accept_org.parent_id, "街道党工委"))
            actions = [v.Action(kind="org", body=u.accept_org.model_dump(mode="json"), say=text)]
        elif u.action == "own_branch":
            text = "单独建党支部（街道没有党工委，需手工设立）"
        elif u.joint_branch_id:
            moving = u.why["working_members"] - u.why["in_joint_branch"]
            text = (f"把在「{u.unit_name or u.unit_id}」工作、尚未在联合党支部的 {moving} 名党员的组织关系"
                    f"转入「{names.get(u.joint_branch_id, u.joint_branch_id)}」")
            actions = [v.Action(kind="joint", body={"unit_id": u.unit_id, "joint_branch_id": u.joint_branch_id},
                                say=text)]
        else:
            text = "并入联合党支部（社区尚无联合党支部，需先设立）"
        rows.append(Row(f"uwb-{u.unit_id}", [u.unit_name or u.unit_id, u.why["working_members"]], text, actions,
                        target=u.unit_id))
    return ("单位", "在此工作的党员"), rows, f"党员 {params.unit_branch_members} 人及以上的单位单独建支部，不足的并入联合党支部。"


BUILDERS = {
    GapRule.community_without_org: _communities, GapRule.building_without_group: _groups,
    GapRule.building_needs_branch: _branches, GapRule.household_unlinked: _links,
    GapRule.vulnerable_without_helper: _helpers, GapRule.unit_without_branch: _units,
}


# --- the page and its actions ---------------------------------------------------------------------------


def ctx_of(q: PlannerQuery) -> str:
    """The page's own query (area and thresholds given), carried by every action form."""
    return urlencode(q.model_dump(exclude_unset=True, exclude_none=True, mode="json"), doseq=True)


def query_of(ctx: str) -> PlannerQuery:
    pairs = parse_qsl(ctx, keep_blank_values=False)
    multi: dict[str, Any] = defaultdict(list)
    for k, val in pairs:
        multi[k].append(val)
    return PlannerQuery.model_validate({k: (vs if k in ("rule", "required_points", "vulnerable") else vs[-1])
                                        for k, vs in multi.items()})


def page(graph: Graph, scope: Scope, q: PlannerQuery, settings_gaps: s.GapParams) -> Page:
    """The planner: sections per rule, the thresholds form, the what-if panel."""
    where = pages.where(graph, scope, q.street_id, q.community_id)
    sections = _sections(graph, scope, q, settings_gaps)
    params = q.params(settings_gaps)
    values = params.model_dump() | {"help_cap": q.help_cap}
    groups = explore.orgs(graph, scope, community_id=q.community_id, level="group", skip=0, limit=2000).items
    p = Page("planner.html", "覆盖缺口", {
        "where": where, "sections": sections, "ctx": ctx_of(q), "q": q,
        "thresholds": [(name, words, values[name]) for name, words in THRESHOLDS],
        "groups": groups, "every": q.rule is not None,
    })
    return pages.with_chrome(p, graph, scope, q.street_id, q.community_id)


@dataclass
class Outcome:
    """What an accept did: the sentences written, or the Chinese error; the rule's new count; its section."""

    written: list[str]
    error: str | None
    count: int | None
    section: Section | None = None
    whole: bool = False  # the section is redrawn; else only the row leaves and 全部采纳 is renewed


def accept(graph: Graph, scope: Scope, rule: GapRule, encoded: str, ctx: str, settings_gaps: s.GapParams, *,
           whole: bool) -> Outcome:
    """Write what the confirmation showed, through the API's services; then the rule's count (and section)."""
    guard.writer(scope)
    actions = v.decode(encoded)
    try:
        _write(graph, scope, actions)
    except GraphsvcError as e:
        return Outcome([], e.message, None)
    q = query_of(ctx).model_copy(update={"rule": [rule]})
    section = _sections(graph, scope, q, settings_gaps)[0]
    return Outcome([a.say for a in actions], None, section.count, section, whole)


def _write(graph: Graph, scope: Scope, actions: list[v.Action]) -> None:
    by_kind: dict[str, list[v.Action]] = defaultdict(list)
    for a in actions:
        by_kind[a.kind].append(a)
    if covers := by_kind["covers"]:
        coverage.accept_covers(graph, scope, s.AcceptCovers(items=[a.model() for a in covers]))  # type: ignore[misc]
    if links := by_kind["links"]:
        coverage.accept_links(graph, scope, s.AcceptLinks(items=[a.model() for a in links],  # type: ignore[misc]
                                                          link_cap=links[0].cap or 15))
    if helps := by_kind["helps"]:
        suggest.accept_helps(graph, scope, AcceptHelps(items=[a.model() for a in helps],  # type: ignore[misc]
                                                       help_cap=helps[0].cap or suggest.HELP_CAP))
    for a in by_kind["org"]:
        coverage.accept_org(graph, scope, a.model())  # type: ignore[arg-type]
    for a in by_kind["joint"]:
        coverage.accept_joint(graph, scope, a.model())  # type: ignore[arg-type]


def confirm(scope: Scope, encoded: str) -> list[str]:
    """The sentences a confirmation shows: exactly what will be written."""
    guard.writer(scope)
    return [a.say for a in v.decode(encoded)]


def what_if(graph: Graph, scope: Scope, member_id: str, org_id: str) -> dict[str, Any]:
    """If this member or group leaves: the households and buildings left uncovered, by readable names."""
    member_ids, org_ids = [member_id] if member_id else [], [org_id] if org_id else []
    if not all(ID_RE.fullmatch(i) for i in member_ids + org_ids):  # a typo: said in place, next to the form
        return {"error": ID_MESSAGE}
    try:
        result = coverage.what_if(graph, scope, s.WhatIfRequest(member_ids=member_ids, org_ids=org_ids))
    except GraphsvcError as e:
        return {"error": e.message}
    who = {i: str(explore.node(graph, scope, i, limit=1).props.get("name") or i) for i in member_ids + org_ids}
    lost = result.households_unlinked + result.households_without_helper + result.buildings_uncovered
    names = {r["id"]: r["name"] for r in graph.read("coverage/buildings_by_id", ids=sorted({x.building_id for x in lost}))}

    def rows(items: list[s.Lost], household: bool) -> list[tuple[str, str]]:
        return [(v.household_label(names.get(x.building_id), x.id) if household else names.get(x.id, x.id),
                 "、".join(who.get(c, c) for c in x.lost)) for x in items]

    return {"leaving": "、".join(who.values()), "unlinked": rows(result.households_unlinked, True),
            "unhelped": rows(result.households_without_helper, True),
            "uncovered": rows(result.buildings_uncovered, False), "count": result.count}
