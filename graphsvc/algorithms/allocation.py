"""Needs ↔ resources, a whole street at once: the optimal capacity-constrained allocation (`allocate`,
HiGHS LP with column generation over a pruned transportation problem).

Pure functions over the inputs of `graphsvc.algorithms.matching`; no database, no I/O.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from graphsvc.algorithms.common import haversine_m_array as _haversine_m_array
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.algorithms.matching import Need, Resource, check_needs, check_option, check_resources
from graphsvc.errors import Infeasible

__all__ = ["UNMET_REASONS", "Allocation", "Flow", "Instance", "Unmet", "allocate", "build_instance", "report"]

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



# --------------------------------------------------------------------------- needs ↔ resources: allocation


@dataclass(slots=True)
class Instance:
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


def build_instance(
    needs: Sequence[Need],
    resources: Sequence[Resource],
    *,
    distance_cost_per_km: float,
    locked: Iterable[tuple[str, str]],
    forbidden: Iterable[tuple[str, str]],
    max_km: float | None,
    k_nearest: int | None,
) -> Instance:
    _check_instance_input(needs, resources, distance_cost_per_km, max_km, k_nearest)
    ns = sorted(needs, key=lambda n: n.id)
    rs = sorted(resources, key=lambda r: r.id)
    need_pos = {n.id: i for i, n in enumerate(ns)}
    res_pos = {r.id: j for j, r in enumerate(rs)}
    locks = _pair_index(locked, "locked", need_pos, res_pos)
    forbids = _pair_index(forbidden, "forbidden", need_pos, res_pos)
    _check_locks(ns, rs, locks, forbids)

    sites = _Sites.of(ns, rs, distance_cost_per_km)
    pruned, no_kind, all_forbidden = _pruned_pairs(ns, rs, forbids, sites, max_km=max_km, k_nearest=k_nearest)
    ei, ej, locked_edge = _edges(locks, pruned, len(rs))
    dist = sites.metres(ei, ej)
    return Instance(
        needs=ns,
        resources=rs,
        quantity=np.array([n.quantity for n in ns], dtype=np.int64),
        capacity=np.array([r.capacity for r in rs], dtype=np.int64),
        edge_need=ei,
        edge_res=ej,
        distance_m=dist,
        value=sites.value(ei, dist),
        locked=locked_edge,
        no_kind=no_kind,
        all_forbidden=all_forbidden,
    )


def _check_instance_input(
    needs: Sequence[Need],
    resources: Sequence[Resource],
    distance_cost_per_km: float,
    max_km: float | None,
    k_nearest: int | None,
) -> None:
    details: list[dict[str, Any]] = []
    check_needs(needs, details)
    check_resources(resources, details)
    _raise("invalid needs or resources", details)
    check_option("distance_cost_per_km", distance_cost_per_km)
    if max_km is not None:
        check_option("max_km", max_km, strict=True)
    if k_nearest is not None:
        check_option("k_nearest", k_nearest, minimum=1, integer=True)


@dataclass(frozen=True)
class _Sites:
    """Where the needs (sorted by id) and resources are, and what a unit is worth once travel is paid."""

    need_lat: np.ndarray
    need_lon: np.ndarray
    res_lat: np.ndarray
    res_lon: np.ndarray
    urgency: np.ndarray
    cost_per_km: float

    @classmethod
    def of(cls, ns: list[Need], rs: list[Resource], cost_per_km: float) -> _Sites:
        def floats(values: Iterable[float]) -> np.ndarray:
            return np.array(list(values), dtype=float)

        return cls(
            floats(n.lat for n in ns), floats(n.lon for n in ns), floats(r.lat for r in rs), floats(r.lon for r in rs),
            floats(n.urgency for n in ns), cost_per_km,
        )

    def metres(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Distances between needs `i` and resources `j` (index arrays, broadcast together)."""
        return _haversine_m_array(self.need_lat[i], self.need_lon[i], self.res_lat[j], self.res_lon[j])

    def value(self, i: np.ndarray, metres: np.ndarray) -> np.ndarray:
        return self.urgency[i] - self.cost_per_km * metres / 1000.0


