"""The three streets of the demo ledger as specifications: 新丰街街道, 红梅街道 and 横林镇, with the
buildings that have a role in the story (Special)."""

from __future__ import annotations

from dataclasses import dataclass

from graphsvc.demo.vocabulary import REQUIRED_POINTS

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


def village_spec(name: str, dx: float, dy: float, natural_villages: int,
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
        village_spec("崔桥村", -2.6, 0.4, 5),
        village_spec("余巷村", 3.4, 0.2, 5, (_T, _F, _T)),
        village_spec("新东村", -1.2, 2.9, 4),
        village_spec("长沟村", 1.9, -3.0, 3, (_F, _F, _F)),     # 三无
        village_spec("三友村", -2.3, -2.4, 4),
        village_spec("塘头村", 4.7, -2.2, 3, (_F, _F, _F)),     # 三无
        village_spec("顺庄村", 1.0, 3.9, 4, (_T, _F, _T)),
    ),
)
HENGLIN_UNITS = (("横林镇卫生院", "hospital", 120, "白庙社区"), ("横林中心小学", "school", 90, "白庙社区"),
                 ("横林地板产业园", "industrial_park", 900, "三河新苑社区"),
                 ("常州华东木业有限公司", "private_enterprise", 160, "崔桥村"))
URBAN_RURAL = (("斜桥巷社区", "崔桥村", "2021-04-20"), ("市第一人民医院", "白庙社区", "2022-09-01"),
               ("区税务局", "余巷村", "2023-03-10"), ("红梅新村社区", "新东村", "2020-06-18"))


