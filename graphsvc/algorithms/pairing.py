"""Urban–rural pairing (城乡结对互帮互助): the vocabulary, the input shapes and the explained scores.

Pure functions over plain data; no database, no I/O.

- why: `pair_score(urban, rural)` -> (score, parts): complementarity on each of the six links
  (六联六互), distance against a preferred range, ties and history, each side's load;
  `pair_scores` for every candidate pair at once.
- the solvers (optimal, stable, blocking pairs, diff) are in `graphsvc.algorithms.pairing_solvers`.

Ids are strings, unique across both sides (ledger ids are unique across the whole ledger).
A pair is `(urban_id, rural_id)`; `scores` maps candidate pairs to floats and a pair missing
from it is not allowed. A pair with score <= 0 is not worth making.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from graphsvc.algorithms.common import check_point, haversine_grid_m, haversine_m, is_count
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise

__all__ = [
    "DEFAULT_PREFERRED_KM",
    "DEFAULT_WEIGHTS",
    "KIND_LINKS",
    "LINKS",
    "SKILL_KEYWORDS",
    "UNIT_KIND_LINKS",
    "Pair",
    "PairingDiff",
    "PairingResult",
    "Side",
    "Ties",
    "haversine_km",
    "pair_score",
    "pair_scores",
]

# --------------------------------------------------------------------------- vocabulary

LINKS: tuple[str, ...] = ("organisation", "culture", "information", "talent", "service", "charity")

# Resource and need kinds (docs/domain.md) -> the links they serve. A kind on several links is split
# evenly so that one item never counts twice. A link name is also accepted as a kind, for needs
# and offers that are about a link as a whole ("culture": a troupe to send, a festival to host).
KIND_LINKS: dict[str, tuple[str, ...]] = {
    "venue": ("organisation", "culture"),  # joint Party days and cultural evenings both need a hall
    "office": ("organisation",),
    "funds": ("charity",),
    "equipment": ("information", "service"),
    "training": ("talent",),
    "medical": ("service",),
    "legal": ("service",),
    "talent": ("talent",),
    "volunteers": ("charity",),
    "transport": ("service",),
    **{link: (link,) for link in LINKS},
}

# What a unit behind a Party organisation can usually bring, as one offered item per unit.
UNIT_KIND_LINKS: dict[str, tuple[str, ...]] = {
    "agency": ("organisation", "information"),  # 机关: Party-work know-how, policy information
    "state_enterprise": ("talent", "charity"),
    "private_enterprise": ("information", "charity"),  # market channels, donations
    "school": ("talent", "culture"),
    "hospital": ("service",),
    "association": ("culture", "charity"),
    "social_org": ("charity", "service"),
    "market": ("information", "service"),  # 农超对接: sales channels for village produce
    "industrial_park": ("talent", "information"),
}

# Members' skills are free text (Chinese or English); a skill counts as one offered item on every
# link one of its keywords names (split evenly). Keywords are substrings of the lower-cased skill,
# chosen so that none is a substring of a common word on another link ("art" is in "party").
SKILL_KEYWORDS: dict[str, tuple[str, ...]] = {
    "organisation": ("党建", "党务", "组织", "宣讲", "管理", "party", "organis", "organiz", "management"),
    "culture": ("文艺", "文化", "书法", "绘画", "美术", "舞蹈", "音乐", "戏曲", "摄影",
                "culture", "cultural", "music", "danc", "calligraph", "painting", "photograph", "drama"),
    "information": ("电商", "信息", "网络", "电脑", "计算机", "直播", "新媒体", "宣传",
                    "e-commerce", "ecommerce", "computer", "software", "internet", "media", "livestream"),
    "talent": ("农技", "种植", "养殖", "技术", "教师", "教育", "培训", "会计", "工程",
               "agri", "agron", "teach", "train", "engineer", "account", "veterin"),
    "service": ("医", "护理", "法律", "律师", "调解", "维修", "电工", "驾驶", "理发",
                "medic", "doctor", "nurs", "legal", "lawyer", "mediat", "repair", "electric", "driv", "barber"),
    "charity": ("志愿", "慈善", "公益", "社工", "募捐", "volunteer", "charit", "social work", "fundrais"),
}

# rural_needs / urban_needs: weight of meeting all of the village's / the urban side's needs (help
# flows mostly to the village, but 互帮互助 is mutual). distance: weight of being inside the preferred
# range. ties: weight of familiarity and a good record (a bad record makes this part negative).
# load: weight of both sides being free of other pairings.
DEFAULT_WEIGHTS: dict[str, float] = {
    "rural_needs": 1.0,
    "urban_needs": 0.25,
    "distance": 0.3,
    "ties": 0.3,
    "load": 0.2,
}

DEFAULT_PREFERRED_KM: tuple[float, float] = (5.0, 50.0)

# docs/domain.md: satisfaction under 70% brings a warning; we take it as the neutral point of a record.
SATISFACTION_NEUTRAL = 70.0
_CONTACTS_SATURATE = 5  # beyond a handful of shared members/projects, familiarity stops growing

Pair = tuple[str, str]  # (urban_id, rural_id)
Amounts = Mapping[str, float] | Sequence[str]


# --------------------------------------------------------------------------- input and output shapes


@dataclass(frozen=True)
class Side:
    """One side of a candidate pair: an urban community/unit Party org, or a village branch.

    - `offers`, `needs`: what the side can give and what it asks for, either a mapping
      kind -> items or a list of kinds (one item each). Kinds are the keys of `KIND_LINKS`
      (resource/need kinds and the six link names). Items are counts, not physical quantities:
      count each resource or need once, or weight a need by its urgency; never pass yuan or m².
    - `skills`: members' skills, free text; each adds one offered item (see `SKILL_KEYWORDS`).
    - `unit_kinds`: kinds of the units behind the org (one item each, see `UNIT_KIND_LINKS`).
    - `lat`, `lon`: WGS84 degrees; when either side lacks them the distance part is neutral (full).
    - `load`: pairings the side already carries outside the plan being made (co-construction
      pacts, other programmes). Pairings being planned are governed by the solvers' caps.
    """

    id: str
    name: str = ""
    lat: float | None = None
    lon: float | None = None
    offers: Amounts = field(default_factory=dict)
    needs: Amounts = field(default_factory=dict)
    skills: Sequence[str] = ()
    unit_kinds: Sequence[str] = ()
    load: int = 0


@dataclass(frozen=True)
class Ties:
    """What already joins one urban org and one village (both optional evaluations are 0–100).

    - `paired_before`: they were paired in an earlier round (or are paired now).
    - `contacts`: other ties between them: joint projects, members registered on both sides …
    - `satisfaction`: mean residents' satisfaction with their joint projects.
    - `outcome`: mean evaluated outcome of their joint projects.
    """

    paired_before: bool = False
    contacts: int = 0
    satisfaction: float | None = None
    outcome: float | None = None


@dataclass(frozen=True)
class PairingResult:
    """Result of the solvers. `pairs` are sorted by (urban_id, rural_id)."""

    pairs: list[tuple[str, str, float]]  # (urban_id, rural_id, score)
    objective: float  # sum of the scores of all pairs, locked and kept ones included
    unpaired: list[str]  # rural ids (from `scores`) with no partner, sorted
    method: str  # 'assignment' | 'lp' | 'deferred_acceptance' | 'networkx'


@dataclass(frozen=True)
class PairingDiff:
    """Result of `diff`: how `after` differs from `before`."""

    added: list[tuple[str, str, float]]  # only in after, with after's score
    removed: list[tuple[str, str, float]]  # only in before, with before's score
    kept: list[tuple[str, str, float]]  # in both, with after's score
    objective_delta: float  # after - before
    villages_changed: list[str]  # rural ids whose set of partners differs


# --------------------------------------------------------------------------- helpers


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points.

    >>> round(haversine_km(39.0515, 121.7121, 39.0903, 121.7688), 2)
    6.52
    """
    return haversine_m(lat1, lon1, lat2, lon2) / 1000.0


