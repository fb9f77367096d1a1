"""Scoring community branches ↔ unit Party organisations (共驻共建): `partner_score` for one pair (the
reference: complementarity across the five joint works) and `partner_scores` for many at once (vectorised,
for a whole city). Pure functions over the inputs of `graphsvc.algorithms.matching`; no database, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

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

__all__ = ["PartnerScores", "partner_score", "partner_scores"]

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


@dataclass(frozen=True, slots=True, eq=False)
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
        theme_mask = _or(_KIND_THEME_MASK[k] for k in kinds)
        cc[i] = (c.lat, c.lon, theme_mask, _or(_KIND_BIT[k] for k in kinds), len(c.need_kinds))
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
    with np.errstate(over="ignore"):  # a tiny max_km: the ratio overflows to inf, closeness is 0 as per pair
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
