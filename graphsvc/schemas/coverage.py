"""Coverage gaps: the ten rules, the summary, suggestions, what-if, and accepting a suggestion."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from graphsvc.schemas.ids import Id, OptId
from graphsvc.schemas.ledger import OrgDomain, ServiceKind, ZhEnum
from graphsvc.schemas.text import no_control


class GapRule(ZhEnum):
    """The rule identifiers of docs/domain.md, each with the Chinese name people read."""

    community_without_org = "community_without_org", "一居一支部：没有党组织的社区"
    building_without_group = "building_without_group", "党小组联幢：没有党小组覆盖的住宅楼"
    building_needs_branch = "building_needs_branch", "支部进楼宇：党员超过阈值却没有楼宇党支部的楼栋"
    household_unlinked = "household_unlinked", "党员联户：没有党员联系的住户"
    member_overloaded = "member_overloaded", "联户上限：联系住户超过上限的党员"
    vulnerable_without_helper = "vulnerable_without_helper", "一帮一：没有党员帮扶的困难户"
    unit_without_branch = "unit_without_branch", "支部四进：应建未建党组织的驻区单位"
    mobile_unregistered = "mobile_unregistered", "流动不流失：未在流入地登记的流动党员"
    employed_unregistered = "employed_unregistered", "双重管理：未到居住社区报到的在职党员"
    service_circle_gap = "service_circle_gap", "15 分钟服务圈：步行范围内缺少服务站点的住宅楼"
    community_lacking_basics = "community_lacking_basics", "三无居委：缺办公用房、经费或场地的社区"


class VulnerableFlag(str, Enum):
    hardship = "hardship"
    disabled = "disabled"
    elderly_alone = "elderly_alone"
    low_income = "low_income"
    separated = "separated"
    unemployed = "unemployed"


class GapParams(BaseModel):
    """Rule thresholds; the defaults are docs/domain.md's (the source texts' practice), any may be overridden per request."""

    model_config = ConfigDict(extra="forbid")

    branch_threshold: int = Field(
        default=50, ge=1, le=100_000, description="支部进楼宇：居住党员超过此数需建楼宇党支部"
    )
    cluster_min_members: int = Field(default=20, ge=1, le=100_000, description="楼栋至少有此数党员才参与相邻楼栋联建")
    cluster_distance_m: float = Field(default=150.0, gt=0, le=10_000, description="相邻楼栋联建支部的最大距离（米）")
    link_cap: int = Field(default=15, ge=1, le=1_000, description="每名党员联系住户上限（实践中 5–15）")
    unit_branch_members: int = Field(default=3, ge=1, le=1_000, description="单位党员达到此数应单独建支部")
    walk_minutes: float = Field(default=15.0, gt=0, le=240, description="服务圈步行分钟数")
    walk_speed_m_per_min: float = Field(default=80.0, gt=0, le=500, description="步行速度（米/分钟）")
    detour: float = Field(default=1.3, ge=1, le=5, description="直线距离换算步行距离的绕行系数")
    required_points: list[ServiceKind] = Field(
        default_factory=lambda: [ServiceKind.service_station, ServiceKind.activity_room], min_length=1
    )
    vulnerable: list[VulnerableFlag] = Field(
        default_factory=lambda: [VulnerableFlag.hardship, VulnerableFlag.disabled, VulnerableFlag.elderly_alone],
        min_length=1,
    )

    @property
    def reach_m(self) -> float:
        """Travel metres a walk of walk_minutes covers."""
        return self.walk_minutes * self.walk_speed_m_per_min


class Area(BaseModel):
    """Where to look: a street, a community or a grid (null = everywhere the caller may see)."""

    model_config = ConfigDict(extra="forbid")

    street_id: OptId = None
    community_id: OptId = None
    grid_id: OptId = None


class Distance(BaseModel):
    """One row of a travel-distance table, as a GIS exports it."""

    from_id: Id
    to_id: Id
    meters: float = Field(ge=0)


# --- gaps ------------------------------------------------------------------------------------------


class Gap(BaseModel):
    """One offending entity with its context; `detail` holds the rule's own counts and reasons."""

    id: str
    name: str | None = None
    street_id: str | None = None
    community_id: str | None = None
    community_name: str | None = None
    grid_id: str | None = None
    detail: dict[str, Any] = {}


class Cluster(BaseModel):
    """Neighbouring buildings that together pass the building-branch threshold."""

    community_id: str
    building_ids: list[str]
    members: int
    span_m: int  # the farthest two of its buildings


class RuleGaps(BaseModel):
    rule: GapRule
    zh: str
    count: int
    ids: list[str]
    items: list[Gap]
    clusters: list[Cluster] | None = None  # building_needs_branch only


