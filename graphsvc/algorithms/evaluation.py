"""How co-construction went: `evaluate_pairings` (十佳共建对子 ranking per year, warn/fail flags),
`org_ratings`, and the summaries (`idle_resources`, `communities_without_partner`, `overloaded_units`,
`lacking_basics_needs`).

Pure functions over the inputs of `graphsvc.algorithms.matching`; no database, no I/O.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from graphsvc.algorithms.common import check_unique, is_int, problem
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.algorithms.matching import LACK_NEED_KIND, Need, Project, check_option
from graphsvc.errors import InvalidInput

__all__ = [
    "PairingEvaluation",
    "communities_without_partner",
    "evaluate_pairings",
    "idle_resources",
    "lacking_basics_needs",
    "org_ratings",
    "overloaded_units",
]


@dataclass(slots=True)
class PairingEvaluation:
    """One pairing in one year. `rank` orders the year's rated pairings; `top` marks the 十佳 list."""

    year: int
    org_ids: tuple[str, ...]
    projects: int
    mean_outcome: float | None
    mean_satisfaction: float | None
    score: float | None  # the ranking key: mean of the two means (either alone if the other is missing)
    status: Literal["ok", "warn", "fail", "unrated"]
    rank: int | None
    top: bool




# --------------------------------------------------------------------------- evaluation


def _check_projects(projects: Sequence[Project]) -> None:
    details: list[dict[str, Any]] = []
    for p in projects:
        if len(set(p.org_ids)) < 2 or len(set(p.org_ids)) != len(p.org_ids):
            details.append(problem("projects", p.id, "org_ids", "a pairing needs two or more distinct org ids"))
        if not is_int(p.year):
            details.append(problem("projects", p.id, "year", "not an integer"))
        for name in ("outcome", "satisfaction"):
            v = getattr(p, name)
            if v is not None and not (_is_number(v) and 0 <= v <= 100):
                details.append(problem("projects", p.id, name, "not a number in 0..100"))
    check_unique("projects", (x.id for x in projects), details)
    _raise("invalid projects", details)


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def evaluate_pairings(
    projects: Sequence[Project],
    *,
    warn_below: float = 70.0,
    fail_below: float = 60.0,
    top: int = 10,
) -> list[PairingEvaluation]:
    """Evaluate each pairing per year from its projects: the 十佳共建对子 ranking and warn/fail flags.

    A pairing is the set of a project's `org_ids`. Per (year, pairing): the project count, the
    mean outcome and mean satisfaction over assessed projects, and a status from the mean
    satisfaction — under `fail_below` (60, the seeds' cadre-removal line) 'fail', under
    `warn_below` (70, the warning line) 'warn', else 'ok'; 'unrated' if no project has one.
    Pairings with any assessed figure are ranked within their year by `score`, the mean of their
    outcome and satisfaction means (higher first; then more projects; then org ids); the others
    get rank None. `top` marks the first `top`
    pairings with status 'ok' — a warned pairing is not one of the 十佳. Sorted by year, then
    rank (unrated last), then org ids.

    >>> ps = [Project(id="p1", org_ids=["a", "b"], year=2025, outcome=90, satisfaction=95),
    ...       Project(id="p2", org_ids=["b", "a"], year=2025, outcome=70, satisfaction=85),
    ...       Project(id="p3", org_ids=["a", "c"], year=2025, outcome=80, satisfaction=65)]
    >>> [(e.org_ids, e.mean_satisfaction, e.status, e.rank, e.top) for e in evaluate_pairings(ps)]
    [(('a', 'b'), 90.0, 'ok', 1, True), (('a', 'c'), 65.0, 'warn', 2, False)]
    """
    _check_projects(projects)
    check_option("warn_below", warn_below)
    check_option("fail_below", fail_below)
    check_option("top", top, integer=True)
    if fail_below > warn_below:
        raise InvalidInput(
            "fail_below must be <= warn_below", details=[{"field": "fail_below", "value": repr(fail_below)}]
        )

    groups: dict[tuple[int, tuple[str, ...]], list[Project]] = defaultdict(list)
    for p in projects:
        groups[(p.year, tuple(sorted(p.org_ids)))].append(p)
    by_year: dict[int, list[PairingEvaluation]] = defaultdict(list)
    for (year, orgs), group in groups.items():
        by_year[year].append(_evaluate(year, orgs, group, warn_below=warn_below, fail_below=fail_below))
    return [e for year in sorted(by_year) for e in _ranked(by_year[year], top)]


def _evaluate(
    year: int, orgs: tuple[str, ...], group: list[Project], *, warn_below: float, fail_below: float
) -> PairingEvaluation:
    """One pairing's year, unranked."""
    outcome = _mean([p.outcome for p in group if p.outcome is not None])
    satisfaction = _mean([p.satisfaction for p in group if p.satisfaction is not None])
    status: Literal["ok", "warn", "fail", "unrated"]
    if satisfaction is None:
        status = "unrated"
    elif satisfaction < fail_below:
        status = "fail"
    elif satisfaction < warn_below:
        status = "warn"
    else:
        status = "ok"
    score = _mean([m for m in (outcome, satisfaction) if m is not None])
    return PairingEvaluation(year, orgs, len(group), outcome, satisfaction, score, status, rank=None, top=False)