# --------------------------------------------------------------------------- why: pair_score


def _link_items(side: Side, what: Literal["offers", "needs"], details: list[dict[str, Any]]) -> dict[str, float]:
    raw = getattr(side, what)
    amounts: Iterable[tuple[Any, Any]] = raw.items() if isinstance(raw, Mapping) else ((k, 1.0) for k in raw)
    items = dict.fromkeys(LINKS, 0.0)
    for kind, amount in amounts:
        if kind not in KIND_LINKS:
            details.append({"id": side.id, "field": what, "value": repr(kind), "problem": "unknown kind"})
        elif not (_is_number(amount) and amount >= 0):
            details.append({"id": side.id, "field": what, "value": repr(amount), "problem": "not a number >= 0"})
        else:
            for link in KIND_LINKS[kind]:
                items[link] += amount / len(KIND_LINKS[kind])
    if what == "offers":
        for unit_kind in side.unit_kinds:
            if unit_kind not in UNIT_KIND_LINKS:
                details.append({"id": side.id, "field": "unit_kinds", "value": repr(unit_kind), "problem": "unknown"})
                continue
            for link in UNIT_KIND_LINKS[unit_kind]:
                items[link] += 1.0 / len(UNIT_KIND_LINKS[unit_kind])
        for skill in side.skills:
            text = str(skill).lower()
            hits = [link for link in LINKS if any(word in text for word in SKILL_KEYWORDS[link])]
            for link in hits:  # a skill that names no link is simply not counted: skills are free text
                items[link] += 1.0 / len(hits)
    return items