class GapReport(BaseModel):
    communities: list[str] | None  # the communities looked at (null = all)
    grid_id: str | None = None
    params: GapParams
    rules: dict[str, RuleGaps]


class PlaceCount(BaseModel):
    """How many gaps of one rule a street or a community holds."""

    id: str | None  # null: members counted nowhere (no residence, an organisation serving no community)
    name: str | None = None
    street_id: str | None = None  # communities only
    count: int


class RulePage(BaseModel):
    """One rule over a wide area: its count, where the gaps are, and one page of them.

    Pages run community by community (most gaps first), and within a community in the order a
    planner acts on them (vulnerable households first, the most overloaded members first, ...).
    """

    rule: GapRule
    zh: str
    count: int
    by_street: list[PlaceCount]  # most gaps first
    by_community: list[PlaceCount]  # most gaps first
    items: list[Gap]
    offset: int
    limit: int
    next_offset: int | None  # where the next page starts; null on the last page


class GapPage(BaseModel):
    communities: list[str] | None  # the communities looked at (null = all)
    grid_id: str | None = None
    params: GapParams
    rules: dict[str, RulePage]


class RuleSummary(BaseModel):
    rule: GapRule
    zh: str
    population: str  # what is counted, in Chinese
    total: int
    gaps: int
    ratio: float | None  # share of the population without the gap; null when there is none


class CommunityGaps(BaseModel):
    community_id: str
    community_name: str | None = None
    gaps: dict[str, int]
    total: int


class CoverageSummary(BaseModel):
    items: list[RuleSummary]
    count: int
    communities: list[CommunityGaps]  # where the gaps are, most first


# --- suggestions -----------------------------------------------------------------------------------


class NewOrg(BaseModel):
    """A new Party organisation to write (a group by default), with the buildings it covers."""

    model_config = ConfigDict(extra="forbid")

    id: OptId = Field(default=None, description="留空则自动生成")
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(no_control)]
    level: Literal["group", "branch"] = "group"
    domain: OrgDomain = OrgDomain.community
    parent_id: Id
    community_id: OptId = None
    unit_id: OptId = None
    building_ids: list[Id] = Field(default_factory=list, max_length=500)


class GroupOption(BaseModel):
    group_id: str
    group_name: str | None = None
    distance_m: int
    same_community: bool
    buildings_now: int
    capacity_left: int | None


class CoversPair(BaseModel):
    org_id: Id
    building_id: Id


class BuildingSuggestion(BaseModel):
    """Who should cover one uncovered building: an existing group, or a new one formed there."""

    building_id: str
    building_name: str | None = None
    community_id: str
    action: Literal["join_group", "form_group", "no_option"]
    candidates: list[GroupOption]
    why: dict[str, Any]
    accept_covers: CoversPair | None = None  # POST /coverage/accept/covers
    accept_org: NewOrg | None = None  # POST /coverage/accept/org
    member_ids: list[str] = []  # members living there who could form the new group


class BuildingSuggestions(BaseModel):
    items: list[BuildingSuggestion]
    count: int


class LinkPair(BaseModel):
    member_id: Id
    household_id: Id


class LinkSuggestion(LinkPair):
    """A pair the plan proposes and why. In a `list[LinkPair]` (the plan's `accept`) it is the pair alone:
    pydantic serialises a field by its annotation, so the plan's 340k accept pairs are its items, not copies."""

    member_name: str | None = None
    building_id: str
    community_id: str
    vulnerable: bool | None = None  # null when the caller may not see vulnerability
    cost: int
    why: dict[str, Any]


class Unassigned(BaseModel):
    household_id: str
    reason: Literal["no_candidate", "capacity"]


class LinkAssignment(BaseModel):
    """The optimal member → household assignment for unlinked households (min-cost flow)."""

    items: list[LinkSuggestion]
    count: int
    unassigned: list[Unassigned]
    total_cost: int
    link_cap: int
    accept: list[LinkPair]  # POST /coverage/accept/links


class BranchProposal(BaseModel):
    community_id: str
    kind: Literal["single", "cluster"]
    building_ids: list[str]
    members: int
    why: dict[str, Any]
    accept_org: NewOrg | None = None


class BranchProposals(BaseModel):
    items: list[BranchProposal]
    count: int


class UnitSuggestion(BaseModel):
    unit_id: str
    unit_name: str | None = None
    community_id: str
    action: Literal["own_branch", "join_joint_branch"]
    joint_branch_id: str | None = None
    why: dict[str, Any]
    accept_org: NewOrg | None = None  # own_branch only; joining a joint branch is AcceptJoint


class UnitSuggestions(BaseModel):
    items: list[UnitSuggestion]
    count: int


