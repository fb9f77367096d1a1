"""Import throughput: graphsvc's import path next to a minimal raw UNWIND loader, same rows, same engine.

    .venv/bin/python benchmarks/import_bench.py --scale street|district|city [--heap 6g]

graphsvc's path, as `graphsvc demo` loads into an empty graph: every row through its pydantic model, then
the statements of cypher/ingest (MERGE, stale-link clean-up included; CREATE from cypher/ingest/new for
buildings, households, members and their links and helps, which are known to be new), one transaction
per chunk. The baseline: the same rows with
CREATE-only statements (benchmarks/cypher/raw_*.cypher), no validation. Generation time is
measured apart and counted in neither. Prints a Markdown row for BENCHMARKS.md, and the peak
memory of the engine process (VmHWM) and of this process (the service side).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from graphsvc import demo, engine
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import MOVED_CHECKS, WRITE_ORDER, as_params, write_tables
from graphsvc.ingest.validate import validate

RAW = {p.stem.removeprefix("raw_"): p.read_text() for p in (Path(__file__).parent / "cypher").glob("raw_*.cypher")}


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(scale: str, heap: str, batch: int) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-"))
    info, _ = engine.ensure_running(data_dir, heap=heap)
    pw = engine.password(data_dir)
    driver = GraphDatabase.driver(info.uri, auth=("root", pw))
    out: dict[str, Any] = {"scale": scale, "heap": heap}
    try:
        rows = gen_s = 0.0
        t0 = time.perf_counter()
        for chunk in demo.chunks(scale):
            rows += sum(len(r) for r in chunk.values())
        gen_s = time.perf_counter() - t0
        out.update(rows=int(rows), generate_s=gen_s)

        for path in ("graphsvc", "raw"):
            db = f"b{uuid.uuid4().hex[:10]}"
            engine.server_command(info, data_dir, f"create database {db}")
            graph = Graph(driver, db, timeout_s=3600)
            graph.apply_schema()
            spent = 0.0
            for chunk in demo.chunks(scale):
                t = time.perf_counter()
                if path == "graphsvc":
                    tables = as_params(validate(RawLedger(tables=chunk), check_refs=False))
                    with driver.session(database=db) as s:
                        s.execute_write(_write_all, graph, tables, batch)
                else:
                    with driver.session(database=db) as s:
                        s.execute_write(_raw, chunk, batch)
                spent += time.perf_counter() - t
            out[f"{path}_s"] = spent
            out[f"{path}_rows_per_s"] = rows / spent
            out[f"engine_peak_mb_after_{path}"] = vm_hwm_mb(info.pid)
            print(f"{path}: {spent:.1f} s, {rows / spent:,.0f} rows/s", flush=True)
        out["ratio"] = out["graphsvc_s"] / out["raw_s"]
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
    a = p.parse_args()
    r = run(a.scale, a.heap, a.batch)
    print(
        f"| {r['scale']} | {r['rows']:,} | {r['generate_s']:.1f} | {r['graphsvc_s']:.1f} | {r['graphsvc_rows_per_s']:,.0f} "
        f"| {r['raw_s']:.1f} | {r['raw_rows_per_s']:,.0f} | {r['ratio']:.2f} | {r['engine_peak_mb_after_raw']:,.0f} "
        f"| {r['service_peak_mb']:,.0f} |"
    )


if __name__ == "__main__":
    main()
