"""Urban–rural pairing solvers: optimal, stable, blocking pairs, what-if.

Pure functions over plain data; no database, no I/O. The scores they take come from
`graphsvc.algorithms.pairing` (`pair_scores`), or any mapping of candidate pairs to floats.

- optimal: `optimal_pairing(scores, ...)` -> the largest total score under capacities on both
  sides, must-pair villages, locked / forbidden / existing / released pairs.
- stable: `stable_pairing(scores, ...)` -> a pairing no urban org and village would both leave
  for each other (deferred acceptance); `blocking_pairs(...)` checks any pairing for that.
- what-if: re-run either solver with changed caps, locks, forbids or with an org's pairs left
  out of `scores`, then `diff(before, after)` says what changed. `compare` is the same function
  under the name the pairing page uses for "optimal vs stable".

A pair with score <= 0 is not worth making: the optimal solver makes it only when a must-pair
village needs it, and the stable solver never (it is unacceptable). Results are deterministic:
ids are sorted before solving, so equal inputs give equal outputs.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import scipy.sparse
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from graphsvc.algorithms.common import MAX_DETAILS as _MAX_DETAILS
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.algorithms.pairing import Pair, PairingDiff, PairingResult
from graphsvc.algorithms.pairing_problem import Problem, build_problem, id_list, pairing_result
from graphsvc.errors import Infeasible, InvalidInput

__all__ = ["blocking_pairs", "compare", "diff", "optimal_pairing", "stable_pairing"]

# Above this many cells the caps-1 fast path would allocate a dense score matrix (8 bytes a cell);
# bigger, sparse instances go to the LP, which only ever sees candidate pairs.
_DENSE_LIMIT = 25_000_000
_TOL = 1e-9


# --------------------------------------------------------------------------- optimal


def _must_assignment(prob: Problem, must: np.ndarray, edges: np.ndarray) -> np.ndarray:
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
        message = f"must-pair villages with no allowed candidate (unscored, forbidden or full): {id_list(villages)}"
    else:
        message = (
            f"{len(villages)} must-pair villages ({id_list(villages)}) share {slots} free slots among their "
            f"candidates ({id_list(names)}); raise those caps, add candidates or drop a must-pair"
        )
    raise Infeasible(message, details=[{"villages": villages, "candidates": names, "free_slots": slots}])


def _top_edges(node: np.ndarray, w: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Indices of each node's k[node] best edges (ties by position, i.e. by the other side's id)."""
    order = np.lexsort((-w, node))
    sorted_node = node[order]
    starts = np.searchsorted(sorted_node, sorted_node, side="left")
    rank = np.arange(len(order)) - starts
    return order[rank < k[sorted_node]]


