"""Chinese for people on the command line: codes in, labels out.

Wherever a command takes a code it takes the Chinese label too (`--themes 党建联做`, `--kind 住宅楼`,
`gaps suggest 党小组联幢`); the human outputs (table, xlsx) show labels, never codes or rule ids,
while `--format json|csv` keep the English keys and codes for scripts.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any

from graphsvc.schemas import ledger as L

# Each column name an output may carry, with the enumerations its codes come from (first match wins).
_COLUMN_ENUMS: dict[str, tuple[type[L.ZhEnum], ...]] = {
    "theme": (L.Theme,), "themes": (L.Theme,), "suggested_themes": (L.Theme,),
    "status": (L.ProjectStatus,), "level": (L.OrgLevel,), "domain": (L.OrgDomain,),
    "category": (L.MemberCategory,), "employment": (L.Employment,),
    "kind": (L.PairingKind, L.CommunityKind, L.BuildingKind, L.UnitKind, L.ResourceKind, L.ServiceKind, L.RegistrationKind),
    "community_kind": (L.CommunityKind,), "building_kind": (L.BuildingKind,), "unit_kind": (L.UnitKind,),
    "resource_kind": (L.ResourceKind,), "need_kind": (L.ResourceKind,), "service_kind": (L.ServiceKind,),
    "missing": (L.ServiceKind,), "kinds": (L.ServiceKind,), "required_points": (L.ServiceKind,),
    "nearest_m": (L.ServiceKind,),  # its keys: the walk to the nearest point of each missing kind
}

# Words that are not enumerations of the ledger: roles, audit actions, gap details, flags.
WORDS: dict[str, str] = {
    "admin": "管理员", "street": "街道", "community": "社区", "analyst": "分析员",
    "ledger.import": "导入台账", "key.create": "创建密钥", "key.revoke": "撤销密钥",
    "pairing.create": "登记结对", "pairing.end": "结束结对", "sharing.create": "登记资源共享",
    "sharing.end": "结束资源共享", "project.create": "登记共建项目", "project.end": "结束共建项目",
    "coverage.accept_covers": "采纳党小组联幢建议", "coverage.accept_links": "采纳党员联户建议",
    "coverage.accept_helps": "采纳一帮一建议", "coverage.accept_org": "采纳新建党组织建议",
    "coverage.accept_joint": "采纳单位并入联合党支部建议",
    "pairing.accept": "采纳城乡结对建议", "rectify.create": "派发整改任务", "rectify.update": "更新整改任务",
    "own_branch": "单独建立党支部", "joint_branch": "纳入联合党支部",
    "office": "办公用房", "funds": "资金", "land": "场地",
    "hardship": "困难家庭", "disabled": "残疾人", "elderly_alone": "空巢独居老人", "low_income": "低保",
    "separated": "人户分离", "unemployed": "失业",
    "api": "接口", "cli": "命令行", "suggestion": "采纳建议", "ledger": "台账",
    "True": "是", "False": "否", "true": "是", "false": "否",
}

# Keys of gap details and other nested values.
KEYS: dict[str, str] = {
    "resident_members": "居住党员", "members": "党员", "households": "住户数", "flags": "情况",
    "vulnerable": "属帮扶对象", "lacks": "缺少", "three_nos": "三无", "needs": "应当",
    "working_members": "在职党员", "links": "联户数", "linkers": "联户党员", "size": "人数",
    "buildings": "楼栋", "building_name": "楼栋", "building_kind": "楼栋类型", "unit_kind": "单位类型",
    "org_name": "党组织", "category": "党员类别", "kind": "类型", "level": "层级", "distance_m": "距离（米）",
    "nearest_m": "最近距离（米）", "missing": "缺少", "in_joint_branch": "已在联合支部", "offers": "提供",
    "cluster": "楼群", "minutes": "步行分钟", "walk_minutes": "步行分钟", "rows": "行数", "changes": "变化",
    "new": "新增", "updated": "更新", "unchanged": "未变化", "role": "角色", "scope_id": "范围",
    "reach_m": "步行可达（米）", "building_id": "楼栋编号", "org_id": "党组织编号", "unit_id": "单位编号",
    "has_office": "有办公用房", "has_funds": "有资金", "has_land": "有场地", "actor": "操作人", "action": "操作",
    "target": "对象", "detail": "详情", "at": "时间", "source": "来源", "revoked_at": "撤销时间",
    "created_at": "创建时间", "last_used_at": "最近使用", "name": "名称", "id": "编号",
    "created_by": "创建人", "revoked_by": "撤销人", "ended_by": "结束人", "end_source": "结束来源",
    "end_reason": "结束原因", "community_a": "甲方社区", "community_b": "乙方社区",
    "groups_in_community": "社区内党小组", "groups_full_in_community": "社区内已满的党小组",
    "min_new_group_members": "新建党小组至少党员", "unit_branch_members": "单独建支部的党员数",
    "buildings_now": "现覆盖楼栋", "capacity_left": "还可覆盖", "same_community": "同一社区", "link_cap": "联户上限",
    "member_links_before": "原联户数", "member_links_after": "采纳后联户数", "max_distance_m": "最大距离（米）",
    "min_members": "至少党员", "threshold": "阈值", "radius_m": "半径（米）", "joint_branches": "联合支部",
    "households_unlinked": "失去联户的住户", "households_without_helper": "失去帮扶的住户",
    "buildings_uncovered": "失去覆盖的楼栋", "mip_rel_gap": "最优性差距", "member": "党员", "household": "住户",
    "building": "楼栋", "relation": "关系", "problem": "问题",
}


def key_zh(key: str) -> str:
    """A column or detail key as a Chinese heading: our words, else the ledger's header for it."""
    if key in KEYS:
        return KEYS[key]
    for t in L.TABLES:
        if key in L.TABLES[t].columns:
            return L.zh_header(t, key)
    return key


