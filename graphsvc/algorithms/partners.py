"""Community branches ↔ unit Party organisations (共驻共建): `partner_score` (complementarity across the
five joint works) and `suggest_partners` (optimal many-to-many pairing with caps, HiGHS MILP).

Pure functions over the inputs of `graphsvc.algorithms.matching`; no database, no I/O.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from graphsvc.algorithms.common import check_point, problem
from graphsvc.algorithms.common import haversine_m as _haversine_m
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.algorithms.matching import (
    DEFAULT_PARTNER_WEIGHTS,
    KIND_THEMES,
    THEMES,
    UNIT_KIND_THEMES,
    CommunityProfile,
    UnitProfile,
    check_option,
    closeness,
    merge_weights,
    rating01,
)
from graphsvc.errors import InvalidInput

__all__ = ["PartnerChoice", "PartnerPlan", "partner_score", "suggest_partners"]


@dataclass(slots=True)
class PartnerChoice:
    """A pairing in the suggestion: kept (`existing`) or new; `score`/`parts` come from the scores given."""

    community_id: str
    unit_id: str
    existing: bool
    score: float | None
    parts: dict[str, Any]


@dataclass(slots=True)
class PartnerPlan:
    """The result of `suggest_partners`; `shortfall` maps a community to partners missing under `community_min`."""

    pairs: list[PartnerChoice]
    shortfall: dict[str, int]
    objective: float



# --------------------------------------------------------------------------- community ↔ unit partners


def _check_kinds(
    table: str, ident: str, fieldname: str, kinds: Iterable[str], known: Mapping[str, Any]
) -> list[dict[str, Any]]:
    return [problem(table, ident, fieldname, f"unknown kind '{k}'") for k in sorted(kinds) if k not in known]


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
    _check_profiles(community, unit)
    check_option("max_km", max_km, strict=True)
    w = merge_weights(DEFAULT_PARTNER_WEIGHTS, weights)

    needed = set().union(*(KIND_THEMES[k] for k in community.need_kinds))
    brought = set(UNIT_KIND_THEMES[unit.kind]).union(*(KIND_THEMES[k] for k in unit.resource_kinds))
    shared_kinds = sorted(set(community.need_kinds) & set(unit.resource_kinds))
    distance_m = _haversine_m(community.lat, community.lon, unit.lat, unit.lon)
    ties = _ties(community, unit)
    components = {
        "themes": len(needed & brought) / len(needed) if needed else 0.0,
        "kinds": len(shared_kinds) / len(community.need_kinds) if community.need_kinds else 0.0,
        "distance": closeness(distance_m, max_km),
        "ties": 1.0 if ties else 0.0,
        "rating": rating01(unit.rating),
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


def _check_profiles(community: CommunityProfile, unit: UnitProfile) -> None:
    details = _check_kinds("communities", community.id, "need_kinds", community.need_kinds, KIND_THEMES)
    details += _check_kinds("units", unit.id, "resource_kinds", unit.resource_kinds, KIND_THEMES)
    details += _check_kinds("units", unit.id, "kind", [unit.kind], UNIT_KIND_THEMES)
    check_point("communities", community.id, community.lat, community.lon, details)
    check_point("units", unit.id, unit.lat, unit.lon, details)
    if unit.rating is not None and not (_is_number(unit.rating) and 0 <= unit.rating <= 100):
        details.append(problem("units", unit.id, "rating", "not a number in 0..100"))
    _raise("invalid community or unit", details)


def _ties(community: CommunityProfile, unit: UnitProfile) -> list[str]:
    """What already ties the unit to the community."""
    ties = []
    if unit.community_id == community.community_id:
        ties.append("located_in")  # 驻区单位: the natural partner of 共驻共建
    if community.community_id in unit.shared_with:
        ties.append("shares_resource")
    return ties


def suggest_partners(
    communities: Sequence[str],
    units: Sequence[str],
    scores: Mapping[tuple[str, str], float | tuple[float, Mapping[str, Any]]],
    *,
    unit_cap: int = 2,
    community_min: int = 1,
    community_max: int | None = None,
    existing: Iterable[tuple[str, str]] = (),
) -> PartnerPlan:
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
    _check_partner_options(unit_cap, community_min, community_max)
    existing_pairs, score_of = _partner_input(communities, units, scores, existing)
    cs, us = sorted(set(communities)), sorted(set(units))
    have_c = Counter(c for c, _ in existing_pairs)
    have_u = Counter(u for _, u in existing_pairs)
    candidates = sorted(p for p in score_of if p not in existing_pairs)
    short_rows = [c for c in cs if community_min > have_c[c]]  # communities that may fall short
    chosen: list[tuple[str, str]] = []
    shortfall = {c: community_min - have_c[c] for c in short_rows}
    if candidates:
        weights = np.array([score_of[p][0] for p in candidates])
        room_u = [max(0, unit_cap - have_u[u]) for u in us]
        need_c = [max(0, community_min - have_c[c]) for c in cs]
        room_c = None if community_max is None else [max(0, community_max - have_c[c]) for c in cs]
        chosen, shortfall = _solve_partners(cs, us, candidates, weights, short_rows, shortfall, room_u, need_c, room_c)

    pairs = []
    for c, u in sorted(existing_pairs | set(chosen)):
        known = score_of.get((c, u))
        pairs.append(
            PartnerChoice(c, u, existing=(c, u) in existing_pairs, score=known[0] if known else None,
                        parts=known[1] if known else {})
        )
    return PartnerPlan(
        pairs=pairs,
        shortfall={c: v for c, v in shortfall.items() if v > 0},
        objective=math.fsum(score_of[p][0] for p in chosen),
    )


def _check_partner_options(unit_cap: int, community_min: int, community_max: int | None) -> None:
    check_option("unit_cap", unit_cap, integer=True)
    check_option("community_min", community_min, integer=True)
    if community_max is not None:
        check_option("community_max", community_max, integer=True)
        if community_max < community_min:
            raise InvalidInput(
                "community_max must be >= community_min",
                details=[{"field": "community_max", "value": repr(community_max)}],
            )


def _partner_input(
    communities: Sequence[str],
    units: Sequence[str],
    scores: Mapping[tuple[str, str], float | tuple[float, Mapping[str, Any]]],
    existing: Iterable[tuple[str, str]],
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], tuple[float, dict[str, Any]]]]:
    """The existing pairs and each scored pair's (score, parts), checked against the ids; any problem refuses all."""
    details: list[dict[str, Any]] = []
    for table, ids in (("communities", communities), ("units", units)):
        for ident, count in sorted(Counter(ids).items()):
            if count > 1:
                details.append(problem(table, ident, "id", "duplicate id"))
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
    return existing_pairs, score_of


