"""Rectification (整改闭环) and the street report on the example ledger: assigning a gap, 已整改 checked by
the rule (sent back while the gap remains, closed once it is gone), overdue flags, scope and roles, audit,
the rectification workbook and the report workbook with its sheets and charts."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from graphsvc import audit
from graphsvc.api import deps
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger, read_path
from graphsvc.main import create_app
from graphsvc.scope import LOCAL_ADMIN, Scope
from graphsvc.services import report
from graphsvc.services.ledger import import_raw
from graphsvc.settings import Settings

ADMIN = Scope(actor="street-office")
CALLER = {"scope": ADMIN}
DUE = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Graph, example_path: Any) -> Iterator[TestClient]:
    import_raw(graph, LOCAL_ADMIN, read_path(example_path), batch_size=1000, source="test")
    app = create_app(settings)
    app.dependency_overrides[deps._scope] = lambda: CALLER["scope"]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def as_(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    CALLER["scope"] = ADMIN


def assign(client: TestClient, **over: Any) -> Any:
    body = {"rule": "building_without_group", "target_id": "b-kl-2", "org_id": "pg-kl-1", "person": "王明",
            "due": DUE, "note": "=HYPERLINK(\"http://x\")"} | over
    return client.post("/rectifications", json=body)


def test_rectification_closes_only_when_the_rule_no_longer_finds_the_gap(client: TestClient, graph: Graph) -> None:
    r = assign(client)
    assert r.status_code == 201, r.text
    rect = r.json()
    assert (rect["status"], rect["status_zh"], rect["overdue"]) == ("open", "待整改", False)
    assert rect["community_id"] == "c-kl" and rect["street_id"] == "s-jz" and rect["org_name"] == "1号楼党小组"
    assert assign(client).status_code == 409  # one open rectification per gap

    r = client.patch(f"/rectifications/{rect['id']}", json={"status": "done"})
    assert r.status_code == 200, r.text
    back = r.json()
    assert (back["status"], back["recheck"]) == ("in_progress", "still_found")  # the building is still uncovered
    assert "复查" in back["note"] and back["closed_at"] is None

    covered = client.post("/coverage/accept/covers", json={"items": [{"org_id": "pg-kl-1", "building_id": "b-kl-2"}]})
    assert covered.status_code == 200, covered.text
    r = client.patch(f"/rectifications/{rect['id']}", json={"status": "done", "note": "已纳入1号楼党小组"})
    done = r.json()
    assert (done["status"], done["status_zh"], done["recheck"]) == ("done", "已整改", "closed")
    assert done["closed_at"] and done["note"].endswith("已纳入1号楼党小组")

    actions = [e["action"] for e in audit.entries(graph, limit=20)]
    assert actions.count("rectify.update") == 2 and "rectify.create" in actions
    assert all("王明" not in str(e) for e in audit.entries(graph, limit=20))  # a person's name is not audit detail


def test_a_gap_that_is_not_found_cannot_be_assigned(client: TestClient) -> None:
    r = assign(client, target_id="b-kl-1")  # covered from the start
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert assign(client, due="2020-01-01", target_id="c-by", rule="community_lacking_basics").status_code == 422


def test_overdue_is_flagged_and_progress_counted(client: TestClient) -> None:
    r = assign(client, target_id="c-by", rule="community_lacking_basics", org_id="po-by", person=None)
    assert r.status_code == 201, r.text
    late = client.patch(f"/rectifications/{r.json()['id']}", json={"due": "2020-01-01", "status": "in_progress"})
    assert late.json()["overdue"] is True
    ledger = client.get("/rectifications", params={"street_id": "s-jz"}).json()
    assert ledger["count"] == 2
    street = next(p for p in ledger["progress"] if p["level"] == "street")
    assert (street["total"], street["done"], street["in_progress"], street["overdue"]) == (2, 1, 1, 1)
    assert street["done_ratio"] == 0.5
    assert client.get("/rectifications", params={"overdue": "true"}).json()["count"] == 1


def test_scope_and_roles(client: TestClient, as_: None) -> None:
    ids = [i["id"] for i in client.get("/rectifications").json()["items"]]
    CALLER["scope"] = Scope(role="community", communities=("c-by",), actor="village")
    seen = client.get("/rectifications").json()["items"]
    assert {i["community_id"] for i in seen} == {"c-by"}
    other = next(i for i in ids if i not in {s["id"] for s in seen})
    assert client.patch(f"/rectifications/{other}", json={"status": "open"}).status_code == 404
    assert client.get("/rectifications", params={"street_id": "s-nowhere"}).status_code == 404
    CALLER["scope"] = Scope(role="analyst", masked=True, actor="analyst")
    assert assign(client, target_id="c-kl", rule="community_lacking_basics").status_code == 403
    assert client.patch(f"/rectifications/{ids[0]}", json={"status": "open"}).status_code == 403
    people = {i["person"] for i in client.get("/rectifications").json()["items"]}
    assert people <= {None, "王*"}


def test_rectification_workbook_keeps_text_as_text(client: TestClient) -> None:
    r = client.get("/rectifications/export", params={"street_id": "s-jz"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(report.XLSX)
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["整改台账", "整改进度"]
    ws = wb["整改台账"]
    assert [c.value for c in ws[1]][:3] == ["编号", "规则", "缺口对象"]
    notes = [ws.cell(row=i, column=11) for i in range(2, ws.max_row + 1)]
    assert any(str(c.value).startswith("=HYPERLINK") for c in notes)
    assert all(c.data_type == "s" for c in notes if c.value)  # never a formula


def test_street_report_has_its_sheets_and_native_charts(client: TestClient, graph: Graph) -> None:
    r = client.get("/reports/street", params={"street_id": "s-jz"})
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:3] == ["汇总", "趋势", "整改台账"] and wb.sheetnames[-2:] == ["结对", "共建项目"]
    assert "10三无居委" in wb.sheetnames  # 白庙村 lacks office, funds and land
    summary = wb["汇总"]
    assert summary["A1"].value.startswith("金州街道") or "汇报" in summary["A1"].value
    assert len(summary._charts) == 1 and len(wb["趋势"]._charts) == 1
    rules = [summary.cell(row=i, column=1).value for i in range(5, 16)]
    assert all(isinstance(v, str) and "：" in v for v in rules)
    gaps = wb["10三无居委"]
    assert gaps["A4"].value == "c-by" and "办公用房" in gaps["E4"].value
    assert client.get("/reports/street", params={"street_id": "s-nowhere"}).status_code == 404


def test_a_household_task_names_its_building_and_number(client: TestClient, graph: Graph) -> None:
    household = {"id": "h-kl1-0302", "building_id": "b-kl-1", "size": 2, "hardship": False, "disabled": False,
                 "elderly_alone": False, "low_income": False, "separated": False, "unemployed": False}
    import_raw(graph, LOCAL_ADMIN, RawLedger(tables={"households": [household]}), batch_size=1000, source="test")
    r = assign(client, rule="household_unlinked", target_id="h-kl1-0302", note=None)  # no member links it
    assert r.status_code == 201, r.text
    assert r.json()["target_name"] == "康乐小区1号楼 0302户"  # the ledger's name of b-kl-1, not the id
