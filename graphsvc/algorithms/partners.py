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
from graphsvc.algorithms.common import haversine_m_array as _haversine_m_array
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

__all__ = ["PartnerChoice", "PartnerPlan", "PartnerScores", "partner_score", "partner_scores", "suggest_partners"]


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

    needed, brought = _needed(community), _brought(unit)
    shared_kinds = set(community.need_kinds) & set(unit.resource_kinds)
    distance_m = _haversine_m(community.lat, community.lon, unit.lat, unit.lon)
    components = {
        "themes": len(needed & brought) / len(needed) if needed else 0.0,
        "kinds": len(shared_kinds) / len(community.need_kinds) if community.need_kinds else 0.0,
        "distance": closeness(distance_m, max_km),
        "ties": 1.0 if _ties(community, unit) else 0.0,
        "rating": rating01(unit.rating),
    }
    contributions = {name: w[name] * value for name, value in components.items()}
    return math.fsum(contributions.values()), _parts(community, unit, distance_m, contributions)


def _needed(community: CommunityProfile) -> set[str]:
    """The joint works (themes) the community's need kinds call for."""
    return set().union(*(KIND_THEMES[k] for k in community.need_kinds))


def _brought(unit: UnitProfile) -> set[str]:
    """The joint works the unit brings: by its kind and by the kinds of resource it offers."""
    return set(UNIT_KIND_THEMES[unit.kind]).union(*(KIND_THEMES[k] for k in unit.resource_kinds))


def _parts(
    community: CommunityProfile, unit: UnitProfile, distance_m: float, contributions: dict[str, float]
) -> dict[str, Any]:
    """`partner_score`'s parts of a pair, given its distance and its weighted components."""
    needed, brought = _needed(community), _brought(unit)
    return {
        "themes": [t for t in THEMES if t in needed and t in brought],
        "missing_themes": [t for t in THEMES if t in needed and t not in brought],
        "kinds": sorted(set(community.need_kinds) & set(unit.resource_kinds)),
        "distance_m": distance_m,
        "ties": _ties(community, unit),
        "rating": unit.rating,
        "contributions": contributions,
    }


def _check_profiles(community: CommunityProfile, unit: UnitProfile) -> None:
    details: list[dict[str, Any]] = []
    _check_community(community, details)
    _check_unit(unit, details)
    _raise("invalid community or unit", details)


def _check_community(community: CommunityProfile, details: list[dict[str, Any]]) -> None:
    details += _check_kinds("communities", community.id, "need_kinds", community.need_kinds, KIND_THEMES)
    check_point("communities", community.id, community.lat, community.lon, details)


def _check_unit(unit: UnitProfile, details: list[dict[str, Any]]) -> None:
    details += _check_kinds("units", unit.id, "resource_kinds", unit.resource_kinds, KIND_THEMES)
    details += _check_kinds("units", unit.id, "kind", [unit.kind], UNIT_KIND_THEMES)
    check_point("units", unit.id, unit.lat, unit.lon, details)
    if unit.rating is not None and not (_is_number(unit.rating) and 0 <= unit.rating <= 100):
        details.append(problem("units", unit.id, "rating", "not a number in 0..100"))


def _ties(community: CommunityProfile, unit: UnitProfile) -> list[str]:
    """What already ties the unit to the community."""
    ties = []
    if unit.community_id == community.community_id:
        ties.append("located_in")  # 驻区单位: the natural partner of 共驻共建
    if community.community_id in unit.shared_with:
        ties.append("shares_resource")
    return ties


# --------------------------------------------------------------------------- many pairs at once

_COMPONENTS = ("themes", "kinds", "distance", "ties", "rating")  # partner_score's order
_THEME_BIT = {t: 1 << i for i, t in enumerate(THEMES)}
_KIND_BIT = {k: 1 << i for i, k in enumerate(KIND_THEMES)}
_KIND_THEME_MASK = {k: sum(_THEME_BIT[t] for t in themes) for k, themes in KIND_THEMES.items()}
_UNIT_KIND_THEME_MASK = {k: sum(_THEME_BIT[t] for t in themes) for k, themes in UNIT_KIND_THEMES.items()}
_POPCOUNT = np.array([bin(m).count("1") for m in range(1 << max(len(THEMES), len(KIND_THEMES)))])


