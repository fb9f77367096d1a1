"""Rectification (整改闭环): a gap assigned to an organisation with a due date, tracked to closure."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from graphsvc.schemas.coverage import GapRule
from graphsvc.schemas.ids import Id, PickedId
from graphsvc.schemas.ledger import ZhEnum
from graphsvc.schemas.text import no_control

Person = Annotated[str, Field(max_length=50), AfterValidator(no_control)]
Note = Annotated[str, Field(max_length=1000), AfterValidator(no_control)]


class RectStatus(ZhEnum):
    open = "open", "待整改"
    in_progress = "in_progress", "整改中"
    done = "done", "已整改"


class RectificationCreate(BaseModel):
    """Assign a gap that the rule finds now: who is responsible (an organisation, optionally a person) and by when."""

    model_config = ConfigDict(extra="forbid")

    rule: GapRule
    target_id: Id = Field(description="缺口对象编号（楼栋、住户、党员、单位或社区）")
    org_id: Id = Field(description="责任党组织编号")
    person: Person | None = Field(default=None, description="责任人姓名（可选）")
    due: date = Field(description="整改期限")
    note: Note | None = None


class RectificationUpdate(BaseModel):
    """Change the status (已整改 is checked by the rule itself), the due date, who is responsible, or add a note."""

    model_config = ConfigDict(extra="forbid")

    status: RectStatus | None = None
    due: date | None = None
    org_id: Id | None = None
    person: Person | None = None
    note: Note | None = None


class Rectification(BaseModel):
    id: str
    rule: GapRule
    rule_zh: str
    target_id: str
    target_name: str | None
    community_id: str | None
    community_name: str | None
    street_id: str | None
    grid_id: str | None
    org_id: str
    org_name: str | None
    person: str | None
    due: str
    status: RectStatus
    status_zh: str
    overdue: bool
    note: str | None
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    closed_at: str | None = None
    checked_at: str | None = None
    recheck: Literal["closed", "still_found"] | None = None  # set on the answer to marking 已整改


class Progress(BaseModel):
    level: Literal["street", "community"]
    id: str
    name: str | None
    total: int
    open: int
    in_progress: int
    done: int
    overdue: int
    done_ratio: float | None


class Rectifications(BaseModel):
    items: list[Rectification]
    count: int
    progress: list[Progress]


class RectificationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    street_id: PickedId = None
    community_id: PickedId = None
    status: RectStatus | None = None
    overdue: bool | None = Field(default=None, description="只看逾期（true）或未逾期（false）")


class RectificationPageQuery(RectificationQuery):
    """The rectification page: the ledger's filters, and a gap to fill the new-task form with (from 覆盖缺口)."""

    rule: GapRule | None = None
    target_id: PickedId = None
    org_id: PickedId = None
