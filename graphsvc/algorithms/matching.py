"""Co-construction matching for street committees (结对共建, 共驻共建, 五联共建).

Pure functions over plain data; no database, no I/O. Every id is a string; every result is
sorted by id so the same data always gives the same answer.

- needs ↔ resources: `score_resource_for_need`, `rank_candidates` (explained scores);
  `allocate` (optimal capacity-constrained allocation for a whole street, HiGHS LP with
  column generation) and
  `allocate_networkx_reference` (the same instance through networkx min-cost flow, for benchmarks)
- community branches ↔ unit Party organisations: `partner_score` (complementarity across the
  five joint works), `suggest_partners` (optimal many-to-many pairing with caps, HiGHS MILP)
- evaluation: `evaluate_pairings` (十佳共建对子 ranking per year, warn/fail flags), `org_ratings`
- summaries: `idle_resources`, `communities_without_partner`, `overloaded_units`, `lacking_basics_needs`

Inputs are the frozen dataclasses `Need`, `Resource`, `CommunityProfile`, `UnitProfile`, `Project`;
build them with keyword arguments (``Need(id=..., ...)``) from projected records.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import scipy.sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from graphsvc.algorithms.common import haversine_m as _haversine_m
from graphsvc.algorithms.common import haversine_m_array as _haversine_m_array
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.errors import Infeasible, InvalidInput

__all__ = [
    "DEFAULT_PARTNER_WEIGHTS",
    "DEFAULT_RESOURCE_WEIGHTS",
    "KIND_THEMES",
    "LACK_NEED_KIND",
    "THEMES",
    "THEME_LABELS",
    "UNIT_KIND_THEMES",
    "UNMET_REASONS",
    "Allocation",
    "Candidate",
    "CommunityProfile",
    "Flow",
    "Need",
    "PairingEvaluation",
    "PartnerPair",
    "PartnerSuggestions",
    "Project",
    "Resource",
    "UnitProfile",
    "Unmet",
    "allocate",
    "allocate_networkx_reference",
    "communities_without_partner",
    "evaluate_pairings",
    "idle_resources",
    "lacking_basics_needs",
    "org_ratings",
    "overloaded_units",
    "partner_score",
    "rank_candidates",
    "score_resource_for_need",
    "suggest_partners",
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

UnmetReason = Literal["no_resource_of_kind", "forbidden", "too_far", "all_capacity_used"]
UNMET_REASONS: dict[str, str] = {
    "no_resource_of_kind": "no resource of that kind",
    "forbidden": "every resource of that kind is forbidden for this need",
    "too_far": "too far (beyond max_km, or the distance cost outweighs the urgency)",
    "all_capacity_used": "all capacity used (every reachable resource is fully allocated)",
}

# Distances for at most this many cells are computed at once, to bound memory on one-kind streets.
_BLOCK_CELLS = 2_000_000
# Column generation starts from, and grows by, this many best pairs per need.
_SEED_EDGES_PER_NEED = 8
# networkx network simplex is exact only on integers: values are scaled to micro-units.
_NX_SCALE = 1_000_000


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
class Candidate:
    """One resource proposed for a need, with the parts of its score (see `score_resource_for_need`)."""

    resource_id: str
    owner_id: str
    score: float
    parts: dict[str, Any]


@dataclass(slots=True)
class Flow:
    """`units` of resource `resource_id` allocated to need `need_id`; `value` is its share of the objective."""

    need_id: str
    resource_id: str
    units: int
    distance_m: float
    value: float
    locked: bool
    why: str


@dataclass(slots=True)
class Unmet:
    """`units` of need `need_id` left unmet; `reason` is a key of `UNMET_REASONS`."""

    need_id: str
    units: int
    reason: UnmetReason


@dataclass(slots=True)
class Allocation:
    """The result of `allocate`: flows and unmet needs sorted by id; `candidate_pairs` is the pruned instance size."""

    objective: float
    met_units: int
    flows: list[Flow]
    unmet: list[Unmet]
    candidate_pairs: int


@dataclass(slots=True)
class PartnerPair:
    """A pairing in the suggestion: kept (`existing`) or new; `score`/`parts` come from the scores given."""

    community_id: str
    unit_id: str
    existing: bool
    score: float | None
    parts: dict[str, Any]


@dataclass(slots=True)
class PartnerSuggestions:
    """The result of `suggest_partners`; `shortfall` maps a community to partners missing under `community_min`."""

    pairs: list[PartnerPair]
    shortfall: dict[str, int]
    objective: float


@dataclass(slots=True)
class PairingEvaluation:
    """One pairing in one year. `rank` orders the year's rated pairings; `top` marks the 十佳 list."""

    year: int
    org_ids: tuple[str, ...]
    projects: int
    mean_outcome: float | None
    mean_satisfaction: float | None
    score: float | None  # the ranking key: mean of the two means (either alone if the other is missing)
    status: Literal["ok", "warn", "fail", "unrated"]
    rank: int | None
    top: bool


# --------------------------------------------------------------------------- checks


def _is_int(value: Any) -> bool:
    # bool is an int subclass, but True as a quantity is always a projection bug.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _problem(table: str, ident: Any, fieldname: str, problem: str) -> dict[str, Any]:
    return {"table": table, "id": ident, "field": fieldname, "problem": problem}


def _check_location(table: str, row: Any, details: list[dict[str, Any]]) -> None:
    if not (_is_number(row.lat) and -90.0 <= row.lat <= 90.0):
        details.append(_problem(table, row.id, "lat", "not a latitude in [-90, 90]"))
    if not (_is_number(row.lon) and -180.0 <= row.lon <= 180.0):
        details.append(_problem(table, row.id, "lon", "not a longitude in [-180, 180]"))