def _solve_partners(
    cs: list[str],
    us: list[str],
    candidates: list[tuple[str, str]],
    weights: np.ndarray,
    short_rows: list[str],
    shortfall: dict[str, int],
    room_u: list[int],
    need_c: list[int],
    room_c: list[int] | None,
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """The MILP: one 0/1 column per candidate pair, one slack column per community that may fall short.

    `room_u`, `need_c`, `room_c`: what each unit may still take, each community still needs and may still take
    (None: no limit); `shortfall` bounds each slack. Returns the chosen pairs and each community's shortfall.
    """
    n_x, n_s = len(candidates), len(short_rows)
    c_row = {c: k for k, c in enumerate(cs)}
    u_row = {u: k for k, u in enumerate(us)}
    penalty = 1.0 + float(np.abs(weights).sum())
    c_obj = np.concatenate([-weights, np.full(n_s, penalty)])
    x_cols = np.arange(n_x)
    rows_c = np.array([c_row[c] for c, _ in candidates])
    rows_u = np.array([u_row[u] for _, u in candidates])
    unit_a = scipy.sparse.csr_array((np.ones(n_x), (rows_u, x_cols)), shape=(len(us), n_x + n_s))
    constraints = [LinearConstraint(unit_a, -np.inf, np.array(room_u, dtype=float))]
    comm_x = scipy.sparse.csr_array((np.ones(n_x), (rows_c, x_cols)), shape=(len(cs), n_x + n_s))
    if n_s:
        s_rows = np.array([c_row[c] for c in short_rows])
        slack = scipy.sparse.csr_array((np.ones(n_s), (s_rows, n_x + np.arange(n_s))), shape=(len(cs), n_x + n_s))
        constraints.append(LinearConstraint(comm_x + slack, np.array(need_c, dtype=float), np.inf))
    if room_c is not None:
        constraints.append(LinearConstraint(comm_x, -np.inf, np.array(room_c, dtype=float)))
    upper = np.concatenate([np.ones(n_x), [shortfall[c] for c in short_rows]])
    res = milp(c_obj, constraints=constraints, integrality=np.ones(n_x + n_s), bounds=Bounds(0, upper))
    if res.x is None:  # slack keeps every instance feasible, so this is a solver failure
        raise RuntimeError(f"HiGHS failed on the partner MILP: {res.message}")
    x = np.rint(res.x)
    return [p for p, v in zip(candidates, x[:n_x]) if v > 0], {c: int(v) for c, v in zip(short_rows, x[n_x:])}
