"""The API with its lifespan running, against the real engine: reads, ledger upload/download, one error shape."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graphsvc.main import create_app
from graphsvc.settings import Settings
from tests.conftest import bearer


@pytest.fixture(scope="module")
def client(settings: Settings, example_path: Path, admin_token: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=bearer(admin_token)) as c:
        r = c.post("/ledger", files={"file": ("ledger.json", example_path.read_bytes(), "application/json")})
        assert r.status_code == 200, r.text
        yield c


def data_stats(client: TestClient) -> dict:
    """Counts of the ledger's data (keys and audit entries grow with every write)."""
    body = client.get("/stats").json()
    body["nodes"] = {k: v for k, v in body["nodes"].items()
                     if k not in ("ApiKey", "AuditEntry", "CoverageCounter", "WriteLock")}  # bookkeeping
    return body


def assert_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["engine"] == "embedded"


def test_node_with_neighbours_hides_phone(client: TestClient) -> None:
    body = client.get("/nodes/m-2").json()
    assert body["label"] == "Member" and body["props"]["name"] == "孙丽"
    assert "phone" not in body["props"]
    assert {(n["type"], n["id"]) for n in body["neighbours"]} >= {("WORKS_AT", "u-tax"), ("MEMBER_OF", "po-tax")}


def test_lists(client: TestClient) -> None:
    assert client.get("/streets").json()["items"][0]["communities"] == 2
    kl = next(c for c in client.get("/communities", params={"street_id": "s-jz"}).json()["items"] if c["id"] == "c-kl")
    assert (kl["buildings"], kl["households"], kl["resident_members"], kl["orgs"], kl["units"]) == (2, 2, 2, 2, 1)
    groups = client.get("/orgs", params={"level": "group"}).json()
    assert [o["id"] for o in groups["items"]] == ["pg-kl-1"] and groups["items"][0]["covers"] == 1
    assert client.get("/stats").json()["nodes"]["PartyOrg"] == 5


def test_errors_share_one_shape(client: TestClient) -> None:
    assert_error(client.get("/nodes/nope"), 404, "not_found")
    err = assert_error(client.get("/orgs", params={"level": "emperor"}), 422, "invalid_input")
    assert err["details"][0]["field"] == "query.level"
    assert_error(client.get("/communities", params={"limit": 0}), 422, "invalid_input")
    assert_error(client.get("/no-such-route"), 404, "not_found")
    assert_error(client.get("/ledger", params={"format": "pdf"}), 422, "invalid_input")


def test_bad_upload_lists_errors_and_writes_nothing(client: TestClient, example_path: Path) -> None:
    before = data_stats(client)
    doc = json.loads(example_path.read_text())
    doc["buildings"][0]["kind"] = "castle"
    doc["households"].append({"id": "h-9", "building_id": "b-none"})
    r = client.post("/ledger", files={"file": ("l.json", json.dumps(doc).encode(), "application/json")})
    err = assert_error(r, 422, "invalid_input")
    assert {(d["table"], d["row"], d["column"]) for d in err["details"]} == {("buildings", 1, "kind"), ("households", 3, "building_id")}
    assert_error(client.post("/ledger", files={"file": ("l.json", b"{not json", "application/json")}), 422, "invalid_input")
    assert_error(client.post("/ledger", files={"file": ("l.pdf", b"%PDF", "application/pdf")}), 422, "invalid_input")
    assert_error(client.post("/ledger", files={"file": ("l.xlsx", b"PK\x03\x04junk", "application/zip")}), 422, "invalid_input")
    assert data_stats(client) == before


@pytest.mark.parametrize("fmt", ["json", "xlsx", "csv"])
def test_download_and_upload_again(client: TestClient, fmt: str) -> None:
    before = data_stats(client)
    r = client.get("/ledger", params={"format": fmt})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    name = {"json": "l.json", "xlsx": "l.xlsx", "csv": "l.zip"}[fmt]
    r = client.post("/ledger", files={"file": (name, io.BytesIO(r.content), "application/octet-stream")})
    assert r.status_code == 200, r.text
    assert r.json()["total"] > 20
    assert data_stats(client) == before


def test_the_upload_page_says_what_each_table_changed_in_chinese(client: TestClient, example_path: Path) -> None:
    r = client.post("/pages/ledger/upload", files={"file": ("台账.json", example_path.read_bytes(), "application/json")})
    assert r.status_code == 200 and "导入成功" in r.text
    assert all(w in r.text for w in ("新增", "更新", "未变化", "社区", "住户", "党员"))
    assert "households" not in r.text and "member_links" not in r.text  # the tables' Chinese names, not the codes


def test_home_page_is_chinese(client: TestClient) -> None:
    r = client.get("/", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "金州街道" in r.text and "康乐社区" in r.text
    assert "http://" not in r.text and "https://" not in r.text  # nothing loaded from outside
