"""Ledger v1 import/export against the real engine: validation, all-or-nothing, idempotence, round trips."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from graphsvc.errors import InvalidInput
from graphsvc.graph import Graph
from graphsvc.ingest import ledger_io, workbook
from graphsvc.ingest.load import export_ledger, import_ledger
from graphsvc.ingest.validate import validate
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services.explore import stats


def counts(graph: Graph) -> tuple[dict[str, int], dict[str, int]]:
    s = stats(graph, LOCAL_ADMIN)
    return s.nodes, s.relationships


def canonical(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """A ledger as validated rows, order-free, for equality."""
    ledger = validate(ledger_io.RawLedger(tables=copy.deepcopy(tables)))
    return {t: sorted(json.dumps(r.model_dump(mode="json"), sort_keys=True) for r in rows) for t, rows in ledger.items() if rows}


@pytest.fixture(scope="module")
def example(example_path: Path) -> dict[str, list[dict[str, Any]]]:
    return json.loads(example_path.read_text())


@pytest.fixture(scope="module")
def loaded(graph: Graph, example_path: Path) -> Graph:
    import_ledger(graph, ledger_io.read_path(example_path))
    return graph


def test_import_writes_every_table(loaded: Graph) -> None:
    nodes, rels = counts(loaded)
    assert nodes == {
        "Building": 2, "Community": 2, "Household": 2, "Member": 2, "Need": 1, "PartyOrg": 5, "Project": 1,
        "ResidentGroup": 1, "Resource": 1, "ServicePoint": 1, "Street": 1, "Unit": 1,
        "WriteLock": 1,  # the coverage counters' generation, advanced by the import (it dropped them)
    }
    # buildings are IN their grid and their community; 2 communities + 1 grid + 2 households + 1 point
    assert rels["IN"] == 2 + 1 + 2 * 2 + 2 + 1
    assert rels["PAIRED_WITH"] == 1 and rels["COVERS"] == 1 and rels["LINKS"] == 2 and rels["UNDER"] == 2 + 2


def test_import_twice_changes_nothing(loaded: Graph, example_path: Path) -> None:
    before = counts(loaded)
    import_ledger(loaded, ledger_io.read_path(example_path))
    assert counts(loaded) == before


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "xlsx-codes"])
def test_export_import_round_trip(loaded: Graph, example: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    tables = export_ledger(loaded)
    assert canonical(tables) == canonical(example)
    path = tmp_path / ("ledger" if fmt == "csv" else f"ledger.{fmt[:4]}")
    if fmt.startswith("xlsx"):
        workbook.write_xlsx(tables, path, labels="codes" if fmt == "xlsx-codes" else "zh")
    else:
        {"json": ledger_io.write_json}.get(fmt, ledger_io.write_csv_dir)(tables, path)
    raw = ledger_io.read_path(path)
    assert not raw.errors and not raw.warnings
    assert canonical(raw.tables) == canonical(example)
    before = counts(loaded)
    import_ledger(loaded, raw)
    assert counts(loaded) == before


def test_updated_ledger_updates(graph: Graph, example: dict[str, Any]) -> None:
    doc = copy.deepcopy(example)
    doc["communities"].append({**doc["communities"][0], "id": "c-new", "name": "新康社区"})
    doc["buildings"][1].update(community_id="c-new", resident_group_id=None, name="新康1号楼")
    import_ledger(graph, ledger_io.read_json(json.dumps(doc)))
    node = graph.read("read/node", id="b-kl-2", limit=50, communities=None)[0]
    assert node["props"]["name"] == "新康1号楼"
    parents = {n["id"] for n in node["neighbours"] if n["type"] == "IN" and n["outgoing"]}
    assert parents == {"c-new"}  # the old community and grid links are gone
    import_ledger(graph, ledger_io.read_json(json.dumps(example)))  # and back
    node = graph.read("read/node", id="b-kl-2", limit=50, communities=None)[0]
    assert {n["id"] for n in node["neighbours"] if n["type"] == "IN" and n["outgoing"]} == {"c-kl", "rg-kl-1"}


def _errors(graph: Graph, doc: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as e:
        import_ledger(graph, ledger_io.read_json(json.dumps(doc)))
    return e.value.details


def test_malformed_ledger_lists_every_error_and_writes_nothing(loaded: Graph, example: dict[str, Any]) -> None:
    before = counts(loaded)
    doc = copy.deepcopy(example)
    doc["streets"].append({"id": "s-new", "name": "新街道"})  # a good row must not be written either
    doc["buildings"][0]["community_id"] = "c-nowhere"  # unknown id
    doc["buildings"][1]["kind"] = "castle"  # bad enum
    doc["households"][0]["size"] = "three"  # wrong type
    del doc["members"][0]["org_id"]  # missing field
    doc["units"].append({**doc["units"][0]})  # duplicate id
    errors = _errors(loaded, doc)
    found = {(e["table"], e["row"], e["column"]) for e in errors}
    # one pass: types, allowed values, missing fields, duplicate ids and unknown references together
    assert found == {
        ("buildings", 2, "kind"), ("households", 1, "size"), ("members", 1, "org_id"),
        ("buildings", 1, "community_id"), ("units", 2, "id"),
    }
    assert counts(loaded) == before
    by_cell = {(e["table"], e["column"]): e for e in errors}
    assert by_cell[("buildings", "kind")]["message"] == "「castle」不是可选的值；可选：住宅楼、商务楼宇、商住混合"
    assert by_cell[("buildings", "kind")]["where"] == "「buildings」 第 2 条「kind」列"
    assert by_cell[("buildings", "community_id")]["value"] == "c-nowhere"


def test_errors_never_echo_values(loaded: Graph, example: dict[str, Any]) -> None:
    doc = copy.deepcopy(example)
    doc["members"][0]["birth_year"] = "13800138000"
    errors = _errors(loaded, doc)
    assert errors and "13800138000" not in json.dumps(errors, ensure_ascii=False)


def test_reference_to_existing_graph_node_is_accepted(loaded: Graph) -> None:
    """A partial ledger may name what an earlier import wrote."""
    doc = {"households": [{"id": "h-3", "building_id": "b-kl-1", "size": 2}]}
    import_ledger(loaded, ledger_io.read_json(json.dumps(doc)))
    assert loaded.read("read/node", id="h-3", limit=5, communities=None)[0]["label"] == "Household"
    # ... but a reference to a node of the wrong kind is not
    errors = _errors(loaded, {"households": [{"id": "h-4", "building_id": "c-kl"}]})
    assert [(e["table"], e["column"]) for e in errors] == [("households", "building_id")]


def test_missing_csv_column_reported_once(tmp_path: Path) -> None:
    (tmp_path / "buildings.csv").write_text("楼栋编号,名称,类型,所属社区,纬度\nb1,一号楼,住宅楼,c1,39.0\nb2,二号楼,residential,c1,39.1\n")
    raw = ledger_io.read_csv_dir(tmp_path)
    with pytest.raises(InvalidInput) as e:
        validate(raw, check_refs=False)
    assert [(d["table"], d["row"], d["column"]) for d in e.value.details] == [("buildings", None, "lon")]
    assert e.value.details[0]["message"] == "缺少必填列「经度」"


def test_chinese_headers_and_values(tmp_path: Path) -> None:
    (tmp_path / "楼栋.csv").write_text(
        "\ufeff楼栋编号,楼栋名称,类型,所属社区,纬度,经度,备注\nb1,一号楼,住宅楼,c1,39.0,121.0,x\n", encoding="utf-8"
    )
    (tmp_path / "社区.csv").write_text(
        "社区编号,社区名称,类型,所属街道,纬度,经度,有办公用房\nc1,康乐社区,城市社区,s1,39,121,是\n"
    )
    (tmp_path / "streets.csv").write_text("id,name\ns1,金州街道\n")
    raw = ledger_io.read_csv_dir(tmp_path)
    ledger = validate(raw)
    assert ledger["buildings"][0].model_dump()["kind"] == "residential"
    assert ledger["communities"][0].model_dump()["has_office"] is True
    assert any("备注" in w for w in raw.warnings)


def test_template_has_every_table_with_both_headers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from graphsvc.schemas.ledger import TABLES

    path = tmp_path / "t.xlsx"
    path.write_bytes(workbook.template())
    wb = load_workbook(path)
    assert wb.sheetnames == [t.zh for t in TABLES.values()] + ["填表说明"]
    ws = wb["楼栋"]
    assert [c.value for c in ws[1]][:2] == ["楼栋编号", "楼栋名称"]
    assert [c.value for c in ws[2]] == TABLES["buildings"].columns
    raw = ledger_io.read_path(path)
    assert not raw.errors and all(rows == [] for rows in raw.tables.values())


def test_reimport_never_revives_an_ended_pairing(graph: Graph, example: dict[str, Any]) -> None:
    doc = copy.deepcopy(example)
    doc["pairings"][0]["ended_at"] = "2026-01-01T00:00:00+00:00"
    import_ledger(graph, ledger_io.read_json(json.dumps(doc)))
    import_ledger(graph, ledger_io.read_json(json.dumps(example)))  # an older ledger, without ended_at
    (pairing,) = export_ledger(graph)["pairings"]
    assert pairing["ended_at"] == "2026-01-01T00:00:00+00:00"


def test_a_pairing_id_given_other_ends_moves(graph: Graph, example: dict[str, Any]) -> None:
    """The same pairing id between other organisations replaces the old pair (no second pair of that id)."""
    import_ledger(graph, ledger_io.read_json(json.dumps(example)))
    doc = copy.deepcopy(example)
    doc["pairings"][0]["org_b"] = "po-by"
    import_ledger(graph, ledger_io.read_json(json.dumps(doc)))
    (pairing,) = export_ledger(graph)["pairings"]
    assert (pairing["id"], pairing["org_a"], pairing["org_b"]) == ("pr-1", "po-kl", "po-by")
    import_ledger(graph, ledger_io.read_json(json.dumps(example)))  # and back
    (pairing,) = export_ledger(graph)["pairings"]
    assert pairing["org_b"] == "po-tax"


@pytest.mark.parametrize(("cell", "says"), [
    ("b" * 201, "过长：最多 200 个字"),
    ("a b", "编号只能由字母、数字、汉字"),
    ("a\x01b", "含有不可见的控制字符"),
    ("<b>", "编号只能由字母、数字、汉字"),
    ("", "必填，不能为空"),
])
def test_a_ledger_id_out_of_the_grammar_says_what_is_wrong(cell: str, says: str) -> None:
    row = {"id": cell, "name": "一号楼", "community_id": "c1", "kind": "residential", "lat": 30.0, "lon": 120.0}
    with pytest.raises(InvalidInput) as e:
        validate(ledger_io.RawLedger(tables={"buildings": [row]}), check_refs=False)
    assert len(e.value.details) == 1 and says in e.value.details[0]["message"], e.value.details


@pytest.mark.parametrize(("cell", "kept"), [(" 楼栋12 ", "楼栋12"), (101.0, "101"), (7, "7"), ("r-1@c-xf01", "r-1@c-xf01")])
def test_a_ledger_id_in_the_grammar_is_kept(cell: Any, kept: str) -> None:
    row = {"id": cell, "name": "一号楼", "community_id": "c1", "kind": "residential", "lat": 30.0, "lon": 120.0}
    ledger = validate(ledger_io.RawLedger(tables={"buildings": [row]}), check_refs=False)
    assert ledger["buildings"][0].model_dump()["id"] == kept
