"""Ledger v1 `boundary` (an added field): validated GeoJSON, kept through the JSON, CSV and XLSX round trip,
kept when a later ledger leaves it blank, and bad input reported by table, row and column."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from graphsvc.demo import street_ledger
from graphsvc.demo_boundaries import add_boundaries
from graphsvc.errors import InvalidInput
from graphsvc.graph import Graph
from graphsvc.ingest import ledger_io, workbook
from graphsvc.ingest.load import export_ledger, import_ledger
from graphsvc.ingest.validate import validate

SQUARE = {"type": "Polygon",
          "coordinates": [[[121.70, 39.05], [121.72, 39.05], [121.72, 39.06], [121.70, 39.06], [121.70, 39.05]]]}
TWO = {"type": "MultiPolygon",
       "coordinates": [SQUARE["coordinates"], [[[121.76, 39.08], [121.78, 39.08], [121.77, 39.10], [121.76, 39.08]]]]}


def ledger(example_path: Path) -> dict[str, Any]:
    doc = json.loads(example_path.read_text())
    doc["communities"][0]["boundary"] = SQUARE  # a JSON ledger may hold the object itself
    doc["communities"][1]["boundary"] = json.dumps(TWO)  # or its text, as a spreadsheet cell does
    doc["resident_groups"][0]["boundary"] = SQUARE
    return doc


def boundaries(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {r["id"]: json.loads(r["boundary"]) if r.get("boundary") else None
            for t in ("communities", "resident_groups") for r in tables[t]}


def test_boundaries_survive_json_csv_and_xlsx(graph: Graph, example_path: Path, tmp_path: Path) -> None:
    import_ledger(graph, ledger_io.RawLedger(tables=ledger(example_path)))
    exported = export_ledger(graph)
    want = {"c-kl": SQUARE, "c-by": TWO, "rg-kl-1": SQUARE}
    assert boundaries(exported) == want
    ledger_io.write_csv_dir(exported, tmp_path / "csv")
    readers = {
        "json": ledger_io.read_json(ledger_io.write_json(exported)),
        "csv": ledger_io.read_csv_dir(tmp_path / "csv"),
        "xlsx": ledger_io.read_xlsx(workbook.write_xlsx(exported)),
    }
    for fmt, raw in readers.items():
        rows = {t: [r.model_dump() for r in rs] for t, rs in validate(raw, check_refs=False).items()}
        assert boundaries(rows) == want, fmt
    # An older ledger without the column leaves the stored boundaries alone.
    older = json.loads(example_path.read_text())
    import_ledger(graph, ledger_io.RawLedger(tables=older))
    assert boundaries(export_ledger(graph)) == want


@pytest.mark.parametrize("bad", [
    "not json",
    json.dumps({"type": "Point", "coordinates": [121.7, 39.05]}),
    json.dumps({"type": "Polygon", "coordinates": [[[121.7, 39.05], [121.72, 39.05], [121.7, 39.05]]]}),
    json.dumps({"type": "Polygon", "coordinates": [[[121.7, 39.05], [121.72, 39.05], [121.72, 39.06], [121.71, 39.07]]]}),
    json.dumps({"type": "Polygon", "coordinates": [[[39.05, 221.7], [39.05, 221.72], [39.06, 221.72], [39.05, 221.7]]]}),
])
def test_a_bad_boundary_is_reported_where_it_is(example_path: Path, bad: str) -> None:
    doc = json.loads(example_path.read_text())
    doc["communities"][1]["boundary"] = bad
    with pytest.raises(InvalidInput) as e:
        validate(ledger_io.RawLedger(tables=doc), check_refs=False)
    [d] = e.value.details
    assert (d["table"], d["row"], d["column"]) == ("communities", 2, "boundary")
    assert "边界" in d["message"] and bad not in d["message"]


def test_demo_boundaries_tile_each_street() -> None:
    tables = street_ledger()
    add_boundaries(copy.deepcopy(tables))  # no error on a copy
    add_boundaries(tables)
    assert all(c.get("boundary") for c in tables["communities"])
    assert sum(1 for g in tables["resident_groups"] if g.get("boundary")) >= 0.9 * len(tables["resident_groups"])
    rows = validate(ledger_io.RawLedger(tables={"communities": tables["communities"]}), check_refs=False)
    assert len(rows["communities"]) == len(tables["communities"])


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Ray casting: is the point inside the ring?"""
    hit = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def test_demo_boundaries_hold_their_buildings() -> None:
    tables = street_ledger()
    add_boundaries(tables)
    rings = {c["id"]: json.loads(c["boundary"])["coordinates"][0] for c in tables["communities"]}
    inside = sum(_inside(b["lon"], b["lat"], rings[b["community_id"]]) for b in tables["buildings"])
    assert inside >= 0.97 * len(tables["buildings"])  # plausible outlines: (nearly) every building within its community
    others = sum(_inside(b["lon"], b["lat"], ring) for b in tables["buildings"][:200]
                 for cid, ring in rings.items() if cid != b["community_id"])
    assert others <= 0.15 * 200  # and the outlines do not overlap much
