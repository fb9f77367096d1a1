"""Ledger v1 rows (docs/domain.md): one pydantic model per table, Chinese header and value aliases.

The table and column names are a contract with users' spreadsheets and scripts: never rename.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from graphsvc.schemas.geojson import Boundary
from graphsvc.schemas.ids import ID_MAX, ID_RE, check_id
from graphsvc.schemas.kinds import (  # re-exported: the rows' enumerations are imported from here too
    BuildingKind,
    CommunityKind,
    Employment,
    MemberCategory,
    OrgDomain,
    OrgLevel,
    PairingKind,
    ProjectStatus,
    RegistrationKind,
    ResourceKind,
    ServiceKind,
    Theme,
    UnitKind,
    ZhEnum,
)
from graphsvc.schemas.text import has_control, no_control, no_control_id

# --- value parsing shared by JSON, CSV and XLSX ------------------------------------------------

_TRUE = {"true", "1", "是", "yes", "y", "t"}
_FALSE = {"false", "0", "否", "no", "n", "f", ""}


def _bool(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return bool(v)
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE:
        return v.strip().lower() in _TRUE
    return v  # let pydantic reject it with its own message


def _list(v: Any) -> Any:
    if v is None:
        return []
    if isinstance(v, str):
        return [p.strip() for p in v.replace("；", ";").split(";") if p.strip()]
    return v


def _blank_none(v: Any) -> Any:
    return None if isinstance(v, str) and not v.strip() else v


def _id(v: Any) -> Any:
    if isinstance(v, str):
        return v.strip()
    # Spreadsheets turn numeric ids into floats (101 -> 101.0): ids are strings.
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return v


def _grammar(v: str) -> str:
    """An id of the right length follows the grammar (which admits no control character: one match in the
    common case; a city's ledger has 350k ids), else the message says what is wrong with it."""
    return v if ID_RE.fullmatch(v) else check_id(no_control_id(v))


Flag = Annotated[bool, BeforeValidator(_bool)]
# The length checks first, inside the string's own check (each a Python call when they follow the validators).
Id = Annotated[str, Field(min_length=1, max_length=ID_MAX), BeforeValidator(_id), AfterValidator(_grammar)]
OptId = Annotated[Id | None, BeforeValidator(_blank_none)]
# Free text (names, phones, notes): never echoed in messages; control characters refused.
Text = Annotated[str, Field(max_length=2000), AfterValidator(no_control)]
OptText = Annotated[Text | None, BeforeValidator(_blank_none)]
StrList = Annotated[list[Text], BeforeValidator(_list)]
IdList = Annotated[list[Id], BeforeValidator(_list)]
OptInt = Annotated[int | None, BeforeValidator(_blank_none)]
OptFloat = Annotated[float | None, BeforeValidator(_blank_none)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
Score = Annotated[Annotated[float, Field(ge=0, le=100)] | None, BeforeValidator(_blank_none)]
OptDate = Annotated[date | None, BeforeValidator(_blank_none)]


ThemeList = Annotated[list[Theme], BeforeValidator(_list)]


# --- rows --------------------------------------------------------------------------------------


class Row(BaseModel):
    # Unknown columns (备注 …) are ignored and reported as warnings by the reader.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, use_enum_values=True)


class StreetRow(Row):
    id: Id
    name: Text
    district: OptText = None
    city: OptText = None


class CommunityRow(Row):
    id: Id
    name: Text
    kind: CommunityKind
    street_id: Id
    lat: Lat
    lon: Lon
    population: OptInt = None
    has_office: Flag = False
    has_funds: Flag = False
    has_land: Flag = False
    boundary: Boundary = None  # added to v1: GeoJSON Polygon/MultiPolygon (WGS84), text in CSV/XLSX


class ResidentGroupRow(Row):
    id: Id
    name: Text
    community_id: Id
    boundary: Boundary = None  # added to v1, as for communities


class BuildingRow(Row):
    id: Id
    name: Text
    kind: BuildingKind
    community_id: Id
    resident_group_id: OptId = None
    lat: Lat
    lon: Lon


class HouseholdRow(Row):
    id: Id
    building_id: Id
    size: Annotated[int, Field(ge=0, le=100)] = 1
    hardship: Flag = False
    disabled: Flag = False
    elderly_alone: Flag = False
    low_income: Flag = False
    separated: Flag = False
    unemployed: Flag = False


class MemberRow(Row):
    id: Id
    name: Text
    gender: OptText = None
    birth_year: Annotated[Annotated[int, Field(ge=1900, le=2100)] | None, BeforeValidator(_blank_none)] = None
    category: MemberCategory
    employment: Employment
    phone: OptText = None
    skills: StrList = []
    volunteer: Flag = False
    household_id: OptId = None
    unit_id: OptId = None
    org_id: Id


class PartyOrgRow(Row):
    id: Id
    name: Text
    level: OrgLevel
    domain: OrgDomain
    parent_id: OptId = None
    community_id: OptId = None
    unit_id: OptId = None


class UnitRow(Row):
    id: Id
    name: Text
    kind: UnitKind
    community_id: Id
    lat: Lat
    lon: Lon
    employees: OptInt = None


class ResourceRow(Row):
    id: Id
    owner_id: Id
    kind: ResourceKind
    capacity: Annotated[float, Field(ge=0)] = 1
    description: OptText = None


class NeedRow(Row):
    id: Id
    community_id: Id
    kind: ResourceKind
    quantity: Annotated[float, Field(ge=0)] = 1
    urgency: Annotated[int, Field(ge=1, le=5)] = 3
    description: OptText = None


class ServicePointRow(Row):
    id: Id
    name: Text
    kind: ServiceKind
    community_id: Id
    lat: Lat
    lon: Lon


class CoverageRow(Row):
    org_id: Id
    target_id: Id


class MemberHouseholdRow(Row):
    member_id: Id
    household_id: Id


class RegistrationRow(Row):
    member_id: Id
    org_id: Id
    kind: RegistrationKind


class PostRow(Row):
    member_id: Id
    community_id: Id
    post: Text


class SeatRow(Row):
    member_id: Id
    org_id: Id


class PairingRow(Row):
    id: Id
    org_a: Id
    org_b: Id
    kind: PairingKind
    since: OptDate = None
    themes: ThemeList = []
    ended_at: OptText = None  # added to v1: an ended pairing is kept as history, not deleted


class SharingRow(Row):
    resource_id: Id
    community_id: Id
    since: OptDate = None
    ended_at: OptText = None  # added to v1, as for pairings


class ProjectRow(Row):
    id: Id
    name: Text
    theme: Theme
    org_ids: IdList
    year: Annotated[int, Field(ge=1949, le=2100)]
    status: ProjectStatus = "planned"  # type: ignore[assignment]
    outcome: Score = None
    satisfaction: Score = None


# --- the table registry -------------------------------------------------------------------------

class Table(BaseModel):
    name: str
    zh: str
    model: type[Row]
    refs: dict[str, tuple[str, ...]] = {}

    @property
    def has_id(self) -> bool:
        return "id" in self.model.model_fields

    @property
    def columns(self) -> list[str]:
        return list(self.model.model_fields)

    @property
    def required(self) -> list[str]:
        return [n for n, f in self.model.model_fields.items() if f.is_required()]


_ORG_OWNERS = ("units", "communities", "party_orgs")

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(name="streets", zh="街道", model=StreetRow),
        Table(name="communities", zh="社区", model=CommunityRow, refs={"street_id": ("streets",)}),
        Table(name="resident_groups", zh="网格", model=ResidentGroupRow,
              refs={"community_id": ("communities",)}),
        Table(name="buildings", zh="楼栋", model=BuildingRow,
              refs={"community_id": ("communities",), "resident_group_id": ("resident_groups",)}),
        Table(name="households", zh="住户", model=HouseholdRow, refs={"building_id": ("buildings",)}),
        Table(name="members", zh="党员", model=MemberRow,
              refs={"household_id": ("households",), "unit_id": ("units",), "org_id": ("party_orgs",)}),
        Table(name="party_orgs", zh="党组织", model=PartyOrgRow,
              refs={"parent_id": ("party_orgs",), "community_id": ("communities",), "unit_id": ("units",)}),
        Table(name="units", zh="驻区单位", model=UnitRow, refs={"community_id": ("communities",)}),
        Table(name="resources", zh="资源", model=ResourceRow, refs={"owner_id": _ORG_OWNERS}),
        Table(name="needs", zh="需求", model=NeedRow, refs={"community_id": ("communities",)}),
        Table(name="service_points", zh="服务站点", model=ServicePointRow,
              refs={"community_id": ("communities",)}),
        Table(name="coverage", zh="联系覆盖", model=CoverageRow,
              refs={"org_id": ("party_orgs",), "target_id": ("buildings", "resident_groups")}),
        Table(name="member_links", zh="党员联户", model=MemberHouseholdRow,
              refs={"member_id": ("members",), "household_id": ("households",)}),
        Table(name="member_helps", zh="一帮一", model=MemberHouseholdRow,
              refs={"member_id": ("members",), "household_id": ("households",)}),
        Table(name="registrations", zh="报到登记", model=RegistrationRow,
              refs={"member_id": ("members",), "org_id": ("party_orgs",)}),
        Table(name="posts", zh="设岗定责", model=PostRow,
              refs={"member_id": ("members",), "community_id": ("communities",)}),
        Table(name="seats", zh="兼职委员", model=SeatRow,
              refs={"member_id": ("members",), "org_id": ("party_orgs",)}),
        Table(name="pairings", zh="结对", model=PairingRow,
              refs={"org_a": ("party_orgs",), "org_b": ("party_orgs",)}),
        Table(name="sharings", zh="资源共享", model=SharingRow,
              refs={"resource_id": ("resources",), "community_id": ("communities",)}),
        Table(name="projects", zh="共建项目", model=ProjectRow, refs={"org_ids": ("party_orgs",)}),
    ]
}

