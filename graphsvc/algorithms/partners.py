"""Community branches ↔ unit Party organisations (共驻共建): `suggest_partners` (optimal many-to-many
pairing with caps, HiGHS MILP) over the scores of `graphsvc.algorithms.partner_scores` (`partner_score`
for one pair, `partner_scores` for a whole city), which are re-exported here.

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

from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import problem
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.algorithms.matching import check_option
from graphsvc.algorithms.partner_scores import PartnerScores, partner_score, partner_scores
from graphsvc.errors import InvalidInput

__all__ = [
    "PartnerChoice", "PartnerPlan", "PartnerScores", "partner_score", "partner_scores", "suggest_partners",
    "suggest_partners_indexed",
]


@dataclass(slots=True)
class PartnerChoice:
    """A pairing in the suggestion: kept (`existing`) or new; `score`/`parts` come from the scores given.

    `index` is the pair's position among the scored pairs (in `scores`' order, or its row in
    `suggest_partners_indexed`'s `pairs`); None for a current pairing that was not scored.
    """

    community_id: str
    unit_id: str
    existing: bool
    score: float | None
    parts: dict[str, Any]
    index: int | None = None


@dataclass(slots=True)
class PartnerPlan:
    """The result of `suggest_partners`; `shortfall` maps a community to partners missing under `community_min`."""

    pairs: list[PartnerChoice]
    shortfall: dict[str, int]
    objective: float


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
    c_at, u_at = {c: i for i, c in enumerate(communities)}, {u: j for j, u in enumerate(units)}
    pairs = np.array([(c_at[c], u_at[u]) for c, u in score_of], dtype=np.intp).reshape(-1, 2)
    values = np.array([score for score, _ in score_of.values()], dtype=float)
    current = {(c_at[c], u_at[u]) for c, u in existing_pairs}
    plan = _plan(list(communities), list(units), pairs, values, current, unit_cap, community_min, community_max)
    parts = [p for _, p in score_of.values()]
    for choice in plan.pairs:
        given = None if choice.index is None else parts[choice.index]
        if given is not None:
            choice.parts = given
    return plan


def suggest_partners_indexed(
    communities: Sequence[str],
    units: Sequence[str],
    pairs: Any,
    scores: Any,
    *,
    unit_cap: int = 2,
    community_min: int = 1,
    community_max: int | None = None,
    existing: Iterable[tuple[int, int]] = (),
) -> PartnerPlan:
    """`suggest_partners` with the candidate pairs as rows (community index, unit index) of `pairs`
    (an (n, 2) array, as `partner_scores` takes) and their scores in the array `scores`; `existing`
    holds index pairs too. The same answer as `suggest_partners` with the same pairs and scores, without a
    Python object per pair (the city-scale path). Each choice's `index` is its row; `parts` are left empty.

    >>> s = suggest_partners_indexed(["c1", "c2"], ["u1", "u2"], [(0, 0), (1, 0), (1, 1)], [0.9, 0.8, 0.3],
    ...                              unit_cap=1, community_min=1)
    >>> [(p.community_id, p.unit_id, p.index) for p in s.pairs]
    [('c1', 'u1', 0), ('c2', 'u2', 2)]
    """
    _check_partner_options(unit_cap, community_min, community_max)
    idx, values, current = _indexed_input(communities, units, pairs, scores, existing)
    return _plan(list(communities), list(units), idx, values, current, unit_cap, community_min, community_max)


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


def _indexed_input(
    communities: Sequence[str], units: Sequence[str], pairs: Any, scores: Any, existing: Iterable[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, set[tuple[int, int]]]:
    """`_partner_input` for `suggest_partners_indexed`: pairs as an index array, scores as a float array."""
    details: list[dict[str, Any]] = []
    for table, ids in (("communities", communities), ("units", units)):
        for ident, count in sorted(Counter(ids).items()):
            if count > 1:
                details.append(problem(table, ident, "id", "duplicate id"))
    idx = np.asarray(pairs, dtype=np.intp).reshape(-1, 2)
    values = np.asarray(scores, dtype=float).reshape(-1)
    n_c, n_u = len(communities), len(units)
    if len(values) != len(idx):
        details.append({"field": "scores", "problem": f"{len(values)} scores for {len(idx)} pairs"})
    elif len(idx) and (idx.min() < 0 or idx[:, 0].max() >= n_c or idx[:, 1].max() >= n_u):
        details.append({"field": "pairs", "problem": "expected (community index, unit index)"})
    elif len(idx) and (np.diff(np.sort(idx[:, 0] * n_u + idx[:, 1])) == 0).any():
        details.append({"field": "pairs", "problem": "a pair is listed twice"})
    elif not np.isfinite(values).all():
        details.append({"field": "scores", "problem": "not a finite number"})
    current: set[tuple[int, int]] = set()
    for pair in existing:
        if len(pair) != 2 or not (0 <= pair[0] < n_c and 0 <= pair[1] < n_u):
            details.append({"field": "existing", "id": repr(pair), "problem": "expected (community index, unit index)"})
        else:
            current.add((int(pair[0]), int(pair[1])))
    _raise("invalid partner input", details)
    return idx, values, current


def _plan(
    communities: list[str],
    units: list[str],
    idx: np.ndarray,
    values: np.ndarray,
    current: set[tuple[int, int]],
    unit_cap: int,
    community_min: int,
    community_max: int | None,
) -> PartnerPlan:
    """The plan over checked input: ids unique, `idx` rows distinct and in range, `current` as index pairs."""
    cs, us = sorted(communities), sorted(units)
    c_rank = _ranks(communities, cs)
    u_rank = _ranks(units, us)
    cr, ur = c_rank[idx[:, 0]], u_rank[idx[:, 1]]
    cur = np.array(sorted(current), dtype=np.intp).reshape(-1, 2)
    cur_keys = np.sort(c_rank[cur[:, 0]] * len(us) + u_rank[cur[:, 1]])
    keys = cr * len(us) + ur
    scored_current = _member(keys, cur_keys)
    have_c = np.bincount(c_rank[cur[:, 0]], minlength=len(cs)).tolist()
    have_u = np.bincount(u_rank[cur[:, 1]], minlength=len(us)).tolist()
    new = np.flatnonzero(~scored_current)
    cand = new[np.lexsort((ur[new], cr[new]))]  # by (community id, unit id): the answer ignores input order
    short_rows = [k for k in range(len(cs)) if community_min > have_c[k]]  # communities that may fall short
    chosen = np.zeros(0, dtype=np.intp)
    slack = [community_min - have_c[k] for k in short_rows]
    if len(cand):
        penalty = 1.0 + float(np.abs(values[cand]).sum())  # more than any total score
        # A pair worth less than nothing is chosen only to bring a community up to `community_min`: for
        # any other community it is in no optimal answer, so it is left out of the MILP (most pairs, city-wide).
        may_short = np.zeros(len(cs), dtype=bool)
        may_short[short_rows] = True
        cand = cand[(values[cand] >= 0) | may_short[cr[cand]]]
        room_u = [max(0, unit_cap - h) for h in have_u]
        need_c = [max(0, community_min - h) for h in have_c]
        room_c = None if community_max is None else [max(0, community_max - h) for h in have_c]
        picked, slack = _solve_partners(len(cs), len(us), cr[cand], ur[cand], values[cand], penalty, short_rows,
                                        slack, room_u, need_c, room_c)
        chosen = cand[picked]
    row_of_current = {(int(k) // len(us), int(k) % len(us)): int(r)
                      for r, k in zip(np.flatnonzero(scored_current).tolist(), keys[scored_current].tolist())}
    rows: list[tuple[int, int, bool, int | None]] = [(int(cr[k]), int(ur[k]), False, k) for k in chosen.tolist()]
    rows += [(int(c_rank[i]), int(u_rank[j]), True, None) for i, j in current]
    pairs = [
        PartnerChoice(cs[c], us[u], existing=was, score=None if k is None else float(values[k]), parts={}, index=k)
        for c, u, was, k in sorted((c, u, was, row_of_current.get((c, u)) if was else k) for c, u, was, k in rows)
    ]
    return PartnerPlan(
        pairs=pairs,
        shortfall={cs[k]: v for k, v in zip(short_rows, slack) if v > 0},
        objective=math.fsum(values[chosen].tolist()),
    )


def _ranks(ids: list[str], in_order: list[str]) -> np.ndarray:
    """Each id's position in `in_order`."""
    rank = {ident: k for k, ident in enumerate(in_order)}
    return np.array([rank[ident] for ident in ids], dtype=np.intp)


