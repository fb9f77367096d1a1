"""Import throughput: graphsvc's import path next to a minimal raw UNWIND loader, same rows, same engine.

    .venv/bin/python benchmarks/import_bench.py --scale street|district|city [--heap 6g] [--runs 3] [--import-file]

graphsvc's path, as `graphsvc demo` loads into an empty graph: every row through its pydantic model (the next
chunk generated and validated in a process of its own while one is written; generation is counted here
where the writes do not hide it), then
the statements of cypher/ingest (MERGE, stale-link clean-up included; CREATE from cypher/ingest/new for
buildings, households, members and their links and helps, which are known to be new), one transaction
per chunk. The baseline: the same rows with
CREATE-only statements (benchmarks/cypher/raw_*.cypher), no validation. Generation time is
measured apart; the raw path never counts it. The engine is warmed first (each path loads the district
once, untimed; the street at street scale) and the runs alternate which path goes first, each into a
fresh database. Prints a Markdown row for BENCHMARKS.md (each run's seconds, the medians' rows/s and
ratio), and the peak memory of the engine process (VmHWM) and of this process (the service side).

`--import-file` adds a third path, `graphsvc import` of the same rows as one ledger file (JSON, written once,
untimed): the file read, every row checked against the ledger and the graph, the changes computed, one
transaction for all of it. The coverage snapshot and recount the command does after it are timed apart.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from graphsvc import demo, engine
from graphsvc.graph import Graph
from graphsvc.ingest.ahead import ahead
from graphsvc.ingest.ledger_io import read_path, write_json
from graphsvc.ingest.load import MOVED_CHECKS, WRITE_ORDER, import_ledger, write_tables
from graphsvc.ingest.safety import Limits
from graphsvc.schemas.coverage import GapParams
from graphsvc.services.coverage.summary import recount
from graphsvc.services.demo import prepared
from graphsvc.services.history import take

RAW = {p.stem.removeprefix("raw_"): p.read_text() for p in (Path(__file__).parent / "cypher").glob("raw_*.cypher")}


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _load(path: str, driver: Any, info: Any, data_dir: Path, chunks: Callable[[], Iterator[Any]], batch: int) -> float:
    """Seconds to load `chunks` along `path` into a fresh database (dropped after)."""
    db = f"b{uuid.uuid4().hex[:10]}"
    engine.server_command(info, data_dir, f"create database {db}")
    graph = Graph(driver, db, timeout_s=3600)
    graph.apply_schema()
    t = time.perf_counter()
    if path == "import":  # as `graphsvc import FILE`: the file read, every row checked, one transaction
        ledger = data_dir / "ledger.json"
        if not ledger.exists():
            ledger.write_bytes(write_json(_merged(chunks())))
            t = time.perf_counter()
        report = import_ledger(graph, read_path(ledger, Limits(unpacked_mb=100_000, rows=10**8)), batch_size=batch)
        spent = time.perf_counter() - t
        # What `graphsvc import` does after: the coverage trend's snapshot, the coverage counters counted again.
        t = time.perf_counter()
        take(graph, GapParams(), communities=report.communities, source="import")
        recount(graph, report.communities, GapParams())
        AFTER.append(time.perf_counter() - t)
    elif path == "graphsvc":  # as the demo: the next chunk generated and validated in a process of its own
        for tables in ahead(chunks, prepared):
            with driver.session(database=db) as s:
                s.execute_write(_write_all, graph, tables, batch)
        spent = time.perf_counter() - t  # generation included where the writes do not hide it
    else:
        spent = 0.0
        for chunk in chunks():
            t = time.perf_counter()
            with driver.session(database=db) as s:
                s.execute_write(_raw, chunk, batch)
            spent += time.perf_counter() - t
    engine.server_command(info, data_dir, f"drop database {db}")
    return spent


AFTER: list[float] = []  # seconds of each import run's snapshot and recount


def _merged(chunks: Iterator[dict[str, list[dict[str, Any]]]]) -> dict[str, list[dict[str, Any]]]:
    """Every chunk's rows as one ledger."""
    out: dict[str, list[dict[str, Any]]] = {}
    for chunk in chunks:
        for name, rows in chunk.items():
            out.setdefault(name, []).extend(rows)
    return out


