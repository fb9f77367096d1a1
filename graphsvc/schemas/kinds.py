"""Ledger v1's enumerations (docs/domain.md): each value with the Chinese label people read; the label is
accepted as input too. graphsvc.schemas.ledger re-exports them beside the rows that use them."""

from __future__ import annotations

from enum import Enum


class ZhEnum(str, Enum):
    """A str enum whose members carry a Chinese label; the label is accepted as input too."""

    zh: str

    def __new__(cls, value: str, zh: str = "") -> ZhEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh
        return obj

    @classmethod
    def _missing_(cls, value: object) -> ZhEnum | None:
        for m in cls:
            if value == m.zh or (isinstance(value, str) and value.strip().lower() == m.value):
                return m
        return None


class CommunityKind(ZhEnum):
    urban = "urban", "城市社区"
    rural = "rural", "行政村"
    resettlement = "resettlement", "安置社区"


class BuildingKind(ZhEnum):
    residential = "residential", "住宅楼"
    office = "office", "商务楼宇"
    mixed = "mixed", "商住混合"


class MemberCategory(ZhEnum):
    cadre = "cadre", "党员干部"
    retired = "retired", "离退休党员"
    resident = "resident", "社区党员"
    non_public = "non_public", "非公经济组织党员"
    mobile = "mobile", "流动党员"
    hardship = "hardship", "生活困难党员"


class Employment(ZhEnum):
    employed = "employed", "在职"
    retired = "retired", "退休"
    unemployed = "unemployed", "无业"


class OrgLevel(ZhEnum):
    working_committee = "working_committee", "党工委"
    committee = "committee", "党委"
    general_branch = "general_branch", "党总支"
    branch = "branch", "党支部"
    group = "group", "党小组"


class OrgDomain(ZhEnum):
    community = "community", "社区"
    building = "building", "楼宇"
    unit = "unit", "驻区单位"
    association = "association", "协会"
    industrial_park = "industrial_park", "园区"
    market = "market", "市场"
    non_public = "non_public", "两新组织"
    village = "village", "村"
    mobile = "mobile", "流动党员"
    joint = "joint", "联合"


class UnitKind(ZhEnum):
    agency = "agency", "机关"
    state_enterprise = "state_enterprise", "国有企业"
    private_enterprise = "private_enterprise", "民营企业"
    school = "school", "学校"
    hospital = "hospital", "医院"
    association = "association", "协会"
    social_org = "social_org", "社会组织"
    market = "market", "市场"
    industrial_park = "industrial_park", "园区"


class ResourceKind(ZhEnum):
    venue = "venue", "活动场所"
    office = "office", "办公用房"
    funds = "funds", "资金"
    equipment = "equipment", "设备"
    training = "training", "教育培训"
    medical = "medical", "医疗"
    legal = "legal", "法律"
    talent = "talent", "人才技术"
    volunteers = "volunteers", "志愿者"
    transport = "transport", "交通"


class ServiceKind(ZhEnum):
    activity_room = "activity_room", "党员活动室"
    service_station = "service_station", "社区服务站"
    library = "library", "图书室"
    clinic = "clinic", "卫生室"
    elderly_center = "elderly_center", "老年活动场所"


class RegistrationKind(ZhEnum):
    dual = "dual", "在职党员报到"
    mobile = "mobile", "流动党员登记"


class PairingKind(ZhEnum):
    co_construction = "co_construction", "结对共建"
    urban_rural = "urban_rural", "城乡结对"


class Theme(ZhEnum):
    # 五联共建
    party_work = "party_work", "党建联做"
    infrastructure = "infrastructure", "基础设施联建"
    culture = "culture", "群众文化联兴"
    welfare = "welfare", "公益事业联办"
    security = "security", "社会治安联防"
    # 六联六互 (culture is shared with the five joint works)
    organisation = "organisation", "组织联建"
    information = "information", "信息联通"
    talent = "talent", "人才联育"
    service = "service", "服务联办"
    charity = "charity", "公益联助"


class ProjectStatus(ZhEnum):
    planned = "planned", "计划"
    ongoing = "ongoing", "进行中"
    done = "done", "已完成"
    cancelled = "cancelled", "已取消"
