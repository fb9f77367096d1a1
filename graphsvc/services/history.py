"""Coverage over time: a snapshot of every rule's summary per street, community and grid, stored in the
graph after every import and accepted suggestion and by `graphsvc snapshot` (a daily cron); the trend."""

from __future__ import annotations

import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from graphsvc import audit
from graphsvc.coalesce import Coalescer
from graphsvc.graph import Graph, Tx
from graphsvc.schemas import history as h
from graphsvc.schemas.coverage import Area, GapParams, GapRule
from graphsvc.scope import Scope
from graphsvc.services import coverage
from graphsvc.services.coverage.area import scoped
from graphsvc.services.coverage.gaps import POPULATION

log = logging.getLogger(__name__)
T = TypeVar("T")
SNAPSHOTS = Coalescer()  # the snapshots taken after accepted suggestions, per graph and scope


class Later(Protocol):
    """Somewhere to run work after the answer (FastAPI's BackgroundTasks)."""

    def add_task(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None: ...

# Rules about a whole community have no meaning inside one grid: grid rows carry the others.
COMMUNITY_RULES = {GapRule.community_without_org, GapRule.unit_without_branch, GapRule.community_lacking_basics}
GRID_RULES = [r for r in GapRule if r not in COMMUNITY_RULES]
PLACE_KEYS = ("residential_buildings", "households", "vulnerable_households")
MEMBER_KEYS = ("linking_members", "mobile_members", "unit_members_living_here")
Place = tuple[str, str]  # (level, id)


def _totals(graph: Graph, ids: list[str], params: GapParams, street_of: dict[str, str]) -> dict[Place, Counter[str]]:
    """Every rule's denominator per street, community and grid (the same as coverage.summary's)."""
    out: dict[Place, Counter[str]] = defaultdict(Counter)
    seen: set[str] = set()
    vulnerable = [v.value for v in params.vulnerable]
    for r in graph.read("history/place_totals", communities=ids, vulnerable=vulnerable):
        cid, places = r["community_id"], [("community", r["community_id"]), ("street", street_of[r["community_id"]])]
        if cid not in seen:
            seen.add(cid)
            for p in places:
                out[p]["communities"] += 1
                out[p]["units_with_members"] += r["units_with_members"] or 0
        for p in places + ([("grid", r["grid_id"])] if r["grid_id"] else []):
            for k in PLACE_KEYS:
                out[p][k] += r[k] or 0
    for r in graph.read("history/member_totals", communities=ids):
        places = [("community", r["community_id"]), ("street", street_of[r["community_id"]])]
        for p in places + ([("grid", r["grid_id"])] if r["grid_id"] else []):
            for k in MEMBER_KEYS:
                out[p][k] += r[k] or 0
    over = graph.read(
        scoped("coverage/building_residents", ids), communities=ids, grid_id=None, min_members=params.branch_threshold + 1
    )
    for b in over:
        places = [("community", b["community_id"]), ("street", street_of[b["community_id"]])]
        for p in places + ([("grid", b["grid_id"])] if b["grid_id"] else []):
            out[p]["branch_buildings"] += 1
    return out


def take(graph: Graph, params: GapParams, *, communities: list[str] | None = None, source: str) -> h.SnapshotTaken:
    """Snapshot the streets holding `communities` (None: every street): each rule's total and gaps per
    street, community and grid, stored as CoverageSnapshot rows (one per place) at one time."""
    comms = graph.read("history/streets_of", communities=communities)
    snapshot_id, taken_at = f"cs-{uuid.uuid4().hex[:12]}", audit.now()
    if not comms:
        return h.SnapshotTaken(snapshot_id=snapshot_id, taken_at=taken_at, source=source, places=0)
    ids = [c["id"] for c in comms]
    street_of = {c["id"]: c["street_id"] for c in comms}
    report = coverage.gaps(graph, Scope(communities=tuple(ids)), Area(), params, fresh=True)
    totals = _totals(graph, ids, params, street_of)
    found: dict[Place, Counter[str]] = defaultdict(Counter)
    for rule in GapRule:
        for g in report.rules[rule.value].items:
            if g.community_id not in street_of:
                continue
            places = [("community", g.community_id), ("street", street_of[g.community_id])]
            if g.grid_id and rule not in COMMUNITY_RULES:
                places.append(("grid", g.grid_id))
            for p in places:
                found[p][rule.value] += 1
    names: dict[Place, tuple[str | None, str, str | None, list[str]]] = {}
    for c in comms:
        names[("street", c["street_id"])] = (c["street_name"], c["street_id"], None, [x for x in ids if street_of[x] == c["street_id"]])
    for r in graph.read("coverage/community_context", ids=ids):
        names[("community", r["id"])] = (r["name"], r["street_id"], r["id"], [r["id"]])
    for grid in graph.read("history/grids", communities=ids):
        cid = grid["community_id"]
        names[("grid", grid["id"])] = (grid["name"], street_of[cid], cid, [cid])
    rows = []
    for (level, pid), (name, street_id, community_id, members) in sorted(names.items()):
        rules = GRID_RULES if level == "grid" else list(GapRule)
        rows.append({
            "id": f"{snapshot_id}:{level}:{pid}", "snapshot_id": snapshot_id, "taken_at": taken_at, "source": source,
            "level": level, "place_id": pid, "place_name": name, "street_id": street_id,
            "community_id": community_id, "communities": members,
            "rules": [r.value for r in rules],
            "totals": [int(totals[(level, pid)][POPULATION[r][1]]) for r in rules],
            "gaps": [int(found[(level, pid)][r.value]) for r in rules],
        })

    def record(tx: Tx) -> None:  # a snapshot changes no coverage answer: it drops none of them from the cache
        tx.run("history/record", rows=rows)
        tx.touch("history", ids)

    graph.transaction(record)
    return h.SnapshotTaken(snapshot_id=snapshot_id, taken_at=taken_at, source=source, places=len(rows))


def after_write(graph: Graph, params: GapParams, *, communities: list[str] | None, source: str) -> None:
    """Snapshot after a write (the write has committed: a failed snapshot is logged, never raised)."""
    try:
        take(graph, params, communities=communities, source=source)
    except Exception as e:  # the write stands; the next snapshot (or the daily one) catches up
        log.warning("coverage snapshot after %s failed: %s", source, type(e).__name__)


def accepted(graph: Graph, scope: Scope, params: GapParams, result: T, later: Later | None = None) -> T:
    """`result` of an accepted suggestion; the streets it changed coverage in are snapshotted (those the caller
    works in when it does not say) — after the answer has gone out when `later` (FastAPI's BackgroundTasks) is
    given, so accepting stays quick."""
    where = getattr(result, "communities", None)
    communities = where if where is not None else scope.community_list
    if later is None:
        after_write(graph, params, communities=communities, source="accept")
    else:  # a burst of accepts in the same streets: one snapshot under way and one after it, not one each
        key = (id(graph), tuple(communities) if communities is not None else None)
        later.add_task(SNAPSHOTS.run, key, after_write, graph, params, communities=communities, source="accept")
    return result


def _point(row: dict[str, Any]) -> h.HistoryPoint:
    rules = {
        r: h.RulePoint(total=t, gaps=g, ratio=round(1 - g / t, 4) if t else None)
        for r, t, g in zip(row["rules"], row["totals"], row["gaps"])
    }
    return h.HistoryPoint(snapshot_id=row["snapshot_id"], taken_at=row["taken_at"], source=row["source"], rules=rules)


def history(graph: Graph, scope: Scope, q: h.HistoryQuery) -> h.CoverageHistory:
    """Each rule's covered share over time: a street and its communities, a community and its grids, or a grid."""
    if q.street_id or q.community_id or q.grid_id:
        coverage.communities_of(graph, scope, Area(street_id=q.street_id, community_id=q.community_id, grid_id=q.grid_id))
    levels = ["grid"] if q.grid_id else ["community", "grid"] if q.community_id else ["street", "community"]
    rows = graph.read(
        "history/list", levels=levels, street_id=q.street_id, community_id=q.community_id, grid_id=q.grid_id,
        since=q.since, communities=scope.community_list,
    )
    places: dict[tuple[str, str], h.PlaceHistory] = {}
    for r in (x["row"] for x in rows):
        key = (r["level"], r["place_id"])
        if key not in places:
            places[key] = h.PlaceHistory(
                level=r["level"], id=r["place_id"], name=r.get("place_name"), street_id=r.get("street_id"),
                community_id=r.get("community_id"), points=[],
            )
        places[key].points.append(_point(r))
    order = {"street": 0, "community": 1, "grid": 2}
    items = sorted(places.values(), key=lambda p: (order[p.level], p.id))
    return h.CoverageHistory(items=items, count=len(items), rules=[h.RuleName(rule=r, zh=r.zh) for r in GapRule])
