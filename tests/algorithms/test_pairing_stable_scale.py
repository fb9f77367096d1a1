"""Stable pairing's lean path (arrays in place of per-pair Python lists) gives exactly the answers of the
straightforward one, which is kept here as the reference: same pairs, same tie-breaking, same blocking pairs."""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from graphsvc.algorithms.pairing import Pair
from graphsvc.algorithms.pairing_problem import build_problem, pairing_result
from graphsvc.algorithms.pairing_solvers import blocking_pairs, stable_pairing


def _reference_side_scores(prob: Any, rural_scores: Mapping[Pair, float] | None) -> tuple[np.ndarray, np.ndarray]:
    if rural_scores is None:
        return prob.w, prob.w
    wr = [rural_scores[(prob.urban[i], prob.rural[j])] for i, j in zip(prob.ei.tolist(), prob.ej.tolist())]
    return prob.w, np.array(wr, dtype=np.float64)


def _reference_stable(scores: Mapping[Pair, float], *, rural_scores: Any = None, proposing: str = "rural",
                      **kw: Any) -> list[tuple[str, str, float]]:
    """The deferred acceptance as first written: every list built up front as Python lists."""
    prob = build_problem(scores, **kw)
    wu, wr = _reference_side_scores(prob, rural_scores)
    ok = np.flatnonzero((wu > 0) & (wr > 0) & (prob.ucap[prob.ei] > 0) & (prob.rcap[prob.ej] > 0))
    if proposing == "rural":
        prop, recv, own, their, pcap, rcap = prob.ej[ok], prob.ei[ok], wr[ok], wu[ok], prob.rcap, prob.ucap
    else:
        prop, recv, own, their, pcap, rcap = prob.ei[ok], prob.ej[ok], wu[ok], wr[ok], prob.ucap, prob.rcap
    order = np.lexsort((recv, -own, prop))
    by_recv = np.lexsort((prop, -their, recv))
    rank = np.empty(len(prop), dtype=np.intp)
    rank[by_recv] = np.arange(len(prop)) - np.searchsorted(recv[by_recv], recv[by_recv], side="left")
    starts = np.searchsorted(prop[order], np.arange(len(pcap) + 1), side="left").tolist()
    order_l, prop_l, recv_l, rank_l = order.tolist(), prop.tolist(), recv.tolist(), rank.tolist()
    free, rcap_l = pcap.tolist(), rcap.tolist()
    nxt = starts[:-1]
    held: list[list[tuple[int, int]]] = [[] for _ in rcap_l]
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
                queue.append(prop_l[out])
    chosen = sorted(ok[e] for h in held for _, e in h)
    return pairing_result(prob, [(int(prob.ei[e]), int(prob.ej[e])) for e in chosen], "deferred_acceptance").pairs


def _reference_blocking(pairs: list[Any], scores: Mapping[Pair, float], *, rural_scores: Any = None,
                        **kw: Any) -> list[Pair]:
    prob = build_problem(scores, **kw)
    made = {(row[0], row[1]) for row in pairs}
    wu, wr = _reference_side_scores(prob, rural_scores)
    ui = {u: i for i, u in enumerate(prob.urban)}
    ri = {r: j for j, r in enumerate(prob.rural)}
    fixed = {(i, j) for i, j, _ in prob.fixed}
    count_u, count_r = np.zeros(len(prob.urban), dtype=np.int64), np.zeros(len(prob.rural), dtype=np.int64)
    worst_u, worst_r = np.full(len(prob.urban), np.inf), np.full(len(prob.rural), np.inf)
    by_side = rural_scores if rural_scores is not None else scores
    for u, r in made:
        i, j = ui[u], ri[r]
        count_u[i] += 1
        count_r[j] += 1
        if (i, j) not in fixed:
            worst_u[i] = min(worst_u[i], scores[(u, r)])
            worst_r[j] = min(worst_r[j], by_side[(u, r)])
    ei, ej = prob.ei, prob.ej
    u_wants = (count_u[ei] < prob.ucap_full[ei]) | (wu > worst_u[ei])
    r_wants = (count_r[ej] < prob.rcap_full[ej]) | (wr > worst_r[ej])
    code = ei.astype(np.int64) * len(prob.rural) + ej
    in_made = np.isin(code, np.array([ui[u] * len(prob.rural) + ri[r] for u, r in made], dtype=np.int64))
    hit = np.flatnonzero(u_wants & r_wants & (wu > 0) & (wr > 0) & ~in_made)
    return sorted((prob.urban[ei[e]], prob.rural[ej[e]]) for e in hit.tolist())


def _instance(seed: int, n: int = 60, m: int = 150) -> tuple[dict[Pair, float], dict[Pair, float], dict[str, Any]]:
    """Scores on a coarse grid (many ties, some <= 0), pairs in shuffled order, caps, locks, forbids, existing."""
    rng = random.Random(seed)
    us, rs = [f"u{i:03d}" for i in range(n)], [f"r{j:03d}" for j in range(m)]
    keys = [(u, r) for u in us for r in rs if rng.random() < 0.8]
    rng.shuffle(keys)  # the mapping's order must not matter
    scores = {p: rng.choice([-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5]) for p in keys}
    rural = {p: rng.choice([-1.0, 1.0, 2.0, 3.0]) for p in keys}
    picks = rng.sample(sorted(scores), 12)
    kw: dict[str, Any] = {
        "urban_cap": 3, "rural_cap": 1, "cap_overrides": {us[0]: 0, us[1]: 5, rs[0]: 2},
        "locked": picks[:2], "forbidden": picks[2:6], "existing": picks[6:10], "released": picks[6:7],
    }
    return scores, rural, kw


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("proposing", ["rural", "urban"])
@pytest.mark.parametrize("two_sided", [False, True])
def test_stable_pairing_equals_reference_on_random_instance_with_ties(seed: int, proposing: str, two_sided: bool) -> None:
    scores, rural, kw = _instance(seed)
    rscores = rural if two_sided else None
    try:
        want = _reference_stable(scores, rural_scores=rscores, proposing=proposing, **kw)
    except Exception as exc:  # an infeasible draw must be refused the same way
        with pytest.raises(type(exc)):
            stable_pairing(scores, rural_scores=rscores, proposing=proposing, **kw)  # type: ignore[arg-type]
        return
    got = stable_pairing(scores, rural_scores=rscores, proposing=proposing, **kw)  # type: ignore[arg-type]
    assert got.pairs == want
    assert len(want) > 50  # the instance is not trivial
    assert blocking_pairs(got.pairs, scores, rural_scores=rscores, **kw) == []
    # An unstable pairing: every other pair dropped, three others added; both checkers name the same pairs.
    other = list(want[::2]) + list(scores)[:3]
    expected = _reference_blocking(other, scores, rural_scores=rscores, **kw)
    assert expected  # dropping half the pairs leaves some blocking
    assert blocking_pairs(other, scores, rural_scores=rscores, **kw) == expected
