"""The planner's new suggestions (a helper for a vulnerable household, a branch for a community) and their accepts."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from graphsvc.schemas.coverage import LinkPair, NewOrg


class HelperSuggestion(BaseModel):
    household_id: str
    building_id: str
    building_name: str | None = None
    community_id: str
    member_id: str
    member_name: str | None = None
    relation: Literal["same_building", "same_grid", "nearby"]
    distance_m: int
    why: dict[str, Any]


class HelperSuggestions(BaseModel):
    items: list[HelperSuggestion]
    count: int
    unassigned: list[str]  # households with no member with room in their community
    help_cap: int
    accept: list[LinkPair]  # POST /coverage/accept/helps


class AcceptHelps(BaseModel):
    """Accepted helper → household pairs (一帮一): written as HELPS, every member within `help_cap`."""

    items: list[LinkPair] = Field(min_length=1, max_length=10_000)
    help_cap: int = Field(default=3, ge=1, le=100)


class CommunityBranch(BaseModel):
    community_id: str
    community_name: str | None = None
    street_org_id: str | None
    why: dict[str, Any]
    accept_org: NewOrg | None = None  # POST /coverage/accept/org


class CommunityBranches(BaseModel):
    items: list[CommunityBranch]
    count: int
