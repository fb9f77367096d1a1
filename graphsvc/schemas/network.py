"""The organisation network: which part of it (Selection) and what the analytics return."""

from __future__ import annotations

from pydantic import BaseModel, Field

from graphsvc.schemas.ids import OptId
from graphsvc.schemas.ledger import OrgLevel, ZhEnum


class TieKind(ZhEnum):
    """What ties two organisations (the relationship types of the graph; tests/test_layers.py holds them to
    the projection's)."""

    UNDER = "UNDER", "上下级"
    PAIRED_WITH = "PAIRED_WITH", "结对"
    SHARED_WITH = "SHARED_WITH", "资源共享"
    REGISTERED_AT = "REGISTERED_AT", "党员报到"
    SITS_ON = "SITS_ON", "兼职委员"



class Measure(ZhEnum):
    betweenness = "betweenness", "中介中心性"
    degree = "degree", "度中心性"
    eigenvector = "eigenvector", "特征向量中心性"



class SizeBy(ZhEnum):
    members = "members", "党员数"
    degree = "degree", "联系数"
    betweenness = "betweenness", "中介中心性"
    eigenvector = "eigenvector", "特征向量中心性"
    core_number = "core_number", "核心数"
    none = "none", "等大"


class ColorBy(ZhEnum):
    level = "level", "层级"
    domain = "domain", "领域"
    cluster = "cluster", "群组"


class Selection(BaseModel):
    """Which part of the network: one street or community (none: all in scope), which ties."""

    street_id: OptId = None
    community_id: OptId = None
    kinds: list[TieKind] = Field(default_factory=lambda: list(TieKind))
    levels: list[OrgLevel] = Field(default_factory=list, description="只看这些级别的党组织（空 = 全部）")

    @property
    def filtered(self) -> bool:
        return self.street_id is not None or self.community_id is not None or bool(self.levels)


class OrgRef(BaseModel):
    id: str
    name: str | None = None


class OrgRefs(BaseModel):
    items: list[OrgRef]
    count: int


class OrgMetric(OrgRef):
    """Every metric of one organisation (normalised as networkx does)."""

    level: str | None = None
    domain: str | None = None
    community_id: str | None = None
    community_name: str | None = None
    members: int = 0  # its own and its sub-organisations' members
    betweenness: float
    degree: float
    eigenvector: float
    core_number: int
    cluster: int
    is_articulation_point: bool


class OrgMetrics(BaseModel):
    items: list[OrgMetric]
    count: int


class Broker(OrgRef):
    rank: int
    score: float
    level: str | None = None
    community_name: str | None = None


class Brokers(BaseModel):
    measure: Measure
    items: list[Broker]
    count: int


class Cluster(BaseModel):
    id: int
    size: int
    members: list[OrgRef]


class Clusters(BaseModel):
    items: list[Cluster]
    count: int
    modularity: float | None


class Bridge(BaseModel):
    """A tie whose loss splits the network."""

    source: OrgRef
    target: OrgRef
    kinds: list[TieKind]


class FragileLinks(BaseModel):
    bridges: list[Bridge]
    articulation_points: list[OrgRef]


class CoreOrg(OrgRef):
    core_number: int


class KCore(BaseModel):
    k: int
    items: list[CoreOrg]
    count: int


class NetworkPath(BaseModel):
    found: bool
    length: int | None
    path: list[OrgRef]


class PairingFact(BaseModel):
    id: str
    kind: str
    since: str | None = None
    themes: list[str] = []


class Tie(BaseModel):
    """Every tie between two organisations, merged."""

    source: str
    target: str
    kinds: list[TieKind]
    weight: int
    pairings: list[PairingFact] = []
    resources: list[str] = []
    registered: int = 0
    seats: int = 0


class EgoOrg(OrgRef):
    level: str | None = None
    domain: str | None = None
    community_name: str | None = None
    distance: int


class Ego(BaseModel):
    center: OrgRef
    radius: int
    nodes: list[EgoOrg]
    edges: list[Tie]


class NetworkCounts(BaseModel):
    orgs: int
    ties: int
    ties_by_kind: dict[str, int]
    components: int
    isolated: int


class NetworkOverview(BaseModel):
    """The analyst's first look: counts, top brokers, clusters, single points of failure."""

    counts: NetworkCounts
    brokers: Brokers
    clusters: Clusters
    fragile: FragileLinks
    isolated: OrgRefs
