"""Urban–rural pairing suggestions (城乡结对互帮互助): optimal, stable, explained, what-if.

Pure functions over plain data; no database, no I/O.

- why: `pair_score(urban, rural)` -> (score, parts): complementarity on each of the six links
  (六联六互), distance against a preferred range, ties and history, each side's load.
- optimal: `optimal_pairing(scores, ...)` -> the largest total score under capacities on both
  sides, must-pair villages, locked / forbidden / existing / released pairs.
- stable: `stable_pairing(scores, ...)` -> a pairing no urban org and village would both leave
  for each other (deferred acceptance); `blocking_pairs(...)` checks any pairing for that.
- what-if: re-run either solver with changed caps, locks, forbids or with an org's pairs left
  out of `scores`, then `diff(before, after)` says what changed. `compare` is the same function
  under the name the pairing page uses for "optimal vs stable".

Ids are strings, unique across both sides (ledger ids are unique across the whole ledger).
A pair is `(urban_id, rural_id)`; `scores` maps candidate pairs to floats and a pair missing
from it is not allowed. A pair with score <= 0 is not worth making: the optimal solver makes it
only when a must-pair village needs it, and the stable solver never (it is unacceptable).
Results are deterministic: ids are sorted before solving, so equal inputs give equal outputs.
"""

from __future__ import annotations

import heapq
import itertools
import math
import numbers
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Literal, TypedDict

import networkx as nx
import numpy as np
import scipy.sparse
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from graphsvc.algorithms.common import MAX_DETAILS as _MAX_DETAILS
from graphsvc.algorithms.common import haversine_grid_m, haversine_m
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.errors import Infeasible, InvalidInput

__all__ = [
    "DEFAULT_WEIGHTS",
    "KIND_LINKS",
    "LINKS",
    "SKILL_KEYWORDS",
    "UNIT_KIND_LINKS",
    "Pair",
    "Pairing",
    "PairingDiff",
    "Side",
    "Ties",
    "blocking_pairs",
    "compare",
    "diff",
    "haversine_km",
    "optimal_pairing",
    "optimal_pairing_networkx_reference",
    "pair_score",
    "pair_scores",
    "stable_pairing",
]

# --------------------------------------------------------------------------- vocabulary

LINKS: tuple[str, ...] = ("organisation", "culture", "information", "talent", "service", "charity")

# Resource and need kinds (DOMAIN.md) -> the links they serve. A kind on several links is split
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

# DOMAIN.md: satisfaction under 70% brings a warning; we take it as the neutral point of a record.
SATISFACTION_NEUTRAL = 70.0
_CONTACTS_SATURATE = 5  # beyond a handful of shared members/projects, familiarity stops growing
# Above this many cells the caps-1 fast path would allocate a dense score matrix (8 bytes a cell);
# bigger, sparse instances go to the LP, which only ever sees candidate pairs.
_DENSE_LIMIT = 25_000_000
_TOL = 1e-9

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


class Pairing(TypedDict):
    """Result of the solvers. `pairs` are sorted by (urban_id, rural_id)."""

    pairs: list[tuple[str, str, float]]  # (urban_id, rural_id, score)
    objective: float  # sum of the scores of all pairs, locked and kept ones included
    unpaired: list[str]  # rural ids (from `scores`) with no partner, sorted
    method: str  # 'assignment' | 'lp' | 'deferred_acceptance' | 'networkx'


class PairingDiff(TypedDict):
    """Result of `diff`: how `after` differs from `before`."""

    added: list[tuple[str, str, float]]  # only in after, with after's score
    removed: list[tuple[str, str, float]]  # only in before, with before's score
    kept: list[tuple[str, str, float]]  # in both, with after's score
    objective_delta: float  # after - before
    villages_changed: list[str]  # rural ids whose set of partners differs


# --------------------------------------------------------------------------- helpers


def _is_count(value: Any) -> bool:
    # bool is an int subclass, but True as a capacity is always a projection bug.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0