def _member(keys: np.ndarray, sorted_among: np.ndarray) -> np.ndarray:
    """Whether each of `keys` is in the sorted array `sorted_among`."""
    if not len(sorted_among):
        return np.zeros(len(keys), dtype=bool)
    found = np.searchsorted(sorted_among, keys)
    return np.asarray(sorted_among[np.minimum(found, len(sorted_among) - 1)] == keys)


def _solve_partners(
    n_c: int,
    n_u: int,
    rows_c: np.ndarray,
    rows_u: np.ndarray,
    weights: np.ndarray,
    penalty: float,
    short_rows: list[int],
    shortfall: list[int],
    room_u: list[int],
    need_c: list[int],
    room_c: list[int] | None,
) -> tuple[np.ndarray, list[int]]:
    """The MILP: one 0/1 column per candidate pair (community row, unit row), one slack column per community
    that may fall short (`short_rows`, each bounded by its `shortfall`, costing `penalty`).

    `room_u`, `need_c`, `room_c`: what each unit may still take, each community still needs and may still take
    (None: no limit). Returns the chosen candidates' positions and each short community's shortfall.
    """
    n_x, n_s = len(rows_c), len(short_rows)
    c_obj = np.concatenate([-weights, np.full(n_s, penalty)])
    x_cols = np.arange(n_x)
    unit_a = scipy.sparse.csr_array((np.ones(n_x), (rows_u, x_cols)), shape=(n_u, n_x + n_s))
    constraints = [LinearConstraint(unit_a, -np.inf, np.array(room_u, dtype=float))]
    comm_x = scipy.sparse.csr_array((np.ones(n_x), (rows_c, x_cols)), shape=(n_c, n_x + n_s))
    if n_s:
        s_rows = np.array(short_rows)
        slack = scipy.sparse.csr_array((np.ones(n_s), (s_rows, n_x + np.arange(n_s))), shape=(n_c, n_x + n_s))
        constraints.append(LinearConstraint(comm_x + slack, np.array(need_c, dtype=float), np.inf))
    if room_c is not None:
        constraints.append(LinearConstraint(comm_x, -np.inf, np.array(room_c, dtype=float)))
    upper = np.concatenate([np.ones(n_x), np.array(shortfall, dtype=float)])
    res = milp(c_obj, constraints=constraints, integrality=np.ones(n_x + n_s), bounds=Bounds(0, upper))
    if res.x is None:  # slack keeps every instance feasible, so this is a solver failure
        raise RuntimeError(f"HiGHS failed on the partner MILP: {res.message}")
    x = np.rint(res.x)
    return np.flatnonzero(x[:n_x] > 0), [int(v) for v in x[n_x:]]
