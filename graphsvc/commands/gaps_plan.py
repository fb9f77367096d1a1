"""`graphsvc gaps suggest RULE`, `gaps accept …` and `gaps place --kind …`: what only the API did before.

`suggest` prints who should close each gap and, with `--save FILE`, writes what to accept as JSON;
`accept` writes it (`--from FILE`, or pairs on the command line), stamped and audited like the API;
`place` chooses new service-point sites (LSCP: the fewest covering every building; MCLP: the best
`--max-new`), optionally on a GIS walking-distance table, each model within `--time-limit` seconds.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graphsvc import output
from graphsvc.commands.labels import code_of, rule_name
from graphsvc.errors import InvalidInput
from graphsvc.schemas import coverage as s
from graphsvc.settings import Settings

# Which suggestion answers which rule.
SUGGESTS = {
    "building_without_group": "groups",
    "household_unlinked": "links",
    "member_overloaded": "links",
    "vulnerable_without_helper": "links",
    "building_needs_branch": "branches",
    "unit_without_branch": "units",
}
ACTIONS = {"join_group": "加入现有党小组", "form_group": "新建党小组", "no_option": "没有可行方案",
           "own_branch": "单独建立党支部", "join_joint_branch": "纳入联合党支部", "single": "单栋建支部", "cluster": "相邻楼栋联建"}
HEADERS = {
    "building_id": "楼栋编号", "building_name": "楼栋", "community_id": "社区编号", "action": "建议",
    "org_id": "党小组/党组织编号", "org_name": "党小组/党组织", "distance_m": "距离（米）", "member_id": "党员编号",
    "member_name": "党员", "household_id": "住户编号", "vulnerable": "帮扶对象", "cost": "代价", "unit_id": "单位编号",
    "unit_name": "单位", "buildings": "楼栋", "members": "党员数", "why": "理由", "kind": "站点类型", "plan": "方案",
    "site_id": "站点编号", "site_name": "站点", "covers": "新覆盖楼栋数", "uncovered": "仍未覆盖",
}


def _why(why: dict[str, Any]) -> str:
    from graphsvc.commands.labels import label

    return str(label(why))


def suggest(settings: Settings, args: argparse.Namespace, q: s.GapQuery) -> None:
    from graphsvc.commands.common import cli_scope, open_graph, say
    from graphsvc.services import coverage

    rule = code_of(s.GapRule, args.words[1]) if len(args.words) > 1 else None
    if rule is None or rule not in SUGGESTS:
        names = "、".join(rule_name(r) for r in SUGGESTS)
        raise InvalidInput(f"gaps suggest 需要一条规则：{names}（服务圈缺口用 gaps place）")
    what = SUGGESTS[rule]
    area, params = q.area(), q.params(settings.gaps)
    accept: dict[str, list[dict[str, Any]]] = {"covers": [], "links": [], "orgs": []}
    with open_graph(settings, read_only=True) as graph:
        if what == "groups":
            res: Any = coverage.suggest_groups(graph, cli_scope(), area, params, group_building_cap=None, top=3)
            rows = [{"building_id": i.building_id, "building_name": i.building_name, "community_id": i.community_id,
                     "action": ACTIONS[i.action], "org_id": i.candidates[0].group_id if i.candidates else None,
                     "org_name": i.candidates[0].group_name if i.candidates else None, "why": _why(i.why)} for i in res.items]
            accept["covers"] = [i.accept_covers.model_dump() for i in res.items if i.accept_covers]
            accept["orgs"] = [i.accept_org.model_dump(mode="json") for i in res.items if i.accept_org]
        elif what == "links":
            res = coverage.suggest_links(graph, cli_scope(), area, params)
            rows = [{"member_id": i.member_id, "member_name": i.member_name, "household_id": i.household_id,
                     "building_id": i.building_id, "vulnerable": i.vulnerable, "why": _why(i.why)} for i in res.items]
            accept["links"] = [{"member_id": p.member_id, "household_id": p.household_id} for p in res.accept]
        elif what == "branches":
            res = coverage.suggest_branches(graph, cli_scope(), area, params)
            rows = [{"community_id": i.community_id, "action": ACTIONS[i.kind], "buildings": i.building_ids,
                     "members": i.members, "why": _why(i.why)} for i in res.items]
            accept["orgs"] = [i.accept_org.model_dump(mode="json") for i in res.items if i.accept_org]
        else:
            res = coverage.suggest_units(graph, cli_scope(), area, params)
            rows = [{"unit_id": i.unit_id, "unit_name": i.unit_name, "community_id": i.community_id,
                     "action": ACTIONS[i.action], "org_id": i.joint_branch_id, "why": _why(i.why)} for i in res.items]
            accept["orgs"] = [i.accept_org.model_dump(mode="json") for i in res.items if i.accept_org]
    output.write(res.model_dump(mode="json"), args.format, rows=rows, output=args.output, headers=HEADERS, sheet=rule_name(rule))
    if args.save:
        Path(args.save).write_text(json.dumps(accept, ensure_ascii=False, indent=1), encoding="utf-8")
        say(f"可采纳的建议已写到 {args.save}：用 graphsvc gaps accept --from {args.save} 采纳")
    say(f"{rule_name(rule)}：{res.count} 条建议")


def accept(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.commands.common import cli_scope, open_graph, say
    from graphsvc.services import coverage, history

    covers, links, orgs = _accept_input(args)
    if not (covers or links or orgs):
        raise InvalidInput("没有可采纳的内容：用 --from 建议文件，或 gaps accept covers 党组织 楼栋 / links 党员 住户")
    done = []
    with open_graph(settings) as graph:
        for org in orgs:  # new organisations first: the covers may name them
            done.append(coverage.accept_org(graph, cli_scope(), s.NewOrg(**org)))
        if covers:
            done.append(coverage.accept_covers(graph, cli_scope(), s.AcceptCovers(items=covers)))
        if links:
            done.append(coverage.accept_links(graph, cli_scope(), s.AcceptLinks(items=links, link_cap=settings.gaps.link_cap)))
        history.accepted(graph, cli_scope(), settings.gaps, None)  # the trend shows it, as after the pages' 采纳
    for a in done:
        say(f"已采纳：{ACCEPT_WORDS.get(a.action, a.action)} {a.written} 条")


ACCEPT_WORDS = {"covers": "党小组联幢", "links": "党员联户", "org": "新建党组织"}


def _accept_input(args: argparse.Namespace) -> tuple[list[Any], list[Any], list[dict[str, Any]]]:
    covers: list[Any] = []
    links: list[Any] = []
    orgs: list[dict[str, Any]] = []
    if args.from_file:
        try:
            doc = json.loads(Path(args.from_file).read_text(encoding="utf-8-sig"))
            covers = [s.CoversPair(**c) for c in doc.get("covers", [])]
            links = [s.LinkPair(**p) for p in doc.get("links", [])]
            orgs = list(doc.get("orgs", []))
        except (OSError, ValueError, TypeError, AttributeError):
            raise InvalidInput(f"建议文件 {Path(args.from_file).name} 读不了：应为 gaps suggest --save 写出的 JSON") from None
    words = args.words[1:]
    if words:
        kind, ids = words[0], words[1:]
        if kind not in ("covers", "links") or not ids or len(ids) % 2:
            raise InvalidInput("用法：gaps accept covers 党组织编号 楼栋编号 [...] 或 gaps accept links 党员编号 住户编号 [...]")
        pairs = list(zip(ids[::2], ids[1::2]))
        if kind == "covers":
            covers += [s.CoversPair(org_id=a, building_id=b) for a, b in pairs]
        else:
            links += [s.LinkPair(member_id=a, household_id=b) for a, b in pairs]
    return covers, links, orgs


def place(settings: Settings, args: argparse.Namespace, q: s.GapQuery, distances: list[s.Distance]) -> None:
    from graphsvc.commands.common import cli_scope, open_graph, say
    from graphsvc.services import coverage

    try:
        req = s.ServicePlanRequest(**q.area().model_dump(), kinds=args.kind or None, p=args.max_new,
                                   distances=distances, params=q.params(settings.gaps), time_limit_s=args.time_limit)
    except ValidationError as e:
        details = [{"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]} for err in e.errors()]
        raise InvalidInput("命令参数有误（--time-limit 为 1–3600 秒，--max-new 为 0–1000）", details=details) from e
    with open_graph(settings, read_only=True) as graph:
        plan = coverage.plan_service_points(graph, cli_scope(), req, default_time_limit_s=settings.plan_time_limit_s)
    rows = []
    for k in plan.items:
        for name, sp in (("最少站点覆盖全部（LSCP）", k.lscp), (f"新增 {args.max_new} 个覆盖最多（MCLP）", k.mclp)):
            if sp is None:
                continue
            for c in sp.chosen:
                rows.append({"kind": k.zh, "plan": name,
                             "site_id": c.id, "site_name": c.name, "covers": len(c.covers), "why": _why(c.why)})
    output.write(plan.model_dump(mode="json"), args.format, rows=rows, output=args.output, headers=HEADERS, sheet="服务站点选址")
    for k in plan.items:
        least = "最少需新增" if k.lscp.optimal else "需新增"
        say(f"{k.zh}：住宅楼 {k.buildings} 栋，现有站点覆盖 {k.covered_now} 栋，{least} {len(k.lscp.chosen)} 个站点"
            + (f"；无论如何都覆盖不到 {len(k.uncoverable)} 栋" if k.uncoverable else ""))
        for name, sp in (("最少站点覆盖全部（LSCP）", k.lscp), ("覆盖最多（MCLP）", k.mclp)):
            if sp is not None and sp.note:
                say(f"{k.zh}，{name}：{sp.note}")