# Chinese headers: the first is what templates print, the rest are accepted too.
_ZH_COMMON: dict[str, tuple[str, ...]] = {
    "id": ("编号", "ID"),
    "name": ("名称",),
    "kind": ("类型",),
    "street_id": ("所属街道", "街道编号"),
    "community_id": ("所属社区", "社区编号"),
    "resident_group_id": ("所属网格", "网格编号"),
    "building_id": ("所属楼栋", "楼栋编号"),
    "household_id": ("住户编号", "居住户"),
    "member_id": ("党员编号",),
    "org_id": ("党组织编号", "所属党组织"),
    "unit_id": ("单位编号", "所在单位"),
    "owner_id": ("提供方编号",),
    "lat": ("纬度",),
    "lon": ("经度",),
    "district": ("区县",),
    "city": ("城市",),
    "population": ("人口",),
    "has_office": ("有办公用房",),
    "has_funds": ("有资金",),
    "has_land": ("有场地",),
    "size": ("人数",),
    "hardship": ("困难家庭",),
    "disabled": ("残疾人",),
    "elderly_alone": ("空巢独居老人",),
    "low_income": ("低保",),
    "separated": ("人户分离",),
    "unemployed": ("失业",),
    "gender": ("性别",),
    "birth_year": ("出生年份",),
    "category": ("党员类别",),
    "employment": ("就业状态",),
    "phone": ("电话", "联系电话"),
    "skills": ("特长", "技能"),
    "volunteer": ("义工", "志愿者"),
    "level": ("层级",),
    "domain": ("领域",),
    "parent_id": ("上级党组织",),
    "employees": ("职工人数",),
    "capacity": ("容量",),
    "description": ("说明", "描述"),
    "quantity": ("数量",),
    "urgency": ("紧迫程度",),
    "target_id": ("覆盖对象编号",),
    "post": ("岗位",),
    "org_a": ("党组织甲",),
    "org_b": ("党组织乙",),
    "since": ("开始日期",),
    "ended_at": ("结束时间",),
    "themes": ("主题",),
    "theme": ("主题",),
    "org_ids": ("参与党组织",),
    "year": ("年份",),
    "status": ("状态",),
    "outcome": ("成效评分",),
    "satisfaction": ("群众满意度",),
    "boundary": ("边界", "边界范围"),
}
_ZH_TABLE: dict[tuple[str, str], tuple[str, ...]] = {
    ("sharings", "resource_id"): ("资源编号",),
    ("resources", "id"): ("资源编号",),
    ("needs", "id"): ("需求编号",),
    ("service_points", "id"): ("站点编号",),
    ("service_points", "name"): ("站点名称",),
    ("pairings", "id"): ("结对编号",),
    ("projects", "id"): ("项目编号",),
    ("resident_groups", "id"): ("网格编号",),
    ("resident_groups", "name"): ("网格名称",),
    ("buildings", "id"): ("楼栋编号",),
    ("buildings", "name"): ("楼栋名称",),
    ("communities", "id"): ("社区编号",),
    ("communities", "name"): ("社区名称",),
    ("households", "id"): ("住户编号", "户编号"),
    ("members", "id"): ("党员编号",),
    ("members", "name"): ("姓名",),
    ("members", "org_id"): ("组织关系所在党组织", "党组织编号"),
    ("members", "household_id"): ("居住户",),
    ("party_orgs", "id"): ("党组织编号",),
    ("party_orgs", "name"): ("党组织名称",),
    ("units", "id"): ("单位编号",),
    ("units", "name"): ("单位名称",),
    ("streets", "id"): ("街道编号",),
    ("streets", "name"): ("街道名称",),
    ("registrations", "kind"): ("登记类型",),
    ("pairings", "kind"): ("结对类型",),
    ("projects", "name"): ("项目名称",),
}