def _pruned_pairs(
    ns: list[Need],
    rs: list[Resource],
    forbids: set[tuple[int, int]],
    sites: _Sites,
    *,
    max_km: float | None,
    k_nearest: int | None,
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
    """The (need, resource) index pairs worth an edge, kind by kind, in blocks of bounded size; and per need
    whether no resource of its kind has capacity, and whether every one that has is forbidden."""
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

    max_m = math.inf if max_km is None else max_km * 1000.0
    no_kind = np.zeros(len(ns), dtype=bool)
    all_forbidden = np.zeros(len(ns), dtype=bool)
    pruned: list[tuple[np.ndarray, np.ndarray]] = []
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
            d = sites.metres(rows[:, None], rj[None, :])
            # An edge worth nothing never improves the objective: drop it (locked pairs come back below).
            ok = (sites.value(rows[:, None], d) > 0) & (d <= max_m)
            for r_, i in enumerate(rows):
                cols = [col[j] for j in forbid_by_need.get(int(i), ()) if j in col]
                ok[r_, cols] = False
                all_forbidden[i] = len(cols) == rj.size
            if k_nearest is not None and k_nearest < rj.size:
                ok &= _nearest(ok, d, k_nearest)
            a, b = np.nonzero(ok)
            pruned.append((rows[a], rj[b]))
    return pruned, no_kind, all_forbidden


def _nearest(ok: np.ndarray, d: np.ndarray, k: int) -> np.ndarray:
    """Per row, the `k` nearest cells among those `ok`."""
    # Stable sort: among equally distant resources the smaller id (lower column) is kept.
    order = np.argsort(np.where(ok, d, np.inf), axis=1, kind="stable")[:, :k]
    keep = np.zeros_like(ok)
    np.put_along_axis(keep, order, True, axis=1)
    return keep


def _edges(
    locks: set[tuple[int, int]], pruned: list[tuple[np.ndarray, np.ndarray]], r_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges' need and resource indexes, in (need id, resource id) order, and which are locked."""
    # Edges are keyed need-major (i * R + j) so they come out in (need id, resource id) order.
    stride = max(r_count, 1)
    # Locked pairs are kept whatever the pruning said: the planner has decided them.
    lock_key = np.array(sorted(i * stride + j for i, j in locks), dtype=np.int64)
    key = np.sort(np.concatenate([lock_key, *(i * stride + j for i, j in pruned)]))
    key = key[np.diff(key, prepend=-1) != 0]  # a lock may also have survived pruning
    is_locked = np.zeros(key.size, dtype=bool)
    is_locked[np.searchsorted(key, lock_key)] = True
    return key // stride, key % stride, is_locked


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


def report(inst: Instance, units: np.ndarray) -> Allocation:
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
    inst = build_instance(
        needs,
        resources,
        distance_cost_per_km=distance_cost_per_km,
        locked=locked,
        forbidden=forbidden,
        max_km=max_km,
        k_nearest=k_nearest,
    )
    return report(inst, _solve_lp(inst))


def _best_per_need(inst: Instance, mask: np.ndarray, k: int) -> np.ndarray:
    """The k most valuable edges of each need among `mask` (ties to the smaller resource id)."""
    idx = np.flatnonzero(mask)
    order = idx[np.lexsort((inst.edge_res[idx], -inst.value[idx], inst.edge_need[idx]))]
    needs = inst.edge_need[order]
    rank = np.arange(order.size) - np.searchsorted(needs, needs, side="left")
    best = np.zeros_like(mask)
    best[order[rank < k]] = True
    return best


def _solve_lp(inst: Instance) -> np.ndarray:
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


def _solve_restricted(inst: Instance, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