def run(scale: str, heap: str, batch: int, runs: int, paths: tuple[str, ...] = ("graphsvc", "raw")) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-"))
    info, _ = engine.ensure_running(data_dir, heap=heap)
    pw = engine.password(data_dir)
    driver = GraphDatabase.driver(info.uri, auth=("root", pw))
    out: dict[str, Any] = {"scale": scale, "heap": heap, "runs": runs}
    try:
        rows = gen_s = 0.0
        t0 = time.perf_counter()
        for chunk in demo.chunks(scale):
            rows += sum(len(r) for r in chunk.values())
        gen_s = time.perf_counter() - t0
        out.update(rows=int(rows), generate_s=gen_s)
        # The engine's first loads run on a cold JVM (3-6 s slower at district scale): both paths load the
        # district (the street when that is the scale) once first, untimed, and the runs alternate which
        # path goes first.
        warm = "street" if scale == "street" else "district"
        for path in paths:
            if path != "import":  # its file holds the scale's rows, written by its first run
                _load(path, driver, info, data_dir, partial(demo.chunks, warm), batch)
        spent: dict[str, list[float]] = {path: [] for path in paths}
        for i in range(runs):
            for path in paths if i % 2 == 0 else paths[::-1]:
                spent[path].append(_load(path, driver, info, data_dir, partial(demo.chunks, scale), batch))
                print(f"run {i + 1} {path}: {spent[path][-1]:.1f} s, {rows / spent[path][-1]:,.0f} rows/s, "
                      f"load average {os.getloadavg()[0]:.1f}", flush=True)
        for path, times in spent.items():
            out[f"{path}_runs"] = times
            out[f"{path}_s"] = statistics.median(times)
            out[f"{path}_rows_per_s"] = rows / out[f"{path}_s"]
        out["engine_peak_mb"] = vm_hwm_mb(info.pid)
        out["ratio"] = out["graphsvc_s"] / out["raw_s"]
        if "import" in paths:
            out["import_ratio"] = out["import_s"] / out["raw_s"]
            out["after_runs"] = AFTER[:]
        out["service_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        driver.close()
        engine.stop(data_dir)
    return out


def _write_all(tx: Any, graph: Any, tables: Any, batch: int) -> None:
    # As `graphsvc demo` loads into an empty graph: no pairing id can have moved, and every row is new.
    write_tables(lambda n, r: tx.run(graph.queries[n], rows=r).consume(), {}, batch_size=batch, skip=MOVED_CHECKS,
                 new=tables, only_writer=True)


def _raw(tx: Any, chunk: dict[str, list[dict[str, Any]]], batch: int) -> None:
    for table, statements in WRITE_ORDER:
        rows = chunk.get(table) or []
        if table == "party_orgs" and statements == ("ingest/party_orgs_under",):
            rows, name = [r for r in rows if r.get("parent_id")], "party_orgs_under"
        else:
            name = table
        for i in range(0, len(rows), batch):
            tx.run(RAW[name], rows=[{k: v for k, v in r.items() if v is not None} for r in rows[i : i + batch]]).consume()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", choices=["street", "district", "city"], default="street")
    p.add_argument("--heap", default="2g")
    p.add_argument("--batch", type=int, default=5000)
    p.add_argument("--runs", type=int, default=3, help="runs of each path (medians are reported)")
    p.add_argument("--import-file", action="store_true",
                   help="also time `graphsvc import` of the same rows as one ledger file (the first run writes it, untimed)")
    a = p.parse_args()
    r = run(a.scale, a.heap, a.batch, a.runs, ("graphsvc", "raw", "import") if a.import_file else ("graphsvc", "raw"))
    each = {path: " / ".join(f"{t:.1f}" for t in r[f"{path}_runs"]) for path in ("graphsvc", "raw")}
    print(
        f"| {r['scale']} | {r['rows']:,} | {r['runs']} | {each['graphsvc']} | {r['graphsvc_rows_per_s']:,.0f} "
        f"| {each['raw']} | {r['raw_rows_per_s']:,.0f} | **{r['ratio']:.2f}** | {r['engine_peak_mb']:,.0f} "
        f"| {r['service_peak_mb']:,.0f} |"
    )
    if a.import_file:
        each_import = " / ".join(f"{t:.1f}" for t in r["import_runs"])
        after = " / ".join(f"{t:.1f}" for t in r["after_runs"])
        print(f"graphsvc import of one file: {each_import} s ({r['import_rows_per_s']:,.0f} rows/s, ratio to raw "
              f"**{r['import_ratio']:.2f}**); then the snapshot and recount: {after} s")


if __name__ == "__main__":
    main()