@dataclass(frozen=True, slots=True)
class PartnerScores:
    """`partner_score` of many (community, unit) pairs: pair k is (communities[pairs[k, 0]], units[pairs[k, 1]]).

    `scores[k]` is its score and `contributions[k]` its weighted components in `partner_score`'s order
    (themes, kinds, distance, ties, rating); `parts(k)` builds its parts on demand. Equal to
    `partner_score` up to the last bit of the distance (numpy's trigonometry may round differently
    from `math`'s) and of the sum.
    """

    communities: Sequence[CommunityProfile]
    units: Sequence[UnitProfile]
    pairs: np.ndarray
    scores: np.ndarray
    contributions: np.ndarray
    distance_m: np.ndarray

    def parts(self, k: int) -> dict[str, Any]:
        """`partner_score`'s parts of pair k."""
        c, u = self.pairs[k].tolist()
        contributions = dict(zip(_COMPONENTS, self.contributions[k].tolist(), strict=True))
        return _parts(self.communities[c], self.units[u], float(self.distance_m[k]), contributions)


def partner_scores(
    communities: Sequence[CommunityProfile],
    units: Sequence[UnitProfile],
    pairs: Any,
    *,
    max_km: float = 5.0,
    weights: Mapping[str, float] | None = None,
) -> PartnerScores:
    """`partner_score` for every pair of indices in `pairs` ((community index, unit index), an array of
    shape (n, 2) or a sequence of 2-tuples), vectorised: each profile in a pair is checked once, the
    parts are built only when asked for (`PartnerScores.parts`). The city-scale scorer.

    >>> c = CommunityProfile(id="po-by", community_id="c-by", lat=39.0, lon=121.0,
    ...                      need_kinds={"office", "funds"})
    >>> u = UnitProfile(id="po-tax", kind="agency", community_id="c-by", lat=39.0, lon=121.0,
    ...                 resource_kinds={"office"}, rating=90)
    >>> batch = partner_scores([c], [u], [(0, 0)])
    >>> round(float(batch.scores[0]), 3), batch.parts(0)["missing_themes"]
    (0.715, ['welfare'])
    """
    check_option("max_km", max_km, strict=True)
    w = merge_weights(DEFAULT_PARTNER_WEIGHTS, weights)
    idx = np.asarray(pairs, dtype=np.intp).reshape(-1, 2)
    ci, ui = idx[:, 0], idx[:, 1]
    if len(idx) and (min(ci.min(), ui.min()) < 0 or ci.max() >= len(communities) or ui.max() >= len(units)):
        raise InvalidInput("pair index out of range", details=[{"field": "pairs", "problem": "index out of range"}])
    details: list[dict[str, Any]] = []
    used_c, used_u = _used(ci, len(communities)), _used(ui, len(units))
    for i in used_c:
        _check_community(communities[i], details)
    for j in used_u:
        _check_unit(units[j], details)
    _raise("invalid community or unit", details)
    components, distance_m = _components(communities, units, used_c, used_u, ci, ui, max_km)
    contributions = components * np.array([w[name] for name in _COMPONENTS])
    return PartnerScores(communities, units, idx, _sum_rows(contributions), contributions, distance_m)


