"""The demo's vocabulary: table order, the rules' default parameters, names, places, skills, units,
projects, offers and needs to draw from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphsvc.schemas.ledger import TABLES

if TYPE_CHECKING:
    from graphsvc.demo.model import Comm

Row = dict[str, Any]
Rows = dict[str, list[Row]]
UnitSpec = tuple[str, str, int, "Comm", str, int]   # name, kind, employees, community, plan, working members

# Tables in reference order: a row only names rows of its own or earlier tables
# (party_orgs after units; a parent org is always written before its children).
TABLE_ORDER = [
    "streets", "communities", "resident_groups", "buildings", "households", "units", "party_orgs",
    "members", "resources", "needs", "service_points", "coverage", "member_links", "member_helps",
    "registrations", "posts", "seats", "pairings", "sharings", "projects",
]
assert sorted(TABLE_ORDER) == sorted(TABLES)

# --- rule parameters (docs/domain.md defaults) ------------------------------------------------------

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
MALE_OLD = ("建国 国强 建华 志明 德胜 福生 金宝 根宝 国平 建平 永康 玉林 荣华 洪生 秋生 春林 文忠 宝林 振华 卫东 "
            "国良 建新 锡明 培元 志坚 兴华 永福").split()
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