def _solve_lp(prob: Problem, edges: np.ndarray, must: np.ndarray, seed: np.ndarray) -> np.ndarray:
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
) -> PairingResult:
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
    >>> p.pairs, p.objective
    ([('u1', 'r2', 2.0), ('u2', 'r1', 2.5)], 4.5)
    >>> optimal_pairing(s, urban_cap=2, forbidden=[("u2", "r1")]).pairs
    [('u1', 'r1', 3.0), ('u1', 'r2', 2.0)]
    """
    prob = build_problem(
        scores, urban_cap=urban_cap, rural_cap=rural_cap, cap_overrides=cap_overrides,
        locked=locked, forbidden=forbidden, existing=existing, released=released,
    )
    must = _must_pair(prob, must_pair)
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
        return pairing_result(prob, chosen, "assignment")
    seed = _must_assignment(prob, must, edges) if len(must) else np.zeros(0, dtype=np.intp)
    if len(edges) == 0:
        return pairing_result(prob, [], "lp")
    picked = _solve_lp(prob, edges, must, seed)
    return pairing_result(prob, zip(prob.ei[picked].tolist(), prob.ej[picked].tolist()), "lp")


def _must_pair(prob: Problem, must_pair: Iterable[str]) -> np.ndarray:
    """The rural indexes of the must-pair villages not already served by a fixed pair; refused when one is
    an urban id, has no candidate pair or has cap 0."""
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
            f"must-pair villages with no candidate pair at all: {id_list(unknown)}",
            details=[{"id": r, "problem": "no candidate"} for r in unknown[:_MAX_DETAILS]],
        )
    served = {j for _, j, _ in prob.fixed}
    must = np.array([ri[r] for r in wanted if ri[r] not in served], dtype=np.intp)
    capped = [prob.rural[j] for j in must if prob.rcap[j] == 0]
    if capped:
        raise Infeasible(f"must-pair villages with cap 0: {id_list(capped)}")
    return must


# --------------------------------------------------------------------------- stable


def _side_scores(prob: Problem, rural_scores: Mapping[Pair, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """Each open pair's score as the urban side and as the rural side see it."""
    wu = prob.w
    if rural_scores is None:
        return wu, wu
    if not isinstance(rural_scores, Mapping) or rural_scores.keys() != prob.scores.keys():
        raise InvalidInput("rural_scores must have exactly the same pairs as scores")
    # Read in the order of `scores` (same keys, so one lookup each and no key tuple built), then put in pair order.
    try:
        wr = np.fromiter(map(rural_scores.__getitem__, prob.scores), dtype=np.float64, count=len(prob.scores))
    except (TypeError, ValueError):
        raise InvalidInput("rural_scores must be finite numbers") from None
    if prob.src is not None:
        wr = wr[prob.src]
    if not np.all(np.isfinite(wr)):
        raise InvalidInput("rural_scores must be finite numbers")
    return wu, wr


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
) -> PairingResult:
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
    >>> p.pairs, p.objective  # u1 and r1 like each other best: stable, not optimal (4.5)
    ([('u1', 'r1', 3.0), ('u2', 'r2', 0.5)], 3.5)
    """
    if proposing not in ("rural", "urban"):
        raise InvalidInput(
            "proposing must be 'rural' or 'urban'", details=[{"field": "proposing", "value": repr(proposing)}]
        )
    prob = build_problem(
        scores, urban_cap=urban_cap, rural_cap=rural_cap, cap_overrides=cap_overrides,
        locked=locked, forbidden=forbidden, existing=existing, released=released,
    )
    wu, wr = _side_scores(prob, rural_scores)
    ok_mask = (wu > 0) & (wr > 0) & (prob.ucap > 0)[prob.ei] & (prob.rcap > 0)[prob.ej]
    ok = None if ok_mask.all() else np.flatnonzero(ok_mask)  # None: every open pair (no copies then)
    del ok_mask
    ei, ej = (prob.ei, prob.ej) if ok is None else (prob.ei[ok], prob.ej[ok])
    wu, wr = (wu, wr) if ok is None else (wu[ok], wr[ok])
    if proposing == "rural":
        chosen = _deferred_acceptance(ej, ei, wr, wu, prob.rcap, prob.ucap)
    else:
        chosen = _deferred_acceptance(ei, ej, wu, wr, prob.ucap, prob.rcap)
    edges = chosen if ok is None else ok[chosen]
    return pairing_result(prob, zip(prob.ei[edges].tolist(), prob.ej[edges].tolist()), "deferred_acceptance")


def _deferred_acceptance(
    prop: np.ndarray, recv: np.ndarray, own: np.ndarray, their: np.ndarray, pcap: np.ndarray, rcap: np.ndarray
) -> np.ndarray:
    """Many-to-many deferred acceptance over acceptable edges (proposer `prop`, receiver `recv`, scored `own` by
    the proposer and `their` by the receiver). The edges held at the end, sorted.

    Memory: the preference lists stay numpy arrays (4-byte where they fit), read through memoryviews,
    never Python lists: at 10 M edges a list of ints is ~360 MB, an int32 array 40 MB."""
    n_edges = len(prop)
    small = np.int32 if n_edges < 2**31 else np.int64
    # Sorted ids make index order id order, so the last lexsort key breaks ties by id.
    by_recv = np.lexsort((prop, -their, recv))
    counts = np.bincount(recv, minlength=len(rcap))
    rank = np.empty(n_edges, dtype=small)  # each receiver's rank of the proposer on edge e
    rank[by_recv] = np.arange(n_edges, dtype=small) - np.repeat((np.cumsum(counts) - counts).astype(small), counts)
    del by_recv
    order = np.lexsort((recv, -own, prop))  # each proposer's list, best first, contiguous
    # Position k in `order` stands for edge order[k]: proposer p's list is positions starts[p]..starts[p+1]-1.
    recv_o, rank_o = recv[order].astype(small), rank[order]
    del rank
    starts = [0, *np.cumsum(np.bincount(prop, minlength=len(pcap))).tolist()]
    recv_l, rank_l = recv_o.data, rank_o.data  # memoryviews: item k is a Python int, no list of them
    free, rcap_l = pcap.tolist(), rcap.tolist()
    nxt = starts[:-1]
    held: list[list[tuple[int, int, int]]] = [[] for _ in rcap_l]  # max-heap (-rank, k, proposer): worst on top
    queue = deque(range(len(pcap)))
    while queue:
        p = queue.popleft()
        while free[p] > 0 and nxt[p] < starts[p + 1]:
            k = nxt[p]
            nxt[p] += 1
            r = recv_l[k]
            heap = held[r]
            if len(heap) < rcap_l[r]:
                heapq.heappush(heap, (-rank_l[k], k, p))
                free[p] -= 1
            elif -heap[0][0] > rank_l[k]:
                _, _, out = heapq.heapreplace(heap, (-rank_l[k], k, p))
                free[p] -= 1
                free[out] += 1
                queue.append(out)  # the dropped proposer goes on down its list
    return np.sort(order[np.array([k for heap in held for _, k, _ in heap], dtype=np.intp)])


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

    `pairs` are (urban_id, rural_id, ...) rows, e.g. a `PairingResult.pairs`; every one must be in
    `scores`. The other arguments mean what they mean for `stable_pairing`. A candidate pair
    (u, r), not in `pairs`, acceptable (both scores > 0) and not forbidden, blocks if u wants r
    and r wants u, where a side wants the other if it has fewer partners than its cap, or
    strictly prefers the other to its worst partner that is not locked or kept.

    >>> s = {("u1", "r1"): 3.0, ("u1", "r2"): 2.0, ("u2", "r1"): 2.5, ("u2", "r2"): 0.5}
    >>> blocking_pairs([("u1", "r2"), ("u2", "r1")], s)  # the optimal pairing is not stable
    [('u1', 'r1')]
    """
    prob = build_problem(
        scores, urban_cap=urban_cap, rural_cap=rural_cap, cap_overrides=cap_overrides,
        locked=locked, forbidden=forbidden, existing=existing, released=released,
    )
    made = {(row[0], row[1]) for row in pairs}
    missing = sorted(p for p in made if p not in scores)
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
    # Whole-array steps on bool gathers; only the few candidates left are checked against `made`.
    ei, ej = prob.ei, prob.ej
    u_wants = (count_u < prob.ucap_full)[ei] | (wu > worst_u[ei])
    r_wants = (count_r < prob.rcap_full)[ej] | (wr > worst_r[ej])
    cand = np.flatnonzero(u_wants & r_wants & (wu > 0) & (wr > 0))
    del u_wants, r_wants
    code = ei[cand].astype(np.int64) * len(prob.rural) + ej[cand]
    in_made = np.isin(code, np.array([ui[u] * len(prob.rural) + ri[r] for u, r in made], dtype=np.int64))
    hit = cand[~in_made]
    return sorted((prob.urban[ei[e]], prob.rural[ej[e]]) for e in hit.tolist())