class Site(BaseModel):
    """A candidate service-point site: an id of a building or unit, or a place of its own with coordinates."""

    id: Id
    name: str | None = Field(default=None, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class ServicePlanRequest(Area):
    kinds: list[ServiceKind] | None = Field(default=None, description="默认：规则要求的站点类型")
    candidates: list[Site] | None = Field(default=None, max_length=5_000, description="默认：提供活动场所的驻区单位")
    p: int | None = Field(default=None, ge=0, le=1_000, description="MCLP：最多新增几个站点")
    distances: list[Distance] = Field(default_factory=list, max_length=1_000_000)
    params: GapParams = Field(default_factory=GapParams)
    time_limit_s: float | None = Field(
        default=None,
        ge=1,
        le=3_600,
        description="每个选址模型（每种站点的 LSCP、MCLP 各一个）最多求解的秒数；到时给出已找到的最好方案及其与最优的差距。"
        "默认：GRAPHSVC_PLAN_TIME_LIMIT_S（60）",
    )


class ChosenSite(BaseModel):
    id: str
    name: str | None = None
    lat: float
    lon: float
    covers: list[str]  # demand buildings it reaches that no existing point reaches
    why: dict[str, Any]


class SitePlan(BaseModel):
    chosen: list[ChosenSite]
    covered: int
    uncovered: list[str]
    objective: float
    # false: the time limit stopped the solver before it proved this plan the best
    optimal: bool = True
    # proven: the best plan is at most this much better (0.05 = 5%; LSCP: in sites, MCLP: in households newly
    # covered); 0 when optimal; null when no bound was proven in time (the plan is then an approximate one)
    gap: float | None = 0.0
    note: str | None = None  # when not optimal: what the time limit left open, in Chinese


class KindPlan(BaseModel):
    """Where to add points of one kind: the fewest that cover all (LSCP), the best p (MCLP)."""

    kind: ServiceKind
    zh: str
    buildings: int
    covered_now: int
    uncoverable: list[str]  # no existing point or candidate reaches these
    lscp: SitePlan
    mclp: SitePlan | None = None


class ServicePlan(BaseModel):
    items: list[KindPlan]
    count: int
    candidates: int
    reach_m: float
    time_limit_s: float  # each model's time limit, seconds


# --- what-if ---------------------------------------------------------------------------------------


class WhatIfRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_ids: list[Id] = Field(default_factory=list, max_length=1_000)
    org_ids: list[Id] = Field(default_factory=list, max_length=1_000)


class Lost(BaseModel):
    id: str
    building_id: str
    community_id: str
    lost: list[str]  # the leaving members or organisations that covered it


class WhatIf(BaseModel):
    households_unlinked: list[Lost]
    households_without_helper: list[Lost]
    buildings_uncovered: list[Lost]
    count: int


# --- accepting -------------------------------------------------------------------------------------


class AcceptCovers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[CoversPair] = Field(min_length=1, max_length=1_000)
    group_building_cap: int | None = Field(default=None, ge=1, le=1_000, description="每个党小组最多覆盖楼栋数")


class AcceptLinks(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[LinkPair] = Field(min_length=1, max_length=10_000)
    link_cap: int = Field(default=15, ge=1, le=1_000)


class AcceptJoint(BaseModel):
    """A small unit joins a joint branch: its working members' memberships move there (支部四进)."""

    model_config = ConfigDict(extra="forbid")

    unit_id: Id
    joint_branch_id: Id


class Accepted(BaseModel):
    """What accepting wrote, stamped with who and when."""

    action: str
    written: int
    ids: list[str]  # the relationships as "from->to", or the new organisation's id
    accepted_by: str
    accepted_at: str
    # Where the write changed coverage (what the snapshot after it covers); not part of the answer.
    communities: list[str] | None = Field(default=None, exclude=True)


class GapQuery(Area, GapParams):
    """The query string of the GET endpoints: where to look, and any threshold to override."""

    def area(self) -> Area:
        return Area(**self.model_dump(include=set(Area.model_fields)))

    def params(self, defaults: GapParams | None = None) -> GapParams:
        """The thresholds: those given in the request over `defaults` (the GRAPHSVC_GAPS__* settings)."""
        given = self.model_dump(include=set(GapParams.model_fields) & self.model_fields_set)
        return GapParams(**((defaults or GapParams()).model_dump() | given))


class GapsQuery(GapQuery):
    rule: list[GapRule] | None = Field(default=None, description="只看这些规则（可重复）；默认全部")


class GapPageQuery(GapsQuery):
    limit: int = Field(default=50, ge=1, le=1_000, description="每条规则本页列出几条")
    offset: int = Field(default=0, ge=0, description="从第几条开始（0 起）")


class GroupsQuery(GapQuery):
    group_building_cap: int | None = Field(default=None, ge=1, le=1_000, description="每个党小组最多覆盖楼栋数")
    top: int = Field(default=3, ge=1, le=20, description="每栋楼列出几个候选党小组")