def zh_headers(table: str, column: str) -> tuple[str, ...]:
    """Chinese headers accepted for a column; the first is the one templates print."""
    return _ZH_TABLE.get((table, column), ()) + _ZH_COMMON.get(column, ())


def zh_header(table: str, column: str) -> str:
    """The Chinese header templates and exports print for a column."""
    return (zh_headers(table, column) or (column,))[0]


# Sheet and file names accepted for a table besides its English name and `Table.zh`.
_TABLE_ALIASES = {"居民小组": "resident_groups", "楼宇": "buildings", "户": "households", "单位": "units"}


def table_name(title: str) -> str | None:
    """The table a sheet or file is named for (English or Chinese), or None."""
    s = title.strip()
    if s.lower() in TABLES:
        return s.lower()
    return next((t.name for t in TABLES.values() if t.zh == s), None) or _TABLE_ALIASES.get(s)


def header_map(table: str) -> dict[str, str]:
    """Every accepted header (English or Chinese, case-insensitive for English) -> column."""
    out: dict[str, str] = {}
    for col in TABLES[table].columns:
        for h in (*zh_headers(table, col)[::-1], col):
            out[h.strip().lower()] = col
    return out


# --- what a column holds, for messages, dropdowns and Chinese exports ----------------------------


def enum_of(table: str, column: str) -> type[ZhEnum] | None:
    """The enumeration a column takes (one value, or a list of them), or None."""
    for t in _base_types(TABLES[table].model.model_fields[column].annotation):
        if isinstance(t, type) and issubclass(t, ZhEnum):
            return t
    return None


