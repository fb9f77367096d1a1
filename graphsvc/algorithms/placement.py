"""Placement: where to put service points so every building is within a walk (rule 9, 15 分钟服务圈).

Pure functions over plain lists and mappings; no database, no I/O.

- geometry: `walk_minutes`, `distance_matrix`, `walk_cover` (great-circle `haversine_m` is in `common`)
- `lscp` (fewest new sites covering all demand), `mclp` (best p new sites by covered weight), both MILP via HiGHS;
  with a time limit, the better of the solver's best when it runs out and a greedy plan, and the proven gap
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from graphsvc.algorithms.common import (
    check_count,
    check_point,
    check_positive,
    check_unique,
    sorted_ids,
)
from graphsvc.algorithms.common import haversine_grid_m as _haversine_grid
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.errors import Infeasible

if TYPE_CHECKING:  # scipy.optimize/sparse cost over a second to import: only the site planners load them
    import scipy.sparse
    from scipy.optimize import LinearConstraint

__all__ = [
    "SiteChoice",
    "distance_matrix",
    "lscp",
    "mclp",
    "walk_cover",
    "walk_minutes",
]

Point = tuple[Hashable, float, float]  # (id, lat, lon), WGS84 decimal degrees


# --------------------------------------------------------------------------- geometry


def walk_minutes(distance_m: float, *, speed_m_per_min: float = 80.0, detour: float = 1.3) -> float:
    """Minutes to walk a straight-line distance: `distance_m * detour / speed_m_per_min`.

    Streets are not straight lines, so the straight-line distance is stretched by `detour`.
    Pass `detour=1.0` for a distance that is already a travel distance (a GIS table, or a
    value from `distance_matrix`).

    >>> walk_minutes(1000)
    16.25
    >>> walk_minutes(1200, detour=1.0)
    15.0
    """
    check_positive("distance_m", distance_m, allow_zero=True)
    check_positive("speed_m_per_min", speed_m_per_min)
    check_positive("detour", detour)
    return distance_m * detour / speed_m_per_min


def distance_matrix(
    origins: Sequence[Point],
    sites: Sequence[Point],
    *,
    table: Mapping[tuple[Any, Any], float] | None = None,
    detour: float = 1.3,
    max_m: float | None = None,
) -> dict[Hashable, dict[Hashable, float]]:
    """Travel distance in metres from each origin to each site.

    `origins` and `sites` are lists of `(id, lat, lon)`. `table` is a travel-distance table as a
    GIS exports it, `{(from_id, to_id): metres}`; a pair found there is used as is (looked up as
    (origin, site) first, then (site, origin), because walking is symmetric). Every other pair
    falls back to the straight-line distance times `detour`. With `max_m`, only pairs at most
    that far are kept, so the answer stays sparse at city scale.

    Returns `{origin_id: {site_id: metres}}` with every origin present (possibly `{}`).

    >>> d = distance_matrix([("b1", 30.0, 120.0)], [("s1", 30.001, 120.0), ("s2", 30.0, 120.0)],
    ...                     table={("s2", "b1"): 50.0})
    >>> round(d["b1"]["s1"]), d["b1"]["s2"]
    (145, 50.0)
    """
    _check_distance_input(origins, sites, table, detour, max_m)

    o_ids = [p[0] for p in origins]
    s_ids = [p[0] for p in sites]
    if not o_ids or not s_ids:
        return {o: {} for o in o_ids}
    grid = detour * _haversine_grid(
        np.array([p[1] for p in origins], dtype=float),
        np.array([p[2] for p in origins], dtype=float),
        np.array([p[1] for p in sites], dtype=float),
        np.array([p[2] for p in sites], dtype=float),
    )
    if table:
        o_index = {o: i for i, o in enumerate(o_ids)}
        s_index = {s: j for j, s in enumerate(s_ids)}
        # Reverse entries first so that a forward entry for the same pair wins.
        for (a, b), metres in table.items():
            if b in o_index and a in s_index:
                grid[o_index[b], s_index[a]] = metres
        for (a, b), metres in table.items():
            if a in o_index and b in s_index:
                grid[o_index[a], s_index[b]] = metres

    if max_m is None:
        return {o: {s: float(grid[i, j]) for j, s in enumerate(s_ids)} for i, o in enumerate(o_ids)}
    result: dict[Hashable, dict[Hashable, float]] = {o: {} for o in o_ids}
    rows, cols = np.nonzero(grid <= max_m)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        result[o_ids[i]][s_ids[j]] = float(grid[i, j])
    return result


def _check_distance_input(
    origins: Sequence[Point],
    sites: Sequence[Point],
    table: Mapping[tuple[Any, Any], float] | None,
    detour: float,
    max_m: float | None,
) -> None:
    details: list[dict[str, Any]] = []
    for where, points in (("origins", origins), ("sites", sites)):
        for point in points:
            if len(point) != 3:
                details.append({"table": where, "id": repr(point), "problem": "expected (id, lat, lon)"})
                continue
            check_point(where, point[0], point[1], point[2], details)
        check_unique(where, (p[0] for p in points if len(p) == 3), details)
    for pair, metres in (table or {}).items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and _is_number(metres) and metres >= 0):
            details.append({"table": "table", "id": repr(pair), "problem": "expected (from_id, to_id): metres >= 0"})
    _raise("invalid distance input", details)
    check_positive("detour", detour)
    if max_m is not None:
        check_positive("max_m", max_m, allow_zero=True)


def walk_cover(
    demand: Sequence[Point],
    sites: Sequence[Point],
    *,
    minutes: float = 15.0,
    speed_m_per_min: float = 80.0,
    detour: float = 1.3,
    table: Mapping[tuple[Any, Any], float] | None = None,
) -> dict[Hashable, set[Hashable]]:
    """The `cover` input of `lscp`/`mclp`: for each demand id, the sites within a walk of `minutes`.

    Distances come from `distance_matrix` (the table where it has the pair, else straight line
    times `detour`); the reach is `minutes * speed_m_per_min` metres of travel.

    >>> walk_cover([("b1", 30.0, 120.0)], [("s1", 30.005, 120.0), ("s2", 30.02, 120.0)])
    {'b1': {'s1'}}
    """
    check_positive("minutes", minutes, allow_zero=True)
    check_positive("speed_m_per_min", speed_m_per_min)
    reach = distance_matrix(demand, sites, table=table, detour=detour, max_m=minutes * speed_m_per_min)
    return {d: set(near) for d, near in reach.items()}


# --------------------------------------------------------------------------- rule 9 服务圈


@dataclass(frozen=True)
class SiteChoice:
    """Result of `lscp` and `mclp`; every id list is sorted."""

    chosen: list[Hashable]  # new sites to open (never includes `fixed`)
    covered: list[Hashable]  # demand covered by fixed + chosen sites
    uncovered: list[Hashable]  # coverable demand left uncovered (mclp with too small p; lscp: always [])
    uncoverable: list[Hashable]  # demand no fixed or candidate site can cover
    objective: float  # lscp: number of new sites; mclp: covered weight (fixed coverage included)
    optimal: bool = True  # False: the time limit stopped the solver before it proved this the best
    # How far from the best this may be, proven, relative to what the new sites achieve (lscp: their
    # number; mclp: the weight they newly cover): 0.05 = the best is at most 5% better. 0 when optimal;
    # None when the limit came before the solver proved any bound (the answer is then a heuristic one).
    gap: float | None = 0.0


@dataclass(frozen=True)
class _CoverModel:
    candidates: list[Hashable]  # new-site candidates, sorted
    open_demand: list[Hashable]  # demand not yet covered by fixed sites but coverable, sorted
    rows: list[list[int]]  # for each open demand, the candidate columns covering it
    by_fixed: list[Hashable]
    uncoverable: list[Hashable]


def _cover_model(
    demand_ids: Sequence[Hashable],
    site_ids: Sequence[Hashable],
    cover: Mapping[Any, Iterable[Hashable]],
    fixed: Iterable[Hashable],
) -> _CoverModel:
    details: list[dict[str, Any]] = []
    check_unique("demand", demand_ids, details)
    check_unique("sites", site_ids, details)
    _raise("invalid covering input", details)
    fixed_set = set(fixed)
    # A fixed site listed among the candidates is already there: it is kept, never counted.
    candidates = sorted_ids(set(site_ids) - fixed_set)
    column = {s: j for j, s in enumerate(candidates)}
    open_demand: list[Hashable] = []
    rows: list[list[int]] = []
    by_fixed: list[Hashable] = []
    uncoverable: list[Hashable] = []
    for d in sorted_ids(demand_ids):
        reach = set(cover.get(d, ()))
        if reach & fixed_set:
            by_fixed.append(d)
        elif cols := sorted(column[s] for s in reach if s in column):
            open_demand.append(d)
            rows.append(cols)
        else:
            uncoverable.append(d)
    return _CoverModel(candidates, open_demand, rows, by_fixed, uncoverable)


def _incidence(rows: list[list[int]], n_cols: int) -> scipy.sparse.csr_array:
    import scipy.sparse

    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([j for r in rows for j in r], dtype=np.int64)
    return scipy.sparse.csr_array((np.ones(len(indices)), indices, indptr), shape=(len(rows), n_cols))


@dataclass(frozen=True)
class _Solved:
    x: np.ndarray | None  # None: the time limit came before any feasible solution
    optimal: bool
    bound: float | None  # when not optimal: the proven lower bound on the minimum (None: none proven)

    def picked(self, n: int) -> set[int]:
        return set() if self.x is None else {j for j in range(n) if self.x[j] > 0.5}


def _solve(
    c: np.ndarray, integrality: np.ndarray, constraints: list[LinearConstraint], time_limit_s: float | None
) -> _Solved:
    from scipy.optimize import Bounds, milp

    # mip_rel_gap=0: the default 1e-4 gap could accept one site too many on large instances.
    options: dict[str, Any] = {"mip_rel_gap": 0}
    if time_limit_s is not None:
        options["time_limit"] = time_limit_s
    res = milp(c, integrality=integrality, bounds=Bounds(0, 1), constraints=constraints, options=options)
    if res.status == 0 and res.x is not None:
        return _Solved(np.asarray(res.x), True, None)
    if res.status == 1:  # the time limit: the best solution found so far (if any) and the proven bound
        bound = getattr(res, "mip_dual_bound", None)
        return _Solved(None if res.x is None else np.asarray(res.x), False, bound if _is_number(bound) else None)
    raise Infeasible(f"covering model not solved: {res.message}")


def _gap(value: float, best_bound: float | None, *, minimise: bool) -> float | None:
    """The proven relative gap of `value` (> 0) to a bound on the best: 0 when it meets the bound."""
    if best_bound is None or value <= 0:
        return None
    gap = (value - best_bound) / value if minimise else (best_bound - value) / value
    return gap if gap > 1e-9 else 0.0


def _column_rows(A: scipy.sparse.csr_array) -> list[np.ndarray]:
    """For each candidate column of the incidence matrix, the open-demand rows it covers."""
    by_col = A.T.tocsr()
    return [by_col.indices[by_col.indptr[j] : by_col.indptr[j + 1]] for j in range(A.shape[1])]


def _greedy(A: scipy.sparse.csr_array, weight: np.ndarray, picked: set[int], *, limit: int | None = None) -> set[int]:
    """Greedy covering from `picked`: add the column covering the most uncovered weight (lowest index on ties)
    until nothing more is gained or `limit` columns are open. Unit weights and no limit: greedy set cover."""
    cols = _column_rows(A)
    picked = set(picked)
    left = np.ones(A.shape[0], dtype=bool)
    for j in picked:
        left[cols[j]] = False
    while limit is None or len(picked) < limit:
        gain = A.T @ (weight * left)
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        picked.add(j)
        left[cols[j]] = False
    return picked


def _drop_redundant(A: scipy.sparse.csr_array, picked: set[int]) -> set[int]:
    """Drop an open column that covers nothing the other open ones do not (highest index first)."""
    cols = _column_rows(A)
    count = np.zeros(A.shape[0], dtype=np.int64)
    for j in picked:
        count[cols[j]] += 1
    kept = set(picked)
    for j in sorted(picked, reverse=True):
        if np.all(count[cols[j]] >= 2):
            kept.discard(j)
            count[cols[j]] -= 1
    return kept


def lscp(
    demand_ids: Sequence[Hashable],
    site_ids: Sequence[Hashable],
    cover: Mapping[Any, Iterable[Hashable]],
    *,
    fixed: Iterable[Hashable] = (),
    time_limit_s: float | None = None,
) -> SiteChoice:
    """Location set covering: the fewest new sites so every coverable demand point is covered.

    `cover[d]` is the set of site ids within reach of demand `d` (see `walk_cover`); it may name
    both existing sites (`fixed`: kept, free) and candidate sites (`site_ids`); other ids are
    ignored. Demand that no fixed or candidate site reaches is reported in `uncoverable`.
    Solved exactly with `scipy.optimize.milp` (HiGHS). When `time_limit_s` stops the solver first, the
    answer is the better of its best cover so far (completed greedily if need be) and a greedy cover,
    with `optimal=False` and `gap` the relative gap the solver's bound proves (None if it proved none);
    either way every coverable demand point is covered.

    >>> cover = {"b1": {"s1"}, "b2": {"s1", "s2"}, "b3": {"s2", "old"}, "b4": set()}
    >>> lscp(["b1", "b2", "b3", "b4"], ["s1", "s2"], cover, fixed=["old"])  # doctest: +NORMALIZE_WHITESPACE
    SiteChoice(chosen=['s1'], covered=['b1', 'b2', 'b3'], uncovered=[], uncoverable=['b4'], objective=1,
               optimal=True, gap=0.0)
    """
    from scipy.optimize import LinearConstraint

    if time_limit_s is not None:
        check_positive("time_limit_s", time_limit_s)
    model = _cover_model(demand_ids, site_ids, cover, fixed)
    chosen: list[Hashable] = []
    optimal: bool = True
    gap: float | None = 0.0
    if model.open_demand:
        n, m = len(model.candidates), len(model.open_demand)
        A = _incidence(model.rows, n)
        solved = _solve(np.ones(n), np.ones(n), [LinearConstraint(A, lb=1, ub=np.inf)], time_limit_s)
        picked = solved.picked(n)
        if not solved.optimal:
            # The better of the solver's best (completed if need be) and a greedy cover, without redundant sites.
            ones = np.ones(m)
            picked = min([_drop_redundant(A, _greedy(A, ones, s)) for s in (picked, set())], key=len)
            # The number of sites is a whole number: the bound rounds up.
            bound = None if solved.bound is None else float(math.ceil(solved.bound - 1e-6))
            gap = _gap(len(picked), bound, minimise=True)
            optimal = gap == 0.0
        chosen = [model.candidates[j] for j in sorted(picked)]
    covered = sorted_ids(model.by_fixed + model.open_demand)
    return SiteChoice(chosen, covered, [], model.uncoverable, len(chosen), optimal, gap)


def mclp(
    demand_ids: Sequence[Hashable],
    weights: Mapping[Any, float],
    site_ids: Sequence[Hashable],
    cover: Mapping[Any, Iterable[Hashable]],
    *,
    p: int,
    fixed: Iterable[Hashable] = (),
    time_limit_s: float | None = None,
) -> SiteChoice:
    """Maximal covering: at most `p` new sites maximising the covered demand weight.

    Inputs as for `lscp`, plus `weights[d]` (>= 0, e.g. households or elderly residents in a
    building) for every demand id. Demand already covered by `fixed` sites counts in the
    objective whatever is chosen. A chosen site that covers nothing no other chosen site covers
    is dropped, so no new site is proposed for nothing. Solved exactly with `scipy.optimize.milp`;
    when `time_limit_s` stops the solver first, as `lscp`: the better of its best so far (topped up
    greedily while sites remain and add weight) and a greedy choice, at most `p` sites either way.

    >>> cover = {"b1": {"s1"}, "b2": {"s2"}, "b3": {"s2"}}
    >>> r = mclp(["b1", "b2", "b3"], {"b1": 5, "b2": 2, "b3": 2}, ["s1", "s2"], cover, p=1)
    >>> r.chosen, r.uncovered, r.objective
    (['s1'], ['b2', 'b3'], 5.0)
    """
    check_count("p", p)
    details = [
        {"table": "weights", "id": d, "problem": "missing, or not a finite number >= 0"}
        for d in demand_ids
        if not (_is_number(weights.get(d)) and weights[d] >= 0)
    ]
    _raise("invalid demand weights", details)
    if time_limit_s is not None:
        check_positive("time_limit_s", time_limit_s)
    model = _cover_model(demand_ids, site_ids, cover, fixed)

    picked: set[int] = set()
    optimal: bool = True
    gap: float | None = 0.0
    n, m = len(model.candidates), len(model.open_demand)
    if m and p:
        A = _incidence(model.rows, n)
        w = np.array([float(weights[d]) for d in model.open_demand])
        solved = _solve(*_mclp_model(A, w, p), time_limit_s)
        picked = solved.picked(n)
        if not solved.optimal:
            picked, optimal, gap = _mclp_limited(A, w, p, solved)
        # HiGHS may spend spare budget on sites that add nothing; drop them (highest id first).
        picked = _drop_redundant(A, picked)

    covered_open = [d for d, row in zip(model.open_demand, model.rows, strict=True) if picked.intersection(row)]
    uncovered = [d for d, row in zip(model.open_demand, model.rows, strict=True) if not picked.intersection(row)]
    covered = sorted_ids(model.by_fixed + covered_open)
    objective = float(sum(weights[d] for d in covered))
    chosen = [model.candidates[j] for j in sorted(picked)]
    return SiteChoice(chosen, covered, uncovered, model.uncoverable, objective, optimal, gap)


def _mclp_model(
    A: scipy.sparse.csr_array, w: np.ndarray, p: int
) -> tuple[np.ndarray, np.ndarray, list[LinearConstraint]]:
    """Variables: x_j (open candidate j, binary) then y_i (demand i covered, continuous: at the optimum
    it is 1 exactly when some chosen site covers i, so it needs no integrality); minimise -w·y."""
    import scipy.sparse
    from scipy.optimize import LinearConstraint

    m, n = A.shape
    link = scipy.sparse.hstack([-A, scipy.sparse.eye_array(m)], format="csr")
    budget = np.concatenate([np.ones(n), np.zeros(m)])[None, :]
    c = np.concatenate([np.zeros(n), -w])
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    return c, integrality, [LinearConstraint(link, ub=0), LinearConstraint(budget, ub=p)]


def _mclp_limited(
    A: scipy.sparse.csr_array, w: np.ndarray, p: int, solved: _Solved
) -> tuple[set[int], bool, float | None]:
    """After the time limit: the better of the solver's best (topped up greedily while budget is left) and a
    greedy choice, with its proven gap on the weight the new sites cover."""
    cols = _column_rows(A)

    def weight(picked: set[int]) -> float:
        hit = np.zeros(A.shape[0], dtype=bool)
        for j in picked:
            hit[cols[j]] = True
        return float(w[hit].sum())

    options = [_greedy(A, w, s, limit=p) for s in (solved.picked(A.shape[1]), set())]
    picked = max(options, key=weight)
    best = None if solved.bound is None else -solved.bound  # the solver minimises minus the covered weight
    gap = _gap(weight(picked), best, minimise=False)
    return picked, gap == 0.0, gap
