"""Gap answers shaped for a district or a city: per rule, counts by street and community and one page.

Counts are the coverage counters the graph keeps per community (`counters`, what the summary adds up); a
grid's, or with distances given, come from set-based named queries (`cypher/coverage/counts/`) that
return one row per community, so a city's 340k unlinked households are never shipped to Python to count.
A page reads the rule's own rows only for the communities it shows (those with the most gaps
first), so the rows a page needs are fetched from the communities it names, not from the city.
The full list stays `gaps()` (the API's /coverage/gaps, `graphsvc gaps`, exports).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any

from graphsvc.graph import Graph, together
from graphsvc.schemas import coverage as s
from graphsvc.schemas.coverage import GapRule
from graphsvc.scope import Scope
from graphsvc.services.coverage.area import communities_of, distance_table, query_params
from graphsvc.services.coverage.gaps import FLAG_RULES, gap_item, rule_counts, rule_rows
from graphsvc.services.coverage.summary import parts, place_ids

Row = dict[str, Any]


def _priority(rule: GapRule, p: s.GapParams) -> Callable[[Row], tuple[Any, ...]]:
    """Within a community, what a planner acts on first (the id breaks ties)."""
    vulnerable = {v.value for v in p.vulnerable}
    keys: dict[GapRule, Callable[[Row], tuple[Any, ...]]] = {
        GapRule.household_unlinked: lambda r: (not vulnerable & set(r["flags"]), r["building_id"]),
        GapRule.vulnerable_without_helper: lambda r: (r["building_id"],),
        GapRule.member_overloaded: lambda r: (-r["links"],),
        GapRule.building_needs_branch: lambda r: (-r["resident_members"],),
        GapRule.building_without_group: lambda r: (-(r["households"] or 0),),
        GapRule.unit_without_branch: lambda r: (-r["working_members"],),
        GapRule.community_without_org: lambda r: (-(r["resident_members"] or 0),),
        GapRule.community_lacking_basics: lambda r: (sum(bool(r[f"has_{b}"]) for b in ("office", "funds", "land")),),
        GapRule.service_circle_gap: lambda r: (-len(r["missing"]),),
    }
    key = keys.get(rule, lambda r: ())
    return lambda r: (*key(r), r["id"])


def ranked(counts: Counter[str | None]) -> list[tuple[str | None, int]]:
    """Communities with gaps, most first (then by id; members counted nowhere last)."""
    return sorted(((c, n) for c, n in counts.items() if n), key=lambda cn: (-cn[1], cn[0] is None, cn[0] or ""))


def _page_rows(graph: Graph, rule: GapRule, q: dict[str, Any], p: s.GapParams,
               table: dict[tuple[Hashable, Hashable], float], order: list[tuple[str | None, int]],
               rows: list[Row] | None, offset: int, limit: int) -> list[Row]:
    """Rows offset..offset+limit in page order, reading only the communities the page reaches."""
    needed, upto = [], 0
    for community, n in order:
        if upto >= offset + limit:
            break
        needed.append(community)
        upto += n
    if rows is None:
        if None in needed:  # members counted nowhere cannot be selected by community: read them all
            rows = rule_rows(graph, rule, q, p, table)
        elif needed:
            rows = rule_rows(graph, rule, q | {"communities": needed}, p, table)
        else:
            rows = []
    rank = {c: i for i, c in enumerate(needed)}
    key = _priority(rule, p)
    wanted = [r for r in rows if r.get("community_id") in rank]
    wanted.sort(key=lambda r: (rank[r.get("community_id")], key(r)))
    return wanted[offset : offset + limit]


def _places(graph: Graph, counts: Iterable[Counter[str | None]]) -> dict[str, Row]:
    ids = sorted({c for n in counts for c in n if c is not None})
    return {c["id"]: c for c in graph.read("coverage/community_context", ids=ids)} if ids else {}


def _by_place(order: list[tuple[str | None, int]], places: dict[str, Row],
              streets: dict[str, str | None]) -> tuple[list[s.PlaceCount], list[s.PlaceCount]]:
    per_street: Counter[str | None] = Counter()
    communities = []
    for c, n in order:
        place = places.get(c) if c is not None else None
        street = place["street_id"] if place else None
        per_street[street] += n
        communities.append(s.PlaceCount(id=c, name=place["name"] if place else None, street_id=street, count=n))
    by_street = [s.PlaceCount(id=st, name=streets.get(st) if st else None, count=n) for st, n in ranked(per_street)]
    return by_street, communities


def gap_page(
    graph: Graph,
    scope: Scope,
    area: s.Area,
    params: s.GapParams,
    *,
    rules: Sequence[GapRule] | None = None,
    limit: int = 50,
    offset: int = 0,
    distances: Iterable[s.Distance] = (),
) -> s.GapPage:
    """Per rule: the count, the counts by street and by community, and one page of the gaps."""
    communities = communities_of(graph, scope, area)
    q = query_params(communities, area.grid_id, params)
    table = distance_table(distances)
    chosen = list(rules or GapRule)
    counted: dict[GapRule, tuple[Counter[str | None], list[Row] | None]]
    if area.grid_id is None and not table:  # the counts the summary keeps (only a page's rows are read)
        held = parts(graph, place_ids(graph, communities), params).values()
        counted = {rule: (Counter({p.community_id or None: p.gaps[rule] for p in held}), None) for rule in chosen}
    else:
        counted = dict(zip(chosen, together(*(partial(rule_counts, graph, rule, q, params, table) for rule in chosen)),
                           strict=True))
    places, every_street = together(partial(_places, graph, (n for n, _ in counted.values())),
                                    partial(graph.read, "read/streets", communities=None))
    streets = {r["id"]: r["name"] for r in every_street}
    out: dict[str, s.RulePage] = {}
    for rule, (counts, rows) in counted.items():
        order = ranked(counts)
        total = sum(counts.values())
        # A masked caller gets the counts of the flagged rules, never their rows (as in gaps()).
        hidden = scope.masked and rule in FLAG_RULES
        page = [] if hidden else _page_rows(graph, rule, q, params, table, order, rows, offset, limit)
        by_street, by_community = _by_place(order, places, streets)
        out[rule.value] = s.RulePage(
            rule=rule, zh=rule.zh, count=total, by_street=by_street, by_community=by_community,
            items=[gap_item(rule, r, scope, params) for r in page], offset=offset, limit=limit,
            next_offset=offset + limit if offset + limit < total and not hidden else None,
        )
    return s.GapPage(communities=communities, grid_id=area.grid_id, params=params, rules=out)
