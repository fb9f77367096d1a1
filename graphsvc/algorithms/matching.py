"""Co-construction matching for street committees (结对共建, 共驻共建, 五联共建): the vocabulary, the inputs
and the explained scores of needs and resources.

Pure functions over plain data; no database, no I/O. Every id is a string; every result is
sorted by id so the same data always gives the same answer.

- needs ↔ resources: `score_resource_for_need`, `rank_candidates` (explained scores) — here;
  `allocate` (optimal capacity-constrained allocation for a whole street) in `allocation`
- community branches ↔ unit Party organisations: `partner_score` (one pair) and `partner_scores` (many,
  vectorised) in `partner_scores`; `suggest_partners` (and `suggest_partners_indexed`) in `partners`
- evaluation: `evaluate_pairings`, `org_ratings` and the summaries in `evaluation`

Inputs are the frozen dataclasses `Need`, `Resource`, `CommunityProfile`, `UnitProfile`, `Project`;
build them with keyword arguments (``Need(id=..., ...)``) from projected records.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from graphsvc.algorithms.common import check_point, check_unique, is_int, problem
from graphsvc.algorithms.common import haversine_m as _haversine_m
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.errors import InvalidInput

__all__ = [
    "DEFAULT_PARTNER_WEIGHTS",
    "DEFAULT_RESOURCE_WEIGHTS",
    "KIND_THEMES",
    "LACK_NEED_KIND",
    "THEMES",
    "THEME_LABELS",
    "UNIT_KIND_THEMES",
    "CommunityProfile",
    "Need",
    "Project",
    "Resource",
    "ScoredResource",
    "UnitProfile",
    "rank_candidates",
    "score_resource_for_need",
]

# 五联共建: the five joint works a co-construction pairing is organised around.
THEMES: tuple[str, ...] = ("party_work", "infrastructure", "culture", "welfare", "security")
THEME_LABELS: dict[str, str] = {
    "party_work": "党建联做",
    "infrastructure": "基础设施联建",
    "culture": "群众文化联兴",
    "welfare": "公益事业联办",
    "security": "社会治安联防",
}

# Which joint works a resource (or need) of each kind serves. Read from the seed's account of
# 五联共建: venues and offices are 基础设施联建 ("居民活动无场所、办公设施不完善"), venues also host
# 党建 and 文体 activities, volunteers run 治安联防 patrols and 义工 services, funds pay 捐资助学 …
KIND_THEMES: dict[str, frozenset[str]] = {
    "venue": frozenset({"infrastructure", "culture", "party_work"}),
    "office": frozenset({"infrastructure"}),
    "funds": frozenset({"welfare", "infrastructure"}),
    "equipment": frozenset({"infrastructure", "security"}),
    "training": frozenset({"party_work", "culture"}),
    "medical": frozenset({"welfare"}),
    "legal": frozenset({"welfare", "security"}),
    "talent": frozenset({"party_work", "infrastructure"}),
    "volunteers": frozenset({"welfare", "security", "culture"}),
    "transport": frozenset({"welfare", "infrastructure"}),
}

# What a unit of each kind brings by its nature, beyond the resources it has listed.
UNIT_KIND_THEMES: dict[str, frozenset[str]] = {
    "agency": frozenset({"party_work", "security"}),
    "state_enterprise": frozenset({"infrastructure", "welfare", "party_work"}),
    "private_enterprise": frozenset({"welfare", "infrastructure"}),
    "school": frozenset({"culture", "party_work"}),
    "hospital": frozenset({"welfare"}),
    "association": frozenset({"culture", "welfare"}),
    "social_org": frozenset({"welfare", "culture"}),
    "market": frozenset({"security", "welfare"}),
    "industrial_park": frozenset({"infrastructure", "party_work"}),
}

# 三无居委 (无办公用房、无办公经费、无经济发展用地) as needs. There is no 'land' resource kind;
# a venue is the nearest thing a unit can share (rule 10: "these become needs for resource sharing").
LACK_NEED_KIND: dict[str, str] = {"has_office": "office", "has_funds": "funds", "has_land": "venue"}

DEFAULT_RESOURCE_WEIGHTS: dict[str, float] = {
    "distance": 0.35,  # a resource across the street is used; one across the district is not
    "paired": 0.20,  # an existing pairing means the units already work together
    "capacity": 0.20,  # prefer a resource that can meet the whole need
    "load": 0.10,  # spread the burden: an owner already sharing a lot is asked last
    "rating": 0.15,  # residents' satisfaction with the owner's past projects
}

DEFAULT_PARTNER_WEIGHTS: dict[str, float] = {
    "themes": 0.35,  # 优势互补: the unit covers the joint works the community needs
    "kinds": 0.20,  # ... and directly offers the kinds of resource it asks for
    "distance": 0.20,
    "ties": 0.15,  # 驻区单位 located in the community, or already sharing a resource with it
    "rating": 0.10,
}

# An unrated owner is neither rewarded nor punished.
NEUTRAL_RATING = 0.5



# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True, kw_only=True)
class Need:
    """An open need (需求) of a community: `quantity` units of `kind`, located at the community.

    `urgency` is 1 (can wait) … 5 (三无: cannot work without it); lat/lon are the community's.
    """

    id: str
    community_id: str
    kind: str
    quantity: int
    urgency: int
    lat: float
    lon: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A resource (资源) offered by a unit, community or Party organisation (`owner_id`).

    `capacity` is what is left (offered minus already shared); lat/lon are the owner's.
    `owner_load` counts the owner's current sharings and pairings; `paired_communities` are the
    community ids the owner is already PAIRED_WITH; `owner_rating` is the mean satisfaction
    (0–100) of the projects of the owner's pairings, None when it has none (see `org_ratings`).
    """

    id: str
    owner_id: str
    kind: str
    capacity: int
    lat: float
    lon: float
    owner_load: int = 0
    paired_communities: AbstractSet[str] = frozenset()
    owner_rating: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommunityProfile:
    """A community branch as a pairing partner: `id` is its PartyOrg id (what PAIRED_WITH joins).

    `need_kinds` are the kinds of its open needs (add `lacking_basics_needs` for 三无 gaps).
    """

    id: str
    community_id: str
    lat: float
    lon: float
    need_kinds: AbstractSet[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitProfile:
    """A unit Party organisation as a pairing partner: `id` is its PartyOrg id.

    `kind` is the unit's kind (agency, school, …); `community_id` is where the unit is LOCATED_IN;
    `resource_kinds` are the kinds it OFFERS; `shared_with` the community ids its resources are
    SHARED_WITH; `rating` the mean satisfaction (0–100) of its past pairings' projects, or None.
    """

    id: str
    kind: str
    community_id: str
    lat: float
    lon: float
    resource_kinds: AbstractSet[str] = frozenset()
    shared_with: AbstractSet[str] = frozenset()
    rating: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """A co-construction project (共建项目) under the pairing of `org_ids` (two or more PartyOrgs).

    `outcome` and `satisfaction` are 0–100, None while the project is not yet assessed.
    """

    id: str
    org_ids: Sequence[str]
    year: int
    outcome: float | None = None
    satisfaction: float | None = None


# --------------------------------------------------------------------------- outputs


@dataclass(slots=True)
class ScoredResource:
    """One resource proposed for a need, with the parts of its score (see `score_resource_for_need`)."""

    resource_id: str
    owner_id: str
    score: float
    parts: dict[str, Any]


# --------------------------------------------------------------------------- checks


def check_needs(needs: Sequence[Need], details: list[dict[str, Any]]) -> None:
    for n in needs:
        if not (is_int(n.quantity) and n.quantity >= 0):
            details.append(problem("needs", n.id, "quantity", "not an integer >= 0"))
        if not (is_int(n.urgency) and 1 <= n.urgency <= 5):
            details.append(problem("needs", n.id, "urgency", "not an integer in 1..5"))
        check_point("needs", n.id, n.lat, n.lon, details)
    check_unique("needs", (x.id for x in needs), details)


def check_resources(resources: Sequence[Resource], details: list[dict[str, Any]]) -> None:
    for r in resources:
        if not (is_int(r.capacity) and r.capacity >= 0):
            details.append(problem("resources", r.id, "capacity", "not an integer >= 0"))
        if not (is_int(r.owner_load) and r.owner_load >= 0):
            details.append(problem("resources", r.id, "owner_load", "not an integer >= 0"))
        if r.owner_rating is not None and not (_is_number(r.owner_rating) and 0 <= r.owner_rating <= 100):
            details.append(problem("resources", r.id, "owner_rating", "not a number in 0..100"))
        check_point("resources", r.id, r.lat, r.lon, details)
    check_unique("resources", (x.id for x in resources), details)


def check_option(name: str, value: Any, *, minimum: float = 0.0, strict: bool = False, integer: bool = False) -> None:
    ok = (is_int(value) if integer else _is_number(value)) and (value > minimum if strict else value >= minimum)
    if not ok:
        bound = f"{'>' if strict else '>='} {minimum:g}"
        kind = "an integer" if integer else "a finite number"
        raise InvalidInput(f"{name} must be {kind} {bound}", details=[{"field": name, "value": repr(value)}])


def merge_weights(defaults: Mapping[str, float], overrides: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(defaults)
    details = []
    for key, value in (overrides or {}).items():
        if key not in defaults:
            details.append({"field": "weights", "id": key, "problem": f"unknown weight; known: {sorted(defaults)}"})
        elif not (_is_number(value) and value >= 0):
            details.append({"field": "weights", "id": key, "problem": "not a finite number >= 0"})
        else:
            merged[key] = float(value)
    _raise("invalid weights", details)
    return merged


# --------------------------------------------------------------------------- geometry


def closeness(distance_m: float, max_km: float) -> float:
    # Linear decay: 1 next door, 0 at max_km and beyond.
    return max(0.0, 1.0 - distance_m / (max_km * 1000.0))


def rating01(rating: float | None) -> float:
    return NEUTRAL_RATING if rating is None else rating / 100.0


# --------------------------------------------------------------------------- needs ↔ resources: scores


def score_resource_for_need(
    need: Need,
    resource: Resource,
    *,
    max_km: float = 5.0,
    weights: Mapping[str, float] | None = None,
) -> tuple[float, dict[str, Any]]:
    """How well `resource` suits `need`: a score in [0, 1] and its named parts.

    A resource of another kind, or with no capacity left, is not a candidate: score 0 and
    ``parts["candidate"] is False``. Otherwise the score is the weighted sum (weights default to
    `DEFAULT_RESOURCE_WEIGHTS`, which sum to 1; pass a partial mapping to override) of:

    - ``distance``: 1 next door, decaying linearly to 0 at `max_km` from the need's community;
    - ``paired``: 1 if the owner is already PAIRED_WITH the need's community;
    - ``capacity``: the share of the need the remaining capacity covers (capped at 1);
    - ``load``: 1 / (1 + owner_load), so an owner already sharing a lot is asked last;
    - ``rating``: owner_rating / 100, or 0.5 for an owner with no rated projects.

    `parts` holds the raw facts (``kind_match``, ``distance_m``, ``paired``, ``capacity_left``,
    ``quantity``, ``owner_load``, ``rating``) and ``contributions`` (weight × component), so a page
    can show "kind match ✓, 1.2 km, already paired, 2 left for 3 needed".

    >>> need = Need(id="n1", community_id="c1", kind="venue", quantity=2, urgency=3, lat=39.0, lon=121.0)
    >>> res = Resource(id="r1", owner_id="u1", kind="venue", capacity=1, lat=39.0, lon=121.0,
    ...                paired_communities={"c1"}, owner_rating=80)
    >>> score, parts = score_resource_for_need(need, res)
    >>> round(score, 3)  # 0.35·1 + 0.20·1 + 0.20·0.5 + 0.10·1 + 0.15·0.8
    0.87
    >>> parts["paired"], parts["capacity_left"], parts["distance_m"]
    (True, 1, 0.0)
    """
    details: list[dict[str, Any]] = []
    check_needs([need], details)
    check_resources([resource], details)
    _raise("invalid need or resource", details)
    check_option("max_km", max_km, strict=True)
    w = merge_weights(DEFAULT_RESOURCE_WEIGHTS, weights)
    return _score_resource(need, resource, max_km, w)


def _score_resource(
    need: Need, resource: Resource, max_km: float, w: Mapping[str, float]
) -> tuple[float, dict[str, Any]]:
    kind_match = need.kind == resource.kind
    distance_m = _haversine_m(need.lat, need.lon, resource.lat, resource.lon)
    paired = need.community_id in resource.paired_communities
    parts: dict[str, Any] = {
        "candidate": kind_match and resource.capacity > 0,
        "kind_match": kind_match,
        "distance_m": distance_m,
        "paired": paired,
        "capacity_left": resource.capacity,
        "quantity": need.quantity,
        "owner_load": resource.owner_load,
        "rating": resource.owner_rating,
    }
    if not parts["candidate"]:
        parts["contributions"] = {}
        return 0.0, parts
    components = {
        "distance": closeness(distance_m, max_km),
        "paired": 1.0 if paired else 0.0,
        # A need of quantity 0 is already met: any capacity covers it.
        "capacity": min(1.0, resource.capacity / need.quantity) if need.quantity else 1.0,
        "load": 1.0 / (1.0 + resource.owner_load),
        "rating": rating01(resource.owner_rating),
    }
    contributions = {name: w[name] * value for name, value in components.items()}
    parts["contributions"] = contributions
    return math.fsum(contributions.values()), parts


def rank_candidates(
    needs: Sequence[Need],
    resources: Sequence[Resource],
    *,
    top: int = 5,
    max_km: float = 5.0,
    weights: Mapping[str, float] | None = None,
) -> dict[str, list[ScoredResource]]:
    """The `top` candidate resources for each open need (quantity > 0), best first.

    Scores are `score_resource_for_need`'s; ties go to the smaller resource id. Every open need
    is a key (in id order), with an empty list when no resource of its kind has capacity.

    >>> n = Need(id="n1", community_id="c1", kind="funds", quantity=1, urgency=5, lat=39.0, lon=121.0)
    >>> near = Resource(id="r-near", owner_id="u1", kind="funds", capacity=1, lat=39.0, lon=121.0)
    >>> far = Resource(id="r-far", owner_id="u2", kind="funds", capacity=1, lat=39.02, lon=121.0)
    >>> other = Resource(id="r-room", owner_id="u3", kind="venue", capacity=1, lat=39.0, lon=121.0)
    >>> [c.resource_id for c in rank_candidates([n], [far, other, near])["n1"]]
    ['r-near', 'r-far']
    """
    details: list[dict[str, Any]] = []
    check_needs(needs, details)
    check_resources(resources, details)
    _raise("invalid needs or resources", details)
    check_option("top", top, minimum=1, integer=True)
    check_option("max_km", max_km, strict=True)
    w = merge_weights(DEFAULT_RESOURCE_WEIGHTS, weights)

    by_kind: dict[str, list[Resource]] = defaultdict(list)
    for r in resources:
        if r.capacity > 0:
            by_kind[r.kind].append(r)
    ranked: dict[str, list[ScoredResource]] = {}
    for need in sorted(needs, key=lambda n: n.id):
        if need.quantity <= 0:
            continue
        scored = [(*_score_resource(need, r, max_km, w), r) for r in by_kind.get(need.kind, ())]
        scored.sort(key=lambda t: (-t[0], t[2].id))
        ranked[need.id] = [ScoredResource(r.id, r.owner_id, score, parts) for score, parts, r in scored[:top]]
    return ranked