def _check_unique(table: str, rows: Iterable[Any], details: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            details.append(_problem(table, row.id, "id", "duplicate id"))
        seen.add(row.id)


def _check_needs(needs: Sequence[Need], details: list[dict[str, Any]]) -> None:
    for n in needs:
        if not (_is_int(n.quantity) and n.quantity >= 0):
            details.append(_problem("needs", n.id, "quantity", "not an integer >= 0"))
        if not (_is_int(n.urgency) and 1 <= n.urgency <= 5):
            details.append(_problem("needs", n.id, "urgency", "not an integer in 1..5"))
        _check_location("needs", n, details)
    _check_unique("needs", needs, details)


def _check_resources(resources: Sequence[Resource], details: list[dict[str, Any]]) -> None:
    for r in resources:
        if not (_is_int(r.capacity) and r.capacity >= 0):
            details.append(_problem("resources", r.id, "capacity", "not an integer >= 0"))
        if not (_is_int(r.owner_load) and r.owner_load >= 0):
            details.append(_problem("resources", r.id, "owner_load", "not an integer >= 0"))
        if r.owner_rating is not None and not (_is_number(r.owner_rating) and 0 <= r.owner_rating <= 100):
            details.append(_problem("resources", r.id, "owner_rating", "not a number in 0..100"))
        _check_location("resources", r, details)
    _check_unique("resources", resources, details)


def _check_option(name: str, value: Any, *, minimum: float = 0.0, strict: bool = False, integer: bool = False) -> None:
    ok = (_is_int(value) if integer else _is_number(value)) and (value > minimum if strict else value >= minimum)
    if not ok:
        bound = f"{'>' if strict else '>='} {minimum:g}"
        kind = "an integer" if integer else "a finite number"
        raise InvalidInput(f"{name} must be {kind} {bound}", details=[{"field": name, "value": repr(value)}])


def _merge_weights(defaults: Mapping[str, float], overrides: Mapping[str, float] | None) -> dict[str, float]:
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


def _closeness(distance_m: float, max_km: float) -> float:
    # Linear decay: 1 next door, 0 at max_km and beyond.
    return max(0.0, 1.0 - distance_m / (max_km * 1000.0))


def _rating01(rating: float | None) -> float:
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
    _check_needs([need], details)
    _check_resources([resource], details)
    _raise("invalid need or resource", details)
    _check_option("max_km", max_km, strict=True)
    w = _merge_weights(DEFAULT_RESOURCE_WEIGHTS, weights)
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
        "distance": _closeness(distance_m, max_km),
        "paired": 1.0 if paired else 0.0,
        # A need of quantity 0 is already met: any capacity covers it.
        "capacity": min(1.0, resource.capacity / need.quantity) if need.quantity else 1.0,
        "load": 1.0 / (1.0 + resource.owner_load),
        "rating": _rating01(resource.owner_rating),
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
) -> dict[str, list[Candidate]]:
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
    _check_needs(needs, details)
    _check_resources(resources, details)
    _raise("invalid needs or resources", details)
    _check_option("top", top, minimum=1, integer=True)
    _check_option("max_km", max_km, strict=True)
    w = _merge_weights(DEFAULT_RESOURCE_WEIGHTS, weights)

    by_kind: dict[str, list[Resource]] = defaultdict(list)
    for r in resources:
        if r.capacity > 0:
            by_kind[r.kind].append(r)
    ranked: dict[str, list[Candidate]] = {}
    for need in sorted(needs, key=lambda n: n.id):
        if need.quantity <= 0:
            continue
        scored = [(*_score_resource(need, r, max_km, w), r) for r in by_kind.get(need.kind, ())]
        scored.sort(key=lambda t: (-t[0], t[2].id))
        ranked[need.id] = [Candidate(r.id, r.owner_id, score, parts) for score, parts, r in scored[:top]]
    return ranked


# --------------------------------------------------------------------------- needs ↔ resources: allocation


@dataclass(slots=True)
class _Instance:
    """The pruned transportation problem shared by `allocate` and its networkx reference."""

    needs: list[Need]  # sorted by id
    resources: list[Resource]  # sorted by id
    quantity: np.ndarray  # (N,)
    capacity: np.ndarray  # (R,)
    edge_need: np.ndarray  # (E,) index into needs
    edge_res: np.ndarray  # (E,) index into resources
    distance_m: np.ndarray  # (E,)
    value: np.ndarray  # (E,) objective per unit: urgency - distance cost
    locked: np.ndarray  # (E,) bool
    no_kind: np.ndarray  # (N,) bool: no resource of the need's kind has capacity
    all_forbidden: np.ndarray  # (N,) bool: every resource of its kind with capacity is forbidden


def _pair_index(
    pairs: Iterable[tuple[str, str]], name: str, need_pos: Mapping[str, int], res_pos: Mapping[str, int]
) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    details = []
    for pair in pairs:
        if len(pair) != 2 or pair[0] not in need_pos or pair[1] not in res_pos:
            details.append({"field": name, "id": repr(pair), "problem": "expected (need_id, resource_id) of known ids"})
            continue
        out.add((need_pos[pair[0]], res_pos[pair[1]]))
    _raise(f"invalid {name} pairs", details)
    return out


