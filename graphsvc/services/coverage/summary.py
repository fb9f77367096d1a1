"""The coverage summary: for every rule, how much of its population is covered, and where the gaps are.

A summary of named communities (a street, a community, a grid, a scoped caller's communities) is
added up from one part per community, each cached on its own and dropped only by a write touching
that community: after a write in one community of a street, the street's summary is the other
communities' cached parts plus that one community counted again, not the whole street counted again.
Every figure of a rule is a sum over communities (each gap and each counted entity belongs to exactly
one community: where a building, household or unit is, where a member lives, else where their
organisation serves), so the sum of the parts equals counting the whole area at once.

The summary of everything (a caller who sees every community, no area) is counted at once: it also
counts the members placed in no community, which belong to no part.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from graphsvc.graph import Graph, together
from graphsvc.schemas import coverage as s
from graphsvc.schemas.coverage import GapRule
from graphsvc.scope import Scope
from graphsvc.services.coverage.area import communities_of, query_params, scoped
from graphsvc.services.coverage.gaps import POPULATION, rule_counts

# The denominators of the rules (POPULATION's totals keys) as the totals queries name them.
PLACE_TOTALS = ("communities", "residential_buildings", "households", "vulnerable_households", "units_with_members")
MEMBER_TOTALS = ("members", "linking_members", "mobile_members", "unit_members_living_here")


@dataclass(frozen=True)
class Part:
    """One community's share of a summary: its gaps per rule and the populations of the rules there."""

    community_id: str
    name: str | None
    gaps: Mapping[GapRule, int]
    totals: Mapping[str, int]


def summary(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.CoverageSummary:
    """For every rule: how much of its population is covered, and which communities hold the gaps.

    Cached per caller scope, area and parameters. A coverage write computes the summaries it touched
    again before it returns, counting again only the parts of its communities (all of them at once);
    meanwhile readers get the summary from before the write (see Graph.cached's `refresh`).
    """
    key = ("coverage.summary", scope, area.model_dump_json(), params.model_dump_json())

    def compute() -> tuple[s.CoverageSummary, list[str] | None]:
        communities = communities_of(graph, scope, area)
        if communities is None:
            return counted_at_once(graph, None, area.grid_id, params), None
        return compose(parts(graph, communities, area.grid_id, params).values()), communities

    found = graph.cached(key, compute, lambda both: both[1], "coverage", refresh=True)
    return found[0]


def parts(graph: Graph, communities: list[str], grid_id: str | None, params: s.GapParams) -> dict[str, Part]:
    """Each community's part, cached on its own (whoever asks: a part holds counts only, and a caller
    gets the parts of the communities in its scope); the missing ones are counted together. A write drops
    the parts of its communities (the summaries it refreshes count them again, together)."""
    by_key: dict[Hashable, str] = {("coverage.summary.part", c, grid_id, params.model_dump_json()): c for c in communities}

    def compute(keys: list[Hashable]) -> dict[Hashable, Part]:
        counted = count_parts(graph, [by_key[k] for k in keys], grid_id, params)
        return {k: counted[by_key[k]] for k in keys}

    found = graph.cached_many(list(by_key), compute, lambda k: [by_key[k]], "coverage")
    return {by_key[k]: part for k, part in found.items()}


def count_parts(graph: Graph, communities: list[str], grid_id: str | None, params: s.GapParams) -> dict[str, Part]:
    """The parts of `communities`, counted with one query per rule and total for all of them."""
    q = query_params(communities, grid_id, params)
    rules: list[GapRule] = [rule for rule in GapRule if rule is not GapRule.building_needs_branch]
    # Rule 3's buildings are those of `over` (more than the threshold live there) without a building branch.
    *found, over, places, members = together(
        *(partial(rule_counts, graph, rule, q, params, {}, nearest=False) for rule in rules),
        partial(graph.read, scoped("coverage/building_residents", communities), **q | {"min_members": params.branch_threshold + 1}),
        partial(graph.read, "coverage/totals_places_by_community", **q),
        partial(graph.read, "coverage/totals_members_by_community", **q),
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
    return {
        c: Part(c, names.get(c), {rule: counted[rule].get(c, 0) for rule in GapRule}, dict(totals[c]))
        for c in communities
    }


def compose(parts: Iterable[Part]) -> s.CoverageSummary:
    """The summary of the communities of `parts`, added up."""
    parts = list(parts)
    counted = {rule: Counter({p.community_id: p.gaps.get(rule, 0) for p in parts}) for rule in GapRule}
    totals: Counter[str] = Counter()
    for p in parts:
        totals.update(p.totals)
    return _summary(counted, totals, {p.community_id: p.name for p in parts})


def counted_at_once(
    graph: Graph, communities: list[str] | None, grid_id: str | None, params: s.GapParams
) -> s.CoverageSummary:
    """The summary of `communities` (None = all, members placed in no community included), counted at once."""
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
