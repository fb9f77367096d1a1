"""Matching and records through the API (lifespan running, real engine, demo street)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graphsvc.demo import street_ledger
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.main import create_app
from graphsvc.settings import Settings
from tests.conftest import bearer, make_token
from tests.test_api import assert_error


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Graph, admin_token: str) -> Iterator[TestClient]:
    import_ledger(graph, RawLedger(tables=street_ledger()))
    with TestClient(create_app(settings), headers=bearer(admin_token)) as c:
        yield c


def _pair(items: list[dict], community_org: str, unit_org: str) -> dict | None:
    return next((i for i in items if (i["community_org_id"], i["unit_org_id"]) == (community_org, unit_org)), None)


def test_recorded_pairing_is_an_existing_tie_in_the_next_suggestions(client: TestClient) -> None:
    params = {"street_id": "s-xf", "unit_cap": 2, "community_min": 3}
    before = client.get("/match/partners", params=params).json()
    new = next(i for i in before["items"] if not i["existing"])
    r = client.post("/records/pairings", json={"org_a": new["community_org_id"], "org_b": new["unit_org_id"],
                                               "themes": ["party_work"], "source": "suggestion"})
    assert r.status_code == 201, r.text
    pairing = r.json()
    assert pairing["source"] == "suggestion" and pairing["created_by"] and pairing["active"]
    after = client.get("/match/partners", params=params).json()
    tie = _pair(after["items"], new["community_org_id"], new["unit_org_id"])
    assert tie is not None and tie["existing"] and tie["pairing_id"] == pairing["id"]
    assert after["suggested"] <= before["suggested"]
    # the unit's resources now count as paired with that community
    needs = client.get("/match/needs", params={"community_id": new["community_id"], "top": 50}).json()
    owned = [c for i in needs["items"] for c in i["candidates"] if c["owner_id"] == new["unit_id"]]
    assert all(c["paired"] for c in owned)

    ended = client.post(f"/records/pairings/{pairing['id']}/end", json={"reason": "试点结束"})
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert_error(client.post(f"/records/pairings/{pairing['id']}/end", json={}), 409, "infeasible")
    history = client.get("/records/pairings", params={"state": "ended"}).json()
    assert [p["id"] for p in history["items"]] == [pairing["id"]]
    again = client.get("/match/partners", params=params).json()
    tie = _pair(again["items"], new["community_org_id"], new["unit_org_id"])
    assert tie is None or not tie["existing"]


def test_needs_and_allocation(client: TestClient) -> None:
    body = client.get("/match/needs", params={"street_id": "s-xf"}).json()
    assert body["count"] == len(body["items"]) > 0 and all(i["candidates"] for i in body["items"])
    a = client.post("/match/allocate", json={"street_id": "s-xf"}).json()
    assert a["objective"] > 0 and a["met_units"] <= a["needed_units"] and a["count"] == len(a["items"])
    flow = a["items"][0]
    banned = client.post("/match/allocate", json={
        "street_id": "s-xf", "forbidden": [{"need_id": flow["need_id"], "resource_id": flow["resource_id"]}]}).json()
    assert (flow["need_id"], flow["resource_id"]) not in {(f["need_id"], f["resource_id"]) for f in banned["items"]}
    assert banned["objective"] <= a["objective"] + 1e-9


def test_errors_have_one_shape(client: TestClient) -> None:
    assert_error(client.get("/match/needs", params={"community_id": "c-nowhere"}), 404, "not_found")
    assert_error(client.get("/match/partners", params={"unit_cap": -1}), 422, "invalid_input")
    bad = client.post("/match/allocate", json={"locked": [{"need_id": "n-x", "resource_id": "r-x"}]})
    assert_error(bad, 404, "not_found")
    assert_error(client.post("/match/allocate", json={"distance_cost_per_km": -1}), 422, "invalid_input")
    assert_error(client.post("/records/pairings", json={"org_a": "po-xf01", "org_b": "po-nowhere"}), 404, "not_found")
    assert_error(client.post("/records/pairings", json={"org_a": "po-xf01", "org_b": "pu-xf-001"}), 409, "infeasible")
    assert_error(client.post("/records/sharings", json={"resource_id": "r-xf-002", "community_id": "c-xf01",
                                                        "units": 0}), 422, "invalid_input")


def test_analyst_reads_but_does_not_write(client: TestClient, graph: Graph) -> None:
    analyst = bearer(make_token(graph, "analyst"))
    assert client.get("/match/evaluation", headers=analyst).status_code == 200
    r = client.post("/records/pairings", json={"org_a": "po-xf03", "org_b": "pu-xf-002"}, headers=analyst)
    assert_error(r, 403, "forbidden")


def test_sharing_and_project_records(client: TestClient) -> None:
    r = client.post("/records/sharings", json={"resource_id": "r-xf-003", "community_id": "c-xf04", "units": 1})
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["id"].startswith("sh-") and s["units"] == 1
    assert s["id"] in {x["id"] for x in client.get("/records/sharings", params={"community_id": "c-xf04"}).json()["items"]}
    assert client.post(f"/records/sharings/{s['id']}/end", json={}).json()["ended_at"]
    pairing = client.get("/records/pairings", params={"community_id": "c-xf04"}).json()["items"][0]
    pj = client.post("/records/projects", json={"pairing_id": pairing["id"], "name": "楼道微改造",
                                                "theme": "infrastructure", "year": 2032}).json()
    done = client.post(f"/records/projects/{pj['id']}/end", json={"outcome": 90, "satisfaction": 95}).json()
    assert done["status"] == "done" and done["satisfaction"] == 95
    ev = client.get("/match/evaluation", params={"year": 2032}).json()
    assert [(i["pairing_id"], i["status"], i["top"]) for i in ev["items"]] == [(pairing["id"], "ok", True)]


def test_picture(client: TestClient) -> None:
    r = client.get("/pictures/matching", params={"street_id": "s-xf"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "建议结对" in r.text and "现有结对" in r.text and "pu-xf-001" in r.text