def _coverage(giver: dict[str, float], taker: dict[str, float]) -> dict[str, float]:
    # Share of the taker's needs (all links together) that the giver can meet, per link; items
    # beyond a need are worth nothing, so a rich side does not outscore a fitting one.
    total = math.fsum(taker.values())
    if total == 0:
        return dict.fromkeys(LINKS, 0.0)
    return {link: min(giver[link], taker[link]) / total for link in LINKS}


def _distance_fit(km: float, lo: float, hi: float) -> float:
    # 1 inside [lo, hi]; linear to 0 at 0 km (too near: the village is hardly rural help) and
    # at 2 * hi (too far: every visit costs a day).
    if km < lo:
        return km / lo
    if km > hi:
        return max(0.0, 1.0 - (km - hi) / hi) if hi > 0 else 0.0
    return 1.0


def _ties_value(ties: Ties) -> float:
    familiarity = 0.5 * float(ties.paired_before) + 0.5 * min(ties.contacts, _CONTACTS_SATURATE) / _CONTACTS_SATURATE
    marks = [m for m in (ties.satisfaction, ties.outcome) if m is not None]
    record = 0.0
    if marks:
        record = (math.fsum(marks) / len(marks) - SATISFACTION_NEUTRAL) / (100.0 - SATISFACTION_NEUTRAL)
    return max(-1.0, min(1.0, familiarity + record))


def _check_side(side: Any, where: str, details: list[dict[str, Any]]) -> None:
    if not isinstance(side, Side):
        details.append({"field": where, "problem": "not a Side"})
        return
    if (side.lat is None) != (side.lon is None):
        details.append({"id": side.id, "field": "lat/lon", "problem": "give both or neither"})
    if side.lat is not None and side.lon is not None:
        check_point(where, side.id, side.lat, side.lon, details)
    if not is_count(side.load):
        details.append({"id": side.id, "field": "load", "problem": "not an integer >= 0"})
    for what in ("skills", "unit_kinds"):
        if isinstance(getattr(side, what), str):  # a bare string would be read letter by letter
            details.append({"id": side.id, "field": what, "problem": "a list of strings, not a string"})


def _check_ties(ties: Any, details: list[dict[str, Any]]) -> None:
    if not isinstance(ties, Ties):
        details.append({"field": "ties", "problem": "not a Ties"})
        return
    if not is_count(ties.contacts):
        details.append({"field": "ties.contacts", "problem": "not an integer >= 0"})
    for name in ("satisfaction", "outcome"):
        mark = getattr(ties, name)
        if mark is not None and not (_is_number(mark) and 0 <= mark <= 100):
            details.append({"field": f"ties.{name}", "value": repr(mark), "problem": "not a number in [0, 100]"})


def _range_and_weights(
    preferred_km: Any, weights: Mapping[str, float] | None, details: list[dict[str, Any]]
) -> tuple[tuple[float, float], dict[str, float]]:
    lo_hi = tuple(preferred_km) if isinstance(preferred_km, Sequence) else ()
    if not (len(lo_hi) == 2 and all(_is_number(x) for x in lo_hi) and 0 <= lo_hi[0] <= lo_hi[1]):
        details.append({"field": "preferred_km", "value": repr(preferred_km), "problem": "needs 0 <= lo <= hi"})
        lo_hi = DEFAULT_PREFERRED_KM
    w = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            details.append({"field": "weights", "value": repr(key), "problem": f"not one of {sorted(DEFAULT_WEIGHTS)}"})
        elif not (_is_number(value) and value >= 0):
            details.append({"field": f"weights.{key}", "value": repr(value), "problem": "not a number >= 0"})
        else:
            w[key] = float(value)
    return (float(lo_hi[0]), float(lo_hi[1])), w


