"""Demo data: a realistic Ledger v1 for 新丰街街道, and chunked cities for benchmarks.

- `street_ledger(seed)` — the demo street of the seed report (常州 新丰街街道: 13 communities,
  12 general branches + 1 branch, ~1,530 members, 79 unit organisations paired with the 13
  community organisations, 斜桥巷社区 with a pact of 28 units, 256 member volunteers, 54 posts),
  a neighbouring street (红梅街道) and a town of villages (横林镇) for urban–rural pairing.
  Same seed, byte-identical JSON. Every row validates against graphsvc.schemas.ledger.
- `planted(seed)` / `find_gaps(tables)` — the deliberate gaps, one set per rule of DOMAIN.md,
  computed from the data by a plain-Python reading of the rules (independent of the Cypher).
- `chunks(scale, seed)` — 'street' | 'district' | 'city' as mini-ledgers, one community (or a
  street's shared rows) at a time; each chunk refers only to itself and earlier chunks.
  `SCALES` holds the approximate row counts per table.

What is planted in the street ledger (everything else satisfies every rule):
  community_without_org      龙锦社区, a new community in 红梅街道 with no organisation yet
  building_without_group     4 buildings in 新丰街 dropped from their group's coverage,
                             and 龙锦社区's 3 buildings
  building_needs_branch      3 towers with 51–60 resident members and no building branch
                             (市级机关宿舍3幢, 教师公寓1幢, 青龙苑18幢); 4 bigger towers do have one.
                             cluster_candidates: 永宁花园1–3幢 (永宁路社区), 20–40 members each,
                             < 150 m apart, > 50 together
  household_unlinked         30 households whose link was dropped (4 of them vulnerable)
  member_overloaded          2 members linking 18 and 22 households
  vulnerable_without_helper  10 vulnerable households whose helper was dropped
  unit_without_branch        4 firms with 3–6 working members and no organisation of their own,
                             2 with 1–2 members whose membership is not in the joint branch
  mobile_unregistered        5 mobile members with their registration dropped
  employed_unregistered      8 unit members living in the street who never reported (dual)
  service_circle_gap         北郊新苑 (4 buildings 1.7 km out of 县北新村社区) and the 3 + 3
                             natural villages of the two 三无 villages, which lack an activity room
  community_lacking_basics   every community with has_office/has_funds/has_land false;
                             three_nos: the two 三无 villages (长沟村, 塘头村)
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphsvc.schemas.ledger import TABLES

Row = dict[str, Any]
Rows = dict[str, list[Row]]
UnitSpec = tuple[str, str, int, "_Comm", str, int]   # name, kind, employees, community, plan, working members

# Tables in reference order: a row only names rows of its own or earlier tables
# (party_orgs after units; a parent org is always written before its children).
TABLE_ORDER = [
    "streets", "communities", "resident_groups", "buildings", "households", "units", "party_orgs",
    "members", "resources", "needs", "service_points", "coverage", "member_links", "member_helps",
    "registrations", "posts", "seats", "pairings", "sharings", "projects",
]
assert sorted(TABLE_ORDER) == sorted(TABLES)

# --- rule parameters (DOMAIN.md defaults) ------------------------------------------------------

LINK_CAP = 15                      # 党员联户: households per member
BRANCH_THRESHOLD = 50              # 支部进楼宇: resident members per building (or cluster)
WALK_REACH_M = 15 * 80 / 1.3       # 15 minutes at 80 m/min, detour factor 1.3 (≈ 923 m)
REQUIRED_POINTS = ("service_station", "activity_room")
CLUSTER_DISTANCE_M = 150           # neighbouring buildings for a shared building branch
CLUSTER_MIN_MEMBERS = 20           # a building counts towards a cluster from this many members
NORMAL_BUILDING_MAX = CLUSTER_MIN_MEMBERS - 1   # ordinary buildings stay below cluster size
VULNERABLE = ("hardship", "disabled", "elderly_alone")

# --- names ----------------------------------------------------------------------------------------

# Common surnames with rough frequencies (a few 常州 ones: 钱, 顾, 陆, 恽, 储).
SURNAMES = (
    ("王", 71), ("李", 70), ("张", 66), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 21),
    ("吴", 20), ("周", 19), ("徐", 13), ("孙", 13), ("马", 12), ("朱", 12), ("胡", 11), ("郭", 11),
    ("何", 10), ("高", 10), ("林", 10), ("罗", 9), ("郑", 8), ("梁", 8), ("谢", 7), ("宋", 6),
    ("唐", 6), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 5), ("曹", 5), ("彭", 5), ("曾", 5), ("肖", 5),
    ("田", 5), ("董", 5), ("袁", 4), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 4),
    ("叶", 4), ("程", 4), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 3), ("姚", 3),
    ("卢", 3), ("钱", 3), ("顾", 3), ("陆", 3), ("汪", 3), ("庄", 2), ("华", 2), ("储", 1), ("恽", 1),
)
MALE_OLD = "建国 国强 建华 志明 德胜 福生 金宝 根宝 国平 建平 永康 玉林 荣华 洪生 秋生 春林 文忠 宝林 振华 卫东 国良 建新 锡明 培元 志坚 兴华 永福".split()
MALE_YOUNG = "伟 强 磊 军 勇 涛 斌 杰 浩 宇 俊杰 志强 晓东 海峰 文博 子轩 一鸣 立新 明辉 晨阳 鹏飞 建伟 海涛 振宇 嘉豪 凯 亮 骏".split()
FEMALE_OLD = "秀英 桂英 玉兰 桂兰 凤英 秀珍 素珍 美华 丽华 月娥 金凤 桂芳 淑芬 彩萍 雪琴 菊芬 惠珍 秀兰 佩华 玉珍".split()
FEMALE_YOUNG = "丽 静 敏 燕 艳 芳 娟 婷 雪 慧 晓燕 丽娟 雅琴 梦琪 欣怡 佳怡 思雨 海燕 文静 晓梅 琳 颖 倩 蕾 丹 萍 洁 瑶".split()
PHONE_PREFIXES = ("38", "39", "35", "36", "37", "58", "59", "80", "81", "89", "51", "52")

SKILLS_URBAN = ("法律", "医疗", "教育", "电工", "驾驶", "书法", "调解", "电脑", "财会", "水电维修",
                "摄影", "文艺", "护理", "心理咨询", "厨艺", "理发", "宣传")
SKILLS_RURAL = ("种植", "养殖", "农机", "电工", "驾驶", "木工", "电商", "调解", "财会", "泥瓦", "水产", "果树")
# What a unit's members are likely to bring (matching needs to skills).
UNIT_SKILLS = {
    "agency": ("法律", "财会", "宣传", "电脑"), "state_enterprise": ("电工", "财会", "驾驶", "电脑"),
    "school": ("教育", "书法", "心理咨询"), "hospital": ("医疗", "护理", "心理咨询"),
    "market": ("财会", "驾驶"), "association": ("调解", "财会", "宣传"), "social_org": ("心理咨询", "护理", "调解"),
    "private_enterprise": ("电脑", "电工", "财会", "驾驶"), "industrial_park": ("电工", "电脑", "财会"),
}

# The six categories of the "6×3" practice: (weight among urban, among rural residents).
CATEGORIES = {"retired": (42, 22), "resident": (20, 50), "cadre": (13, 7), "non_public": (10, 0),
              "mobile": (9, 14), "hardship": (6, 7)}
BIRTH_YEARS = {"cadre": (1966, 1998), "retired": (1936, 1963), "resident": (1952, 1996),
               "non_public": (1972, 2000), "mobile": (1975, 2001), "hardship": (1945, 1985)}
# Who links households first (volunteers before everyone): lower ranks first.
LINK_RANK = {"retired": 0, "resident": 1, "cadre": 2, "non_public": 3, "hardship": 4, "mobile": 9}
VOLUNTEER_WEIGHT = {"retired": 3.0, "resident": 2.0, "cadre": 1.0, "non_public": 1.0, "hardship": 0.5, "mobile": 0.3}

HOUSEHOLD_RATES = {
    # hardship is topped up by half the 低保 households: ~3% urban, ~5% rural in the end
    "urban": {"hardship": .013, "disabled": .02, "elderly_alone": .05, "low_income": .03, "separated": .04,
              "unemployed": .03},
    "rural": {"hardship": .03, "disabled": .025, "elderly_alone": .08, "low_income": .04, "separated": .02,
              "unemployed": .02},
}
HOUSEHOLD_SIZES = ((1, 2, 3, 4, 5), (12, 30, 32, 17, 9))

CN_NUM = "一二三四五六七八九十"
ESTATE_WORDS = ("锦绣", "和平", "兰园", "翠竹", "青果", "银河", "椿桂", "桃园", "丽景", "清潭", "怡康", "嘉禾",
                "紫云", "常青", "北环", "勤业", "丁香", "荷花", "红梅", "朝阳", "阳光", "天和", "金色", "润华")
ESTATE_SUFFIXES = ("花园", "新村", "苑", "家园", "小区", "公寓", "名邸", "雅居")
OFFICE_NAMES = ("天宁大厦", "金源大厦", "中天大厦", "新世纪大厦", "嘉业国际", "九洲新世界", "凯纳商务广场",
                "晋陵大厦", "财富中心", "龙城大厦", "信息大厦", "邮电大厦", "文化宫大厦", "南洋广场", "华润国际")
PLACE_WORDS = (
    "红梅 丽华 青龙 茶山 兰陵 清潭 广化 觅渡 北港 西林 东坡 新闸 白云 莲花 凤凰 桃园 梅园 锦绣 怡景 运河 "
    "龙城 朝阳 五星 永红 翠竹 雕庄 湖塘 牛塘 罗溪 薛家 三井 河海 春江 新桥 龙虎 荷花 丁香 紫云 清凉 延陵 "
    "椿庄 采菱 常青 和平 虹景 勤业 丽园 北环 兴隆 天安 光华 飞龙 金色 丰臣 百馨 世纪 银河 华山 黄河 长江 "
    "珠江 太湖 滆湖 吊桥 勤丰 荆川 西仓 富强 新冶 明都 玉龙 青山 花港 通江 泰山 双桂 戚墅 潞城 九里 横塘 "
    "芦墅 五一 安家 西湖 东南 花园 龙锦 新丰 县北 局前 竹林 永宁 文笔 博爱 中山 北直 东横 小河 南塘 后塘"
).split()
COMMUNITY_SUFFIXES = ("", "新村", "苑", "路", "桥", "里", "坊", "花园")
VILLAGE_FIRST = "崔余新长三塘顺东西南北大小高庄陈周蒋湖河桥汤郑潘芦寨东庙前后".replace("", " ").split()
VILLAGE_SECOND = "桥巷东沟友头庄墅塘埝渎港圩浜家墩河湾村坝".replace("", " ").split()
NATURAL_VILLAGE_SUFFIXES = ("家埭", "家宅", "家塘", "家村", "家庄", "家头")
FIRM_WORDS = ("恒达", "金鼎", "华昌", "宏远", "天翼", "瑞丰", "龙腾", "博远", "顺发", "永盛", "锦程", "晨光",
              "嘉和", "润泽", "东升", "美途", "佳禾", "众诚", "汇通", "明德", "宝丰", "联创", "景泰", "安康",
              "诚信", "和美", "久远", "新纪元", "天宁", "鼎盛", "立信", "格林", "凯瑞", "华信", "中恒")
FIRM_TRADES = ("科技", "信息技术", "物业管理", "商贸", "餐饮管理", "建筑装饰工程", "物流", "文化传媒", "电子",
               "医药连锁", "家政服务", "教育咨询", "广告", "电器", "服饰", "软件", "人力资源", "环保科技")

# 新丰街's resident units with a name everybody knows: (name, kind, employees).
XINFENG_NAMED_UNITS = (
    ("区税务局", "agency", 180), ("区市场监管局", "agency", 120), ("区城市管理局", "agency", 150),
    ("区人力资源和社会保障局", "agency", 90), ("区房管所", "agency", 40), ("市委党校", "agency", 110),
    ("新丰司法所", "agency", 12), ("新丰派出所", "agency", 85), ("区档案馆", "agency", 30),
    ("区环卫所", "agency", 260), ("区法院新丰法庭", "agency", 25), ("市规划局天宁分局", "agency", 45),
    ("市供电公司天宁营业所", "state_enterprise", 140), ("中国移动新丰营业厅", "state_enterprise", 35),
    ("工商银行新丰支行", "state_enterprise", 48), ("建设银行中山路支行", "state_enterprise", 52),
    ("市公交集团北站调度中心", "state_enterprise", 210), ("市自来水公司北区营业所", "state_enterprise", 60),
    ("江南燃气天宁服务站", "state_enterprise", 40), ("邮政新丰街支局", "state_enterprise", 30),
    ("市第二建筑工程公司", "state_enterprise", 320),
    ("新丰小学", "school", 95), ("局前街小学", "school", 120), ("市实验初级中学", "school", 160),
    ("市第二中学", "school", 210), ("北郊中学", "school", 150), ("新丰幼儿园", "school", 45),
    ("斜桥巷幼儿园", "school", 38), ("市广播电视大学", "school", 130),
    ("市第一人民医院", "hospital", 2600), ("市中医医院", "hospital", 1200),
    ("新丰街社区卫生服务中心", "hospital", 85), ("市妇幼保健院", "hospital", 900), ("市口腔医院", "hospital", 260),
    ("东方农贸市场", "market", 160), ("新丰农贸市场", "market", 120), ("北大街小商品市场", "market", 300),
    ("火车站商贸城", "market", 450), ("文笔塔花鸟市场", "market", 80), ("莱蒙商业广场", "market", 600),
    ("区个体劳动者协会新丰分会", "association", 6), ("区餐饮行业协会", "association", 8),
    ("区物业管理协会", "association", 5), ("新丰街商会", "association", 7), ("市老年书画研究会", "association", 4),
    ("阳光社工事务所", "social_org", 18), ("夕阳红志愿服务社", "social_org", 6),
    ("爱心助残服务中心", "social_org", 12), ("新丰街居家养老服务中心", "social_org", 25),
    ("龙城义工联合会", "social_org", 9),
)
XINFENG_MEMBERLESS = ("市老年书画研究会", "龙城义工联合会")   # units with no member at all
# Generated private firms of 新丰街 by plan: own branch, joint branch, none, and the planted gaps.
XINFENG_FIRM_PLANS = {"org": 31, "joint": 10, "none": 3, "bad_big": 4, "bad_small": 2}
XINFENG_PACT = "斜桥巷社区"          # the pact with 28 units (公约)
XINFENG_PACT_UNITS = 28
XINFENG_PACT_DATE = "2024-03-15"
XINFENG_VOLUNTEERS = 256
XINFENG_MEMBERS = 1530

WORKERS = {  # working members of a unit that has its own branch
    "agency": (6, 14), "state_enterprise": (5, 12), "school": (4, 12), "hospital": (10, 24),
    "market": (3, 6), "association": (3, 5), "social_org": (3, 5), "private_enterprise": (3, 8),
    "industrial_park": (5, 10),
}
PUBLIC_KINDS = ("agency", "state_enterprise", "school", "hospital")
UNIT_ORG_DOMAIN = {"agency": "unit", "state_enterprise": "unit", "school": "unit", "hospital": "unit",
                   "market": "market", "association": "association", "social_org": "non_public",
                   "private_enterprise": "non_public", "industrial_park": "industrial_park"}
UNIT_KIND_WEIGHTS = (("private_enterprise", 45), ("social_org", 10), ("school", 10), ("agency", 8),
                     ("state_enterprise", 8), ("association", 7), ("market", 6), ("hospital", 4),
                     ("industrial_park", 2))

EXTERNAL_ORIGINS = ("安徽省霍邱县城关镇东湖村党支部", "安徽省寿县正阳关镇渡口村党支部",
                    "江苏省泗阳县众兴镇新袁村党支部", "河南省固始县陈集镇马堰村党支部")

POSTS_URBAN = (("治安巡逻岗", None), ("矛盾调解岗", "调解"), ("环境卫生岗", None), ("政策宣传岗", "宣传"),
               ("帮困助残岗", "护理"), ("文明劝导岗", None), ("关爱青少年岗", "教育"), ("健康咨询岗", "医疗"),
               ("法律咨询岗", "法律"), ("楼道长岗", None))
POSTS_RURAL = (("治安巡逻岗", None), ("矛盾调解岗", "调解"), ("村务监督岗", "财会"), ("环境整治岗", None),
               ("农技服务岗", "种植"))

FIVE_THEMES = ("party_work", "infrastructure", "culture", "welfare", "security")        # 五联共建
SIX_LINKS = ("organisation", "culture", "information", "talent", "service", "charity")   # 六联六互
PROJECT_TITLES = {
    "party_work": ("党员先锋岗联建", "“三会一课”联学", "红色教育基地共建", "党员志愿服务日"),
    "infrastructure": ("老旧小区楼道改造", "社区活动室装修", "停车位改造", "路灯维修", "村道硬化"),
    "culture": ("纳凉晚会", "5·23歌咏会", "社区书画展", "广场舞队组建", "读书节"),
    "welfare": ("周末法律咨询", "老年人免费体检", "捐资助学", "困难家庭慰问", "爱心义诊"),
    "security": ("社区治安联防", "消防安全宣传", "平安楼道创建", "反诈宣传进楼道"),
    "organisation": ("村社支部联建", "党员干部互派挂职"),
    "information": ("农产品网上销售", "远程教育站点共建"),
    "talent": ("农村实用人才培训", "青年人才结对帮带"),
    "service": ("送医下乡", "便民服务进村"),
    "charity": ("城乡爱心助学", "结对帮扶困难户"),
}

# Resources by owner kind: (kind, capacity range, description; {u} owner, {c} capacity).
OFFERS = {
    "agency": (("legal", (2, 8), "{u}每月{c}次进社区开展法律政策咨询"), ("training", (2, 12), "{u}每年为社区党员举办培训{c}场"),
               ("venue", (40, 150), "{u}会议室周末向社区开放，可容纳约{c}人"), ("funds", (2, 10), "{u}年度共建经费{c}万元")),
    "state_enterprise": (("funds", (3, 20), "{u}年度共建资金{c}万元"), ("equipment", (2, 10), "{u}捐赠办公电脑{c}台"),
                         ("volunteers", (10, 40), "{u}青年志愿者{c}人"), ("transport", (1, 4), "{u}提供车辆{c}台用于社区活动")),
    "school": (("venue", (100, 400), "{u}操场和礼堂假期向居民开放，可容纳约{c}人"),
               ("training", (2, 10), "{u}开设老年电脑班，每年{c}期"), ("volunteers", (10, 30), "{u}教师志愿者{c}人")),
    "hospital": (("medical", (100, 600), "{u}每年为辖区老人免费体检约{c}人次"), ("volunteers", (10, 30), "{u}医护志愿者{c}人"),
                 ("training", (2, 8), "{u}健康讲座每年{c}场")),
    "market": (("venue", (50, 200), "{u}广场可办活动，可容纳约{c}人"), ("volunteers", (5, 15), "{u}商户志愿者{c}人"),
               ("funds", (1, 5), "{u}商户捐助{c}万元")),
    "association": (("volunteers", (10, 40), "{u}会员志愿者{c}人"), ("talent", (2, 8), "{u}技术能手{c}人结对帮带"),
                    ("funds", (1, 5), "{u}公益基金{c}万元")),
    "social_org": (("volunteers", (10, 60), "{u}志愿者{c}人"), ("training", (2, 12), "{u}社工督导培训每年{c}场"),
                   ("talent", (1, 5), "{u}专业社工{c}人")),
    "private_enterprise": (("funds", (1, 8), "{u}年度捐助{c}万元"), ("equipment", (1, 8), "{u}捐赠设备{c}套"),
                           ("talent", (1, 5), "{u}技术人员{c}人提供志愿服务"), ("volunteers", (5, 20), "{u}员工志愿者{c}人"),
                           ("transport", (1, 3), "{u}提供货车{c}台")),
    "industrial_park": (("office", (50, 300), "{u}闲置办公用房约{c}平方米"), ("funds", (5, 30), "{u}共建资金{c}万元"),
                        ("training", (2, 10), "{u}职业技能培训每年{c}期")),
    "community": (("venue", (60, 200), "{u}党员活动室错时开放，可容纳约{c}人"), ("volunteers", (10, 50), "{u}党员志愿服务队{c}人")),
    "village": (("venue", (50, 200), "{u}文化礼堂可容纳约{c}人"), ("talent", (1, 4), "{u}种养能手{c}人")),
    "committee": (("funds", (10, 40), "{u}党建工作经费{c}万元"), ("training", (4, 12), "{u}社区书记培训班每年{c}期")),
}
NEEDS = {
    "urban": (("venue", (1, 2), "居民活动场所不足，需借用场地{q}处"), ("volunteers", (10, 40), "纳凉晚会和文明创建需志愿者{q}人"),
              ("funds", (3, 15), "老旧小区楼道改造资金缺口约{q}万元"), ("equipment", (2, 6), "社区电脑老旧，需添置电脑{q}台"),
              ("training", (2, 6), "社区干部电脑与业务培训{q}场"), ("medical", (100, 400), "空巢老人健康体检约{q}人次"),
              ("legal", (2, 6), "居民法律咨询每月{q}次"), ("transport", (1, 2), "老年助餐送餐车辆{q}台")),
    "rural": (("funds", (10, 60), "村道硬化资金缺口约{q}万元"), ("talent", (1, 4), "缺少电商和种植技术人才{q}名"),
              ("training", (2, 8), "农村实用技术培训{q}期"), ("medical", (100, 300), "送医下乡，村民体检约{q}人次"),
              ("transport", (1, 3), "农产品外运车辆{q}台"), ("equipment", (1, 4), "党员远程教育设备{q}套"),
              ("volunteers", (5, 20), "留守儿童关爱志愿者{q}人")),
}
BASIC_NEEDS = (("office", (40, 120), "无办公用房，需协调约{q}平方米办公场所"),
               ("funds", (5, 20), "无集体经费，办公经费缺口约{q}万元"),
               ("venue", (1, 1), "无活动场地，需共享活动场所{q}处"))


# --- specifications -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Special:
    """A building with a role in the story: its resident members are set, not drawn."""

    role: str                 # branch_tower | tower | cluster | outlying | office_branch
    members: tuple[int, ...]  # resident members per building (office_branch: members of the branch)
    name: str = ""            # a tower's name, or the estate of a cluster / outlying estate


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    dx: float                                  # km east of the street centre
    dy: float                                  # km north
    kind: str = "urban"                        # urban | rural | resettlement
    org: str | None = "general_branch"         # general_branch | branch | None (not yet set up)
    walkups: int = 12                          # ordinary buildings (rural: natural villages)
    towers: int = 1
    mixed: int = 1
    offices: int = 0
    basics: tuple[bool, bool, bool] = (True, True, True)        # has_office, has_funds, has_land
    points: tuple[str, ...] = ("service_station", "activity_room")
    extra_points: bool = True                  # maybe a library, clinic, elderly centre too
    posts: int = 4
    needs: int = 3
    radius: float = 480.0                      # m: buildings lie within this of the centre
    member_rate: float = 0.125                 # resident members per household
    estates: tuple[str, ...] = ()
    group_size: tuple[int, int] = (2, 3)       # buildings per Party group (党小组联幢)
    specials: tuple[Special, ...] = ()


@dataclass(frozen=True)
class StreetSpec:
    code: str
    name: str
    district: str
    city: str
    lat: float
    lon: float
    committee: str            # working_committee (街道党工委) | committee (镇党委)
    communities: tuple[CommunitySpec, ...]
    mobile_branch: str = ""   # name of its mobile-member branch ("" = 流动党员党支部)
    joint: bool = True        # has a joint branch for small firms


_T, _F = True, False
XINFENG = StreetSpec(
    code="xf", name="新丰街街道", district="天宁区", city="常州市", lat=31.7890, lon=119.9620,
    committee="working_committee",
    communities=(
        # 20多个党员责任区: one group per building
        CommunitySpec("斜桥巷社区", 0.0, 0.0, walkups=18, mixed=2, offices=3, posts=6, needs=4,
                      estates=("斜桥巷小区", "青果新村", "锦绣花园", "椿桂坊"), group_size=(1, 1),
                      specials=(Special("office_branch", (0,)),)),    # its members: see _top_up
        CommunitySpec("新丰街社区", 0.95, 0.15, walkups=10, offices=2, estates=("新丰小区", "新丰苑"),
                      specials=(Special("branch_tower", (62,), "新丰苑高层1幢"),)),
        CommunitySpec("县北新村社区", 0.1, 1.0, walkups=11, towers=0,
                      specials=(Special("tower", (56,), "市级机关宿舍3幢"), Special("outlying", (9, 7, 8, 6), "北郊新苑"))),
        CommunitySpec("小东门桥社区", -0.9, 0.1, walkups=9, offices=1, basics=(_T, _T, _F)),
        CommunitySpec("中山路社区", -0.15, -0.9, walkups=8, mixed=2, offices=2, basics=(_T, _T, _F)),
        CommunitySpec("博爱路社区", 0.85, -0.85, walkups=10, offices=1,
                      specials=(Special("branch_tower", (58,), "博爱公寓1幢"),)),
        CommunitySpec("火车站社区", 1.0, 1.1, org="branch", walkups=7, towers=0, offices=2),
        CommunitySpec("永宁路社区", -0.9, -0.95, walkups=9, specials=(Special("cluster", (28, 25, 31), "永宁花园"),)),
        CommunitySpec("文笔塔社区", -1.0, 1.0, walkups=10, mixed=0),
        CommunitySpec("北直街社区", 1.85, 0.5, walkups=9, offices=1),
        CommunitySpec("东横街社区", 1.75, -0.55, walkups=9, offices=1,
                      specials=(Special("branch_tower", (71,), "东横名邸1幢"),)),
        CommunitySpec("竹林新村社区", 0.0, -1.85, walkups=11, mixed=0, basics=(_T, _F, _T),
                      specials=(Special("branch_tower", (55,), "竹林湾1幢"),)),
        CommunitySpec("局前街社区", -1.85, 0.0, walkups=9, offices=1,
                      specials=(Special("tower", (53,), "教师公寓1幢"),)),
    ),
)
HONGMEI = StreetSpec(
    code="hm", name="红梅街道", district="天宁区", city="常州市", lat=31.7885, lon=119.9960,
    committee="working_committee",
    communities=(
        CommunitySpec("红梅新村社区", 0.0, 0.0, walkups=14, offices=1, posts=3),
        CommunitySpec("丽华新村社区", 0.95, -0.55, posts=3),
        CommunitySpec("青龙社区", 0.15, 1.0, walkups=11, posts=3, specials=(Special("tower", (52,), "青龙苑18幢"),)),
        # Newly built: residents moved in, no Party organisation and no service point yet.
        CommunitySpec("龙锦社区", -0.05, -0.65, org=None, walkups=3, towers=0, mixed=0, basics=(_F, _F, _T),
                      points=(), extra_points=False, posts=0, needs=2, radius=150.0),
    ),
)
_NO_ROOM = ("service_station", "clinic")   # a 便民服务点 and a 卫生室, but nowhere for members to meet


def _village(name: str, dx: float, dy: float, natural_villages: int,
             basics: tuple[bool, bool, bool] = (True, True, True)) -> CommunitySpec:
    """A 行政村: its natural villages spread over ~700 m; with no office, no room for members either."""
    return CommunitySpec(name, dx, dy, kind="rural", org="branch", walkups=natural_villages, towers=0, mixed=0,
                         basics=basics, points=REQUIRED_POINTS if basics[0] else _NO_ROOM,
                         extra_points=basics[0], posts=2, needs=4, radius=700.0, member_rate=0.16)


HENGLIN = StreetSpec(
    code="hl", name="横林镇", district="武进区", city="常州市", lat=31.7420, lon=120.1480,
    committee="committee", mobile_branch="横林镇驻上海流动党员党支部", joint=False,
    communities=(
        CommunitySpec("白庙社区", 0.0, 0.0, kind="resettlement", walkups=12, towers=0, mixed=0, posts=2,
                      radius=380.0, member_rate=0.12, estates=("白庙新苑",)),
        CommunitySpec("三河新苑社区", 1.4, 1.1, kind="resettlement", org="branch", walkups=8, towers=0, mixed=0,
                      posts=2, radius=300.0, member_rate=0.12, basics=(_T, _T, _F), estates=("三河新苑",)),
        _village("崔桥村", -2.6, 0.4, 5),
        _village("余巷村", 3.4, 0.2, 5, (_T, _F, _T)),
        _village("新东村", -1.2, 2.9, 4),
        _village("长沟村", 1.9, -3.0, 3, (_F, _F, _F)),     # 三无
        _village("三友村", -2.3, -2.4, 4),
        _village("塘头村", 4.7, -2.2, 3, (_F, _F, _F)),     # 三无
        _village("顺庄村", 1.0, 3.9, 4, (_T, _F, _T)),
    ),
)
HENGLIN_UNITS = (("横林镇卫生院", "hospital", 120, "白庙社区"), ("横林中心小学", "school", 90, "白庙社区"),
                 ("横林地板产业园", "industrial_park", 900, "三河新苑社区"),
                 ("常州华东木业有限公司", "private_enterprise", 160, "崔桥村"))
URBAN_RURAL = (("斜桥巷社区", "崔桥村", "2021-04-20"), ("市第一人民医院", "白庙社区", "2022-09-01"),
               ("区税务局", "余巷村", "2023-03-10"), ("红梅新村社区", "新东村", "2020-06-18"))


# --- small helpers -------------------------------------------------------------------------------

_M_PER_DEG = 111_320.0


def _move(lat: float, lon: float, dx_m: float, dy_m: float) -> tuple[float, float]:
    """The point dx_m east and dy_m north of (lat, lon), to six decimals (~0.1 m)."""
    return (round(lat + dy_m / _M_PER_DEG, 6),
            round(lon + dx_m / (_M_PER_DEG * math.cos(math.radians(lat))), 6))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def _in_disc(rng: random.Random, radius: float) -> tuple[float, float]:
    r, a = radius * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return r * math.cos(a), r * math.sin(a)


def _date(rng: random.Random, first_year: int, last_year: int) -> str:
    return f"{rng.randint(first_year, last_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _empty() -> Rows:
    return {t: [] for t in TABLE_ORDER}


def _short(name: str) -> str:
    for suffix in ("社区", "街道", "镇", "村"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


class _Pool:
    """Candidates handed out in turn (or, with fill, each until full), up to `cap` times each;
    the load is shared between pools."""

    __slots__ = ("cands", "cap", "load", "i", "fill")

    def __init__(self, cands: list[Row], cap: int, load: Counter[str], fill: bool = False) -> None:
        self.cands, self.cap, self.load, self.i, self.fill = list(cands), cap, load, 0, fill

    def take(self, avoid_household: str | None = None) -> Row | None:
        tried = 0
        while self.cands and tried < len(self.cands):
            k = self.i % len(self.cands)
            m = self.cands[k]
            if self.load[m["id"]] >= self.cap:      # full: drop out (O(1) swap-pop)
                self.cands[k] = self.cands[-1]
                self.cands.pop()
                continue
            self.i = k + 1
            if avoid_household is not None and m["household_id"] == avoid_household:
                tried += 1
                continue
            if self.fill:
                self.i = k
            self.load[m["id"]] += 1
            return m
        return None


# --- the builder ----------------------------------------------------------------------------------


@dataclass
class _Comm:
    spec: CommunitySpec
    row: Row
    code: str
    street: _Street
    org: Row | None = None
    adopt: Row | None = None          # takes the members of a community with no organisation
    grids: list[Row] = field(default_factory=list)
    buildings: list[Row] = field(default_factory=list)
    grid_of: dict[str, str] = field(default_factory=dict)
    households: dict[str, list[Row]] = field(default_factory=dict)
    residents: dict[str, list[Row]] = field(default_factory=dict)
    group_of: dict[str, str] = field(default_factory=dict)
    estate_of: dict[str, tuple[str, int]] = field(default_factory=dict)   # building → (estate, number)
    special_of: dict[str, Special] = field(default_factory=dict)
    fixed: dict[str, int] = field(default_factory=dict)        # building → resident members set by a Special

    @property
    def id(self) -> str:
        return str(self.row["id"])

    @property
    def name(self) -> str:
        return str(self.row["name"])

    @property
    def rural(self) -> bool:
        return self.spec.kind != "urban"

    @property
    def home_org(self) -> Row:
        org = self.org or self.adopt
        assert org is not None
        return org

    def members(self) -> Iterator[Row]:
        for ms in self.residents.values():
            yield from ms


@dataclass
class _Unit:
    row: Row
    comm: _Comm
    plan: str                 # org | joint | none | bad_big | bad_small
    workers: int
    org: Row | None = None
    pair_with: _Comm | None = None
    pairing: Row | None = None
    staff: list[Row] = field(default_factory=list)


@dataclass
class _Street:
    spec: StreetSpec
    row: Row
    committee: Row
    mobile: Row
    joint: Row | None
    comms: list[_Comm] = field(default_factory=list)
    units: list[_Unit] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.spec.code

    def comm(self, name: str) -> _Comm:
        return next(c for c in self.comms if c.name == name)


class _Builder:
    """Writes rows into one ledger; all randomness from one random.Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows = _empty()
        self.seq: Counter[str] = Counter()
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_cum = list(_cumulative([w for _, w in SURNAMES]))
        self._size_cum = list(_cumulative(HOUSEHOLD_SIZES[1]))
        self._shape: dict[str, str] = {}   # building id → walkup|midrise|tower|tall|mixed|office|village
        self.names: set[str] = set()       # building names in use

    # ids, names, numbers ---------------------------------------------------------------------

    def next_id(self, prefix: str, width: int = 3) -> str:
        self.seq[prefix] += 1
        return f"{prefix}-{self.seq[prefix]:0{width}d}"

    def add(self, table: str, row: Row) -> Row:
        self.rows[table].append(row)
        return row

    def person_name(self, gender: str, birth_year: int) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        old = birth_year < 1966
        pool = (MALE_OLD if old else MALE_YOUNG) if gender == "男" else (FEMALE_OLD if old else FEMALE_YOUNG)
        return surname + rng.choice(pool)

    def phone(self) -> str | None:
        rng = self.rng
        return None if rng.random() < 0.04 else f"1{rng.choice(PHONE_PREFIXES)}{rng.randrange(10 ** 8):08d}"

    def skills(self, rural: bool, extra: tuple[str, ...] = ()) -> list[str]:
        rng = self.rng
        n = rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0]
        picked = rng.sample(SKILLS_RURAL if rural else SKILLS_URBAN, n)
        if extra and rng.random() < 0.7:
            picked.insert(0, rng.choice(extra))
        return list(dict.fromkeys(picked))

    def member(self, street: _Street, category: str, *, org_id: str | None, household: Row | None = None,
               unit: Row | None = None, rural: bool = False) -> Row:
        rng = self.rng
        lo, hi = BIRTH_YEARS[category]
        birth = rng.randint(lo, hi)
        gender = "男" if rng.random() < (0.6 if category in ("retired", "mobile", "cadre") else 0.5) else "女"
        employment = _employment(rng, category, rural)
        return self.add("members", {
            "id": self.next_id(f"m-{street.code}", 5), "name": self.person_name(gender, birth), "gender": gender,
            "birth_year": birth, "category": category, "employment": employment, "phone": self.phone(),
            "skills": self.skills(rural, UNIT_SKILLS.get(unit["kind"], ()) if unit else ()), "volunteer": False,
            "household_id": household["id"] if household else None, "unit_id": unit["id"] if unit else None,
            "org_id": org_id,
        })

    def org(self, oid: str, name: str, level: str, domain: str, *, parent: Row | None = None,
            community: _Comm | None = None, unit: Row | None = None) -> Row:
        return self.add("party_orgs", {
            "id": oid, "name": name, "level": level, "domain": domain,
            "parent_id": parent["id"] if parent else None,
            "community_id": community.id if community else None, "unit_id": unit["id"] if unit else None,
        })

    # places ----------------------------------------------------------------------------------

    def street(self, spec: StreetSpec) -> _Street:
        row = self.add("streets", {"id": f"s-{spec.code}", "name": spec.name, "district": spec.district,
                                   "city": spec.city})
        town = spec.committee == "committee"
        committee = self.org(f"po-{spec.code}", f"{spec.name}{'党委' if town else '党工委'}", spec.committee,
                             "village" if town else "community")
        mobile = self.org(f"po-{spec.code}-mob", spec.mobile_branch or f"{spec.name}流动党员党支部", "branch",
                          "mobile", parent=committee)
        joint = (self.org(f"po-{spec.code}-joint", f"{spec.name}非公企业联合党支部", "branch", "joint", parent=committee)
                 if spec.joint else None)
        return _Street(spec, row, committee, mobile, joint)

    def community(self, street: _Street, spec: CommunitySpec, index: int) -> _Comm:
        code = f"{street.code}{index:02d}"
        lat, lon = _move(street.spec.lat, street.spec.lon, spec.dx * 1000, spec.dy * 1000)
        office, funds, land = spec.basics
        row = self.add("communities", {
            "id": f"c-{code}", "name": spec.name, "kind": spec.kind, "street_id": street.row["id"],
            "lat": lat, "lon": lon, "population": 0, "has_office": office, "has_funds": funds, "has_land": land,
        })
        comm = _Comm(spec, row, code, street)
        street.comms.append(comm)
        if spec.org:
            suffix = "党总支" if spec.org == "general_branch" else "党支部"
            comm.org = self.org(f"po-{code}", f"{spec.name}{suffix}", spec.org,
                                "community" if spec.kind == "urban" else "village",
                                parent=street.committee, community=comm)
        else:   # the nearest community's organisation looks after its members meanwhile
            comm.adopt = min((c for c in street.comms if c.org),
                             key=lambda c: haversine_m(lat, lon, c.row["lat"], c.row["lon"])).org
        if spec.kind == "rural":
            self._natural_villages(comm)
        else:
            self._estates(comm)
        self._households(comm)
        self._groups(comm)
        self._service_points(comm)
        self._residents(comm)
        comm.row["population"] = sum(h["size"] for hs in comm.households.values() for h in hs)
        return comm

    def _building(self, comm: _Comm, name: str, kind: str, lat: float, lon: float, grid: Row,
                  estate: tuple[str, int] | None = None) -> Row:
        b = self.add("buildings", {
            "id": self.next_id(f"b-{comm.code}", 2), "name": name, "kind": kind, "community_id": comm.id,
            "resident_group_id": grid["id"], "lat": lat, "lon": lon,
        })
        comm.buildings.append(b)
        comm.grid_of[b["id"]] = grid["id"]
        self.names.add(name)
        if estate:
            comm.estate_of[b["id"]] = estate
        return b

    def _grid(self, comm: _Comm) -> Row:
        n = len(comm.grids)
        label = CN_NUM[n] if n < len(CN_NUM) else str(n + 1)
        grid = self.add("resident_groups", {"id": f"g-{comm.code}-{n + 1}", "name": f"{comm.name}第{label}网格",
                                            "community_id": comm.id})
        comm.grids.append(grid)
        return grid

    def _estates(self, comm: _Comm) -> None:
        """Urban and resettlement buildings: estates of numbered buildings around the centre."""
        rng, spec = self.rng, comm.spec
        clat, clon = comm.row["lat"], comm.row["lon"]
        n_estates = max(1, round((spec.walkups + spec.towers) / 6)) if not spec.estates else len(spec.estates)
        names = list(spec.estates) or self._estate_names(comm, n_estates)
        sizes = [spec.walkups // n_estates + (1 if i < spec.walkups % n_estates else 0) for i in range(n_estates)]
        for t in range(spec.towers):
            sizes[t % n_estates] += 1
        towers_left = spec.towers
        for e, (ename, size) in enumerate(zip(names, sizes)):
            angle = 2 * math.pi * e / n_estates + rng.uniform(-0.4, 0.4)
            r = rng.uniform(0.25, 0.62) * spec.radius if n_estates > 1 else rng.uniform(0, 0.2) * spec.radius
            elat, elon = _move(clat, clon, r * math.cos(angle), r * math.sin(angle))
            grid = self._grid(comm)
            placed: list[tuple[float, float]] = []
            for k in range(1, size + 1):
                lat, lon = self._spot(elat, elon, 0.3 * spec.radius, placed)
                shape = "walkup"
                if towers_left and k == size:
                    shape, towers_left = "tower", towers_left - 1
                elif rng.random() < 0.15 and spec.kind == "urban":
                    shape = "midrise"
                b = self._building(comm, f"{ename}{k}幢", "residential", lat, lon, grid, (ename, k))
                self._shape[b["id"]] = shape
        for _ in range(spec.mixed):
            lat, lon = self._spot(clat, clon, 0.5 * spec.radius, [])
            name = self._unique(comm, [f"{_short(comm.name)}商住楼", f"{rng.choice(ESTATE_WORDS)}广场",
                                       f"{rng.choice(ESTATE_WORDS)}商厦", f"{rng.choice(ESTATE_WORDS)}商厦"])
            b = self._building(comm, name, "mixed", lat, lon, self._nearest_grid(comm, lat, lon))
            self._shape[b["id"]] = "mixed"
        for _ in range(spec.offices):
            lat, lon = self._spot(clat, clon, 0.6 * spec.radius, [])
            name = self._unique(comm, rng.sample(OFFICE_NAMES, len(OFFICE_NAMES)) + [f"{w}大厦" for w in ESTATE_WORDS])
            b = self._building(comm, name, "office", lat, lon, self._nearest_grid(comm, lat, lon))
            self._shape[b["id"]] = "office"
        for sp in spec.specials:
            self._special(comm, sp)

    def _special(self, comm: _Comm, sp: Special) -> None:
        rng, clat, clon = self.rng, comm.row["lat"], comm.row["lon"]
        if sp.role in ("tower", "branch_tower"):
            lat, lon = self._spot(clat, clon, 0.7 * comm.spec.radius, [])
            b = self._building(comm, sp.name, "residential", lat, lon, self._nearest_grid(comm, lat, lon))
            self._shape[b["id"]] = "tall"
            comm.special_of[b["id"]] = sp
            comm.fixed[b["id"]] = sp.members[0]
        elif sp.role == "cluster":   # a row of mid-rises ~100 m apart, far enough from the others
            angle = rng.uniform(0, 2 * math.pi)
            r = 0.55 * comm.spec.radius
            grid = self._grid(comm)
            for k, n in enumerate(sp.members, start=1):
                step = (k - 2) * 105
                lat, lon = _move(clat, clon, r * math.cos(angle) - step * math.sin(angle),
                                 r * math.sin(angle) + step * math.cos(angle))
                b = self._building(comm, f"{sp.name}{k}幢", "residential", lat, lon, grid, (sp.name, k))
                self._shape[b["id"]] = "midrise"
                comm.special_of[b["id"]] = sp
                comm.fixed[b["id"]] = n
        elif sp.role == "outlying":   # a new estate on the edge, 1.7 km out
            elat, elon = _move(clat, clon, 0, 1700)
            grid = self._grid(comm)
            placed: list[tuple[float, float]] = []
            for k, n in enumerate(sp.members, start=1):
                lat, lon = self._spot(elat, elon, 120, placed)
                b = self._building(comm, f"{sp.name}{k}幢", "residential", lat, lon, grid, (sp.name, k))
                self._shape[b["id"]] = "walkup"
                comm.special_of[b["id"]] = sp
                comm.fixed[b["id"]] = n
        elif sp.role == "office_branch":
            office = next(b for b in comm.buildings if b["kind"] == "office")
            comm.special_of[office["id"]] = sp

    def _natural_villages(self, comm: _Comm) -> None:
        """A village's 'buildings' are its natural villages (自然村), 30–80 houses each."""
        rng, spec = self.rng, comm.spec
        n = spec.walkups
        grids = [self._grid(comm) for _ in range(2 if n < 5 else 3)]
        used: set[str] = set()
        for k in range(n):
            angle = 2 * math.pi * k / n + rng.uniform(-0.3, 0.3)
            r = rng.uniform(0.3, 0.95) * spec.radius
            lat, lon = _move(comm.row["lat"], comm.row["lon"], r * math.cos(angle), r * math.sin(angle))
            while True:
                name = f"{_short(comm.name)}{rng.choice(self._surnames[:40])}{rng.choice(NATURAL_VILLAGE_SUFFIXES)}"
                if name not in used:
                    used.add(name)
                    break
            b = self._building(comm, name, "residential", lat, lon, grids[k * len(grids) // n])
            self._shape[b["id"]] = "village"

    def _estate_names(self, comm: _Comm, n: int) -> list[str]:
        base = _short(comm.name)
        first = base if base.endswith(("新村", "花园", "苑")) else base + self.rng.choice(("小区", "新村", "花园"))
        names = [first]
        while len(names) < n:
            name = self.rng.choice(ESTATE_WORDS) + self.rng.choice(ESTATE_SUFFIXES)
            if name not in names and not any(x.startswith(name) for x in self.names):
                names.append(name)
        return names

    def _unique(self, comm: _Comm, options: list[str]) -> str:
        for name in options:
            if name not in self.names:
                return name
        return f"{options[0]}{len(comm.buildings) + 1}号楼"

    def _spot(self, lat: float, lon: float, radius: float, placed: list[tuple[float, float]]) -> tuple[float, float]:
        """A point within `radius` m of (lat, lon), at least ~35 m from those already placed."""
        for _ in range(12):
            dx, dy = _in_disc(self.rng, radius)
            if all((dx - x) ** 2 + (dy - y) ** 2 >= 35 ** 2 for x, y in placed):
                break
        placed.append((dx, dy))
        return _move(lat, lon, dx, dy)

    def _nearest_grid(self, comm: _Comm, lat: float, lon: float) -> Row:
        if not comm.buildings:
            return comm.grids[0] if comm.grids else self._grid(comm)
        near = min(comm.buildings, key=lambda b: (b["lat"] - lat) ** 2 + (b["lon"] - lon) ** 2)
        return next(g for g in comm.grids if g["id"] == comm.grid_of[near["id"]])

    def _households(self, comm: _Comm) -> None:
        rng = self.rng
        rates = HOUSEHOLD_RATES["urban" if comm.spec.kind == "urban" else "rural"]
        flags = list(rates.items())
        sizes, size_cum = HOUSEHOLD_SIZES[0], self._size_cum
        out = self.rows["households"]
        for b in comm.buildings:
            shape, bid = self._shape[b["id"]], b["id"]
            sp = comm.special_of.get(bid)
            if shape == "office":
                continue
            if shape == "village":
                rooms = [f"{n:03d}" for n in range(1, rng.randint(30, 80) + 1)]
            else:
                if shape == "tall":
                    per_floor = rng.choice((4, 6))
                    floors = min(33, max(18, math.ceil(sp.members[0] * 2.1 / per_floor))) if sp else 24
                else:
                    floors, per_floor = {"walkup": (rng.randint(5, 7), rng.choice((4, 4, 6))), "midrise": (11, 4),
                                         "tower": (18, 4), "mixed": (rng.randint(6, 12), 4)}[shape]
                    if sp and sp.role == "cluster":
                        floors, per_floor = 11, 6
                rooms = [f"{f:02d}{r:02d}" for f in range(1, floors + 1) for r in range(1, per_floor + 1)]
            hs = []
            hid = "h" + bid[1:]
            for room in rooms:
                h = {"id": f"{hid}-{room}", "building_id": bid, "size": 0}
                for k, p in flags:
                    h[k] = rng.random() < p
                if h["low_income"] and not h["hardship"] and rng.random() < 0.5:
                    h["hardship"] = True    # most 低保 households are also 困难家庭
                h["size"] = 1 if h["elderly_alone"] else rng.choices(sizes, cum_weights=size_cum)[0]
                hs.append(h)
            out.extend(hs)
            comm.households[bid] = hs

    def _groups(self, comm: _Comm) -> None:
        """党小组联幢: groups of 1–3 neighbouring buildings; 党支部联片: the organisation covers each grid."""
        org = comm.org
        if org is None:
            return
        rng = self.rng
        for grid in comm.grids:
            self.add("coverage", {"org_id": org["id"], "target_id": grid["id"]})
        run: list[Row] = []

        def flush() -> None:
            if run:
                self._group(comm, list(run))
                run.clear()

        for b in comm.buildings:
            sp = comm.special_of.get(b["id"])
            if b["kind"] == "office" or (sp and sp.role == "branch_tower"):   # a building branch covers it
                continue
            alone = self._shape[b["id"]] in ("tower", "tall", "mixed", "village") or sp is not None
            estate = comm.estate_of.get(b["id"], ("", 0))[0]
            other_estate = bool(run) and comm.estate_of.get(run[0]["id"], ("", 0))[0] != estate
            if run and (alone or other_estate or len(run) >= rng.randint(*comm.spec.group_size)):
                flush()
            run.append(b)
            if alone:
                flush()
        flush()
        for b in comm.buildings:
            sp = comm.special_of.get(b["id"])
            if sp and sp.role in ("branch_tower", "office_branch"):
                self._building_branch(comm, b)

    def _group(self, comm: _Comm, bs: list[Row]) -> None:
        first, last = comm.estate_of.get(bs[0]["id"]), comm.estate_of.get(bs[-1]["id"])
        if first and last and len(bs) > 1:
            name = f"{first[0]}{first[1]}-{last[1]}幢党小组"
        else:
            name = f"{bs[0]['name']}党小组"
        domain = "community" if comm.spec.kind == "urban" else "village"
        g = self.org(self.next_id(f"pg-{comm.code}", 2), name, "group", domain, parent=comm.org, community=comm)
        for b in bs:
            self.add("coverage", {"org_id": g["id"], "target_id": b["id"]})
            comm.group_of[b["id"]] = g["id"]

    def _building_branch(self, comm: _Comm, b: Row) -> None:
        suffix = "楼宇党支部" if b["kind"] == "office" else "楼栋党支部"
        br = self.org(self.next_id(f"pb-{comm.code}", 1), f"{b['name']}{suffix}", "branch", "building",
                      parent=comm.org, community=comm)
        self.add("coverage", {"org_id": br["id"], "target_id": b["id"]})
        comm.group_of[b["id"]] = br["id"]   # residents' membership moves to the building branch

    def _service_points(self, comm: _Comm) -> None:
        rng, spec = self.rng, comm.spec
        rural = spec.kind == "rural"
        names = {"service_station": "党群服务中心" if spec.points and spec.basics[0] else "便民服务点",
                 "activity_room": "党员活动室", "library": "图书室" if not rural else "农家书屋",
                 "clinic": "卫生服务站" if spec.kind == "urban" else "卫生室",
                 "elderly_center": rng.choice(("老年活动室", "日间照料中心"))}
        kinds = list(spec.points)
        if spec.extra_points:
            kinds += [k for k, p in (("library", 0.4), ("clinic", 0.45), ("elderly_center", 0.5)) if rng.random() < p]
        for kind in kinds:
            lat, lon = self._spot(comm.row["lat"], comm.row["lon"], 60, [])
            self.add("service_points", {"id": self.next_id(f"sp-{comm.code}", 1), "name": f"{comm.name}{names[kind]}",
                                        "kind": kind, "community_id": comm.id, "lat": lat, "lon": lon})

    # people ----------------------------------------------------------------------------------

    def _residents(self, comm: _Comm) -> None:
        rng, spec = self.rng, comm.spec
        rural = spec.kind != "urban"
        cats = list(CATEGORIES)
        weights = [w[1] if rural else w[0] for w in CATEGORIES.values()]
        cum = list(_cumulative(weights))
        for b in comm.buildings:
            hs = comm.households.get(b["id"])
            if not hs:
                continue
            n = comm.fixed.get(b["id"])
            if n is None:
                n = min(NORMAL_BUILDING_MAX, round(len(hs) * spec.member_rate * rng.uniform(0.6, 1.4)))
            org_id = comm.group_of.get(b["id"]) or comm.home_org["id"]
            ms = []
            for _ in range(n):
                cat = rng.choices(cats, cum_weights=cum)[0]
                ms.append(self.member(comm.street, cat, org_id=None if cat == "mobile" else org_id,
                                      household=rng.choice(hs), rural=rural))
            comm.residents[b["id"]] = ms
        for b in comm.buildings:
            sp = comm.special_of.get(b["id"])
            if sp and sp.role == "office_branch" and b["id"] in comm.group_of:   # members from the firms in the tower
                for _ in range(sp.members[0]):
                    self.member(comm.street, "non_public", org_id=comm.group_of[b["id"]])

    def volunteers(self, members: list[Row], count: int | None = None) -> None:
        """Mark volunteers: exactly `count` (weighted by category), or each with its own chance."""
        rng = self.rng
        if count is None:
            for m in members:
                if rng.random() < 0.06 * VOLUNTEER_WEIGHT[m["category"]]:
                    m["volunteer"] = True
            return
        keyed = sorted(members, key=lambda m: -rng.random() ** (1 / VOLUNTEER_WEIGHT[m["category"]]))
        for m in keyed[:count]:
            m["volunteer"] = True

    def units(self, street: _Street, specs: list[UnitSpec]) -> None:
        """specs: (name, kind, employees, community, plan, working members)."""
        for name, kind, employees, comm, plan, workers in specs:
            lat, lon = self._spot(comm.row["lat"], comm.row["lon"], 0.8 * comm.spec.radius, [])
            row = self.add("units", {"id": self.next_id(f"u-{street.code}"), "name": name, "kind": kind,
                                     "community_id": comm.id, "lat": lat, "lon": lon, "employees": employees})
            u = _Unit(row, comm, plan, workers, pair_with=comm)
            if plan == "org":
                suffix = "机关党支部" if kind == "agency" else "党支部"
                # Public bodies belong to their own system (区直机关工委 …); the street guides the rest.
                parent = None if kind in PUBLIC_KINDS else street.committee
                u.org = self.org(row["id"].replace("u-", "pu-"), f"{name}{suffix}", "branch",
                                 UNIT_ORG_DOMAIN[kind], parent=parent, unit=row)
            street.units.append(u)

    def staff(self, street: _Street, resident_share: float = 0.5) -> None:
        """Members WORKS_AT units: some residents of the street, the rest living elsewhere."""
        rng = self.rng
        pools: dict[str, list[tuple[Row, _Comm]]] = {"cadre": [], "non_public": []}
        for comm in street.comms:
            if comm.org is None:      # nobody there could report to a serving organisation
                continue
            for m in comm.members():
                if m["category"] in pools:
                    pools[m["category"]].append((m, comm))
        for pool in pools.values():
            rng.shuffle(pool)
        for u in street.units:
            kind = u.row["kind"]
            cat = "cadre" if kind in PUBLIC_KINDS else "non_public"
            pool = pools[cat] or pools["cadre" if cat == "non_public" else "non_public"]
            n_res = u.workers if u.plan == "bad_small" else round(u.workers * resident_share * rng.uniform(0.5, 1.5))
            n_res = min(n_res, u.workers)
            for _ in range(n_res):
                if not pool:
                    break
                m, comm = pool.pop()
                m["unit_id"] = u.row["id"]
                m["skills"] = list(dict.fromkeys([rng.choice(UNIT_SKILLS[kind])] + m["skills"]))[:3]
                if u.org:
                    m["org_id"] = u.org["id"]
                    self.add("registrations", {"member_id": m["id"], "org_id": comm.home_org["id"], "kind": "dual"})
                elif u.plan == "joint" and street.joint:
                    m["org_id"] = street.joint["id"]
                # bad_big / bad_small: membership stays where they live — the planted rule-6 gap
                u.staff.append(m)
            for _ in range(u.workers - len(u.staff)):   # the others live outside the street
                if u.plan == "bad_small":
                    org_id = u.comm.home_org["id"]
                else:
                    org_id = u.org["id"] if u.org else (street.joint or street.committee)["id"]
                u.staff.append(self.member(street, cat, org_id=org_id, unit=u.row, rural=u.comm.rural))

    def link_households(self, comm: _Comm, soft_cap: int = 12) -> None:
        """党员联户: each household to a member of its building, else its grid, else its community."""
        load: Counter[str] = Counter()
        rows = self.rows["member_links"]
        linkers = {bid: sorted((m for m in ms if m["category"] != "mobile"),
                               key=lambda m: (not m["volunteer"], LINK_RANK[m["category"]]))
                   for bid, ms in comm.residents.items()}
        left: dict[str, list[Row]] = defaultdict(list)
        for b in comm.buildings:
            hs = comm.households.get(b["id"], [])
            local = linkers.get(b["id"], [])
            pool = _Pool(local[: min(len(local), math.ceil(len(hs) / 10))], soft_cap, load)
            for h in hs:
                m = pool.take()
                if m is None:
                    left[comm.grid_of[b["id"]]].append(h)
                else:
                    rows.append({"member_id": m["id"], "household_id": h["id"]})
        if not left:
            return
        by_grid: dict[str, list[Row]] = defaultdict(list)
        for b in comm.buildings:
            by_grid[comm.grid_of[b["id"]]].extend(linkers.get(b["id"], []))
        # Members already linking take a few more first; a new linker takes a full share (5–15, not 1).
        everyone = _Pool([m for g in by_grid.values() for m in g], LINK_CAP, load, fill=True)
        for gid, hs in left.items():
            active = _Pool([m for m in by_grid[gid] if load[m["id"]]], soft_cap, load)
            idle = _Pool([m for m in by_grid[gid] if not load[m["id"]]], soft_cap, load, fill=True)
            for h in hs:
                m = active.take() or idle.take() or everyone.take()
                if m is not None:
                    rows.append({"member_id": m["id"], "household_id": h["id"]})

    def help_households(self, comm: _Comm) -> None:
        """一帮一: each vulnerable household gets a helper, the nearest one with room (≤ 2 each, then 3)."""
        load: Counter[str] = Counter()
        rows = self.rows["member_helps"]
        helpers = {bid: sorted((m for m in ms if m["category"] not in ("mobile", "hardship")),
                               key=lambda m: (not m["volunteer"], LINK_RANK[m["category"]]))
                   for bid, ms in comm.residents.items()}
        by_grid: dict[str, list[Row]] = defaultdict(list)
        for b in comm.buildings:
            by_grid[comm.grid_of[b["id"]]].extend(helpers.get(b["id"], []))
        grid_pools = {g: _Pool(ms, 2, load) for g, ms in by_grid.items()}
        everyone = _Pool([m for ms in by_grid.values() for m in ms], 3, load)
        for b in comm.buildings:
            local = _Pool(helpers.get(b["id"], []), 2, load)
            grid = grid_pools.get(comm.grid_of[b["id"]])
            for h in comm.households.get(b["id"], []):
                if not (h["hardship"] or h["disabled"] or h["elderly_alone"]):
                    continue
                m = (local.take(h["id"]) or (grid.take(h["id"]) if grid else None) or everyone.take(h["id"]))
                if m is not None:
                    rows.append({"member_id": m["id"], "household_id": h["id"]})

    def posts(self, comm: _Comm) -> None:
        rng = self.rng
        catalogue = POSTS_URBAN if comm.spec.kind == "urban" else POSTS_RURAL
        cands = [m for m in comm.members() if m["category"] not in ("mobile",) and m["birth_year"] >= 1945
                 and m["unit_id"] is None]
        rng.shuffle(cands)
        # 治安巡逻岗 and 矛盾调解岗 everywhere (the seeds name them), then others in turn
        rest = rng.sample(catalogue[2:], len(catalogue) - 2)
        wanted = [catalogue[0], catalogue[1]] + rest
        for i in range(comm.spec.posts):
            post, skill = wanted[i % len(wanted)]
            if not cands:
                return
            m = next((c for c in cands if skill and skill in c["skills"]), cands[0])
            cands.remove(m)
            self.add("posts", {"member_id": m["id"], "community_id": comm.id, "post": post})

    def seats(self, org: Row, units: list[_Unit]) -> None:
        """兼职委员: a leading member of each unit sits on `org`."""
        for u in units:
            leader = next((m for m in u.staff if m["category"] == "cadre"), None) or next(iter(u.staff), None)
            if leader is not None:
                self.add("seats", {"member_id": leader["id"], "org_id": org["id"]})

    # pairing and resources ---------------------------------------------------------------------

    def pairing(self, org_a: str, org_b: str, kind: str, since: str, prefix: str) -> Row:
        rng = self.rng
        themes = FIVE_THEMES if kind == "co_construction" else SIX_LINKS
        picked = rng.sample(themes, rng.randint(1, 3) if kind == "co_construction" else rng.randint(2, 3))
        return self.add("pairings", {"id": self.next_id(f"pr-{prefix}"), "org_a": org_a, "org_b": org_b,
                                     "kind": kind, "since": since, "themes": sorted(picked, key=themes.index)})

    def projects(self, pairing: Row, label_a: str, label_b: str, prefix: str, chance: float = 0.55) -> None:
        rng = self.rng
        n = 0 if rng.random() > chance else (2 if rng.random() < 0.2 else 1)
        for _ in range(n):
            theme = rng.choice(pairing["themes"])
            year = rng.randint(max(2023, int(pairing["since"][:4])), 2025)
            status = ("done" if rng.random() < 0.93 else "cancelled") if year < 2025 else \
                rng.choices(("ongoing", "done", "planned"), (60, 25, 15))[0]
            outcome = satisfaction = None
            if status in ("done", "ongoing"):
                satisfaction = min(99, max(70, round(rng.gauss(86, 6))))
                outcome = min(99, max(60, round(satisfaction + rng.gauss(-2, 6))))
            elif status == "cancelled":
                outcome = rng.randint(20, 50)
            title = rng.choice(PROJECT_TITLES[theme])
            self.add("projects", {"id": self.next_id(f"pj-{prefix}"), "name": f"{label_a}—{label_b}：{title}",
                                  "theme": theme, "org_ids": [pairing["org_a"], pairing["org_b"]], "year": year,
                                  "status": status, "outcome": outcome, "satisfaction": satisfaction})

    def resource(self, owner_id: str, label: str, catalogue: str, prefix: str, main: bool = False) -> Row:
        """One offer of the owner's kind: its main one (first in OFFERS) or any."""
        rng = self.rng
        kind, (lo, hi), text = OFFERS[catalogue][0] if main else rng.choice(OFFERS[catalogue])
        c = rng.randint(lo, hi)
        return self.add("resources", {"id": self.next_id(f"r-{prefix}"), "owner_id": owner_id, "kind": kind,
                                      "capacity": c, "description": text.format(u=label, c=c)})

    def needs(self, comm: _Comm) -> None:
        rng, spec = self.rng, comm.spec
        rows: list[tuple[str, tuple[int, int], str, int]] = []
        for has, (kind, span, text) in zip(spec.basics, BASIC_NEEDS):
            if not has:
                rows.append((kind, span, text, rng.randint(4, 5)))
        catalogue = NEEDS["urban" if spec.kind == "urban" else "rural"]
        for kind, span, text in rng.sample(catalogue, min(len(catalogue), max(0, spec.needs - len(rows)))):
            rows.append((kind, span, text, rng.randint(1, 5)))
        for kind, (lo, hi), text, urgency in rows:
            q = rng.randint(lo, hi)
            self.add("needs", {"id": self.next_id(f"n-{comm.code}", 1), "community_id": comm.id, "kind": kind,
                               "quantity": q, "urgency": urgency, "description": text.format(q=q)})


def _cumulative(weights: list[int] | tuple[int, ...]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


def _employment(rng: random.Random, category: str, rural: bool) -> str:
    if category in ("cadre", "non_public", "mobile"):
        return "employed"
    if category == "retired":
        return "retired"
    if category == "hardship":
        return "unemployed" if rng.random() < 0.8 else "retired"
    return "employed" if rng.random() < (0.85 if rural else 0.55) else "unemployed"


# --- the demo street ----------------------------------------------------------------------------


def street_ledger(seed: int = 7) -> Rows:
    """新丰街街道 (13 communities), 红梅街道 and 横林镇 as one Ledger v1 (table → JSON-ready rows)."""
    b = _Builder(random.Random(seed))
    rng = b.rng
    origins = [b.org(f"po-ext-{i}", name, "branch", "village")["id"] for i, name in enumerate(EXTERNAL_ORIGINS, 1)]
    xf, hm, hl = (_places(b, spec) for spec in (XINFENG, HONGMEI, HENGLIN))
    b.units(xf, _xinfeng_units(rng, xf))
    _pact(xf)
    b.units(hm, _random_units(b, hm, (2, 4), plan_weights=CLEAN_UNIT_PLANS))
    b.units(hl, [(n, k, e, hl.comm(c), "org", rng.randint(*WORKERS[k])) for n, k, e, c in HENGLIN_UNITS])
    for street in (xf, hm, hl):
        b.staff(street)
    _top_up(b, xf, XINFENG_MEMBERS)
    origins += [c.org["id"] for c in hl.comms if c.org and c.spec.kind == "rural"]
    for street in (xf, hm, hl):
        _mobile(b, street, origins)
    b.volunteers([m for c in xf.comms for m in c.members()], XINFENG_VOLUNTEERS)
    b.volunteers([m for street in (hm, hl) for c in street.comms for m in c.members()])
    for street in (xf, hm, hl):
        _community_life(b, street)
    pact = xf.comm(XINFENG_PACT)
    b.seats(xf.committee, rng.sample(_public_units(xf), 8))
    b.seats(pact.home_org, [u for u in _public_units(xf) if u.pair_with is pact][:3])
    for street in (hm, hl):
        public = _public_units(street)
        b.seats(street.committee, rng.sample(public, min(2, len(public))))

    def since(u: _Unit) -> str:
        return XINFENG_PACT_DATE if u.pair_with is pact else _date(rng, 2016, 2025)

    for street in (xf, hm, hl):
        _co_construction(b, street, since)
    _urban_rural(b, [xf, hm], hl)
    for street in (xf, hm, hl):
        _offers(b, street)
    _plant(b, xf, hl)
    return b.rows


def _public_units(street: _Street) -> list[_Unit]:
    return [u for u in street.units if u.org and u.row["kind"] in PUBLIC_KINDS]


def _places(b: _Builder, spec: StreetSpec) -> _Street:
    street = b.street(spec)
    for i, cs in enumerate(spec.communities, start=1):
        b.community(street, cs, i)
    return street


def _xinfeng_units(rng: random.Random, xf: _Street) -> list[UnitSpec]:
    """新丰街's 100 units: 79 with their own branch (22 of them in 斜桥巷社区), the rest by plan."""
    units: list[tuple[str, str, int, str]] = [
        (n, k, e, "none" if n in XINFENG_MEMBERLESS else "org") for n, k, e in XINFENG_NAMED_UNITS]
    names = {n for n, *_ in units}
    for plan, count in XINFENG_FIRM_PLANS.items():
        for _ in range(count):
            name = _firm_name(rng, names)
            employees = {"org": (20, 300), "joint": (5, 30), "none": (3, 15), "bad_big": (30, 120),
                         "bad_small": (5, 20)}[plan]
            units.append((name, "private_enterprise", rng.randint(*employees), plan))
    rng.shuffle(units)
    pact = xf.comm(XINFENG_PACT)
    others = [c for c in xf.comms if c is not pact]
    with_org = [u for u in units if u[3] == "org"]
    # 22 in 斜桥巷, the other 57 spread over the 12 other communities
    quota = [pact] * 22 + [others[i % len(others)] for i in range(len(with_org) - 22)]
    out = []
    for (name, kind, employees, plan), comm in zip(with_org, quota):
        out.append((name, kind, employees, comm, plan, rng.randint(*WORKERS[kind])))
    for name, kind, employees, plan in units:
        if plan != "org":
            workers = {"none": 0, "joint": rng.randint(1, 2), "bad_small": rng.randint(1, 2),
                       "bad_big": rng.randint(3, 6)}[plan]
            out.append((name, kind, employees, rng.choice(xf.comms), plan, workers))
    return out


def _pact(xf: _Street) -> None:
    """斜桥巷社区's pact: its 22 units and one from each of the 6 nearest communities (28)."""
    pact = xf.comm(XINFENG_PACT)
    near = sorted((c for c in xf.comms if c is not pact),
                  key=lambda c: haversine_m(pact.row["lat"], pact.row["lon"], c.row["lat"], c.row["lon"]))
    for comm in near[: XINFENG_PACT_UNITS - 22]:
        next(u for u in xf.units if u.org and u.comm is comm).pair_with = pact


def _top_up(b: _Builder, xf: _Street, target: int) -> None:
    """斜桥巷社区's 商务楼宇 branch gathers members from the small firms in its tower: as many as bring
    新丰街 to the report's 1,530 (and at least 4) — members living, working or organised in the street."""
    comms = {c.id for c in xf.comms}
    buildings = {bd["id"] for c in xf.comms for bd in c.buildings}
    units = {u.row["id"] for u in xf.units}
    orgs = {o["id"] for o in b.rows["party_orgs"]
            if o["community_id"] in comms or o["unit_id"] in units or o["parent_id"] == xf.committee["id"]}
    building_of = {h["id"]: bid for c in xf.comms for bid, hs in c.households.items() for h in hs}
    count = sum(1 for m in b.rows["members"]
                if building_of.get(m["household_id"]) in buildings or m["org_id"] in orgs or m["unit_id"] in units)
    comm = next(c for c in xf.comms if any(sp.role == "office_branch" for sp in c.special_of.values()))
    tower = next(bid for bid, sp in comm.special_of.items() if sp.role == "office_branch")
    for _ in range(max(4, target - count)):
        b.member(xf, "non_public", org_id=comm.group_of[tower])


def _firm_name(rng: random.Random, used: set[str]) -> str:
    while True:
        word, trade = rng.choice(FIRM_WORDS), rng.choice(FIRM_TRADES)
        name = f"常州{word}{trade}有限公司" if rng.random() < 0.6 else f"常州市{rng.choice(PLACE_WORDS)}{word}{trade}有限公司"
        if name not in used:
            used.add(name)
            return name


def _mobile(b: _Builder, street: _Street, origins: list[str]) -> None:
    """流动党员: inflow members keep their membership at home and register here; a town's own
    mobile members keep theirs in the village and register with its branch in Shanghai."""
    for comm in street.comms:
        for m in comm.members():
            if m["category"] != "mobile":
                continue
            m["org_id"] = comm.home_org["id"] if comm.rural else b.rng.choice(origins)
            b.add("registrations", {"member_id": m["id"], "org_id": street.mobile["id"], "kind": "mobile"})


def _community_life(b: _Builder, street: _Street) -> None:
    for comm in street.comms:
        b.link_households(comm)
        b.help_households(comm)
        b.posts(comm)
        b.needs(comm)


def _co_construction(b: _Builder, street: _Street, since: Any) -> None:
    """结对共建: each unit organisation with the community organisation it pairs with."""
    for u in street.units:
        if u.org is None or u.pair_with is None or u.pair_with.org is None:
            continue
        u.pairing = b.pairing(u.pair_with.org["id"], u.org["id"], "co_construction", since(u), street.code)
        b.projects(u.pairing, u.pair_with.name, u.row["name"], street.code)


def _urban_rural(b: _Builder, urban: list[_Street], town: _Street) -> None:
    orgs: dict[str, tuple[Row, str]] = {}
    for street in urban:
        for c in street.comms:
            if c.org:
                orgs[c.name] = (c.org, c.name)
        for u in street.units:
            if u.org:
                orgs[u.row["name"]] = (u.org, u.row["name"])
    for a_name, village, since in URBAN_RURAL:
        a, label = orgs[a_name]
        v = town.comm(village)
        p = b.pairing(a["id"], v.home_org["id"], "urban_rural", since, town.code)
        b.projects(p, label, v.name, town.code, chance=1.0)


def _offers(b: _Builder, street: _Street) -> None:
    """Resources of units, communities and the committee; some shared with a partner community."""
    rng = b.rng
    b.resource(street.committee["id"], street.committee["name"], "committee", street.code)
    for u in street.units:
        n = (2 if rng.random() < 0.4 else 1) if u.org else (1 if rng.random() < 0.25 else 0)
        for i in range(n):
            r = b.resource(u.row["id"], u.row["name"], u.row["kind"], street.code, main=i == 0 and u.org is not None)
            p = u.pairing
            if p is not None and u.pair_with is not None and rng.random() < 0.4:
                year = rng.randint(int(p["since"][:4]), 2025)
                since = p["since"] if year == int(p["since"][:4]) else _date(rng, year, year)
                b.add("sharings", {"resource_id": r["id"], "community_id": u.pair_with.id, "since": since})
    for comm in street.comms:
        if comm.spec.basics[2] and rng.random() < 0.5:
            b.resource(comm.id, comm.name, "community" if comm.spec.kind == "urban" else "village", street.code)


def _drop(rows: list[Row], victims: list[Row]) -> list[Row]:
    gone = {id(r) for r in victims}
    return [r for r in rows if id(r) not in gone]


def _plant(b: _Builder, xf: _Street, hl: _Street) -> None:
    """The removal-based gaps of the module docstring (the structural ones are in the specs)."""
    rng, rows = b.rng, b.rows
    xf_comms = xf.comms
    xf_buildings = {bd["id"]: c for c in xf_comms for bd in c.buildings}
    # 党小组联幢: four buildings fall out of their group's coverage
    groups = {o["id"] for o in rows["party_orgs"] if o["level"] == "group"}
    per_group: dict[str, list[Row]] = defaultdict(list)
    for cov in rows["coverage"]:
        if cov["org_id"] in groups and cov["target_id"] in xf_buildings:
            per_group[cov["org_id"]].append(cov)
    multi = [covs for covs in per_group.values() if len(covs) >= 2]
    rows["coverage"] = _drop(rows["coverage"], [covs[-1] for covs in rng.sample(multi, 4)])

    # 党员联户: two members overloaded (18 and 22 households), then 30 households unlinked
    links = rows["member_links"]
    linker = {l["household_id"]: l for l in links}
    hh_grid = {h["id"]: c.grid_of[bid] for c in xf_comms for bid, hs in c.households.items() for h in hs}
    load = Counter(l["member_id"] for l in links)
    heavy: set[str] = set()
    grid_size = Counter(hh_grid.values())
    for comm, target in zip(rng.sample(xf_comms, 2), (18, 22)):
        m = next(m for m in comm.members() if m["volunteer"] and m["category"] == "retired"
                 and load[m["id"]] >= 5 and grid_size[hh_grid[m["household_id"]]] >= 80)
        grid = hh_grid[m["household_id"]]
        for l in links:
            if load[m["id"]] >= target:
                break
            if l["member_id"] != m["id"] and hh_grid.get(l["household_id"]) == grid and load[l["member_id"]] > 3:
                load[l["member_id"]] -= 1
                l["member_id"] = m["id"]
                load[m["id"]] += 1
        heavy.add(m["id"])
    households = [h for c in xf_comms for hs in c.households.values() for h in hs
                  if linker[h["id"]]["member_id"] not in heavy]
    vulnerable = [h for h in households if any(h[k] for k in VULNERABLE)]
    unlinked = rng.sample(vulnerable, 4) + rng.sample([h for h in households if not any(h[k] for k in VULNERABLE)], 26)
    rows["member_links"] = _drop(links, [linker[h["id"]] for h in unlinked])

    # 一帮一: ten vulnerable households lose their helper
    helps = rows["member_helps"]
    taken = {h["id"] for h in unlinked}
    helped = [r for r in helps if r["household_id"] in hh_grid and r["household_id"] not in taken]
    rows["member_helps"] = _drop(helps, rng.sample(helped, 10))

    # 流动不流失: four inflow members in 新丰街 and one villager in Shanghai never registered
    members = {m["id"]: m for m in rows["members"]}
    mob = [r for r in rows["registrations"] if r["kind"] == "mobile"]
    xf_mob = [r for r in mob if r["org_id"] == xf.mobile["id"]]
    hl_mob = [r for r in mob if r["org_id"] == hl.mobile["id"]]
    # 双重管理: eight unit members living in the street never reported where they live
    dual = [r for r in rows["registrations"]
            if r["kind"] == "dual" and members[r["member_id"]]["household_id"] in hh_grid]
    dropped = rng.sample(xf_mob, 4) + rng.sample(hl_mob, 1) + rng.sample(dual, 8)
    rows["registrations"] = _drop(rows["registrations"], dropped)

    # Evaluation (满意度): three projects under 70 (warning), two under 60 (a cadre removed)
    done = [p for p in rows["projects"] if p["status"] == "done" and p["id"].startswith(f"pj-{xf.code}-")]
    for p, score in zip(rng.sample(done, 5), (66, 63, 68, 57, 52)):
        p["satisfaction"], p["outcome"] = score, max(40, score - rng.randint(0, 8))


# --- the rules, read plainly ---------------------------------------------------------------------


def find_gaps(tables: Rows) -> dict[str, list[str]]:
    """Rule id → sorted offending ids, straight from the ledger tables (DOMAIN.md, default settings).

    Also `three_nos` (communities with no office, funds or land) and `cluster_candidates`
    (neighbouring buildings, each 20–50 resident members, > 50 together, no building branch).
    Optional columns may be missing, as in a hand-made ledger.
    """
    t = {name: tables.get(name, []) for name in TABLE_ORDER}
    orgs = {o["id"]: o for o in t["party_orgs"]}
    community_of = {b["id"]: b["community_id"] for b in t["buildings"]}
    building_of = {h["id"]: h["building_id"] for h in t["households"]}
    residential = [b for b in t["buildings"] if b["kind"] in ("residential", "mixed")]
    coverers: dict[str, list[Row]] = defaultdict(list)
    for cov in t["coverage"]:
        coverers[cov["target_id"]].append(orgs[cov["org_id"]])
    out: dict[str, list[str]] = {}

    # 1 一居一支部
    serving = {o.get("community_id") for o in t["party_orgs"]}
    out["community_without_org"] = [c["id"] for c in t["communities"] if c["id"] not in serving]
    # 2 党小组联幢
    out["building_without_group"] = [
        b["id"] for b in residential
        if not any(o.get("level") == "group" or o.get("domain") == "building" for o in coverers[b["id"]])]
    # 3 支部进楼宇
    residents = Counter(building_of[m["household_id"]] for m in t["members"] if m.get("household_id"))
    has_branch = {b["id"]: any(o.get("domain") == "building" for o in coverers[b["id"]]) for b in t["buildings"]}
    out["building_needs_branch"] = [b for b, n in residents.items() if n > BRANCH_THRESHOLD and not has_branch[b]]
    out["cluster_candidates"] = _clusters(t["buildings"], residents, has_branch)
    # 4 党员联户, 5 一帮一
    links = Counter(r["member_id"] for r in t["member_links"])
    linked = {r["household_id"] for r in t["member_links"]}
    helped = {r["household_id"] for r in t["member_helps"]}
    out["household_unlinked"] = [h["id"] for h in t["households"] if h["id"] not in linked]
    out["member_overloaded"] = [m for m, n in links.items() if n > LINK_CAP]
    out["vulnerable_without_helper"] = [h["id"] for h in t["households"]
                                        if any(h.get(k) for k in VULNERABLE) and h["id"] not in helped]
    # 6 支部四进: 3+ working members need an own organisation; 1–2 may sit in a joint branch
    workers: dict[str, list[Row]] = defaultdict(list)
    for m in t["members"]:
        if m.get("unit_id"):
            workers[m["unit_id"]].append(m)
    own = {o.get("unit_id") for o in t["party_orgs"]}
    out["unit_without_branch"] = [
        u for u, ms in workers.items()
        if u not in own and (len(ms) >= 3 or any(orgs[m["org_id"]].get("domain") != "joint" for m in ms))]
    # 7 流动不流失, 8 在职党员双重管理
    regs: dict[str, list[Row]] = defaultdict(list)
    for r in t["registrations"]:
        regs[r["member_id"]].append(r)
    out["mobile_unregistered"] = [m["id"] for m in t["members"] if m["category"] == "mobile"
                                  and not any(r["kind"] == "mobile" for r in regs[m["id"]])]
    out["employed_unregistered"] = [
        m["id"] for m in t["members"]
        if m["employment"] == "employed" and orgs[m["org_id"]].get("unit_id") and m.get("household_id")
        and not any(r["kind"] == "dual" and orgs[r["org_id"]].get("community_id")
                    == community_of[building_of[m["household_id"]]] for r in regs[m["id"]])]
    # 9 15 分钟服务圈
    points: dict[str, list[Row]] = defaultdict(list)
    for p in t["service_points"]:
        points[p["kind"]].append(p)
    out["service_circle_gap"] = [
        b["id"] for b in residential
        if not all(any(haversine_m(b["lat"], b["lon"], p["lat"], p["lon"]) <= WALK_REACH_M for p in points[k])
                   for k in REQUIRED_POINTS)]
    # 10 三无居委
    basics = ("has_office", "has_funds", "has_land")
    out["community_lacking_basics"] = [c["id"] for c in t["communities"] if not all(c.get(k) for k in basics)]
    out["three_nos"] = [c["id"] for c in t["communities"] if not any(c.get(k) for k in basics)]
    return {k: sorted(v) for k, v in out.items()}


def _clusters(buildings: list[Row], members: Counter[str], has_branch: dict[str, bool]) -> list[str]:
    """Buildings of 20–50 resident members without a building branch, joined when < 150 m apart
    in the same community; the ids of every group of two or more with more than 50 together."""
    cands = [b for b in buildings
             if CLUSTER_MIN_MEMBERS <= members[b["id"]] <= BRANCH_THRESHOLD and not has_branch[b["id"]]]
    parent = {b["id"]: b["id"] for b in cands}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(cands):
        for c in cands[i + 1:]:
            near = haversine_m(a["lat"], a["lon"], c["lat"], c["lon"]) < CLUSTER_DISTANCE_M
            if near and a["community_id"] == c["community_id"]:
                parent[root(a["id"])] = root(c["id"])
    comps: dict[str, list[str]] = defaultdict(list)
    for b in cands:
        comps[root(b["id"])].append(b["id"])
    big = [ids for ids in comps.values() if len(ids) > 1 and sum(members[i] for i in ids) > BRANCH_THRESHOLD]
    return sorted(x for ids in big for x in ids)


@lru_cache(maxsize=4)
def _planted(seed: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((k, tuple(v)) for k, v in find_gaps(street_ledger(seed)).items())


def planted(seed: int = 7) -> dict[str, list[str]]:
    """The planted gaps of street_ledger(seed): rule id (plus three_nos, cluster_candidates) → sorted ids."""
    return {k: list(v) for k, v in _planted(seed)}


# --- generated streets (红梅街道's units, and every street of the big scales) -----------------------

UNIT_PLANS = (("org", 72), ("joint", 10), ("none", 8), ("bad_big", 5), ("bad_small", 5))
CLEAN_UNIT_PLANS = (("org", 80), ("joint", 10), ("none", 10))


def _random_units(b: _Builder, street: _Street, per_community: tuple[int, int], used: set[str] | None = None,
                  plan_weights: tuple[tuple[str, int], ...] = UNIT_PLANS) -> list[UnitSpec]:
    """Units for each community: kind by weight, plan by weight (public bodies always have a branch)."""
    rng = b.rng
    used = used if used is not None else set()
    kinds, kind_w = zip(*UNIT_KIND_WEIGHTS)
    plans, plan_w = zip(*plan_weights)
    out = []
    for comm in street.comms:
        for _ in range(rng.randint(*per_community)):
            kind = rng.choices(kinds, kind_w)[0]
            name = _unit_name(rng, kind, comm, street, used)
            if name is None:
                kind, name = "private_enterprise", _firm_name(rng, used)
            plan = "org" if kind in PUBLIC_KINDS else rng.choices(plans, plan_w)[0]
            if plan == "joint" and street.joint is None:
                plan = "none"
            workers = {"org": rng.randint(*WORKERS[kind]), "joint": rng.randint(1, 2), "none": 0,
                       "bad_big": rng.randint(3, 6), "bad_small": rng.randint(1, 2)}[plan]
            out.append((name, kind, rng.randint(5, 40) * (10 if kind in PUBLIC_KINDS else 2), comm, plan, workers))
    return out


def _unit_name(rng: random.Random, kind: str, comm: _Comm, street: _Street, used: set[str]) -> str | None:
    if kind == "private_enterprise":
        return _firm_name(rng, used)
    c, s = _short(comm.name), _short(street.spec.name)
    options = {
        "agency": (f"{s}派出所", f"{s}司法所", f"{s}城管中队", f"{s}市场监管所", f"{s}财政所", f"{s}税务分局"),
        "state_enterprise": (f"工商银行{c}支行", f"农业银行{c}支行", f"{c}供电营业所", f"邮政{c}支局",
                             f"中国移动{c}营业厅", f"{c}燃气服务站"),
        "school": (f"{c}小学", f"{c}中学", f"{c}幼儿园", f"{c}实验学校"),
        "hospital": (f"{c}社区卫生服务站", f"{s}人民医院", f"{c}口腔门诊部"),
        "market": (f"{c}农贸市场", f"{c}商业街", f"{c}建材市场"),
        "association": (f"{s}个体劳动者协会", f"{s}商会", f"{c}老年体协", f"{s}餐饮行业协会"),
        "social_org": (f"{c}居家养老服务站", f"{c}社工站", f"{c}志愿服务社", f"{s}慈善分会"),
        "industrial_park": (f"{c}科技园", f"{c}创业园"),
    }[kind]
    free = [o for o in options if o not in used]
    if not free:
        return None
    name = rng.choice(free)
    used.add(name)
    return name


@dataclass(frozen=True)
class _Profile:
    plan: tuple[str, ...]            # street kinds in yield order: 'u' urban street, 't' town
    urban_districts: tuple[str, ...]
    rural_districts: tuple[str, ...]
    communities: tuple[int, int]     # per urban street
    villages: tuple[int, int]        # per town (two of them resettlement communities)
    walkups: tuple[int, int]
    towers: tuple[int, int]
    mixed: tuple[int, int]
    offices: tuple[int, int]
    member_rate: float
    units: tuple[int, int]           # per urban community
    drop: float = 1.0                # scales the random gap rates


def _interleave(urban: int, towns: int) -> tuple[str, ...]:
    """Towns after the urban streets they pair with (their villages pair with earlier streets)."""
    every = max(1, urban // max(1, towns))
    out: list[str] = []
    for i in range(urban):
        out.append("u")
        if (i + 1) % every == 0 and out.count("t") < towns:
            out.append("t")
    return tuple(out + ["t"] * (towns - out.count("t")))


PROFILES = {
    # ~10 streets like 新丰街 (one of them a town of villages)
    "district": _Profile(plan=_interleave(9, 1), urban_districts=("天宁区",), rural_districts=("天宁区",),
                         communities=(12, 14), villages=(12, 14), walkups=(10, 15), towers=(0, 2), mixed=(0, 2),
                         offices=(0, 2), member_rate=0.21, units=(5, 10)),
    # ~1k communities/villages, 60k buildings, 2M households, 150k members, 10k units
    "city": _Profile(plan=_interleave(66, 12), urban_districts=("天宁区", "钟楼区", "新北区", "武进区"),
                     rural_districts=("武进区", "金坛区", "溧阳市", "新北区"), communities=(12, 14),
                     villages=(11, 13), walkups=(54, 66), towers=(3, 7), mixed=(1, 3), offices=(1, 3),
                     member_rate=0.059, units=(9, 14)),
}
CITY_CENTRE = (31.7800, 119.9600)


class _Namer:
    """Unique place names across a run (streets, communities, villages, units)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set()

    def _fresh(self, make: Any) -> str:
        for _ in range(200):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        name = make() + str(len(self.used))
        self.used.add(name)
        return name

    def street(self, town: bool) -> str:
        return self._fresh(lambda: self.rng.choice(PLACE_WORDS) + ("镇" if town else "街道"))

    def community(self) -> str:
        return self._fresh(lambda: self.rng.choice(PLACE_WORDS) + self.rng.choice(COMMUNITY_SUFFIXES) + "社区")

    def village(self) -> str:
        return self._fresh(lambda: self.rng.choice(VILLAGE_FIRST) + self.rng.choice(VILLAGE_SECOND) + "村")


def _urban_spec(rng: random.Random, namer: _Namer, code: str, district: str, lat: float, lon: float,
                p: _Profile) -> StreetSpec:
    cells = [(x, y) for x in range(4) for y in range(4)]
    rng.shuffle(cells)
    comms = []
    for k in range(rng.randint(*p.communities)):
        x, y = cells[k]
        specials: list[Special] = []
        r = rng.random()
        if r < 0.08:
            specials.append(Special("branch_tower", (rng.randint(55, 80),), f"{rng.choice(ESTATE_WORDS)}华庭1幢"))
        elif r < 0.10:
            specials.append(Special("tower", (rng.randint(51, 60),), f"{rng.choice(ESTATE_WORDS)}公寓1幢"))
        offices = rng.randint(*p.offices)
        if offices and rng.random() < 0.15:
            specials.append(Special("office_branch", (rng.randint(6, 15),)))
        org = "general_branch" if k == 0 or rng.random() > 0.1 else ("branch" if rng.random() < 0.8 else None)
        comms.append(CommunitySpec(
            namer.community(), (x - 1.5) * 1.0 + rng.uniform(-0.15, 0.15), (y - 1.5) * 1.0 + rng.uniform(-0.15, 0.15),
            org=org, walkups=rng.randint(*p.walkups), towers=rng.randint(*p.towers), mixed=rng.randint(*p.mixed),
            offices=offices, basics=(True, rng.random() > 0.05, rng.random() > 0.12), posts=rng.randint(2, 5),
            needs=rng.randint(2, 4), member_rate=p.member_rate, specials=tuple(specials)))
    return StreetSpec(code, namer.street(False), district, "常州市", lat, lon, "working_committee", tuple(comms))


def _town_spec(rng: random.Random, namer: _Namer, code: str, district: str, lat: float, lon: float,
               p: _Profile) -> StreetSpec:
    n = rng.randint(*p.villages)
    comms = []
    for k in range(n):
        angle = 2 * math.pi * k / n + rng.uniform(-0.2, 0.2)
        if k < 2:   # resettlement communities by the town seat
            comms.append(CommunitySpec(namer.community(), 1.2 * k, 0.8 * k, kind="resettlement",
                                       walkups=rng.randint(8, 14), towers=0, mixed=0, posts=2, radius=350.0,
                                       member_rate=0.12, basics=(True, True, rng.random() > 0.3)))
            continue
        r = rng.uniform(2.6, 5.0)
        basics = (rng.random() > 0.15, rng.random() > 0.4, rng.random() > 0.2)
        comms.append(_village(namer.village(), r * math.cos(angle), r * math.sin(angle), rng.randint(3, 6), basics))
    return StreetSpec(code, namer.street(True), district, "常州市", lat, lon, "committee", tuple(comms),
                      joint=False)


def _generated_street(b: _Builder, spec: StreetSpec, p: _Profile, origins: list[str], urban_orgs: list[tuple[str, str]],
                      used: set[str]) -> _Street:
    """One whole street of a big scale: places, people, units, pairings; gaps at random rates."""
    rng = b.rng
    street = _places(b, spec)
    town = spec.committee == "committee"
    b.units(street, _random_units(b, street, (0, 2) if town else p.units, used))
    b.staff(street)
    _mobile(b, street, origins)
    b.volunteers([m for c in street.comms for m in c.members()])
    _community_life(b, street)
    public = _public_units(street)
    b.seats(street.committee, rng.sample(public, min(len(public), rng.randint(3, 6))))
    _co_construction(b, street, since=lambda u: _date(rng, 2016, 2025))
    if town and urban_orgs:
        for c in street.comms:
            if c.org and rng.random() < 0.3:
                org_id, label = rng.choice(urban_orgs)
                pr = b.pairing(org_id, c.org["id"], "urban_rural", _date(rng, 2015, 2025), spec.code)
                b.projects(pr, label, c.name, spec.code)
    _offers(b, street)
    _random_gaps(b, p.drop)
    return street


def _random_gaps(b: _Builder, scale: float) -> None:
    """Gaps at realistic rates (link gaps come from capacity on their own)."""
    rng, rows = b.rng, b.rows
    groups = {o["id"] for o in rows["party_orgs"] if o["level"] == "group"}
    rows["coverage"] = [r for r in rows["coverage"] if not (r["org_id"] in groups and rng.random() < 0.01 * scale)]
    rows["registrations"] = [r for r in rows["registrations"]
                             if rng.random() >= (0.03 if r["kind"] == "dual" else 0.05) * scale]
    rows["member_helps"] = [r for r in rows["member_helps"] if rng.random() >= 0.03 * scale]
    for p in rows["projects"]:   # evaluation: some warnings (< 70), a few failures (< 60)
        if p["satisfaction"] is not None and rng.random() < 0.06 * scale:
            p["satisfaction"] = rng.randint(48, 69)


def _split(rows: Rows) -> list[Rows]:
    """One street's rows as chunks: its shared rows first, then one chunk per community.

    A row goes to the latest chunk among the rows it names (its community, for a community);
    ids from earlier streets count as already written.
    """
    chunk_of: dict[str, int] = {}
    order = {c["id"]: i for i, c in enumerate(rows["communities"], start=1)}
    out = [_empty() for _ in range(len(order) + 1)]
    for table in TABLE_ORDER:
        refs = list(TABLES[table].refs)
        own_id = TABLES[table].has_id
        for row in rows[table]:
            k = order.get(row["id"], 0) if table == "communities" else 0
            for col in refs:
                v = row.get(col)
                if v is None:
                    continue
                if isinstance(v, list):
                    for ref in v:
                        k = max(k, chunk_of.get(ref, 0))
                else:
                    k = max(k, chunk_of.get(v, 0))
            if own_id:
                chunk_of[row["id"]] = k
            out[k][table].append(row)
    return out


# Approximate row counts per table (seed 7), e.g. for progress bars.
SCALES: dict[str, dict[str, int]] = {
    "street": {"streets": 3, "communities": 26, "resident_groups": 54, "buildings": 280, "households": 10_000,
               "units": 120, "party_orgs": 300, "members": 2_200, "resources": 150, "needs": 85,
               "service_points": 84, "coverage": 310, "member_links": 10_000, "member_helps": 1_100,
               "registrations": 490, "posts": 81, "seats": 15, "pairings": 95, "sharings": 44, "projects": 57},
    "district": {"streets": 10, "communities": 130, "resident_groups": 270, "buildings": 1_900, "households": 63_000,
                 "units": 880, "party_orgs": 1_800, "members": 16_000, "resources": 1_100, "needs": 390,
                 "service_points": 440, "coverage": 2_000, "member_links": 63_000, "member_helps": 6_000,
                 "registrations": 3_400, "posts": 420, "seats": 46, "pairings": 700, "sharings": 380,
                 "projects": 470},
    "city": {"streets": 78, "communities": 990, "resident_groups": 9_500, "buildings": 59_000,
             "households": 2_000_000, "units": 9_900, "party_orgs": 39_000, "members": 150_000, "resources": 12_000,
             "needs": 3_100, "service_points": 3_300, "coverage": 66_000, "member_links": 1_600_000,
             "member_helps": 180_000, "registrations": 35_000, "posts": 3_300, "seats": 320, "pairings": 7_800,
             "sharings": 4_300, "projects": 5_100},
}


def chunks(scale: str, seed: int = 7) -> Iterator[Rows]:
    """Mini-ledgers for `scale` ('street' | 'district' | 'city'), each naming only rows of itself or
    of earlier chunks. Memory holds one street at a time."""
    if scale == "street":
        yield street_ledger(seed)
        return
    if scale not in PROFILES:
        raise ValueError(f"unknown scale {scale!r}; expected one of street, district, city")
    p = PROFILES[scale]
    rng = random.Random(seed)
    namer = _Namer(rng)
    head = _Builder(rng)
    origins = [head.org(f"po-ext-{i}", name, "branch", "village")["id"] for i, name in enumerate(EXTERNAL_ORIGINS, 1)]
    yield head.rows
    urban_orgs: list[tuple[str, str]] = []
    used_units: set[str] = set()
    n_urban = n_town = 0
    for kind in p.plan:
        b = _Builder(rng)
        if kind == "u":
            n_urban += 1
            lat, lon = _spiral(CITY_CENTRE, n_urban - 1, 4200)
            district = p.urban_districts[(n_urban - 1) % len(p.urban_districts)]
            spec = _urban_spec(rng, namer, f"u{n_urban:02d}", district, lat, lon, p)
        else:
            n_town += 1
            angle = 2 * math.pi * n_town / max(1, p.plan.count("t")) + rng.uniform(-0.2, 0.2)
            dist = (max(abs(x) for x in _spiral_xy(n_urban)) + 2) * 4200 + rng.uniform(8000, 14000)
            lat, lon = _move(*CITY_CENTRE, dist * math.cos(angle), dist * math.sin(angle))
            district = p.rural_districts[(n_town - 1) % len(p.rural_districts)]
            spec = _town_spec(rng, namer, f"t{n_town:02d}", district, lat, lon, p)
        street = _generated_street(b, spec, p, origins, urban_orgs, used_units)
        if kind == "u":
            urban_orgs += [(c.org["id"], c.name) for c in street.comms if c.org]
        else:
            origins += [c.org["id"] for c in street.comms if c.org and c.spec.kind == "rural"]
        for chunk in _split(b.rows):
            if any(chunk.values()):
                yield chunk


def _spiral_xy(i: int) -> tuple[int, int]:
    """The i-th cell of a square spiral around (0, 0)."""
    x = y = 0
    dx, dy, leg, steps, turns = 1, 0, 1, 0, 0
    for _ in range(i):
        x, y = x + dx, y + dy
        steps += 1
        if steps == leg:
            steps, turns = 0, turns + 1
            dx, dy = -dy, dx
            if turns % 2 == 0:
                leg += 1
    return x, y


def _spiral(centre: tuple[float, float], i: int, spacing_m: float) -> tuple[float, float]:
    x, y = _spiral_xy(i)
    return _move(centre[0], centre[1], x * spacing_m, y * spacing_m)
