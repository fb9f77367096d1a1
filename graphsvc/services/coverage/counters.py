"""Coverage counters: each community's part of the summary, kept in the graph, so a district's or a city's
summary and gap counts are read (one row per community) instead of counted (a walk over 2 M households).

- Kept per community and per set of gap parameters; a grid's parts are counted each time, never kept.
- Dropped by every write that can change coverage, inside that write's own transaction (Graph.transaction:
  the communities an import names with Tx.counters, else those a write touched under "coverage", every
  community when it did not say), together with the part of the members placed in no community (NOWHERE).
- An import and the demo count theirs again before they return (summary.recount); after an accepted
  suggestion the coverage summaries it refreshes count them.
- Counted again when missing, by the first reader who needs them, and stored only if no coverage write came
  since that count began: the drop and the store both take one lock, whose generation each drop advances.
  A count that raced a write is answered once and not kept; the next reader counts again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from neo4j.exceptions import Neo4jError

from graphsvc.graph import COUNTERS_LOCK, Graph
from graphsvc.schemas import coverage as s
from graphsvc.schemas.coverage import GapRule
from graphsvc.services.coverage.area import FROM_COMMUNITIES_MAX

log = logging.getLogger(__name__)
NOWHERE = ""  # the part of the members placed in no community (counted only in a summary of everything)


@dataclass(frozen=True)
class Part:
    """One community's share of a summary: its gaps per rule and the populations of the rules there."""

    community_id: str
    name: str | None
    gaps: Mapping[GapRule, int]
    totals: Mapping[str, int]


def encode(part: Part) -> str:
    """A part as the JSON text a counter keeps.

    >>> p = Part("c-1", "东湖社区", {GapRule.household_unlinked: 3}, {"households": 40})
    >>> decode(encode(p)) == p
    True
    """
    gaps = {rule.value: n for rule, n in part.gaps.items()}
    return json.dumps({"id": part.community_id, "name": part.name, "gaps": gaps, "totals": dict(part.totals)},
                      ensure_ascii=False, sort_keys=True)


def decode(text: str) -> Part:
    d = json.loads(text)
    return Part(d["id"], d["name"], {GapRule(r): int(n) for r, n in d["gaps"].items()},
                {k: int(n) for k, n in d["totals"].items()})


def params_key(grid_id: str | None, params: s.GapParams) -> str | None:
    """What the counters are kept under for these parameters; None: not kept (a grid's parts).

    >>> params_key("g-1", s.GapParams()) is None, len(params_key(None, s.GapParams()) or "")
    (True, 16)
    """
    if grid_id is not None:
        return None
    return hashlib.sha256(params.model_dump_json().encode()).hexdigest()[:16]


def kept(
    graph: Graph, ids: list[str], grid_id: str | None, params: s.GapParams,
    count: Callable[[list[str]], dict[str, Part]],
) -> dict[str, Part]:
    """The part of every id of `ids` (community ids, NOWHERE): those the graph keeps as they are, the others
    from one count(missing ids) call, then kept for the next reader unless a coverage write came meanwhile."""
    key = params_key(grid_id, params)
    if key is None or not ids:
        return count(ids) if ids else {}
    generation = graph.read("coverage/counters/generation", lock=COUNTERS_LOCK)[0]["generation"]
    every = len(ids) > FROM_COMMUNITIES_MAX  # a district's or a city's: read them all rather than send the list
    wanted = set(ids)
    held = {
        r["community_id"]: decode(r["part"])
        for r in graph.read("coverage/counters/read", params=key, communities=None if every else ids)
        if r["community_id"] in wanted
    }
    missing = [c for c in ids if c not in held]
    if missing:
        counted = count(missing)
        parts = [{"id": f"{key}|{c}", "community_id": c, "part": encode(p)} for c, p in counted.items()]
        try:
            graph.write("coverage/counters/store", derived=True, lock=COUNTERS_LOCK, generation=generation, params=key,
                        parts=parts)
        except Neo4jError as e:  # lost a race with a write: not kept, the next reader counts again
            log.info("coverage counters not kept: %s", type(e).__name__)
        held.update(counted)
    return {c: held[c] for c in ids}
