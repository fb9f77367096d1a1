"""Load the demo street (or a district/city for benchmarks) into the graph."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from graphsvc import demo
from graphsvc.demo_boundaries import add_boundaries
from graphsvc.graph import Graph, Tx
from graphsvc.ingest.ahead import ahead
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import MOVED_CHECKS, as_params, import_ledger, write_tables
from graphsvc.ingest.validate import validate

Bar = Callable[[int, str], Any]


def prepared(chunk: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """A generated chunk as the write statements' rows, every row through its model (its references are the
    generator's own: each chunk names only itself or earlier ones)."""
    return as_params(validate(RawLedger(tables=chunk), known_ids=None, check_refs=False))


def load_demo(graph: Graph, scale: str, *, batch_size: int, bar: Bar) -> int:
    """Write the demo at `scale`; returns the number of rows written. Shows progress on `bar`."""
    if scale == "street":
        tables = demo.street_ledger()
        add_boundaries(tables)  # outlines for the map (一张图)
        total = sum(len(r) for r in tables.values())
        with bar(total, "载入示范街道") as b:
            import_ledger(graph, RawLedger(tables=tables), batch_size=batch_size, progress=b.update)
        return total
    # Large scales stream chunk by chunk, one transaction each.
    written = 0
    # The generator never gives one pairing id other ends: with no pairing in the graph before, none moves.
    skip = MOVED_CHECKS if not graph.read("read/any_pairing") else ()
    # Likewise with no building, household or member before, every one the generator gives is new: created
    # without looking for it first (a chunk that loses a race runs again through MERGE).
    fresh = not graph.read("read/any_resident")
    with bar(sum(demo.SCALES[scale].values()), f"载入示范数据 ({scale})") as b:
        # The next chunk is generated and validated in a process of its own while this one is written.
        for tables in ahead(partial(demo.chunks, scale), prepared):

            def work(tx: Tx, tables: dict[str, list[dict[str, Any]]] = tables) -> None:
                new = fresh and tx.attempt == 1
                write_tables(lambda n, rows: tx.run(n, rows=rows), {} if new else tables, batch_size=batch_size,
                             progress=b.update, skip=skip, new=tables if new else None, only_writer=new)

            graph.transaction(work)
            written += sum(len(r) for r in tables.values())
    return written
