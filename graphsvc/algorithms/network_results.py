"""What the organisation-network algorithms (``network``) return: frozen dataclasses keyed by organisation id."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MEASURES",
    "BridgeTie",
    "Centrality",
    "Community",
    "Components",
    "Cores",
    "Fragility",
    "Metrics",
    "Neighbourhood",
    "OrgName",
    "Partition",
    "Route",
]

MEASURES = ("betweenness", "degree", "eigenvector")

Node = Hashable


@dataclass(frozen=True)
class OrgName:
    """An organisation by id, with its name (None when the graph has none)."""

    id: Node
    name: str | None


@dataclass(frozen=True)
class Centrality:
    """One organisation's centralities; a measure that was not asked for is None."""

    name: str | None
    betweenness: float | None = None
    degree: float | None = None
    eigenvector: float | None = None

    def score(self, measure: str) -> float:
        """The value of one measure of ``MEASURES`` (which must have been computed)."""
        value = getattr(self, measure) if measure in MEASURES else None
        if value is None:
            raise KeyError(measure)
        return float(value)


@dataclass(frozen=True)
class Community:
    """One Louvain community: ``members`` sorted by id."""

    id: int
    size: int
    members: list[Node]


@dataclass(frozen=True)
class Partition:
    """The result of :func:`clusters`: communities largest first, numbered from 0 in that order."""

    communities: list[Community]
    count: int
    modularity: float | None


@dataclass(frozen=True)
class BridgeTie:
    """A tie whose loss splits the network; ``source`` sorts before ``target``."""

    source: Node
    source_name: str | None
    target: Node
    target_name: str | None


@dataclass(frozen=True)
class Fragility:
    """The result of :func:`fragile_links`: bridges and articulation points, sorted."""

    bridges: list[BridgeTie]
    articulation_points: list[OrgName]


@dataclass(frozen=True)
class Cores:
    """The result of :func:`k_core`: every core number, the k used and the k-core's members."""

    core_number: dict[Node, int]
    k: int
    core: list[Node]


@dataclass(frozen=True)
class Route:
    """The result of :func:`shortest_path`; not ``found``: ``length`` None, ``path`` empty."""

    found: bool
    length: int | None
    path: list[OrgName]


@dataclass(frozen=True)
class Neighbourhood:
    """The result of :func:`ego`: attribute bags, sets turned into sorted lists (JSON-able).

    ``nodes``: ``{"id", **attributes}`` sorted by id; ``edges``: ``{"source", "target",
    **attributes}`` sorted by their two ends.
    """

    center: Node
    radius: int
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


@dataclass(frozen=True)
class Components:
    """The result of :func:`component_counts`."""

    components: int
    isolated: int


@dataclass(frozen=True)
class Metrics:
    """One organisation's row of :func:`summary_metrics`: its centralities (normalised),
    core number, cluster id and whether it is an articulation point."""

    name: str | None
    betweenness: float
    degree: float
    eigenvector: float
    core_number: int
    cluster: int
    is_articulation_point: bool
