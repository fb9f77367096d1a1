"""Write a validated ledger with batched UNWIND statements; export the graph as Ledger v1."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphsvc.graph import Graph, Tx
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.validate import Ledger, validate
from graphsvc.schemas.ledger import TABLES

# Referenced tables first; each step is (table, statement names run on each batch).
WRITE_ORDER: list[tuple[str, tuple[str, ...]]] = [
    ("streets", ("ingest/streets",)),
    ("communities", ("ingest/communities",)),
    ("resident_groups", ("ingest/resident_groups",)),
    ("units", ("ingest/units",)),
    ("party_orgs", ("ingest/party_orgs",)),
    ("party_orgs", ("ingest/party_orgs_under",)),  # after every organisation exists
    ("buildings", ("ingest/buildings",)),
    ("households", ("ingest/households",)),
    ("members", ("ingest/members",)),
    ("resources", ("ingest/resources",)),
    ("needs", ("ingest/needs",)),
    ("service_points", ("ingest/service_points",)),
    ("coverage", ("ingest/coverage",)),
    ("member_links", ("ingest/member_links",)),
    ("member_helps", ("ingest/member_helps",)),
    ("registrations", ("ingest/registrations",)),
    ("posts", ("ingest/posts",)),
    ("seats", ("ingest/seats",)),
    ("pairings", ("ingest/pairings_moved", "ingest/pairings")),
    ("sharings", ("ingest/sharings",)),
    ("projects", ("ingest/projects",)),
]

# Rows known to be new (no node has their id yet) go through these instead: CREATE, and no old relationships
# to look for. The three biggest tables; the MERGE statements took 2-2.5x the engine time of a CREATE for them.
# A node made meanwhile by another writer fails the unique constraint, and the transaction runs again with MERGE.
NEW_STATEMENTS = {
    "ingest/buildings": "ingest/new/buildings",
    "ingest/households": "ingest/new/households",
    "ingest/members": "ingest/new/members",
}
# Relationships have no unique key to fail on: created without looking only where no other writer can have made
# them, a demo loaded into a graph without members (write_tables' `only_writer`).
NEW_LINK_STATEMENTS = {"ingest/member_links": "ingest/new/member_links", "ingest/member_helps": "ingest/new/member_helps"}

# Tables whose rows never change a coverage answer (records, matching, posts): an import of only these keeps
# every coverage counter. Service points change rule 9 in neighbouring communities too: they drop every one.
NOT_COVERAGE = frozenset({"streets", "pairings", "sharings", "projects", "resources", "needs", "posts", "seats"})
EVERY_COMMUNITY = frozenset({"service_points"})
COUNTED_IDS_MAX = 20_000  # past this many ids an import drops every counter rather than look each one up

Progress = Callable[[int], None]
# Statements that only undo a row's earlier ends (a pairing id that comes again between other organisations).
MOVED_CHECKS = ("ingest/pairings_moved",)


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    # per table: {"new": N, "updated": M, "unchanged": K} against what the graph held before
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # the communities whose coverage the import changed (where its rows were and are); None: any of them
    communities: list[str] | None = None

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def changed(self) -> bool:
        return any(c["new"] or c["updated"] for c in self.changes.values())


def known_ids(graph: Graph) -> Callable[[list[str]], dict[str, list[str]]]:
    def lookup(ids: list[str]) -> dict[str, list[str]]:
        return {r["id"]: r["labels"] for r in graph.read("read/ids_exist", ids=ids)}

    return lookup


def as_params(ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
    """Rows as the plain maps the ingest statements take (enums as values, dates as ISO text)."""
    return {name: [r.model_dump(mode="json") for r in rows] for name, rows in ledger.items()}


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def write_tables(
    run: Callable[[str, list[dict[str, Any]]], object],
    tables: dict[str, list[dict[str, Any]]],
    *,
    batch_size: int,
    progress: Progress | None = None,
    skip: Collection[str] = (),
    new: Mapping[str, list[dict[str, Any]]] | None = None,
    only_writer: bool = False,
) -> None:
    """Run every ingest statement over `tables` in dependency order, a batch at a time (but those in `skip`).
    `new`: more rows, known not to be in the graph yet, written by NEW_STATEMENTS where a table has one (and
    NEW_LINK_STATEMENTS too when the caller is the `only_writer`), their empty cells left out."""
    created = NEW_STATEMENTS | (NEW_LINK_STATEMENTS if only_writer else {})
    for table, statements in WRITE_ORDER:
        fresh = [{k: v for k, v in r.items() if v is not None} for r in (new or {}).get(table) or []]
        for rows, names in ((tables.get(table) or [], statements), (fresh, tuple(created.get(n, n) for n in statements))):
            for batch in _batches(rows, batch_size):
                for name in names:
                    if name not in skip:
                        run(name, batch)
                if progress and statements[-1] != "ingest/party_orgs_under":
                    progress(len(batch))


def import_ledger(
    graph: Graph,
    raw: RawLedger,
    *,
    batch_size: int = 5000,
    progress: Progress | None = None,
    on_commit: Callable[[Tx, ImportReport], None] | None = None,
) -> ImportReport:
    """Validate every row, then write what is new or changed in one transaction (or nothing).

    Rows equal to what the graph holds are not written again; when nothing changed nothing is
    written at all. `on_commit(tx, report)` runs last inside the same transaction (the audit entry).
    """
    ledger = validate(raw, known_ids=known_ids(graph))
    tables = as_params(ledger)
    counts = {t: len(r) for t, r in tables.items() if r}
    todo, fresh, changes = diff_tables(graph, tables)
    report = ImportReport(rows=counts, changes=changes, warnings=raw.warnings)
    if progress:
        progress(sum(c["unchanged"] for c in changes.values()))
    if not report.changed:
        return report

    # A pairing id that comes again with other ends is one the graph holds: an update. With none, nothing moved
    # (the check scans every pairing of the graph: skipped when it cannot find anything).
    skip = () if changes.get("pairings", {}).get("updated") else MOVED_CHECKS

    ids = _coverage_ids(todo, fresh)

    def work(tx: Tx) -> None:
        # Run again after a lost race (Graph.transaction), rows thought new may exist by now: all go through MERGE.
        tables, new = (todo, fresh) if tx.attempt == 1 else ({t: todo.get(t, []) + fresh.get(t, []) for t in TABLES}, None)
        before = _communities(tx, ids)
        write_tables(lambda name, batch: tx.run(name, rows=batch), tables, batch_size=batch_size, progress=progress,
                     skip=skip, new=new)
        report.communities = None
        if ids is not None and before is not None and (after := _communities(tx, ids)) is not None:
            report.communities = sorted(before | after)
            tx.counters(report.communities)  # where the changed rows were and are: only their counters go
        if on_commit:
            on_commit(tx, report)

    graph.transaction(work)
    return report


def _coverage_ids(*tables: Mapping[str, list[dict[str, Any]]]) -> list[str] | None:
    """Every id the coverage-changing rows of `tables` name (their own and their references); None when there
    are too many to look up, or a table that changes coverage beyond its own communities."""
    ids: set[str] = set()
    for rows_of in tables:
        for name, rows in rows_of.items():
            if not rows or name in NOT_COVERAGE:
                continue
            if name in EVERY_COMMUNITY:
                return None
            cols = ("id", *TABLES[name].refs) if TABLES[name].has_id else tuple(TABLES[name].refs)
            for r in rows:
                for c in cols:
                    v = r.get(c)
                    ids.update(v if isinstance(v, list) else [v] if v else [])
            if len(ids) > COUNTED_IDS_MAX:
                return None
    return sorted(ids)


def _communities(tx: Tx, ids: list[str] | None) -> set[str] | None:
    """The communities `ids` belong to (by scope/visible's rule: where they are, live, serve or work)."""
    if ids is None:
        return None
    return {c for r in tx.run("scope/visible", ids=ids, communities=None) for c in r["communities"] if c}


# A link table's row is the same link when these columns match (default: its references).
_LINK_KEYS = {"posts": ("member_id", "community_id", "post")}
# A blank cell here keeps what the graph holds (an ended pairing or sharing is not revived).
_KEEP_IF_BLANK = ("ended_at",)


def _key(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    t = TABLES[table]
    cols = ("id",) if t.has_id else _LINK_KEYS.get(table, tuple(t.refs))
    return tuple(row.get(c) for c in cols)


def _canonical(table: str, row: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return TABLES[table].model.model_validate(row).model_dump(mode="json")
    except ValueError:  # something an older version wrote: rewrite it
        return None


def diff_tables(
    graph: Graph, tables: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]], dict[str, dict[str, int]]]:
    """The rows that differ from the graph, those that are new, and per table how many are new, updated, unchanged."""
    todo: dict[str, list[dict[str, Any]]] = {}
    fresh: dict[str, list[dict[str, Any]]] = {}
    changes: dict[str, dict[str, int]] = {}
    for name, rows in tables.items():
        if not rows:
            continue
        cols = TABLES[name].columns
        held = {}
        for r in graph.stream(f"export/{name}", communities=None):
            row = {c: r["row"].get(c) for c in cols}
            held[_key(name, row)] = row
        c = {"new": 0, "updated": 0, "unchanged": 0}
        out: list[dict[str, Any]] = []
        added = fresh[name] = []
        for row in rows:
            old = held.get(_key(name, row))
            if old is None:
                c["new"] += 1
                added.append(row)
                continue
            mine = {k: (old.get(k) if k in _KEEP_IF_BLANK and v is None else v) for k, v in row.items()}
            if _canonical(name, old) == _canonical(name, mine):
                c["unchanged"] += 1
            else:
                c["updated"] += 1
                out.append(row)
        todo[name], changes[name] = out, c
    return todo, fresh, changes


def export_ledger(graph: Graph, *, communities: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """The graph as Ledger v1 tables (only the ledger's columns), limited to `communities` (None = all)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in TABLES.items():
        cols = table.columns
        out[name] = [{c: r["row"].get(c) for c in cols} for r in graph.stream(f"export/{name}", communities=communities)]
    return out