def pair_score(
    urban: Side,
    rural: Side,
    *,
    ties: Ties | None = None,
    preferred_km: tuple[float, float] = DEFAULT_PREFERRED_KM,
    weights: Mapping[str, float] | None = None,
) -> tuple[float, dict[str, float]]:
    """Score one candidate pair and explain it: `(score, parts)` with `score == sum(parts)`.

    `parts` has one entry per link in `LINKS` — `weights['rural_needs']` times the share of the
    village's needs the urban side can meet on that link, plus `weights['urban_needs']` times
    the share of the urban side's needs the village can meet there — and then:
    - `distance`: `weights['distance']` times the fit of the great-circle distance to
      `preferred_km = (lo, hi)`: 1 inside, falling linearly to 0 at 0 km and at 2·hi;
    - `ties`: `weights['ties']` times familiarity (paired before: +0.5, contacts up to +0.5)
      plus the record ((mean of satisfaction/outcome − 70) / 30), clipped to [−1, 1];
    - `load`: `weights['load']` times the mean over both sides of 1 / (1 + load).
    Every part is in [0, its weight] except `ties`, which a bad record makes negative.
    `weights` overrides some or all of `DEFAULT_WEIGHTS`.

    Example: a village needing an office and medical help, 20 km from an urban branch that
    offers a venue and has a doctor among its members; nothing else is known.

    >>> u = Side("po-kl", lat=39.05, lon=121.71, offers=["venue"], skills=["全科医生"])
    >>> r = Side("po-by", lat=39.23, lon=121.71, needs={"office": 1, "medical": 1})
    >>> score, parts = pair_score(u, r)
    >>> parts["organisation"], parts["service"], parts["culture"]  # half a venue: half an office
    (0.25, 0.5, 0.0)
    >>> parts["distance"], parts["ties"], parts["load"], round(score, 2)
    (0.3, 0.0, 0.2, 1.25)
    """
    details: list[dict[str, Any]] = []
    _check_side(urban, "urban", details)
    _check_side(rural, "rural", details)
    _raise("invalid sides", details)
    if ties is not None:
        _check_ties(ties, details)
    lo_hi, w = _range_and_weights(preferred_km, weights, details)
    u_off, u_need = _link_items(urban, "offers", details), _link_items(urban, "needs", details)
    r_off, r_need = _link_items(rural, "offers", details), _link_items(rural, "needs", details)
    _raise("invalid pair_score input", details)

    to_rural, to_urban = _coverage(u_off, r_need), _coverage(r_off, u_need)
    parts = {link: w["rural_needs"] * to_rural[link] + w["urban_needs"] * to_urban[link] for link in LINKS}
    fit = 1.0
    if urban.lat is not None and rural.lat is not None:
        km = haversine_km(urban.lat, urban.lon, rural.lat, rural.lon)  # type: ignore[arg-type]
        fit = _distance_fit(km, *lo_hi)
    parts["distance"] = w["distance"] * fit
    parts["ties"] = w["ties"] * _ties_value(ties) if ties is not None else 0.0
    parts["load"] = w["load"] * 0.5 * (1.0 / (1 + urban.load) + 1.0 / (1 + rural.load))
    return math.fsum(parts.values()), parts


