"""The coverage summary: for every rule, how much of its population is covered, and where the gaps are.

A summary of communities (a street, a district, a whole city, a scoped caller's communities) is added up
from one part per community, kept in the graph as coverage counters (`counters`): a write drops the parts
of the communities it touched, and the next summary counts only those again. Every figure of a rule is a
sum over communities (each gap and each counted entity belongs to exactly one community: where a
building, household or unit is, where a member lives, else where their organisation serves), so the sum
of the parts equals counting the whole area at once. The summary of everything adds the part of the
members placed in no community (NOWHERE).

A grid's summary is counted at once each time (its parts are not kept).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from graphsvc.graph import Graph, together
from graphsvc.schemas import coverage as s
from graphsvc.schemas.coverage import GapRule
from graphsvc.scope import Scope
from graphsvc.services.coverage.area import communities_of, query_params, scoped
from graphsvc.services.coverage.counters import NOWHERE, Part, kept
from graphsvc.services.coverage.gaps import POPULATION, rule_counts

# The denominators of the rules (POPULATION's totals keys) as the totals queries name them.
PLACE_TOTALS = ("communities", "residential_buildings", "households", "vulnerable_households", "units_with_members")
MEMBER_TOTALS = ("members", "linking_members", "mobile_members", "unit_members_living_here")
NOWHERE_RULES = (GapRule.member_overloaded, GapRule.mobile_unregistered)  # what members placed nowhere can miss


def summary(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.CoverageSummary:
    """For every rule: how much of its population is covered, and which communities hold the gaps.

    Cached per caller scope, area and parameters. A coverage write computes the summaries it touched
    again before it returns, counting again only the parts of its communities (all of them at once);
    meanwhile readers get the summary from before the write (see Graph.cached's `refresh`).
    """
    key = ("coverage.summary", scope, area.model_dump_json(), params.model_dump_json())

    def compute() -> tuple[s.CoverageSummary, list[str] | None]:
        communities = communities_of(graph, scope, area)
        if area.grid_id is not None:
            return counted_at_once(graph, communities, area.grid_id, params), communities
        return compose(parts(graph, place_ids(graph, communities), params).values()), communities

    found = graph.cached(key, compute, lambda both: both[1], "coverage", refresh=True)
    return found[0]


def place_ids(graph: Graph, communities: list[str] | None) -> list[str]:
    """The parts a summary of `communities` adds up: those communities, or (None) every community and NOWHERE."""
    if communities is not None:
        return communities
    every = graph.read("coverage/filter_communities", street_id=None, community_id=None, grid_id=None)
    return [r["id"] for r in every] + [NOWHERE]


def recount(graph: Graph, communities: list[str] | None, params: s.GapParams) -> None:
    """Count again, and keep, the parts a write dropped (`communities`, None = all, and the members placed
    nowhere): after an import the next summary finds them ready instead of counting them itself."""
    ids = place_ids(graph, communities)
    parts(graph, ids if NOWHERE in ids else [*ids, NOWHERE], params)


def parts(graph: Graph, ids: list[str], params: s.GapParams) -> dict[str, Part]:
    """The part of each of `ids` (community ids, NOWHERE): as the graph keeps them, the missing ones counted
    together (and kept)."""
    return kept(graph, ids, None, params, partial(count_parts, graph, grid_id=None, params=params))


def count_parts(graph: Graph, ids: list[str], grid_id: str | None, params: s.GapParams) -> dict[str, Part]:
    """The parts of `ids` (community ids, NOWHERE), counted with one query per rule and total for all of them."""
    communities = [c for c in ids if c != NOWHERE]
    out = {NOWHERE: _nowhere(graph, params)} if NOWHERE in ids else {}
    if not communities:
        return out
    q = query_params(communities, grid_id, params)
    rules: list[GapRule] = [rule for rule in GapRule if rule is not GapRule.building_needs_branch]
    # Rule 3's buildings are those of `over` (more than the threshold live there) without a building branch.
    *found, over, places, members = together(
        *(partial(rule_counts, graph, rule, q, params, {}, nearest=False) for rule in rules),
        partial(graph.read, scoped("coverage/building_residents", communities), **q | {"min_members": params.branch_threshold + 1}),
        partial(graph.read, "coverage/totals_places_by_community", **q),
        partial(graph.read, scoped("coverage/totals_members_by_community", communities), **q),
    )
    counted: dict[GapRule, Counter[str | None]] = {rule: f[0] for rule, f in zip(rules, found, strict=True)}
    counted[GapRule.building_needs_branch] = Counter(r["community_id"] for r in over if not r["has_branch"])
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for row in places + members:
        for k in PLACE_TOTALS + MEMBER_TOTALS:
            if k in row:
                totals[row["community_id"]][k] += int(row[k] or 0)
    for row in over:
        totals[row["community_id"]]["branch_buildings"] += 1
    names = {r["community_id"]: r["name"] for r in places}
    return out | {
        c: Part(c, names.get(c), {rule: counted[rule].get(c, 0) for rule in GapRule}, dict(totals[c]))
        for c in communities
    }


def _nowhere(graph: Graph, params: s.GapParams) -> Part:
    """The part of the members placed in no community."""
    row = graph.read("coverage/counts/nowhere", cap=params.link_cap)[0]
    gaps = {rule: int(row[rule.value] or 0) if rule in NOWHERE_RULES else 0 for rule in GapRule}
    return Part(NOWHERE, None, gaps, {k: int(row[k] or 0) for k in ("members", "linking_members", "mobile_members")})


def compose(parts: Iterable[Part]) -> s.CoverageSummary:
    """The summary of the communities of `parts`, added up."""
    parts = list(parts)
    counted = {rule: Counter({p.community_id or None: p.gaps.get(rule, 0) for p in parts}) for rule in GapRule}
    totals: Counter[str] = Counter()
    for p in parts:
        totals.update(p.totals)
    return _summary(counted, totals, {p.community_id: p.name for p in parts})


def counted_at_once(
    graph: Graph, communities: list[str] | None, grid_id: str | None, params: s.GapParams
) -> s.CoverageSummary:
    """The summary of `communities` (None = all, members placed in no community included), counted at once:
    a grid's summary, and what the sum of the parts must equal."""
    # Counts, not lists: the engine counts each rule per community (a city's rows never reach Python).
    # The summary holds only counts, so it counts what a masked caller cannot list (the flagged rules).
    q = query_params(communities, grid_id, params)
    *found, places, members, over = together(
        *(partial(rule_counts, graph, rule, q, params, {}, nearest=False) for rule in GapRule),
        partial(graph.read, "coverage/totals_places", **q), partial(graph.read, "coverage/totals_members", **q),
        partial(graph.read, scoped("coverage/building_residents", communities), **q | {"min_members": params.branch_threshold + 1}),
    )
    counted = {rule: f[0] for rule, f in zip(GapRule, found, strict=True)}
    totals = places[0] | members[0]
    totals["branch_buildings"] = len(over)
    ids = sorted({c for n in counted.values() for c, k in n.items() if c and k})
    names = {r["id"]: r["name"] for r in graph.read("coverage/community_context", ids=ids)} if ids else {}
    return _summary(counted, totals, names)


def _summary(
    counted: Mapping[GapRule, Counter[Any]], totals: Mapping[str, Any], names: Mapping[str, str | None]
) -> s.CoverageSummary:
    items = []
    where: dict[str, Counter[str]] = defaultdict(Counter)
    for rule in GapRule:
        found = sum(counted[rule].values())
        population, key = POPULATION[rule]
        total = int(totals.get(key) or 0)
        ratio = round(1 - found / total, 4) if total else None
        items.append(s.RuleSummary(rule=rule, zh=rule.zh, population=population, total=total, gaps=found, ratio=ratio))
        for c, n in counted[rule].items():
            if c and n:
                where[c][rule.value] += n
    communities_out = sorted(
        (
            s.CommunityGaps(community_id=c, community_name=names.get(c), gaps=dict(n), total=sum(n.values()))
            for c, n in where.items()
        ),
        key=lambda c: (-c.total, c.community_id),
    )
    return s.CoverageSummary(items=items, count=len(items), communities=communities_out)