# --------------------------------------------------------------------------- what-if


def diff(before: PairingResult, after: PairingResult) -> PairingDiff:
    """What changed from `before` to `after` (two runs, or optimal vs stable on one input).

    What-if is a re-run: change caps, locks, forbids or releases, or drop an org by leaving
    its pairs out of `scores` (and releasing its existing pairs), solve again, then diff.

    >>> a = PairingResult(pairs=[("u1", "r1", 3.0)], objective=3.0, unpaired=["r2"], method="lp")
    >>> b = PairingResult(pairs=[("u1", "r2", 2.0)], objective=2.0, unpaired=["r1"], method="lp")
    >>> d = diff(a, b)
    >>> d.added, d.removed, d.objective_delta, d.villages_changed
    ([('u1', 'r2', 2.0)], [('u1', 'r1', 3.0)], -1.0, ['r1', 'r2'])
    """
    old = {(u, r): s for u, r, s in before.pairs}
    new = {(u, r): s for u, r, s in after.pairs}
    added = sorted((u, r, s) for (u, r), s in new.items() if (u, r) not in old)
    removed = sorted((u, r, s) for (u, r), s in old.items() if (u, r) not in new)
    return PairingDiff(
        added=added,
        removed=removed,
        kept=sorted((u, r, s) for (u, r), s in new.items() if (u, r) in old),
        objective_delta=after.objective - before.objective,
        villages_changed=sorted({r for _, r, _ in added} | {r for _, r, _ in removed}),
    )


# The pairing page asks "how far apart are the optimal and the stable pairing?": the same answer.
compare = diff