KEYS_SHOWN_BLANK = {"scope_id", "parent_id", "community_id", "unit_id"}  # inside details: "—" rather than None


def _rules() -> type[L.ZhEnum]:
    from graphsvc.schemas.coverage import GapRule

    return GapRule


def label(value: Any, column: str | None = None) -> Any:
    """One value as a person reads it: an enum code or rule id as its label, yes/no as 是/否."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None and column is not None:
        return "—" if column in KEYS_SHOWN_BLANK else value
    if isinstance(value, list):
        return "、".join(str(label(v, column)) for v in value)
    if isinstance(value, dict):
        return "；".join(
            f"{_dict_key(k, column)}：{'—' if v is None else label(v, k)}" for k, v in value.items() if k not in ("lat", "lon")
        )
    if not isinstance(value, str):
        return value
    if column in ("rule", "rules"):
        return _zh(_rules(), value)
    for enum in _COLUMN_ENUMS.get(column or "", ()):
        found = _zh(enum, value, None)
        if found is not None:
            return found
    if column in ("action", "role", "source", "needs", "lacks", "flags") or value in WORDS:
        return WORDS.get(value, value)
    return value


def _dict_key(key: str, column: str | None) -> str:
    """A nested key as people read it: a code of the column's enumerations as its label, else our word."""
    for enum in _COLUMN_ENUMS.get(column or "", ()):
        found = _zh(enum, key, None)
        if found is not None:
            return str(found)
    return key_zh(key)


def _short(m: Any) -> str:
    """A rule's short name (党小组联幢), or its whole label where two rules share one (党员联户：…)."""
    short = m.zh.split("：")[0]
    return m.zh if sum(1 for x in type(m) if x.zh.split("：")[0] == short) > 1 else short


def _zh(enum: type[L.ZhEnum], value: str, default: Any = ...) -> Any:
    for m in enum:
        if value == m.value:
            return _short(m) if enum is _rules() else m.zh
    return value if default is ... else default


def rule_name(rule: str) -> str:
    """A gap rule as people name it: 党小组联幢, 一帮一 …"""
    return str(label(rule, "rule"))


def human_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with every code shown as its Chinese label (for table and xlsx output)."""
    return [{k: label(v, k) for k, v in r.items()} for r in rows]


# --- arguments: a code or its label -------------------------------------------------------------


def code_of(enum: type[Enum], text: str) -> str:
    """The code for `text` (a code, a Chinese label, or a rule's short name), or a Chinese error."""
    t = text.strip()
    for m in enum:
        zh = getattr(m, "zh", "")
        if t in (m.value, m.name, zh, zh.split("：")[0], WORDS.get(str(m.value))):
            return str(m.value)
    choices = choices_help(enum)
    raise argparse.ArgumentTypeError(f"「{t[:40]}」不是可选的值；可选：{choices}")


def enum_arg(enum: type[Enum]) -> Callable[[str], str]:
    """An argparse `type` taking a code or its Chinese label."""
    def parse(text: str) -> str:
        return code_of(enum, text)

    parse.__name__ = getattr(enum, "__name__", "value")
    return parse


def enum_list_arg(enum: type[Enum]) -> Callable[[str], list[str]]:
    """An argparse `type` taking codes or labels separated by ; , 、 or ，."""
    def parse(text: str) -> list[str]:
        for sep in ";；,，、":
            text = text.replace(sep, ";")
        return [code_of(enum, t) for t in text.split(";") if t.strip()]

    parse.__name__ = getattr(enum, "__name__", "values")
    return parse


def choices_help(enum: type[Enum]) -> str:
    """'党建联做、基础设施联建 …' for a flag's help."""
    return "、".join(_short(m) if getattr(m, "zh", None) else WORDS.get(str(m.value), str(m.value)) for m in enum)