def pair_scores(
    urban: Sequence[Side],
    rural: Sequence[Side],
    *,
    ties: Mapping[Pair, Ties] | None = None,
    preferred_km: tuple[float, float] = DEFAULT_PREFERRED_KM,
    weights: Mapping[str, float] | None = None,
    block: int = 128,
) -> dict[Pair, float]:
    """`pair_score`'s score for every urban × rural pair at once, as `scores` for the solvers.

    The same numbers as calling `pair_score(u, r, ties=ties.get((u.id, r.id)), ...)` for each
    pair (up to float rounding), but vectorised: each side's link items are counted once, not
    once per pair, so 1,000 × 1,000 candidates take a second instead of minutes. `ties` holds
    the pairs that have any; `block` urban sides are scored at a time to bound memory.

    >>> u = [Side("u1", offers=["funds"]), Side("u2", offers=["training"])]
    >>> r = [Side("r1", needs=["funds"])]
    >>> {k: round(v, 2) for k, v in pair_scores(u, r).items()}  # 1 + distance 0.3 + load 0.2
    {('u1', 'r1'): 1.5, ('u2', 'r1'): 0.5}
    """
    ties = ties or {}
    lo_hi, w, items = _pair_scores_input(urban, rural, ties, preferred_km, weights)
    u_ids, r_ids = [s.id for s in urban], [s.id for s in rural]
    (ulat, ulon), (rlat, rlon) = _coords(urban), _coords(rural)
    lo, hi = lo_hi
    u_load = 1.0 / (1 + np.array([s.load for s in urban], dtype=np.float64))
    r_load = 1.0 / (1 + np.array([s.load for s in rural], dtype=np.float64))
    # Filled a block of rows at a time: no whole matrix, no whole list of floats next to the dict.
    out: dict[Pair, float] = {}
    for a in range(0, len(urban), block):
        b = slice(a, a + block)
        km = haversine_grid_m(ulat[b], ulon[b], rlat, rlon) / 1000.0
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            fit = np.where(km < lo, km / lo if lo > 0 else 1.0, 1.0)
            fit = np.where(km > hi, np.maximum(0.0, 1.0 - (km - hi) / hi) if hi > 0 else 0.0, fit)
        fit[np.isnan(km)] = 1.0  # a side without coordinates: distance neutral, as in pair_score
        S = (
            w["rural_needs"] * _share(items["urban", "offers"][b], items["rural", "needs"])
            + w["urban_needs"] * _share(items["rural", "offers"], items["urban", "needs"][b]).T
            + w["distance"] * fit
            + w["load"] * 0.5 * (u_load[b, None] + r_load[None, :])
        )
        out.update(zip(itertools.product(u_ids[b], r_ids), S.ravel().tolist()))
    for pair, t in ties.items():
        out[pair] += w["ties"] * _ties_value(t)
    return out


def _pair_scores_input(
    urban: Sequence[Side],
    rural: Sequence[Side],
    ties: Mapping[Pair, Ties],
    preferred_km: tuple[float, float],
    weights: Mapping[str, float] | None,
) -> tuple[tuple[float, float], dict[str, float], dict[tuple[str, str], np.ndarray]]:
    """Check every input of `pair_scores` (any problem refuses all); the preferred range, the weights, and per
    side and direction a (sides x links) matrix of item counts."""
    details: list[dict[str, Any]] = []
    for where, sides in (("urban", urban), ("rural", rural)):
        for side in sides:
            _check_side(side, where, details)
    _raise("invalid sides", details)
    for t in ties.values():
        _check_ties(t, details)
    lo_hi, w = _range_and_weights(preferred_km, weights, details)
    items = {
        (where, what): np.array([list(_link_items(s, what, details).values()) for s in sides]).reshape(-1, len(LINKS))
        for where, sides in (("urban", urban), ("rural", rural))
        for what in ("offers", "needs")
    }
    u_ids, r_ids = {s.id for s in urban}, {s.id for s in rural}
    if len(u_ids) < len(urban) or len(r_ids) < len(rural) or u_ids & r_ids:
        details.append({"field": "sides", "problem": "ids must be unique across both sides"})
    for pair in ties:
        if not (isinstance(pair, tuple) and len(pair) == 2 and pair[0] in u_ids and pair[1] in r_ids):
            details.append({"field": "ties", "value": repr(pair), "problem": "not a pair of the sides' ids"})
    _raise("invalid pair_scores input", details)
    return lo_hi, w, items


def _share(giver: np.ndarray, taker: np.ndarray) -> np.ndarray:
    """_coverage for a block of givers (rows) against every taker (columns), summed over links."""
    total = taker.sum(axis=1)
    met = np.minimum(giver[:, None, :], taker[None, :, :]).sum(axis=2)
    return np.divide(met, total[None, :], out=np.zeros_like(met), where=total[None, :] > 0)


def _coords(sides: Sequence[Side]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([np.nan if s.lat is None else s.lat for s in sides], dtype=np.float64),
            np.array([np.nan if s.lon is None else s.lon for s in sides], dtype=np.float64))
