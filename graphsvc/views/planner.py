"""The planner page's words: readable names of households and suggestions, and what an accept writes."""

from __future__ import annotations

import base64
import json
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from graphsvc.errors import InvalidInput
from graphsvc.schemas.coverage import AcceptJoint, CoversPair, LinkPair, NewOrg

FLAG_ZH = {"hardship": "困难家庭", "disabled": "残疾人", "elderly_alone": "独居老人", "low_income": "低保",
           "separated": "人户分离", "unemployed": "失业"}
RELATION_ZH = {"same_building": "同楼", "same_grid": "同网格", "same_community": "同社区", "nearby": "同社区"}
LEVEL_ZH = {"group": "党小组", "branch": "党支部"}


def household_label(building_name: str | None, household_id: str) -> str:
    """斜桥巷小区1幢 0101户: the building and the household's own number (the id's last part)."""
    return f"{building_name or '（未知楼栋）'} {household_id.rsplit('-', 1)[-1]}户"


def flags_zh(flags: list[str] | None) -> str:
    return "、".join(FLAG_ZH.get(f, f) for f in flags or ())


class Action(BaseModel):
    """One write an accept makes, with the sentence that tells a person what it is."""

    kind: str = Field(pattern="^(covers|links|helps|org|joint)$")
    body: dict[str, Any]
    say: str = Field(max_length=500)
    cap: int | None = Field(default=None, ge=1, le=1000)

    def model(self) -> CoversPair | LinkPair | NewOrg | AcceptJoint:
        kinds: dict[str, type[BaseModel]] = {"org": NewOrg, "covers": CoversPair, "joint": AcceptJoint}
        return kinds.get(self.kind, LinkPair).model_validate(self.body)  # type: ignore[return-value]


def encode(actions: list[Action]) -> str:
    raw = json.dumps([a.model_dump() for a in actions], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode(text: str) -> list[Action]:
    """The actions a form carries; a clear message when they are not what the page sent."""
    try:
        rows = json.loads(base64.urlsafe_b64decode(text.encode()))
        actions = [Action.model_validate(r) for r in rows]
        for a in actions:
            a.model()
    except (ValueError, ValidationError, TypeError) as e:
        raise InvalidInput("要写入的内容无法识别，请刷新页面后重试", details=[{"field": "actions"}]) from e
    if not actions:
        raise InvalidInput("没有要写入的内容", details=[{"field": "actions"}])
    return actions


def say_org(org: NewOrg, above: str | None = None) -> str:
    where = f"，隶属「{above}」" if above else ""
    covers = f"，联系 {len(org.building_ids)} 幢楼" if org.building_ids else ""
    return f"新建{LEVEL_ZH.get(org.level, org.level)}「{org.name}」{where}{covers}"
