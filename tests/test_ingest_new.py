"""Rows known to be new are created without looking for them first (cypher/ingest/new): the graph ends up
exactly as the MERGE statements leave it, and a row made meanwhile by another writer sends the import
through MERGE again instead of failing or doubling it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graphsvc.graph import Graph, Tx
from graphsvc.ingest import load
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import export_ledger, import_ledger, write_tables
from graphsvc.ingest.validate import validate
from tests.conftest import FIXTURES

LABELS = ("Building", "Household", "Member", "PartyOrg", "Community")


def _example() -> dict[str, list[dict[str, Any]]]:
    return json.loads((FIXTURES / "ledger-example.json").read_text("utf-8"))


def _wipe(graph: Graph) -> None:
    graph.driver.execute_query("MATCH (n) DETACH DELETE n", database_=graph.database)


def _picture(graph: Graph) -> dict[str, Any]:
    """Every node's properties and every relationship (by its ends' ids), order-free; the ledger as exported."""
    out: dict[str, Any] = {}
    for label in LABELS:
        rows = graph.driver.execute_query(f"MATCH (n:{label}) RETURN properties(n) AS p", database_=graph.database)
        out[label] = sorted(json.dumps(r["p"], sort_keys=True, default=str) for r in rows.records)
    rels = graph.driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE a.id IS NOT NULL RETURN a.id AS a, type(r) AS t, b.id AS b", database_=graph.database
    )
    out["relationships"] = sorted((r["a"], r["t"], r["b"]) for r in rels.records)
    out["ledger"] = {t: sorted(json.dumps(r, sort_keys=True) for r in rows) for t, rows in export_ledger(graph).items()}
    return out


def _spy(ran: list[str]) -> Any:
    real = Tx.run

    def spy(self: Tx, name: str, **params: Any) -> list[dict[str, Any]]:
        ran.append(name)
        return real(self, name, **params)

    return spy


@pytest.fixture(scope="module")
def merged(graph: Graph) -> dict[str, Any]:
    """The example ledger written through the MERGE statements only."""
    _wipe(graph)
    tables = load.as_params(validate(RawLedger(tables=_example())))
    graph.transaction(lambda tx: write_tables(lambda n, rows: tx.run(n, rows=rows), tables, batch_size=500))
    return _picture(graph)


def test_new_rows_created_leave_the_graph_as_merge_does(graph: Graph, merged: dict[str, Any]) -> None:
    _wipe(graph)
    ran: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Tx, "run", _spy(ran))
        report = import_ledger(graph, RawLedger(tables=_example()))
    assert report.changes["households"]["new"] == len(_example()["households"])
    assert {"ingest/new/households", "ingest/new/members", "ingest/new/buildings"} <= set(ran)
    assert "ingest/households" not in ran  # nothing was there: no MERGE for them
    assert _picture(graph) == merged


def test_a_row_made_meanwhile_sends_the_import_through_merge(graph: Graph, merged: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _wipe(graph)
    example = _example()
    real = load.diff_tables

    def racing(g: Graph, tables: dict[str, list[dict[str, Any]]]) -> Any:
        found = real(g, tables)  # everything is new ... and then another writer adds the first building
        ahead = load.as_params(validate(RawLedger(tables={k: v for k, v in example.items()
                                                           if k in ("streets", "communities", "resident_groups")})))
        ahead["buildings"] = [tables["buildings"][0]]
        g.transaction(lambda tx: write_tables(lambda n, rows: tx.run(n, rows=rows), ahead, batch_size=500))
        return found

    monkeypatch.setattr(load, "diff_tables", racing)
    ran: list[str] = []
    monkeypatch.setattr(Tx, "run", _spy(ran))
    import_ledger(graph, RawLedger(tables=example))
    first = ran.index("ingest/new/buildings")  # tried as new, failed on the unique id, run again through MERGE
    assert "ingest/buildings" in ran[first:] and "ingest/households" in ran[first:]
    assert _picture(graph) == merged  # the building neither doubled nor lost, nothing else changed


def test_importing_again_changes_nothing(graph: Graph, merged: dict[str, Any]) -> None:
    _wipe(graph)
    import_ledger(graph, RawLedger(tables=_example()))
    again = import_ledger(graph, RawLedger(tables=_example()))
    assert not again.changed and _picture(graph) == merged


def test_the_only_writer_creates_links_too_and_the_graph_is_the_same(graph: Graph, merged: dict[str, Any]) -> None:
    """As `graphsvc demo` loads into a graph without members: links and helps created without looking."""
    _wipe(graph)
    tables = load.as_params(validate(RawLedger(tables=_example())))
    ran: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Tx, "run", _spy(ran))
        graph.transaction(lambda tx: write_tables(lambda n, rows: tx.run(n, rows=rows), {}, batch_size=500,
                                                  new=tables, only_writer=True))
    assert {"ingest/new/member_links", "ingest/new/member_helps"} <= set(ran)
    assert "ingest/member_links" not in ran
    assert _picture(graph) == merged


class _Quiet:
    """A progress bar that shows nothing."""

    def __init__(self, total: int, label: str) -> None:
        self.done = 0

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        self.done += n


def test_the_demo_writes_every_chunk_its_worker_validated(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """`graphsvc demo` at a district's scale: chunks generated and validated in a worker process, written in
    order, each row once (the first dozen chunks of the district, for time)."""
    from itertools import islice

    from graphsvc import demo
    from graphsvc.services.demo import load_demo

    first = list(islice(demo.chunks("district"), 12))
    monkeypatch.setattr(demo, "chunks", lambda scale, seed=7: iter(first))
    _wipe(graph)
    written = load_demo(graph, "district", batch_size=500, bar=_Quiet)
    assert written == sum(len(rows) for chunk in first for rows in chunk.values())
    for label, table in (("Building", "buildings"), ("Household", "households"), ("Member", "members"),
                         ("Community", "communities")):
        expected = sum(len(chunk.get(table) or []) for chunk in first)
        found = graph.driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n", database_=graph.database)
        assert expected > 0 and found.records[0]["n"] == expected, label