def _build_instance(
    needs: Sequence[Need],
    resources: Sequence[Resource],
    *,
    distance_cost_per_km: float,
    locked: Iterable[tuple[str, str]],
    forbidden: Iterable[tuple[str, str]],
    max_km: float | None,
    k_nearest: int | None,
) -> _Instance:
    details: list[dict[str, Any]] = []
    _check_needs(needs, details)
    _check_resources(resources, details)
    _raise("invalid needs or resources", details)
    _check_option("distance_cost_per_km", distance_cost_per_km)
    if max_km is not None:
        _check_option("max_km", max_km, strict=True)
    if k_nearest is not None:
        _check_option("k_nearest", k_nearest, minimum=1, integer=True)

    ns = sorted(needs, key=lambda n: n.id)
    rs = sorted(resources, key=lambda r: r.id)
    need_pos = {n.id: i for i, n in enumerate(ns)}
    res_pos = {r.id: j for j, r in enumerate(rs)}
    locks = _pair_index(locked, "locked", need_pos, res_pos)
    forbids = _pair_index(forbidden, "forbidden", need_pos, res_pos)
    _check_locks(ns, rs, locks, forbids)

    n_count, r_count = len(ns), len(rs)
    quantity = np.array([n.quantity for n in ns], dtype=np.int64)
    capacity = np.array([r.capacity for r in rs], dtype=np.int64)
    urgency = np.array([n.urgency for n in ns], dtype=float)
    nlat = np.array([n.lat for n in ns], dtype=float)
    nlon = np.array([n.lon for n in ns], dtype=float)
    rlat = np.array([r.lat for r in rs], dtype=float)
    rlon = np.array([r.lon for r in rs], dtype=float)
    max_m = math.inf if max_km is None else max_km * 1000.0

    forbid_by_need: dict[int, list[int]] = defaultdict(list)
    for i, j in forbids:
        forbid_by_need[i].append(j)
    needs_of_kind: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(ns):
        if n.quantity > 0:
            needs_of_kind[n.kind].append(i)
    res_of_kind: dict[str, list[int]] = defaultdict(list)
    for j, r in enumerate(rs):
        if r.capacity > 0:
            res_of_kind[r.kind].append(j)

    no_kind = np.zeros(n_count, dtype=bool)
    all_forbidden = np.zeros(n_count, dtype=bool)
    parts_i: list[np.ndarray] = []
    parts_j: list[np.ndarray] = []
    for kind in sorted(needs_of_kind):
        ni = np.array(needs_of_kind[kind], dtype=np.int64)
        rj = np.array(res_of_kind.get(kind, []), dtype=np.int64)
        if rj.size == 0:
            no_kind[ni] = True
            continue
        col = {int(j): c for c, j in enumerate(rj)}
        block = max(1, _BLOCK_CELLS // rj.size)
        for start in range(0, ni.size, block):
            rows = ni[start : start + block]
            d = _haversine_m_array(nlat[rows, None], nlon[rows, None], rlat[None, rj], rlon[None, rj])
            # An edge worth nothing never improves the objective: drop it (locked pairs come back below).
            ok = (urgency[rows, None] - distance_cost_per_km * d / 1000.0 > 0) & (d <= max_m)
            for r_, i in enumerate(rows):
                cols = [col[j] for j in forbid_by_need.get(int(i), ()) if j in col]
                ok[r_, cols] = False
                all_forbidden[i] = len(cols) == rj.size
            if k_nearest is not None and k_nearest < rj.size:
                # Stable sort: among equally distant resources the smaller id (lower column) is kept.
                order = np.argsort(np.where(ok, d, np.inf), axis=1, kind="stable")[:, :k_nearest]
                keep = np.zeros_like(ok)
                np.put_along_axis(keep, order, True, axis=1)
                ok &= keep
            a, b = np.nonzero(ok)
            parts_i.append(rows[a])
            parts_j.append(rj[b])

    # Edges are keyed need-major (i * R + j) so they come out in (need id, resource id) order.
    stride = max(r_count, 1)
    # Locked pairs are kept whatever the pruning said: the planner has decided them.
    lock_key = np.array(sorted(i * stride + j for i, j in locks), dtype=np.int64)
    key = np.sort(np.concatenate([lock_key, *(i * stride + j for i, j in zip(parts_i, parts_j))]))
    key = key[np.diff(key, prepend=-1) != 0]  # a lock may also have survived pruning
    ei, ej = key // stride, key % stride
    dist = _haversine_m_array(nlat[ei], nlon[ei], rlat[ej], rlon[ej])
    value = urgency[ei] - distance_cost_per_km * dist / 1000.0
    is_locked = np.zeros(key.size, dtype=bool)
    is_locked[np.searchsorted(key, lock_key)] = True
    return _Instance(ns, rs, quantity, capacity, ei, ej, dist, value, is_locked, no_kind, all_forbidden)


def _check_locks(
    ns: list[Need], rs: list[Resource], locks: set[tuple[int, int]], forbids: set[tuple[int, int]]
) -> None:
    for i, j in sorted(locks):
        pair = f"({ns[i].id}, {rs[j].id})"
        where = [{"need": ns[i].id, "resource": rs[j].id}]
        if (i, j) in forbids:
            raise Infeasible(f"locked pair {pair} is also forbidden", details=where)
        if ns[i].kind != rs[j].kind:
            raise Infeasible(
                f"locked pair {pair}: need {ns[i].id} asks for '{ns[i].kind}' but resource {rs[j].id} "
                f"offers '{rs[j].kind}'",
                details=where,
            )
    # Each lock carries one unit, so locks fit iff no need or resource has more locks than units.
    for side, limit, label in ((0, [n.quantity for n in ns], "need"), (1, [r.capacity for r in rs], "resource")):
        count = Counter(p[side] for p in locks)
        for idx in sorted(count):
            if count[idx] > limit[idx]:
                owner = (ns if side == 0 else rs)[idx].id
                pairs = sorted((ns[i].id, rs[j].id) for i, j in locks if (i, j)[side] == idx)
                raise Infeasible(
                    f"{label} {owner} has {limit[idx]} unit(s) but {count[idx]} locked pairs: "
                    + ", ".join(f"({a}, {b})" for a, b in pairs),
                    details=[{"need": a, "resource": b} for a, b in pairs],
                )


def _report(inst: _Instance, units: np.ndarray) -> Allocation:
    flows = []
    served = np.zeros(len(inst.needs), dtype=np.int64)
    for e in np.flatnonzero(units > 0):
        i, j = int(inst.edge_need[e]), int(inst.edge_res[e])
        served[i] += units[e]
        km, urgency = inst.distance_m[e] / 1000.0, inst.needs[i].urgency
        why = f"urgency {urgency}, {km:.1f} km" + ("; locked" if inst.locked[e] else "")
        flows.append(
            Flow(
                need_id=inst.needs[i].id,
                resource_id=inst.resources[j].id,
                units=int(units[e]),
                distance_m=float(inst.distance_m[e]),
                value=float(inst.value[e] * units[e]),
                locked=bool(inst.locked[e]),
                why=why,
            )
        )
    has_edge = np.zeros(len(inst.needs), dtype=bool)
    has_edge[inst.edge_need] = True
    profitable = np.zeros(len(inst.needs), dtype=bool)
    profitable[inst.edge_need[inst.value > 0]] = True
    unmet = []
    for i, need in enumerate(inst.needs):
        left = int(need.quantity - served[i])
        if left <= 0:
            continue
        reason: UnmetReason
        if inst.no_kind[i]:
            reason = "no_resource_of_kind"
        elif inst.all_forbidden[i] and not has_edge[i]:
            reason = "forbidden"
        elif profitable[i]:
            # Optimality: a profitable edge to a resource with spare capacity would carry more.
            reason = "all_capacity_used"
        else:
            reason = "too_far"
        unmet.append(Unmet(need.id, left, reason))
    return Allocation(
        objective=math.fsum((inst.value * units).tolist()),
        met_units=int(served.sum()),
        flows=flows,
        unmet=unmet,
        candidate_pairs=int(inst.edge_need.size),
    )


def allocate(
    needs: Sequence[Need],
    resources: Sequence[Resource],
    *,
    distance_cost_per_km: float = 0.2,
    locked: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    max_km: float | None = None,
    k_nearest: int | None = None,
) -> Allocation:
    """Optimal allocation of resource units to needs for a whole street.

    Maximises Σ units × (need urgency − `distance_cost_per_km` × km) over (need, resource) pairs of
    the same kind: a resource gives at most its `capacity` units in all, a need takes at most its
    `quantity`. Each `locked` (need_id, resource_id) pair carries at least one unit, each
    `forbidden` pair none. A pair is a candidate only if kinds match, it is not forbidden, it is
    within `max_km` (if given), its value per unit is positive (a unit worth nothing or less never
    improves the objective), and, if `k_nearest` is given, the resource is among the need's
    k nearest such candidates; locked pairs are always candidates. `k_nearest` is a speed-up
    that may cost optimality on the full instance; without it the answer is exact.

    Solved exactly as a transportation LP with HiGHS dual simplex, whose vertex solutions are
    integral (the constraint matrix is totally unimodular), by column generation: start from each
    need's best few pairs and add the pairs the LP duals price as gainful until there are none.
    Needs and resources are sorted by id before the model is built, so the same data gives the
    same flows whatever the input order; among equally good allocations, that one is returned.

    Raises InvalidInput for bad rows, options or unknown ids in pairs; Infeasible for locks that
    cannot hold (kind mismatch, a locked pair also forbidden, more locks than units), naming them.

    >>> n1 = Need(id="n1", community_id="c1", kind="venue", quantity=2, urgency=5, lat=39.0, lon=121.0)
    >>> n2 = Need(id="n2", community_id="c2", kind="venue", quantity=1, urgency=1, lat=39.0, lon=121.0)
    >>> r1 = Resource(id="r1", owner_id="u1", kind="venue", capacity=2, lat=39.0, lon=121.0)
    >>> result = allocate([n1, n2], [r1])
    >>> [(f.need_id, f.resource_id, f.units) for f in result.flows], result.objective
    ([('n1', 'r1', 2)], 10.0)
    >>> [(u.need_id, u.units, u.reason) for u in result.unmet]
    [('n2', 1, 'all_capacity_used')]
    """
    inst = _build_instance(
        needs,
        resources,
        distance_cost_per_km=distance_cost_per_km,
        locked=locked,
        forbidden=forbidden,
        max_km=max_km,
        k_nearest=k_nearest,
    )
    return _report(inst, _solve_lp(inst))


def _best_per_need(inst: _Instance, mask: np.ndarray, k: int) -> np.ndarray:
    """The k most valuable edges of each need among `mask` (ties to the smaller resource id)."""
    idx = np.flatnonzero(mask)
    order = idx[np.lexsort((inst.edge_res[idx], -inst.value[idx], inst.edge_need[idx]))]
    needs = inst.edge_need[order]
    rank = np.arange(order.size) - np.searchsorted(needs, needs, side="left")
    best = np.zeros_like(mask)
    best[order[rank < k]] = True
    return best


def _solve_lp(inst: _Instance) -> np.ndarray:
    n_edges = inst.edge_need.size
    if n_edges == 0:
        return np.zeros(0, dtype=np.int64)
    # Column generation: a street's instance has ~10^6 candidate pairs but the optimum uses a few
    # thousand. Solve on each need's best few pairs, then add every pair the LP duals say would
    # raise the objective, until none would; the last restricted optimum is then optimal for all.
    working = _best_per_need(inst, np.ones(n_edges, dtype=bool), _SEED_EDGES_PER_NEED) | inst.locked
    while True:
        cols = np.flatnonzero(working)
        x, need_dual, res_dual = _solve_restricted(inst, cols)
        # Duals of "≤" rows are ≤ 0: a pair pays iff its value beats what its need and resource are worth.
        gain = inst.value + need_dual[inst.edge_need] + res_dual[inst.edge_res]
        pays = ~working & (gain > 1e-9)
        if not pays.any():
            break
        working |= _best_per_need(inst, pays, _SEED_EDGES_PER_NEED)
    units = np.zeros(n_edges, dtype=np.int64)
    units[cols] = x
    return units


def _solve_restricted(inst: _Instance, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_count, r_count, n_cols = len(inst.needs), len(inst.resources), cols.size
    at = np.arange(n_cols)
    a_ub = scipy.sparse.vstack(
        [
            scipy.sparse.csr_array((np.ones(n_cols), (inst.edge_need[cols], at)), shape=(n_count, n_cols)),
            scipy.sparse.csr_array((np.ones(n_cols), (inst.edge_res[cols], at)), shape=(r_count, n_cols)),
        ],
        format="csr",
    )
    b_ub = np.concatenate([inst.quantity, inst.capacity]).astype(float)
    lower = inst.locked[cols].astype(float)
    bounds = np.column_stack([lower, np.full(n_cols, np.inf)])
    res = linprog(-inst.value[cols], A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs-ds")
    if res.status != 0:  # locks were checked, so this is a solver failure, not an infeasible street
        raise RuntimeError(f"HiGHS failed on the allocation LP: {res.message}")
    duals = res.ineqlin.marginals
    units = np.rint(res.x)
    if np.abs(res.x - units).max() > 1e-6:
        # Dual simplex ends on a vertex, integral for this totally unimodular matrix; this only
        # guards numerical trouble. The duals above stay valid: the LP optimum is integral.
        res = milp(
            -inst.value[cols],
            constraints=LinearConstraint(a_ub, -np.inf, b_ub),
            integrality=np.ones(n_cols),
            bounds=Bounds(lower, np.inf),
        )
        units = np.rint(res.x)
    return units.astype(np.int64), duals[:n_count], duals[n_count:]


def allocate_networkx_reference(
    needs: Sequence[Need],
    resources: Sequence[Resource],
    *,
    distance_cost_per_km: float = 0.2,
    locked: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    max_km: float | None = None,
    k_nearest: int | None = None,
) -> Allocation:
    """`allocate`'s problem as a generic networkx min-cost flow, for benchmarks and cross-checks.

    Same arguments, same pruned instance, same report; only the solver differs. The network is
    source → resource (capacity) → need (cost −value) → sink (quantity), plus a free
    resource → sink edge for units left unused, so a maximum flow exists for every allocation and
    `nx.max_flow_min_cost` finds the most valuable one. Locked pairs are pre-assigned one unit.
    Values are rounded to micro-units because network simplex is exact only on integers.

    >>> n1 = Need(id="n1", community_id="c1", kind="venue", quantity=2, urgency=5, lat=39.0, lon=121.0)
    >>> r1 = Resource(id="r1", owner_id="u1", kind="venue", capacity=3, lat=39.0, lon=121.0)
    >>> allocate_networkx_reference([n1], [r1]).objective
    10.0
    """
    inst = _build_instance(
        needs,
        resources,
        distance_cost_per_km=distance_cost_per_km,
        locked=locked,
        forbidden=forbidden,
        max_km=max_km,
        k_nearest=k_nearest,
    )
    n_count, r_count = len(inst.needs), len(inst.resources)
    # Nodes: resources 0..R-1, needs R..R+N-1, then source and sink.
    source, sink = r_count + n_count, r_count + n_count + 1
    supply = inst.capacity.copy()
    demand = inst.quantity.copy()
    np.subtract.at(supply, inst.edge_res[inst.locked], 1)
    np.subtract.at(demand, inst.edge_need[inst.locked], 1)
    G = nx.DiGraph()
    for j in range(r_count):
        G.add_edge(source, j, capacity=int(supply[j]), weight=0)
        G.add_edge(j, sink, capacity=int(supply[j]), weight=0)
    for i in range(n_count):
        G.add_edge(r_count + i, sink, capacity=int(demand[i]), weight=0)
    costs = -np.rint(inst.value * _NX_SCALE).astype(np.int64)
    for i, j, cost in zip(inst.edge_need.tolist(), inst.edge_res.tolist(), costs.tolist()):
        G.add_edge(j, r_count + i, weight=cost)  # no capacity attribute: unbounded
    flow = nx.max_flow_min_cost(G, source, sink)
    units = inst.locked.astype(np.int64)
    for e, (i, j) in enumerate(zip(inst.edge_need.tolist(), inst.edge_res.tolist())):
        units[e] += flow[j][r_count + i]
    return _report(inst, units)


# --------------------------------------------------------------------------- community ↔ unit partners


def _check_kinds(
    table: str, ident: str, fieldname: str, kinds: Iterable[str], known: Mapping[str, Any]
) -> list[dict[str, Any]]:
    return [_problem(table, ident, fieldname, f"unknown kind '{k}'") for k in sorted(kinds) if k not in known]


def partner_score(
    community: CommunityProfile,
    unit: UnitProfile,
    *,
    max_km: float = 5.0,
    weights: Mapping[str, float] | None = None,
) -> tuple[float, dict[str, Any]]:
    """How well a unit Party organisation complements a community branch: a score in [0, 1] and its parts.

    The community's needed joint works are the themes (`KIND_THEMES`) of its need kinds; the
    unit brings the themes of the resource kinds it offers and of its own kind (`UNIT_KIND_THEMES`).
    The score is the weighted sum (`DEFAULT_PARTNER_WEIGHTS`, summing to 1) of:

    - ``themes``: the share of the community's needed themes the unit brings;
    - ``kinds``: the share of the community's need kinds the unit offers directly;
    - ``distance``: 1 next door, decaying linearly to 0 at `max_km`;
    - ``ties``: 1 if the unit is located in the community or already shares a resource with it;
    - ``rating``: the unit's past pairings' mean satisfaction / 100, or 0.5 with none.

    A community with no open needs scores 0 on themes and kinds (there is nothing to complement).
    `parts` lists ``themes`` (shared, in `THEMES` order), ``missing_themes``, ``kinds``,
    ``distance_m``, ``ties`` ('located_in', 'shares_resource'), ``rating`` and ``contributions``.

    >>> c = CommunityProfile(id="po-by", community_id="c-by", lat=39.0, lon=121.0,
    ...                      need_kinds={"office", "funds"})
    >>> u = UnitProfile(id="po-tax", kind="agency", community_id="c-by", lat=39.0, lon=121.0,
    ...                 resource_kinds={"office"}, rating=90)
    >>> score, parts = partner_score(c, u)
    >>> parts["themes"], parts["missing_themes"], parts["kinds"], parts["ties"]
    (['infrastructure'], ['welfare'], ['office'], ['located_in'])
    >>> round(score, 3)  # 0.35·½ + 0.20·½ + 0.20·1 + 0.15·1 + 0.10·0.9
    0.715
    """
    details = _check_kinds("communities", community.id, "need_kinds", community.need_kinds, KIND_THEMES)
    details += _check_kinds("units", unit.id, "resource_kinds", unit.resource_kinds, KIND_THEMES)
    details += _check_kinds("units", unit.id, "kind", [unit.kind], UNIT_KIND_THEMES)
    _check_location("communities", community, details)
    _check_location("units", unit, details)
    if unit.rating is not None and not (_is_number(unit.rating) and 0 <= unit.rating <= 100):
        details.append(_problem("units", unit.id, "rating", "not a number in 0..100"))
    _raise("invalid community or unit", details)
    _check_option("max_km", max_km, strict=True)
    w = _merge_weights(DEFAULT_PARTNER_WEIGHTS, weights)

    needed = set().union(*(KIND_THEMES[k] for k in community.need_kinds))
    brought = set(UNIT_KIND_THEMES[unit.kind]).union(*(KIND_THEMES[k] for k in unit.resource_kinds))
    shared_kinds = sorted(set(community.need_kinds) & set(unit.resource_kinds))
    distance_m = _haversine_m(community.lat, community.lon, unit.lat, unit.lon)
    ties = []
    if unit.community_id == community.community_id:
        ties.append("located_in")  # 驻区单位: the natural partner of 共驻共建
    if community.community_id in unit.shared_with:
        ties.append("shares_resource")
    components = {
        "themes": len(needed & brought) / len(needed) if needed else 0.0,
        "kinds": len(shared_kinds) / len(community.need_kinds) if community.need_kinds else 0.0,
        "distance": _closeness(distance_m, max_km),
        "ties": 1.0 if ties else 0.0,
        "rating": _rating01(unit.rating),
    }
    contributions = {name: w[name] * value for name, value in components.items()}
    parts: dict[str, Any] = {
        "themes": [t for t in THEMES if t in needed and t in brought],
        "missing_themes": [t for t in THEMES if t in needed and t not in brought],
        "kinds": shared_kinds,
        "distance_m": distance_m,
        "ties": ties,
        "rating": unit.rating,
        "contributions": contributions,
    }
    return math.fsum(contributions.values()), parts


def suggest_partners(
    communities: Sequence[str],
    units: Sequence[str],
    scores: Mapping[tuple[str, str], float | tuple[float, Mapping[str, Any]]],
    *,
    unit_cap: int = 2,
    community_min: int = 1,
    community_max: int | None = None,
    existing: Iterable[tuple[str, str]] = (),
) -> PartnerSuggestions:
    """Many-to-many pairing of community branches with unit Party organisations, maximising total score.

    `communities` and `units` are PartyOrg ids; `scores` maps the candidate (community_id, unit_id)
    pairs to a score, or to `partner_score`'s (score, parts) whose parts are passed through;
    a pair absent from `scores` is never suggested. Every `existing` pairing is kept and counts
    toward the caps: a unit pairs with at most `unit_cap` communities, a community with at most
    `community_max` units (no limit if None).

    `community_min` is soft: the solution first minimises the total shortfall under it, then
    maximises the total score of the new pairs (lexicographically, via a penalty larger than any
    total score), and reports in `shortfall` what could not be met instead of failing. So a
    low-scoring pair may be suggested when a community needs it to reach its minimum. Solved
    exactly as a MILP with HiGHS; ids are sorted first, so the answer does not depend on input order.

    >>> scores = {("c1", "u1"): 0.9, ("c2", "u1"): 0.8, ("c2", "u2"): 0.3}
    >>> s = suggest_partners(["c1", "c2"], ["u1", "u2"], scores, unit_cap=1, community_min=1)
    >>> [(p.community_id, p.unit_id) for p in s.pairs], s.shortfall
    ([('c1', 'u1'), ('c2', 'u2')], {})
    """
    _check_option("unit_cap", unit_cap, integer=True)
    _check_option("community_min", community_min, integer=True)
    if community_max is not None:
        _check_option("community_max", community_max, integer=True)
        if community_max < community_min:
            raise InvalidInput(
                "community_max must be >= community_min",
                details=[{"field": "community_max", "value": repr(community_max)}],
            )
    details: list[dict[str, Any]] = []
    for table, ids in (("communities", communities), ("units", units)):
        for ident, count in sorted(Counter(ids).items()):
            if count > 1:
                details.append(_problem(table, ident, "id", "duplicate id"))
    c_set, u_set = set(communities), set(units)
    existing_pairs: set[tuple[str, str]] = set()
    for pair in existing:
        if len(pair) != 2 or pair[0] not in c_set or pair[1] not in u_set:
            details.append({"field": "existing", "id": repr(pair), "problem": "expected (community_id, unit_id)"})
        else:
            existing_pairs.add((pair[0], pair[1]))
    score_of: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
    for pair, value in scores.items():
        # A bare number, or partner_score's (score, parts).
        score, parts = (value, {}) if not isinstance(value, tuple) else (value[0], value[1])
        if len(pair) != 2 or pair[0] not in c_set or pair[1] not in u_set or not _is_number(score):
            details.append({"field": "scores", "id": repr(pair), "problem": "expected (community_id, unit_id): score"})
        else:
            score_of[(pair[0], pair[1])] = (float(score), dict(parts))
    _raise("invalid partner input", details)

    cs, us = sorted(c_set), sorted(u_set)
    c_row = {c: k for k, c in enumerate(cs)}
    u_row = {u: k for k, u in enumerate(us)}
    have_c = Counter(c for c, _ in existing_pairs)
    have_u = Counter(u for _, u in existing_pairs)
    candidates = sorted(p for p in score_of if p not in existing_pairs)
    short_rows = [c for c in cs if community_min > have_c[c]]  # communities that may fall short

    n_x, n_s = len(candidates), len(short_rows)
    chosen: list[tuple[str, str]] = []
    shortfall = {c: community_min - have_c[c] for c in short_rows}
    if n_x:
        weights = np.array([score_of[p][0] for p in candidates])
        penalty = 1.0 + float(np.abs(weights).sum())
        c_obj = np.concatenate([-weights, np.full(n_s, penalty)])
        x_cols = np.arange(n_x)
        rows_c = np.array([c_row[c] for c, _ in candidates])
        rows_u = np.array([u_row[u] for _, u in candidates])
        unit_a = scipy.sparse.csr_array((np.ones(n_x), (rows_u, x_cols)), shape=(len(us), n_x + n_s))
        unit_ub = np.array([max(0, unit_cap - have_u[u]) for u in us], dtype=float)
        constraints = [LinearConstraint(unit_a, -np.inf, unit_ub)]
        comm_x = scipy.sparse.csr_array((np.ones(n_x), (rows_c, x_cols)), shape=(len(cs), n_x + n_s))
        if n_s:
            s_rows = np.array([c_row[c] for c in short_rows])
            slack = scipy.sparse.csr_array(
                (np.ones(n_s), (s_rows, n_x + np.arange(n_s))), shape=(len(cs), n_x + n_s)
            )
            need_lb = np.array([max(0, community_min - have_c[c]) for c in cs], dtype=float)
            constraints.append(LinearConstraint(comm_x + slack, need_lb, np.inf))
        if community_max is not None:
            comm_ub = np.array([max(0, community_max - have_c[c]) for c in cs], dtype=float)
            constraints.append(LinearConstraint(comm_x, -np.inf, comm_ub))
        upper = np.concatenate([np.ones(n_x), [shortfall[c] for c in short_rows]])
        res = milp(c_obj, constraints=constraints, integrality=np.ones(n_x + n_s), bounds=Bounds(0, upper))
        if res.x is None:  # slack keeps every instance feasible, so this is a solver failure
            raise RuntimeError(f"HiGHS failed on the partner MILP: {res.message}")
        x = np.rint(res.x)
        chosen = [p for p, v in zip(candidates, x[:n_x]) if v > 0]
        shortfall = {c: int(v) for c, v in zip(short_rows, x[n_x:])}

    pairs = []
    for c, u in sorted(existing_pairs | set(chosen)):
        known = score_of.get((c, u))
        pairs.append(
            PartnerPair(c, u, existing=(c, u) in existing_pairs, score=known[0] if known else None,
                        parts=known[1] if known else {})
        )
    return PartnerSuggestions(
        pairs=pairs,
        shortfall={c: v for c, v in shortfall.items() if v > 0},
        objective=math.fsum(score_of[p][0] for p in chosen),
    )


# --------------------------------------------------------------------------- evaluation


def _check_projects(projects: Sequence[Project]) -> None:
    details: list[dict[str, Any]] = []
    for p in projects:
        if len(set(p.org_ids)) < 2 or len(set(p.org_ids)) != len(p.org_ids):
            details.append(_problem("projects", p.id, "org_ids", "a pairing needs two or more distinct org ids"))
        if not _is_int(p.year):
            details.append(_problem("projects", p.id, "year", "not an integer"))
        for name in ("outcome", "satisfaction"):
            v = getattr(p, name)
            if v is not None and not (_is_number(v) and 0 <= v <= 100):
                details.append(_problem("projects", p.id, name, "not a number in 0..100"))
    _check_unique("projects", projects, details)
    _raise("invalid projects", details)


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def evaluate_pairings(
    projects: Sequence[Project],
    *,
    warn_below: float = 70.0,
    fail_below: float = 60.0,
    top: int = 10,
) -> list[PairingEvaluation]:
    """Evaluate each pairing per year from its projects: the 十佳共建对子 ranking and warn/fail flags.

    A pairing is the set of a project's `org_ids`. Per (year, pairing): the project count, the
    mean outcome and mean satisfaction over assessed projects, and a status from the mean
    satisfaction — under `fail_below` (60, the seeds' cadre-removal line) 'fail', under
    `warn_below` (70, the warning line) 'warn', else 'ok'; 'unrated' if no project has one.
    Pairings with any assessed figure are ranked within their year by `score`, the mean of their
    outcome and satisfaction means (higher first; then more projects; then org ids); the others
    get rank None. `top` marks the first `top`
    pairings with status 'ok' — a warned pairing is not one of the 十佳. Sorted by year, then
    rank (unrated last), then org ids.

    >>> ps = [Project(id="p1", org_ids=["a", "b"], year=2025, outcome=90, satisfaction=95),
    ...       Project(id="p2", org_ids=["b", "a"], year=2025, outcome=70, satisfaction=85),
    ...       Project(id="p3", org_ids=["a", "c"], year=2025, outcome=80, satisfaction=65)]
    >>> [(e.org_ids, e.mean_satisfaction, e.status, e.rank, e.top) for e in evaluate_pairings(ps)]
    [(('a', 'b'), 90.0, 'ok', 1, True), (('a', 'c'), 65.0, 'warn', 2, False)]
    """
    _check_projects(projects)
    _check_option("warn_below", warn_below)
    _check_option("fail_below", fail_below)
    _check_option("top", top, integer=True)
    if fail_below > warn_below:
        raise InvalidInput(
            "fail_below must be <= warn_below", details=[{"field": "fail_below", "value": repr(fail_below)}]
        )

    groups: dict[tuple[int, tuple[str, ...]], list[Project]] = defaultdict(list)
    for p in projects:
        groups[(p.year, tuple(sorted(p.org_ids)))].append(p)
    by_year: dict[int, list[PairingEvaluation]] = defaultdict(list)
    for (year, orgs), group in groups.items():
        outcome = _mean([p.outcome for p in group if p.outcome is not None])
        satisfaction = _mean([p.satisfaction for p in group if p.satisfaction is not None])
        status: Literal["ok", "warn", "fail", "unrated"]
        if satisfaction is None:
            status = "unrated"
        elif satisfaction < fail_below:
            status = "fail"
        elif satisfaction < warn_below:
            status = "warn"
        else:
            status = "ok"
        score = _mean([m for m in (outcome, satisfaction) if m is not None])
        by_year[year].append(
            PairingEvaluation(year, orgs, len(group), outcome, satisfaction, score, status, rank=None, top=False)
        )

    result: list[PairingEvaluation] = []
    for year in sorted(by_year):
        evals = by_year[year]
        rated = sorted(
            (e for e in evals if e.score is not None), key=lambda e: (-(e.score or 0.0), -e.projects, e.org_ids)
        )
        picked = 0
        for rank, e in enumerate(rated, start=1):
            e.rank = rank
            if e.status == "ok" and picked < top:
                e.top, picked = True, picked + 1
        result += rated + sorted((e for e in evals if e.rank is None), key=lambda e: e.org_ids)
    return result


def org_ratings(projects: Sequence[Project]) -> dict[str, float]:
    """Mean satisfaction of each org's assessed projects (for `Resource.owner_rating`, `UnitProfile.rating`).

    >>> org_ratings([Project(id="p1", org_ids=["a", "b"], year=2025, satisfaction=80),
    ...              Project(id="p2", org_ids=["a", "c"], year=2025, satisfaction=60)])
    {'a': 70.0, 'b': 80.0, 'c': 60.0}
    """
    _check_projects(projects)
    scores: dict[str, list[float]] = defaultdict(list)
    for p in projects:
        if p.satisfaction is not None:
            for org in set(p.org_ids):
                scores[org].append(p.satisfaction)
    return {org: math.fsum(v) / len(v) for org, v in sorted(scores.items())}


# --------------------------------------------------------------------------- summaries


def idle_resources(resource_ids: Iterable[str], shared_resource_ids: Iterable[str]) -> list[str]:
    """Resources offered but never SHARED_WITH any community, sorted.

    >>> idle_resources(["r1", "r2", "r3"], ["r2"])
    ['r1', 'r3']
    """
    return sorted(set(resource_ids) - set(shared_resource_ids))


def communities_without_partner(needs: Iterable[Need], partnered: Iterable[str]) -> list[dict[str, Any]]:
    """Communities with open needs (quantity > 0) and no pairing: `partnered` are community ids with one.

    >>> n = Need(id="n1", community_id="c1", kind="office", quantity=1, urgency=5, lat=39.0, lon=121.0)
    >>> communities_without_partner([n], partnered=["c2"])
    [{'community_id': 'c1', 'open_needs': 1, 'kinds': ['office']}]
    """
    have = set(partnered)
    open_by_c: dict[str, list[str]] = defaultdict(list)
    for n in needs:
        if n.quantity > 0 and n.community_id not in have:
            open_by_c[n.community_id].append(n.kind)
    return [
        {"community_id": c, "open_needs": len(kinds), "kinds": sorted(set(kinds))}
        for c, kinds in sorted(open_by_c.items())
    ]


def overloaded_units(pairs: Iterable[tuple[str, str]], *, cap: int) -> list[dict[str, Any]]:
    """Units in more than `cap` (community_id, unit_id) pairings, most loaded first.

    >>> overloaded_units([("c1", "u1"), ("c2", "u1"), ("c1", "u2")], cap=1)
    [{'unit_id': 'u1', 'pairings': 2, 'over_by': 1}]
    """
    _check_option("cap", cap, integer=True)
    count = Counter(u for _, u in set(pairs))
    return [
        {"unit_id": u, "pairings": k, "over_by": k - cap}
        for u, k in sorted(count.items(), key=lambda t: (-t[1], t[0]))
        if k > cap
    ]


def lacking_basics_needs(communities: Iterable[Mapping[str, Any]], *, urgency: int = 5) -> list[Need]:
    """Turn rule 10's gaps (三无居委) into needs: one per missing office/funds/land, in `LACK_NEED_KIND`.

    Takes community rows (id, lat, lon, has_office, has_funds, has_land); need ids are
    "<community id>:<field>".

    >>> [(n.id, n.kind) for n in lacking_basics_needs(
    ...     [{"id": "c-by", "lat": 39.09, "lon": 121.77, "has_office": False, "has_funds": True, "has_land": False}])]
    [('c-by:has_office', 'office'), ('c-by:has_land', 'venue')]
    """
    if not (_is_int(urgency) and 1 <= urgency <= 5):
        raise InvalidInput("urgency must be an integer in 1..5", details=[{"field": "urgency", "value": repr(urgency)}])
    return [
        Need(
            id=f"{c['id']}:{flag}",
            community_id=c["id"],
            kind=kind,
            quantity=1,
            urgency=urgency,
            lat=c["lat"],
            lon=c["lon"],
        )
        for c in sorted(communities, key=lambda c: c["id"])
        for flag, kind in LACK_NEED_KIND.items()
        if not c[flag]
    ]