def is_flag(table: str, column: str) -> bool:
    """A yes/no column (是/否)."""
    return TABLES[table].model.model_fields[column].annotation is bool


def is_list(table: str, column: str) -> bool:
    """A column holding a ;-separated list."""
    ann = TABLES[table].model.model_fields[column].annotation
    return get_origin(ann) is list


def _base_types(ann: Any) -> set[Any]:
    """`Annotated[int | None, ...]` -> {int, NoneType}; `list[Theme]` -> {list, Theme}."""
    origin = get_origin(ann)
    if origin is Annotated:
        return _base_types(get_args(ann)[0])
    if origin is None:
        return {ann}
    out = {origin} if origin is list else set()
    for a in get_args(ann):
        out |= _base_types(a)
    return out


def echo_safe(table: str, column: str) -> bool:
    """May an error message show this column's value? Ids, codes, numbers and dates yes; free text
    (names, phones, ID numbers, notes) never."""
    t = TABLES[table]
    if column == "id" or column in t.refs or enum_of(table, column) is not None:
        return True
    return not (_base_types(t.model.model_fields[column].annotation) & {str, list})


def ids_in(value: Any) -> list[str]:
    """The ids a raw cell names (one, or a ;-separated list), normalised as the models do."""
    items = _list(value) if isinstance(value, (str, list)) else [value]
    out = []
    for item in items if isinstance(items, list) else [items]:
        v = _id(item)
        if isinstance(v, str) and v and not has_control(v, allow_whitespace=False):
            out.append(v)
    return out