def _components(
    communities: Sequence[CommunityProfile],
    units: Sequence[UnitProfile],
    used_c: list[int],
    used_u: list[int],
    ci: np.ndarray,
    ui: np.ndarray,
    max_km: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The five components of every pair (columns in `_COMPONENTS` order) and its distance in metres."""
    cc = np.zeros((len(communities), 5))  # lat, lon, needed-theme mask, need-kind mask, number of need kinds
    uc = np.zeros((len(units), 5))  # lat, lon, brought-theme mask, offered-kind mask, rating component
    code: dict[Any, int] = {}  # community ids as small integers, for the ties
    c_code = np.zeros(len(communities), dtype=np.int64)
    for i in used_c:
        c = communities[i]
        kinds = set(c.need_kinds)
        cc[i] = (c.lat, c.lon, _or(_KIND_THEME_MASK[k] for k in kinds), _or(_KIND_BIT[k] for k in kinds), len(c.need_kinds))
        c_code[i] = code.setdefault(c.community_id, len(code))
    u_code = np.full(len(units), -1, dtype=np.int64)
    shared_keys = []
    for j in used_u:
        u = units[j]
        themes = _UNIT_KIND_THEME_MASK[u.kind] | _or(_KIND_THEME_MASK[k] for k in u.resource_kinds)
        uc[j] = (u.lat, u.lon, themes, _or(_KIND_BIT[k] for k in u.resource_kinds), rating01(u.rating))
        u_code[j] = code.get(u.community_id, -1)
        shared_keys += [j * len(code) + code[s] for s in u.shared_with if s in code]
    c, u = cc[ci], uc[ui]
    distance_m = _haversine_m_array(c[:, 0], c[:, 1], u[:, 0], u[:, 1])
    needed, need_kinds = c[:, 2].astype(np.int64), c[:, 3].astype(np.int64)
    brought, offered = u[:, 2].astype(np.int64), u[:, 3].astype(np.int64)
    n_needed = _POPCOUNT[needed].astype(float)
    located = c_code[ci] == u_code[ui]
    keys = np.unique(np.array(shared_keys, dtype=np.int64))
    pair_keys = ui.astype(np.int64) * len(code) + c_code[ci]
    found = np.searchsorted(keys, pair_keys)
    shares = keys[np.minimum(found, len(keys) - 1)] == pair_keys if len(keys) else np.zeros(len(ci), dtype=bool)
    out = np.zeros((len(ci), 5))
    np.divide(_POPCOUNT[needed & brought], n_needed, out=out[:, 0], where=n_needed > 0)
    np.divide(_POPCOUNT[need_kinds & offered], c[:, 4], out=out[:, 1], where=c[:, 4] > 0)
    out[:, 2] = np.maximum(0.0, 1.0 - distance_m / (max_km * 1000.0))  # `closeness`
    out[:, 3] = located | shares
    out[:, 4] = u[:, 4]
    return out, distance_m


def _used(index: np.ndarray, n: int) -> list[int]:
    """The distinct values of `index` (all in range(n)), ascending."""
    seen = np.zeros(n, dtype=bool)
    seen[index] = True
    return np.flatnonzero(seen).tolist()


def _or(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def _sum_rows(values: np.ndarray) -> np.ndarray:
    """Each row's sum, compensated (Neumaier) so that it matches `math.fsum` but in the rarest cases."""
    total = values[:, 0].copy()
    error = np.zeros(len(values))
    for j in range(1, values.shape[1]):
        x = values[:, j]
        t = total + x
        error += np.where(np.abs(total) >= np.abs(x), (total - t) + x, (x - t) + total)
        total = t
    return total + error


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
                          parts=known[1] if known and known[1] is not None else {})
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
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], tuple[float, dict[str, Any] | None]]]:
    """The existing pairs and each scored pair's (score, parts or None), checked against the ids; any problem
    refuses all."""
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
    score_of: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}
    for pair, value in scores.items():
        # A bare number, or partner_score's (score, parts). At city scale this loop sees ~400,000 pairs.
        score, parts = (value[0], value[1]) if isinstance(value, tuple) else (value, None)
        if len(pair) != 2 or pair[0] not in c_set or pair[1] not in u_set or not _is_number(score):
            details.append({"field": "scores", "id": repr(pair), "problem": "expected (community_id, unit_id): score"})
        else:
            key = pair if type(pair) is tuple else (pair[0], pair[1])
            score_of[key] = (float(score), None if parts is None else dict(parts))
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