def _names(ids: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


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
    if side.lat is not None and not (_is_number(side.lat) and -90 <= side.lat <= 90):
        details.append({"id": side.id, "field": "lat", "problem": "not a latitude in [-90, 90]"})
    if side.lon is not None and not (_is_number(side.lon) and -180 <= side.lon <= 180):
        details.append({"id": side.id, "field": "lon", "problem": "not a longitude in [-180, 180]"})
    if not _is_count(side.load):
        details.append({"id": side.id, "field": "load", "problem": "not an integer >= 0"})
    for what in ("skills", "unit_kinds"):
        if isinstance(getattr(side, what), str):  # a bare string would be read letter by letter
            details.append({"id": side.id, "field": what, "problem": "a list of strings, not a string"})


def _check_ties(ties: Any, details: list[dict[str, Any]]) -> None:
    if not isinstance(ties, Ties):
        details.append({"field": "ties", "problem": "not a Ties"})
        return
    if not _is_count(ties.contacts):
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
    details: list[dict[str, Any]] = []
    for where, sides in (("urban", urban), ("rural", rural)):
        for side in sides:
            _check_side(side, where, details)
    _raise("invalid sides", details)
    ties = ties or {}
    for t in ties.values():
        _check_ties(t, details)
    lo_hi, w = _range_and_weights(preferred_km, weights, details)
    items = {  # per side and direction: a (sides x links) matrix of item counts
        (where, what): np.array([list(_link_items(s, what, details).values()) for s in sides]).reshape(-1, len(LINKS))
        for where, sides in (("urban", urban), ("rural", rural))
        for what in ("offers", "needs")
    }
    u_ids, r_ids = [s.id for s in urban], [s.id for s in rural]
    ui, ri = {u: i for i, u in enumerate(u_ids)}, {r: j for j, r in enumerate(r_ids)}
    if len(ui) < len(u_ids) or len(ri) < len(r_ids) or ui.keys() & ri.keys():
        details.append({"field": "sides", "problem": "ids must be unique across both sides"})
    for pair in ties:
        if not (isinstance(pair, tuple) and len(pair) == 2 and pair[0] in ui and pair[1] in ri):
            details.append({"field": "ties", "value": repr(pair), "problem": "not a pair of the sides' ids"})
    _raise("invalid pair_scores input", details)

    def share(giver: np.ndarray, taker: np.ndarray) -> np.ndarray:
        # _coverage for a block of givers (rows) against every taker (columns), summed over links.
        total = taker.sum(axis=1)
        met = np.minimum(giver[:, None, :], taker[None, :, :]).sum(axis=2)
        return np.divide(met, total[None, :], out=np.zeros_like(met), where=total[None, :] > 0)

    def coords(sides: Sequence[Side]) -> tuple[np.ndarray, np.ndarray]:
        return (np.array([np.nan if s.lat is None else s.lat for s in sides], dtype=np.float64),
                np.array([np.nan if s.lon is None else s.lon for s in sides], dtype=np.float64))

    (ulat, ulon), (rlat, rlon) = coords(urban), coords(rural)
    lo, hi = lo_hi
    u_load = 1.0 / (1 + np.array([s.load for s in urban], dtype=np.float64))
    r_load = 1.0 / (1 + np.array([s.load for s in rural], dtype=np.float64))
    S = np.empty((len(urban), len(rural)))
    for a in range(0, len(urban), block):
        b = slice(a, a + block)
        km = haversine_grid_m(ulat[b], ulon[b], rlat, rlon) / 1000.0
        with np.errstate(invalid="ignore", divide="ignore"):
            fit = np.where(km < lo, km / lo if lo > 0 else 1.0, 1.0)
            fit = np.where(km > hi, np.maximum(0.0, 1.0 - (km - hi) / hi) if hi > 0 else 0.0, fit)
        fit[np.isnan(km)] = 1.0  # a side without coordinates: distance neutral, as in pair_score
        S[b] = (
            w["rural_needs"] * share(items["urban", "offers"][b], items["rural", "needs"])
            + w["urban_needs"] * share(items["rural", "offers"], items["urban", "needs"][b]).T
            + w["distance"] * fit
            + w["load"] * 0.5 * (u_load[b, None] + r_load[None, :])
        )
    for (u, r), t in ties.items():
        S[ui[u], ri[r]] += w["ties"] * _ties_value(t)
    return dict(zip(itertools.product(u_ids, r_ids), S.ravel().tolist()))


# --------------------------------------------------------------------------- the shared problem


@dataclass
class _Problem:
    urban: list[str]  # sorted; index = position
    rural: list[str]
    ei: np.ndarray  # candidate pairs still open (not forbidden, not fixed): urban index
    ej: np.ndarray  # rural index
    w: np.ndarray  # score
    fixed: list[tuple[int, int, float]]  # locked and kept existing pairs, made whatever happens
    ucap: np.ndarray  # capacity left after the fixed pairs
    rcap: np.ndarray
    ucap_full: np.ndarray  # capacity as given
    rcap_full: np.ndarray
    scores: Mapping[Pair, float]


def _pairs_arg(name: str, pairs: Iterable[Any], details: list[dict[str, Any]]) -> set[Pair]:
    out: set[Pair] = set()
    for p in pairs:
        if isinstance(p, tuple | list) and len(p) == 2 and all(isinstance(x, str) for x in p):
            out.add((p[0], p[1]))
        else:
            details.append({"field": name, "value": repr(p), "problem": "not a (urban_id, rural_id) pair"})
    return out


def _caps(
    ids: list[str], cap: Any, overrides: Mapping[str, Any], name: str, details: list[dict[str, Any]]
) -> np.ndarray:
    if not _is_count(cap):
        details.append({"field": name, "value": repr(cap), "problem": "not an integer >= 0"})
        return np.zeros(len(ids), dtype=np.int64)
    caps = np.full(len(ids), int(cap), dtype=np.int64)
    for i, ident in enumerate(ids):
        if ident in overrides:
            value = overrides[ident]
            if _is_count(value):
                caps[i] = int(value)
            else:
                details.append(
                    {"id": ident, "field": "cap_overrides", "value": repr(value), "problem": "not an integer >= 0"}
                )
    return caps


def _problem(
    scores: Mapping[Pair, float],
    *,
    urban_cap: int,
    rural_cap: int,
    cap_overrides: Mapping[str, int] | None,
    locked: Iterable[Pair],
    forbidden: Iterable[Pair],
    existing: Iterable[Pair],
    released: Iterable[Pair],
) -> _Problem:
    """Check the preconditions shared by every solver and index the instance."""
    if not isinstance(scores, Mapping):
        raise InvalidInput("scores must be a mapping (urban_id, rural_id) -> float")
    # Whole-collection checks in C: a million candidate pairs must not cost a Python loop each.
    if scores and (set(map(type, scores)) != {tuple} or set(map(len, scores)) != {2}):
        bad = [repr(k) for k in scores if not (isinstance(k, tuple) and len(k) == 2)]
        _raise("scores keys must be (urban_id, rural_id) tuples", [{"field": "scores", "value": k} for k in bad])
    ua, ra = list(map(itemgetter(0), scores)), list(map(itemgetter(1), scores))
    urban, rural = sorted(set(ua)), sorted(set(ra))
    details: list[dict[str, Any]] = []
    for ident in [*urban, *rural]:
        if not isinstance(ident, str):
            details.append({"field": "scores", "value": repr(ident), "problem": "ids must be strings"})
    _raise("invalid scores", details)
    for ident in sorted(set(urban) & set(rural)):
        details.append({"id": ident, "field": "scores", "problem": "id is on both the urban and the rural side"})
    try:
        w = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    except (TypeError, ValueError):
        w = np.array([float(v) if _is_number(v) else np.nan for v in scores.values()])
    if not np.isfinite(w).all():
        for k, v in scores.items():
            if not _is_number(v):
                details.append({"pair": list(k), "field": "scores", "value": repr(v), "problem": "not a finite number"})
    overrides = cap_overrides or {}
    if not isinstance(overrides, Mapping):
        details.append({"field": "cap_overrides", "problem": "not a mapping id -> int"})
        overrides = {}
    ucap = _caps(urban, urban_cap, overrides, "urban_cap", details)
    rcap = _caps(rural, rural_cap, overrides, "rural_cap", details)
    lock = _pairs_arg("locked", locked, details)
    ban = _pairs_arg("forbidden", forbidden, details)
    have = _pairs_arg("existing", existing, details)
    free = _pairs_arg("released", released, details)
    for name, group in (("locked", lock), ("existing", have)):
        for p in sorted(group - scores.keys()):
            details.append({"pair": list(p), "field": name, "problem": "not a candidate: score it like any other pair"})
    for p in sorted(free - have):
        details.append({"pair": list(p), "field": "released", "problem": "not an existing pair"})
    _raise("invalid pairing input", details)

    clash = sorted(lock & ban)
    if clash:
        raise Infeasible(
            f"pairs both locked and forbidden: {_names([f'{u}–{r}' for u, r in clash])}",
            details=[{"pair": list(p), "problem": "locked and forbidden"} for p in clash[:_MAX_DETAILS]],
        )
    # Forbidding an existing pair is read as releasing it: a planner who bans a pair wants it gone.
    fixed_pairs = sorted(lock | (have - free - ban))
    ui = {u: i for i, u in enumerate(urban)}
    ri = {r: i for i, r in enumerate(rural)}
    fixed = [(ui[u], ri[r], float(scores[(u, r)])) for u, r in fixed_pairs]
    used_u = np.bincount(np.array([f[0] for f in fixed], dtype=np.intp), minlength=len(urban))
    used_r = np.bincount(np.array([f[1] for f in fixed], dtype=np.intp), minlength=len(rural))
    over: list[dict[str, Any]] = []
    for ids, used, caps in ((urban, used_u, ucap), (rural, used_r, rcap)):
        for i in np.flatnonzero(used > caps):
            ident = ids[i]
            pairs = [f"{u}–{r}" for u, r in fixed_pairs if ident in (u, r)]
            over.append({"id": ident, "cap": int(caps[i]), "fixed": pairs, "problem": "more fixed pairs than cap"})
    if over:
        first = over[0]
        raise Infeasible(
            f"{first['id']} has cap {first['cap']} but {len(first['fixed'])} locked/kept pairs "
            f"({_names(first['fixed'])}); raise its cap or release/unlock some"
            + (f" (and {len(over) - 1} more orgs over cap)" if len(over) > 1 else ""),
            details=over[:_MAX_DETAILS],
        )

    ei = np.fromiter(map(ui.__getitem__, ua), dtype=np.intp, count=len(ua))
    ej = np.fromiter(map(ri.__getitem__, ra), dtype=np.intp, count=len(ra))
    # Solvers see pairs in id order, whatever order the mapping was built in: same input, same answer.
    code = ei.astype(np.int64) * len(rural) + ej
    order = np.argsort(code, kind="stable")
    closed = [ui[u] * len(rural) + ri[r] for u, r in (ban | set(fixed_pairs)) if u in ui and r in ri]
    order = order[~np.isin(code[order], np.array(closed, dtype=np.int64))]
    ei, ej, w = ei[order], ej[order], w[order]
    return _Problem(urban, rural, ei, ej, w, fixed, ucap - used_u, rcap - used_r, ucap, rcap, scores)


def _result(prob: _Problem, chosen: Iterable[tuple[int, int]], method: str) -> Pairing:
    pairs = sorted(
        [(prob.urban[i], prob.rural[j], s) for i, j, s in prob.fixed]
        + [(prob.urban[i], prob.rural[j], float(prob.scores[(prob.urban[i], prob.rural[j])])) for i, j in chosen]
    )
    paired = {r for _, r, _ in pairs}
    return {
        "pairs": pairs,
        "objective": math.fsum(s for _, _, s in pairs),
        "unpaired": [r for r in prob.rural if r not in paired],
        "method": method,
    }


# --------------------------------------------------------------------------- optimal


def _must_assignment(prob: _Problem, must: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """A feasible partner for every must-pair village (edge indices), or Infeasible naming a Hall set."""
    # Max flow source -> village (1) -> urban (unbounded) -> sink (cap left). If it cannot carry
    # one unit per village, the villages still reachable from the source in the residual graph
    # form a set whose candidates have fewer free slots than the set has villages: name them.
    k, n = len(must), len(prob.urban)
    slot = np.full(len(prob.rural), -1, dtype=np.intp)
    slot[must] = np.arange(k)
    e = edges[slot[prob.ej[edges]] >= 0]
    src, sink = 0, 1 + k + n
    rows = np.concatenate([np.zeros(k, dtype=np.intp), 1 + slot[prob.ej[e]], 1 + k + np.arange(n)])
    cols = np.concatenate([1 + np.arange(k), 1 + k + prob.ei[e], np.full(n, sink)])
    caps = np.concatenate([np.ones(k), np.full(len(e), k + 1), prob.ucap]).astype(np.int32)
    C = scipy.sparse.csr_matrix((caps, (rows, cols)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(C, src, sink)
    if flow.flow_value == k:
        F = flow.flow.tocsr()
        carried = np.asarray(F[1 + slot[prob.ej[e]], 1 + k + prob.ei[e]]).ravel() > 0
        return e[carried]
    R = (C - flow.flow).tocsr()
    R.data = (R.data > 0).astype(np.int32)
    R.eliminate_zeros()
    reach = np.zeros(sink + 1, dtype=bool)
    reach[breadth_first_order(R, src, directed=True, return_predecessors=False)] = True
    villages = [prob.rural[j] for j in must[reach[1 : 1 + k]]]
    partners = np.flatnonzero(reach[1 + k : 1 + k + n])
    slots = int(prob.ucap[partners].sum())
    names = [prob.urban[i] for i in partners]
    if not names:
        message = f"must-pair villages with no allowed candidate (unscored, forbidden or full): {_names(villages)}"
    else:
        message = (
            f"{len(villages)} must-pair villages ({_names(villages)}) share {slots} free slots among their "
            f"candidates ({_names(names)}); raise those caps, add candidates or drop a must-pair"
        )
    raise Infeasible(message, details=[{"villages": villages, "candidates": names, "free_slots": slots}])


def _top_edges(node: np.ndarray, w: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Indices of each node's k[node] best edges (ties by position, i.e. by the other side's id)."""
    order = np.lexsort((-w, node))
    sorted_node = node[order]
    starts = np.searchsorted(sorted_node, sorted_node, side="left")
    rank = np.arange(len(order)) - starts
    return order[rank < k[sorted_node]]


def _solve_lp(prob: _Problem, edges: np.ndarray, must: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """Max-score b-matching over `edges` (indices); returns the chosen ones.

    The constraint matrix is a bipartite incidence matrix (plus some of its rural rows negated for
    must-pair), which is totally unimodular, so the simplex vertex HiGHS returns is integral. A
    dense instance has a million columns but an optimum uses a few thousand, so we solve on
    each org's best few candidates and add each org's best left-out pairs with a positive
    reduced cost until none is left (column generation): the result is optimal for all `edges`.
    """
    n, m = len(prob.urban), len(prob.rural)
    ei, ej, w = prob.ei[edges], prob.ej[edges], prob.w[edges]
    is_must = np.zeros(m, dtype=bool)
    is_must[must] = True
    must_row = np.full(m, -1, dtype=np.intp)
    must_row[must] = n + m + np.arange(len(must))
    inside = np.zeros(len(edges), dtype=bool)
    inside[_top_edges(ei, w, 2 * prob.ucap + 2)] = True
    inside[_top_edges(ej, w, 2 * prob.rcap + 2)] = True
    inside[np.searchsorted(edges, seed)] = True  # a feasible must-pair assignment keeps every round feasible
    b = np.concatenate([prob.ucap, prob.rcap, -np.ones(len(must))])
    while True:
        idx = np.flatnonzero(inside)
        a, c = ei[idx], ej[idx]
        has_must = is_must[c]
        rows = np.concatenate([a, n + c, must_row[c[has_must]]])
        cols = np.concatenate([np.arange(len(idx)), np.arange(len(idx)), np.flatnonzero(has_must)])
        vals = np.concatenate([np.ones(2 * len(idx)), -np.ones(int(has_must.sum()))])
        A = scipy.sparse.csr_matrix((vals, (rows, cols)), shape=(len(b), len(idx)))
        res = linprog(-w[idx], A_ub=A, b_ub=b, bounds=(0, 1), method="highs-ds")
        if res.status != 0:  # cannot happen after the must-pair flow check; say so if it does
            raise Infeasible(f"pairing LP not solved: {res.message}")
        lam = res.ineqlin.marginals  # <= 0: the objective's change per unit of each row's bound
        dual_m = np.zeros(m)
        dual_m[must] = lam[n + m :]
        reduced = -w - lam[ei] - lam[n + ej] + dual_m[ej]
        enter = np.flatnonzero((reduced < -_TOL) & ~inside)
        if len(enter) == 0:
            break
        # Partial pricing: each org's few most attractive left-out pairs, not all of them. Early
        # duals are loose, so "every pair that could help" was most of the matrix (a 96k-column LP
        # at 400 x 400); a few small rounds reach the same optimum several times faster.
        gain = -reduced[enter]
        inside[enter[_top_edges(ei[enter], gain, 2 * prob.ucap + 2)]] = True
        inside[enter[_top_edges(ej[enter], gain, 2 * prob.rcap + 2)]] = True
    x = res.x
    assert np.all(np.abs(x - np.round(x)) < 1e-6), "non-integral vertex from a totally unimodular LP"
    return edges[idx[x > 0.5]]


def optimal_pairing(
    scores: Mapping[Pair, float],
    *,
    urban_cap: int = 1,
    rural_cap: int = 1,
    cap_overrides: Mapping[str, int] | None = None,
    must_pair: Iterable[str] = (),
    locked: Iterable[Pair] = (),
    forbidden: Iterable[Pair] = (),
    existing: Iterable[Pair] = (),
    released: Iterable[Pair] = (),
) -> Pairing:
    """The pairing with the largest total score (a maximum-weight bipartite b-matching).

    - `scores`: (urban_id, rural_id) -> score for every candidate pair; others are not allowed.
    - `urban_cap` / `rural_cap`: how many partners each urban org / village may have;
      `cap_overrides` maps an id (either side) to its own cap. Ids absent from `scores` are ignored.
    - `must_pair`: rural ids that must get at least one partner (even a pair scoring <= 0).
    - `locked`: pairs that must be made. `forbidden`: pairs that must not be.
    - `existing`: current pairs, kept unless listed in `released` (or forbidden); a released
      pair is an ordinary candidate again. Locked and existing pairs must be in `scores`.
    Otherwise a pair is made only if its score is > 0: a pair adding nothing is no suggestion.

    Raises InvalidInput for malformed input and Infeasible, naming the orgs or villages, when
    locked/kept pairs exceed a cap, a pair is locked and forbidden, or must-pair villages
    cannot all be served. All caps 1 and no must-pair is an assignment problem (scipy's
    `linear_sum_assignment`); otherwise a linear programme (HiGHS), integral by total unimodularity.

    >>> s = {("u1", "r1"): 3.0, ("u1", "r2"): 2.0, ("u2", "r1"): 2.5, ("u2", "r2"): 0.5}
    >>> p = optimal_pairing(s)
    >>> p["pairs"], p["objective"]
    ([('u1', 'r2', 2.0), ('u2', 'r1', 2.5)], 4.5)
    >>> optimal_pairing(s, urban_cap=2, forbidden=[("u2", "r1")])["pairs"]
    [('u1', 'r1', 3.0), ('u1', 'r2', 2.0)]
    """
    prob = _problem(
        scores, urban_cap=urban_cap, rural_cap=rural_cap, cap_overrides=cap_overrides,
        locked=locked, forbidden=forbidden, existing=existing, released=released,
    )
    if isinstance(must_pair, str):
        raise InvalidInput("must_pair must be a list of rural ids, not a string")
    wanted = sorted(set(must_pair))
    ri = {r: j for j, r in enumerate(prob.rural)}
    urban_ids = set(prob.urban)
    details = [{"id": r, "field": "must_pair", "problem": "an urban id"} for r in wanted if r in urban_ids]
    _raise("invalid must_pair", details)
    unknown = [r for r in wanted if r not in ri]
    if unknown:
        raise Infeasible(
            f"must-pair villages with no candidate pair at all: {_names(unknown)}",
            details=[{"id": r, "problem": "no candidate"} for r in unknown[:_MAX_DETAILS]],
        )
    served = {j for _, j, _ in prob.fixed}
    must = np.array([ri[r] for r in wanted if ri[r] not in served], dtype=np.intp)
    capped = [prob.rural[j] for j in must if prob.rcap[j] == 0]
    if capped:
        raise Infeasible(f"must-pair villages with cap 0: {_names(capped)}")

    is_must = np.zeros(len(prob.rural), dtype=bool)
    is_must[must] = True
    open_ = (prob.ucap[prob.ei] > 0) & (prob.rcap[prob.ej] > 0)
    edges = np.flatnonzero(open_ & ((prob.w > 0) | is_must[prob.ej]))
    n, m = len(prob.urban), len(prob.rural)
    if len(must) == 0 and n * m <= _DENSE_LIMIT and np.all(prob.ucap_full == 1) and np.all(prob.rcap_full == 1):
        # Max-weight matching = best full assignment on scores clipped at 0, minus its zero cells.
        M = np.zeros((n, m))
        M[prob.ei[edges], prob.ej[edges]] = prob.w[edges]
        rows, cols = linear_sum_assignment(M, maximize=True)
        chosen = [(i, j) for i, j in zip(rows.tolist(), cols.tolist()) if M[i, j] > 0]
        return _result(prob, chosen, "assignment")
    seed = _must_assignment(prob, must, edges) if len(must) else np.zeros(0, dtype=np.intp)
    if len(edges) == 0:
        return _result(prob, [], "lp")
    picked = _solve_lp(prob, edges, must, seed)
    return _result(prob, zip(prob.ei[picked].tolist(), prob.ej[picked].tolist()), "lp")


def optimal_pairing_networkx_reference(scores: Mapping[Pair, float]) -> Pairing:
    """Caps-1 optimal pairing with networkx `max_weight_matching` (benchmark reference only).

    >>> optimal_pairing_networkx_reference({("u1", "r1"): 3.0, ("u1", "r2"): 2.0, ("u2", "r1"): 2.5})["objective"]
    4.5
    """
    prob = _problem(
        scores, urban_cap=1, rural_cap=1, cap_overrides=None, locked=(), forbidden=(), existing=(), released=()
    )
    G = nx.Graph()
    n = len(prob.urban)
    positive = prob.w > 0
    # Rural nodes are offset by n so the two sides never share a node.
    G.add_weighted_edges_from(
        zip(prob.ei[positive].tolist(), (n + prob.ej[positive]).tolist(), prob.w[positive].tolist())
    )
    chosen = [(min(a, b), max(a, b) - n) for a, b in nx.max_weight_matching(G)]
    return _result(prob, chosen, "networkx")


# --------------------------------------------------------------------------- stable


def _side_scores(prob: _Problem, rural_scores: Mapping[Pair, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """Each open pair's score as the urban side and as the rural side see it."""
    wu = prob.w
    if rural_scores is None:
        return wu, wu
    if not isinstance(rural_scores, Mapping) or rural_scores.keys() != prob.scores.keys():
        raise InvalidInput("rural_scores must have exactly the same pairs as scores")
    wr = np.array([rural_scores[(prob.urban[i], prob.rural[j])] for i, j in zip(prob.ei.tolist(), prob.ej.tolist())])
    if len(wr) and not np.all(np.isfinite(wr.astype(np.float64))):
        raise InvalidInput("rural_scores must be finite numbers")
    return wu, wr.astype(np.float64)


def stable_pairing(
    scores: Mapping[Pair, float],
    *,
    rural_scores: Mapping[Pair, float] | None = None,
    urban_cap: int = 1,
    rural_cap: int = 1,
    cap_overrides: Mapping[str, int] | None = None,
    locked: Iterable[Pair] = (),
    forbidden: Iterable[Pair] = (),
    existing: Iterable[Pair] = (),
    released: Iterable[Pair] = (),
    proposing: Literal["rural", "urban"] = "rural",
) -> Pairing:
    """A pairwise-stable pairing: no urban org and village would both rather be together.

    Each urban org ranks villages by `scores`; each village ranks urban orgs by `rural_scores`
    when given (the same pairs, scored from the village's side, e.g. with other weights), else
    by `scores` too. Ties are broken by id. A pair is acceptable only if both its scores are
    > 0. Caps, overrides, locked/forbidden/existing/released pairs are as in `optimal_pairing`;
    locked and kept pairs are made first, use up capacity and are never the partner one would
    drop. Many-to-many deferred acceptance with the `proposing` side proposing (default the
    villages: among all stable pairings, each village gets the best it can). `objective` sums
    `scores`. `blocking_pairs` with the same arguments returns [] for the result.

    >>> s = {("u1", "r1"): 3.0, ("u1", "r2"): 2.0, ("u2", "r1"): 2.5, ("u2", "r2"): 0.5}
    >>> p = stable_pairing(s)
    >>> p["pairs"], p["objective"]  # u1 and r1 like each other best: stable, not optimal (4.5)
    ([('u1', 'r1', 3.0), ('u2', 'r2', 0.5)], 3.5)
    """
    if proposing not in ("rural", "urban"):
        raise InvalidInput(
            "proposing must be 'rural' or 'urban'", details=[{"field": "proposing", "value": repr(proposing)}]
        )
    prob = _problem(
        scores, urban_cap=urban_cap, rural_cap=rural_cap, cap_overrides=cap_overrides,
        locked=locked, forbidden=forbidden, existing=existing, released=released,
    )
    wu, wr = _side_scores(prob, rural_scores)
    ok = np.flatnonzero((wu > 0) & (wr > 0) & (prob.ucap[prob.ei] > 0) & (prob.rcap[prob.ej] > 0))
    if proposing == "rural":
        prop, recv, own, their, pcap, rcap = prob.ej[ok], prob.ei[ok], wr[ok], wu[ok], prob.rcap, prob.ucap
    else:
        prop, recv, own, their, pcap, rcap = prob.ei[ok], prob.ej[ok], wu[ok], wr[ok], prob.ucap, prob.rcap
    # Sorted ids make index order id order, so the last lexsort key breaks ties by id.
    order = np.lexsort((recv, -own, prop))  # each proposer's list, best first, contiguous
    by_recv = np.lexsort((prop, -their, recv))
    rank = np.empty(len(ok), dtype=np.intp)  # each receiver's rank of the proposer on edge e
    rank[by_recv] = np.arange(len(ok)) - np.searchsorted(recv[by_recv], recv[by_recv], side="left")
    starts = np.searchsorted(prop[order], np.arange(len(pcap) + 1), side="left").tolist()
    order_l, prop_l, recv_l, rank_l = order.tolist(), prop.tolist(), recv.tolist(), rank.tolist()
    free, rcap_l = pcap.tolist(), rcap.tolist()
    nxt = starts[:-1]
    held: list[list[tuple[int, int]]] = [[] for _ in rcap_l]  # max-heap of (-rank, edge): worst on top
    queue = deque(range(len(pcap)))
    while queue:
        p = queue.popleft()
        while free[p] > 0 and nxt[p] < starts[p + 1]:
            e = order_l[nxt[p]]
            nxt[p] += 1
            heap = held[recv_l[e]]
            if len(heap) < rcap_l[recv_l[e]]:
                heapq.heappush(heap, (-rank_l[e], e))
                free[p] -= 1
            elif -heap[0][0] > rank_l[e]:
                _, out = heapq.heapreplace(heap, (-rank_l[e], e))
                free[p] -= 1
                free[prop_l[out]] += 1
                queue.append(prop_l[out])  # the dropped proposer goes on down its list
    chosen = sorted(ok[e] for heap in held for _, e in heap)
    return _result(prob, [(int(prob.ei[e]), int(prob.ej[e])) for e in chosen], "deferred_acceptance")


def blocking_pairs(
    pairs: Iterable[Sequence[Any]],
    scores: Mapping[Pair, float],
    *,
    rural_scores: Mapping[Pair, float] | None = None,
    urban_cap: int = 1,
    rural_cap: int = 1,
    cap_overrides: Mapping[str, int] | None = None,
    locked: Iterable[Pair] = (),
    forbidden: Iterable[Pair] = (),
    existing: Iterable[Pair] = (),
    released: Iterable[Pair] = (),
) -> list[Pair]:
    """Pairs that would both rather be together than in `pairs` (sorted; [] means stable).

    `pairs` are (urban_id, rural_id, ...) rows, e.g. a `Pairing['pairs']`; every one must be in
    `scores`. The other arguments mean what they mean for `stable_pairing`. A candidate pair
    (u, r), not in `pairs`, acceptable (both scores > 0) and not forbidden, blocks if u wants r
    and r wants u, where a side wants the other if it has fewer partners than its cap, or
    strictly prefers the other to its worst partner that is not locked or kept.

    >>> s = {("u1", "r1"): 3.0, ("u1", "r2"): 2.0, ("u2", "r1"): 2.5, ("u2", "r2"): 0.5}
    >>> blocking_pairs([("u1", "r2"), ("u2", "r1")], s)  # the optimal pairing is not stable
    [('u1', 'r1')]
    """
    prob = _problem(
        scores, urban_cap=urban_cap, rural_cap=rural_cap, cap_overrides=cap_overrides,
        locked=locked, forbidden=forbidden, existing=existing, released=released,
    )
    made = {(row[0], row[1]) for row in pairs}
    missing = sorted(made - scores.keys())
    _raise("pairs not in scores", [{"pair": list(p), "problem": "not a candidate"} for p in missing])
    wu, wr = _side_scores(prob, rural_scores)
    ui = {u: i for i, u in enumerate(prob.urban)}
    ri = {r: j for j, r in enumerate(prob.rural)}
    fixed = {(i, j) for i, j, _ in prob.fixed}
    count_u = np.zeros(len(prob.urban), dtype=np.int64)
    count_r = np.zeros(len(prob.rural), dtype=np.int64)
    worst_u = np.full(len(prob.urban), np.inf)  # inf: no droppable partner, so no one is preferred
    worst_r = np.full(len(prob.rural), np.inf)
    by_side = rural_scores if rural_scores is not None else scores
    for u, r in made:
        i, j = ui[u], ri[r]
        count_u[i] += 1
        count_r[j] += 1
        if (i, j) not in fixed:
            worst_u[i] = min(worst_u[i], scores[(u, r)])
            worst_r[j] = min(worst_r[j], by_side[(u, r)])
    # Full caps here, not what is left: the fixed pairs are among `made` and counted there.
    ei, ej = prob.ei, prob.ej
    u_wants = (count_u[ei] < prob.ucap_full[ei]) | (wu > worst_u[ei])
    r_wants = (count_r[ej] < prob.rcap_full[ej]) | (wr > worst_r[ej])
    code = ei.astype(np.int64) * len(prob.rural) + ej
    in_made = np.isin(code, np.array([ui[u] * len(prob.rural) + ri[r] for u, r in made], dtype=np.int64))
    hit = np.flatnonzero(u_wants & r_wants & (wu > 0) & (wr > 0) & ~in_made)
    return sorted((prob.urban[ei[e]], prob.rural[ej[e]]) for e in hit.tolist())


# --------------------------------------------------------------------------- what-if


def diff(before: Pairing, after: Pairing) -> PairingDiff:
    """What changed from `before` to `after` (two runs, or optimal vs stable on one input).

    What-if is a re-run: change caps, locks, forbids or releases, or drop an org by leaving
    its pairs out of `scores` (and releasing its existing pairs), solve again, then diff.

    >>> a = {"pairs": [("u1", "r1", 3.0)], "objective": 3.0, "unpaired": ["r2"], "method": "lp"}
    >>> b = {"pairs": [("u1", "r2", 2.0)], "objective": 2.0, "unpaired": ["r1"], "method": "lp"}
    >>> d = diff(a, b)
    >>> d["added"], d["removed"], d["objective_delta"], d["villages_changed"]
    ([('u1', 'r2', 2.0)], [('u1', 'r1', 3.0)], -1.0, ['r1', 'r2'])
    """
    old = {(u, r): s for u, r, s in before["pairs"]}
    new = {(u, r): s for u, r, s in after["pairs"]}
    added = sorted((u, r, s) for (u, r), s in new.items() if (u, r) not in old)
    removed = sorted((u, r, s) for (u, r), s in old.items() if (u, r) not in new)
    return {
        "added": added,
        "removed": removed,
        "kept": sorted((u, r, s) for (u, r), s in new.items() if (u, r) in old),
        "objective_delta": after["objective"] - before["objective"],
        "villages_changed": sorted({r for _, r, _ in added} | {r for _, r, _ in removed}),
    }


# The pairing page asks "how far apart are the optimal and the stable pairing?": the same answer.
compare = diff
