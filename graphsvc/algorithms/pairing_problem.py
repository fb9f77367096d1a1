"""The problem both pairing solvers share: scores, caps, locked / forbidden / existing / released pairs,
checked and indexed once (`build_problem`), and a solver's choice turned into a `PairingResult` (`pairing_result`).

Pure functions over plain data; no database, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np

from graphsvc.algorithms.common import MAX_DETAILS as _MAX_DETAILS
from graphsvc.algorithms.common import is_count
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.algorithms.pairing import Pair, PairingResult
from graphsvc.errors import Infeasible, InvalidInput

__all__ = ["Problem", "build_problem", "id_list", "pairing_result"]


def id_list(ids: Sequence[str], limit: int = 10) -> str:
    """The first `limit` ids for a message, and how many more.

    >>> id_list(["a", "b", "c"], limit=2)
    'a, b and 1 more'
    """
    shown = ", ".join(ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


@dataclass
class Problem:
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
    # Position in `scores` (the mapping's order) of each open pair; None when that is the identity, as for
    # `pair_scores` over sides sorted by id with nothing closed. Lets a second mapping over the same pairs be
    # read in one pass, without a (urban, rural) tuple built per pair.
    src: np.ndarray | None = None


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
    if not is_count(cap):
        details.append({"field": name, "value": repr(cap), "problem": "not an integer >= 0"})
        return np.zeros(len(ids), dtype=np.int64)
    caps = np.full(len(ids), int(cap), dtype=np.int64)
    for i, ident in enumerate(ids):
        if ident in overrides:
            value = overrides[ident]
            if is_count(value):
                caps[i] = int(value)
            else:
                details.append(
                    {"id": ident, "field": "cap_overrides", "value": repr(value), "problem": "not an integer >= 0"}
                )
    return caps


def build_problem(
    scores: Mapping[Pair, float],
    *,
    urban_cap: int,
    rural_cap: int,
    cap_overrides: Mapping[str, int] | None,
    locked: Iterable[Pair],
    forbidden: Iterable[Pair],
    existing: Iterable[Pair],
    released: Iterable[Pair],
) -> Problem:
    """Check the preconditions shared by every solver and index the instance."""
    urban, rural = _score_ids(scores)
    details: list[dict[str, Any]] = [
        {"id": ident, "field": "scores", "problem": "id is on both the urban and the rural side"}
        for ident in sorted(set(urban) & set(rural))
    ]
    w = _score_values(scores, details)
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

    fixed_pairs = _fixed_pairs(lock, ban, have, free)
    ui = {u: i for i, u in enumerate(urban)}
    ri = {r: i for i, r in enumerate(rural)}
    fixed = [(ui[u], ri[r], float(scores[(u, r)])) for u, r in fixed_pairs]
    used_u = np.bincount(np.array([f[0] for f in fixed], dtype=np.intp), minlength=len(urban))
    used_r = np.bincount(np.array([f[1] for f in fixed], dtype=np.intp), minlength=len(rural))
    _check_fixed_fit(fixed_pairs, ((urban, used_u, ucap), (rural, used_r, rcap)))

    # Indexed straight from the mapping: no per-pair Python list (10 M pairs: 80 MB each).
    ei = np.fromiter(map(ui.__getitem__, map(itemgetter(0), scores)), dtype=np.intp, count=len(scores))
    ej = np.fromiter(map(ri.__getitem__, map(itemgetter(1), scores)), dtype=np.intp, count=len(scores))
    # Solvers see pairs in id order, whatever order the mapping was built in: same input, same answer.
    code = ei.astype(np.int64) * len(rural) + ej
    closed = np.array(
        [ui[u] * len(rural) + ri[r] for u, r in (ban | set(fixed_pairs)) if u in ui and r in ri], dtype=np.int64
    )
    src = _open_in_id_order(code, closed)
    del code
    if src is not None:
        ei, ej, w = ei[src], ej[src], w[src]
    return Problem(urban, rural, ei, ej, w, fixed, ucap - used_u, rcap - used_r, ucap, rcap, scores, src)


def _open_in_id_order(code: np.ndarray, closed: np.ndarray) -> np.ndarray | None:
    """Positions of the pairs not `closed`, sorted by `code` (unique); None when that is every position in order."""
    src: np.ndarray | None = None
    if len(code) > 1 and not bool(np.all(code[1:] > code[:-1])):  # not already in id order
        src = np.argsort(code, kind="stable")
    if len(closed):
        keep = ~np.isin(code if src is None else code[src], closed)
        src = np.flatnonzero(keep) if src is None else src[keep]
    return src


def _score_ids(scores: Mapping[Pair, float]) -> tuple[list[str], list[str]]:
    """Each side's ids, sorted."""
    if not isinstance(scores, Mapping):
        raise InvalidInput("scores must be a mapping (urban_id, rural_id) -> float")
    # Whole-collection checks in C: a million candidate pairs must not cost a Python loop each.
    if scores and (set(map(type, scores)) != {tuple} or set(map(len, scores)) != {2}):
        bad = [repr(k) for k in scores if not (isinstance(k, tuple) and len(k) == 2)]
        _raise("scores keys must be (urban_id, rural_id) tuples", [{"field": "scores", "value": k} for k in bad])
    urban, rural = sorted(set(map(itemgetter(0), scores))), sorted(set(map(itemgetter(1), scores)))
    details = [
        {"field": "scores", "value": repr(ident), "problem": "ids must be strings"}
        for ident in [*urban, *rural]
        if not isinstance(ident, str)
    ]
    _raise("invalid scores", details)
    return urban, rural


