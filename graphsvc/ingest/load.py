"""Write a validated ledger with batched UNWIND statements; export the graph as Ledger v1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


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
) -> None:
    """Run every ingest statement over `tables` in dependency order, a batch at a time."""
    for table, statements in WRITE_ORDER:
        rows = tables.get(table) or []
        for batch in _batches(rows, batch_size):
            for name in statements:
                run(name, batch)
            if progress and statements[-1] != "ingest/party_orgs_under":
                progress(len(batch))


def import_ledger(
    graph: Graph,
    raw: RawLedger,
    *,
    batch_size: int = 5000,
    progress: Progress | None = None,
    on_commit: Callable[[Tx, dict[str, int]], None] | None = None,
) -> ImportReport:
    """Validate every row, then write all of it in one transaction (or nothing).

    `on_commit(tx, rows_per_table)` runs last inside the same transaction (the audit entry).
    """
    ledger = validate(raw, known_ids=known_ids(graph))
    tables = as_params(ledger)
    counts = {t: len(r) for t, r in tables.items() if r}

    def work(tx: Tx) -> None:
        write_tables(lambda name, batch: tx.run(name, rows=batch), tables, batch_size=batch_size, progress=progress)
        if on_commit:
            on_commit(tx, counts)

    graph.transaction(work)
    return ImportReport(rows=counts, warnings=raw.warnings)


def export_ledger(graph: Graph, *, communities: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """The graph as Ledger v1 tables (only the ledger's columns), limited to `communities` (None = all)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in TABLES.items():
        cols = table.columns
        out[name] = [{c: r["row"].get(c) for c in cols} for r in graph.stream(f"export/{name}", communities=communities)]
    return out