def _ranked(evals: list[PairingEvaluation], top: int) -> list[PairingEvaluation]:
    """One year's evaluations ranked (in place) and sorted: the rated by rank, then the unrated by org ids."""
    rated = sorted(
        (e for e in evals if e.score is not None), key=lambda e: (-(e.score or 0.0), -e.projects, e.org_ids)
    )
    picked = 0
    for rank, e in enumerate(rated, start=1):
        e.rank = rank
        if e.status == "ok" and picked < top:
            e.top, picked = True, picked + 1
    return rated + sorted((e for e in evals if e.rank is None), key=lambda e: e.org_ids)


def org_ratings(projects: Sequence[Project]) -> dict[str, float]:
    """Mean satisfaction of each org's assessed projects (for `Resource.owner_rating`, `UnitProfile.rating`).

    >>> org_ratings([Project(id="p1", org_ids=["a", "b"], year=2025, satisfaction=80),
    ...              Project(id="p2", org_ids=["a", "c"], year=2025, satisfaction=60)])
    {'a': 70.0, 'b': 80.0, 'c': 60.0}
    """
    _check_projects(projects)
    scores: dict[str, list[float]] = defaultdict(list)
    for p in projects:
        if p.satisfaction is not None:
            for org in set(p.org_ids):
                scores[org].append(p.satisfaction)
    return {org: math.fsum(v) / len(v) for org, v in sorted(scores.items())}


# --------------------------------------------------------------------------- summaries


def idle_resources(resource_ids: Iterable[str], shared_resource_ids: Iterable[str]) -> list[str]:
    """Resources offered but never SHARED_WITH any community, sorted.

    >>> idle_resources(["r1", "r2", "r3"], ["r2"])
    ['r1', 'r3']
    """
    return sorted(set(resource_ids) - set(shared_resource_ids))


def communities_without_partner(needs: Iterable[Need], partnered: Iterable[str]) -> list[dict[str, Any]]:
    """Communities with open needs (quantity > 0) and no pairing: `partnered` are community ids with one.

    >>> n = Need(id="n1", community_id="c1", kind="office", quantity=1, urgency=5, lat=39.0, lon=121.0)
    >>> communities_without_partner([n], partnered=["c2"])
    [{'community_id': 'c1', 'open_needs': 1, 'kinds': ['office']}]
    """
    have = set(partnered)
    open_by_c: dict[str, list[str]] = defaultdict(list)
    for n in needs:
        if n.quantity > 0 and n.community_id not in have:
            open_by_c[n.community_id].append(n.kind)
    return [
        {"community_id": c, "open_needs": len(kinds), "kinds": sorted(set(kinds))}
        for c, kinds in sorted(open_by_c.items())
    ]


def overloaded_units(pairs: Iterable[tuple[str, str]], *, cap: int) -> list[dict[str, Any]]:
    """Units in more than `cap` (community_id, unit_id) pairings, most loaded first.

    >>> overloaded_units([("c1", "u1"), ("c2", "u1"), ("c1", "u2")], cap=1)
    [{'unit_id': 'u1', 'pairings': 2, 'over_by': 1}]
    """
    check_option("cap", cap, integer=True)
    count = Counter(u for _, u in set(pairs))
    return [
        {"unit_id": u, "pairings": k, "over_by": k - cap}
        for u, k in sorted(count.items(), key=lambda t: (-t[1], t[0]))
        if k > cap
    ]


def lacking_basics_needs(communities: Iterable[Mapping[str, Any]], *, urgency: int = 5) -> list[Need]:
    """Turn rule 10's gaps (三无居委) into needs: one per missing office/funds/land, in `LACK_NEED_KIND`.

    Takes community rows (id, lat, lon, has_office, has_funds, has_land); need ids are
    "<community id>:<field>".

    >>> [(n.id, n.kind) for n in lacking_basics_needs(
    ...     [{"id": "c-by", "lat": 39.09, "lon": 121.77, "has_office": False, "has_funds": True, "has_land": False}])]
    [('c-by:has_office', 'office'), ('c-by:has_land', 'venue')]
    """
    if not (is_int(urgency) and 1 <= urgency <= 5):
        raise InvalidInput("urgency must be an integer in 1..5", details=[{"field": "urgency", "value": repr(urgency)}])
    return [
        Need(
            id=f"{c['id']}:{flag}",
            community_id=c["id"],
            kind=kind,
            quantity=1,
            urgency=urgency,
            lat=c["lat"],
            lon=c["lon"],
        )
        for c in sorted(communities, key=lambda c: c["id"])
        for flag, kind in LACK_NEED_KIND.items()
        if not c[flag]
    ]