def _score_values(scores: Mapping[Pair, float], details: list[dict[str, Any]]) -> np.ndarray:
    """The scores in the mapping's order; a value that is not a finite number is NaN, and named in `details`."""
    try:
        w = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    except (TypeError, ValueError):
        w = np.array([float(v) if _is_number(v) else np.nan for v in scores.values()])
    if not np.isfinite(w).all():
        for k, v in scores.items():
            if not _is_number(v):
                details.append({"pair": list(k), "field": "scores", "value": repr(v), "problem": "not a finite number"})
    return w


def _fixed_pairs(lock: set[Pair], ban: set[Pair], have: set[Pair], free: set[Pair]) -> list[Pair]:
    """The pairs made whatever happens, sorted: the locked ones and the existing ones kept."""
    clash = sorted(lock & ban)
    if clash:
        raise Infeasible(
            f"pairs both locked and forbidden: {id_list([f'{u}–{r}' for u, r in clash])}",
            details=[{"pair": list(p), "problem": "locked and forbidden"} for p in clash[:_MAX_DETAILS]],
        )
    # Forbidding an existing pair is read as releasing it: a planner who bans a pair wants it gone.
    return sorted(lock | (have - free - ban))


def _check_fixed_fit(
    fixed_pairs: list[Pair], sides: Iterable[tuple[list[str], np.ndarray, np.ndarray]]
) -> None:
    """Refuse when an organisation has more fixed pairs than its cap; `sides`: (ids, fixed pairs of each, caps)."""
    over: list[dict[str, Any]] = []
    for ids, used, caps in sides:
        for i in np.flatnonzero(used > caps):
            ident = ids[i]
            pairs = [f"{u}–{r}" for u, r in fixed_pairs if ident in (u, r)]
            over.append({"id": ident, "cap": int(caps[i]), "fixed": pairs, "problem": "more fixed pairs than cap"})
    if over:
        first = over[0]
        raise Infeasible(
            f"{first['id']} has cap {first['cap']} but {len(first['fixed'])} locked/kept pairs "
            f"({id_list(first['fixed'])}); raise its cap or release/unlock some"
            + (f" (and {len(over) - 1} more orgs over cap)" if len(over) > 1 else ""),
            details=over[:_MAX_DETAILS],
        )


def pairing_result(prob: Problem, chosen: Iterable[tuple[int, int]], method: str) -> PairingResult:
    pairs = sorted(
        [(prob.urban[i], prob.rural[j], s) for i, j, s in prob.fixed]
        + [(prob.urban[i], prob.rural[j], float(prob.scores[(prob.urban[i], prob.rural[j])])) for i, j in chosen]
    )
    paired = {r for _, r, _ in pairs}
    return PairingResult(
        pairs=pairs,
        objective=math.fsum(s for _, _, s in pairs),
        unpaired=[r for r in prob.rural if r not in paired],
        method=method,
    )
