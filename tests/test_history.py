"""Coverage over time: snapshots after an import and after accepted suggestions, the daily command's
snapshot, the trend rising, the snapshot agreeing with the live summary, and scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.api import deps
from graphsvc.demo import street_ledger
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.main import create_app
from graphsvc.schemas.coverage import Area, GapParams
from graphsvc.schemas.history import HistoryQuery
from graphsvc.scope import LOCAL_ADMIN, Scope
from graphsvc.services import coverage, history
from graphsvc.services.ledger import import_raw
from graphsvc.settings import Settings

STREET = "s-xf"
CALLER = {"scope": Scope(actor="planner-1")}


@pytest.fixture(scope="module")
def demo(graph: Graph) -> Graph:
    import_raw(graph, LOCAL_ADMIN, RawLedger(tables=street_ledger()), batch_size=5000, source="test", snapshot=GapParams())
    return graph


@pytest.fixture(scope="module")
def client(settings: Settings, demo: Graph) -> Iterator[TestClient]:
    app = create_app(settings)
    app.dependency_overrides[deps._scope] = lambda: CALLER["scope"]
    with TestClient(app) as c:
        yield c


def street_points(client: TestClient) -> list[dict[str, Any]]:
    r = client.get("/coverage/history", params={"street_id": STREET})
    assert r.status_code == 200, r.text
    street = [p for p in r.json()["items"] if p["level"] == "street"]
    assert len(street) == 1 and street[0]["id"] == STREET
    return street[0]["points"]


def test_import_takes_a_snapshot_that_matches_the_live_summary(client: TestClient, demo: Graph) -> None:
    points = street_points(client)
    assert len(points) == 1 and points[0]["source"] == "import"
    got = history.history(demo, LOCAL_ADMIN, HistoryQuery(street_id=STREET))
    communities = [p for p in got.items if p.level == "community"]
    assert len(communities) == 13  # 新丰街街道's communities, each with its own series
    for place in [p for p in got.items if p.level == "street"] + communities[:3]:
        area = Area(street_id=place.id) if place.level == "street" else Area(community_id=place.id)
        live = coverage.summary(demo, LOCAL_ADMIN, area, GapParams())
        stored = place.points[-1].rules
        for item in live.items:
            assert (stored[item.rule.value].total, stored[item.rule.value].gaps) == (item.total, item.gaps), (
                place.id, item.rule)


def test_grid_rows_match_the_live_grid_summary(demo: Graph) -> None:
    community = history.history(demo, LOCAL_ADMIN, HistoryQuery(street_id=STREET)).items[1].id
    grids = [p for p in history.history(demo, LOCAL_ADMIN, HistoryQuery(community_id=community)).items if p.level == "grid"]
    assert grids
    live = coverage.summary(demo, LOCAL_ADMIN, Area(grid_id=grids[0].id), GapParams())
    stored = grids[0].points[-1].rules
    assert "community_without_org" not in stored  # a community rule has no grid value of its own
    for item in live.items:
        if item.rule.value in stored:
            assert (stored[item.rule.value].total, stored[item.rule.value].gaps) == (item.total, item.gaps), item.rule


def test_accepting_suggestions_snapshots_and_the_trend_rises(client: TestClient, demo: Graph) -> None:
    before = street_points(client)
    groups = client.get("/coverage/suggestions/groups", params={"street_id": STREET}).json()
    covers = [i["accept_covers"] for i in groups["items"] if i["accept_covers"]]
    assert covers
    assert client.post("/coverage/accept/covers", json={"items": covers}).status_code == 200
    links = client.get("/coverage/suggestions/links", params={"street_id": STREET}).json()
    assert links["accept"]
    assert client.post("/coverage/accept/links", json={"items": links["accept"]}).status_code == 200
    taken = history.take(demo, GapParams(), source="snapshot")  # what `graphsvc snapshot` runs daily
    assert taken.places > 14
    points = street_points(client)
    assert len(points) == len(before) + 3
    assert [p["source"] for p in points[-3:]] == ["accept", "accept", "snapshot"]
    buildings = [p["rules"]["building_without_group"]["ratio"] for p in points]
    households = [p["rules"]["household_unlinked"]["ratio"] for p in points]
    assert buildings[-3] > buildings[-4]  # the accepted groups cover buildings
    assert households[-2] > households[-3]  # the accepted links reach households
    assert buildings[-1] == buildings[-2] and households[-1] == households[-2]  # nothing changed since
    assert [p["taken_at"] for p in points] == sorted(p["taken_at"] for p in points)


def test_history_is_scoped(client: TestClient, demo: Graph) -> None:
    community = "c-xf01" if any(
        p.id == "c-xf01" for p in history.history(demo, LOCAL_ADMIN, HistoryQuery(street_id=STREET)).items
    ) else history.history(demo, LOCAL_ADMIN, HistoryQuery(street_id=STREET)).items[1].id
    CALLER["scope"] = Scope(role="community", communities=(community,), actor="c")
    try:
        r = client.get("/coverage/history")
        assert r.status_code == 200
        levels = {(p["level"], p["community_id"]) for p in r.json()["items"]}
        assert levels == {("community", community)}  # the street's own row sums other communities: not shown
        r = client.get("/coverage/history", params={"street_id": "s-hm"})
        assert r.status_code == 404
        r = client.get("/coverage/history", params={"community_id": community})
        assert {p["community_id"] for p in r.json()["items"]} == {community}
        assert any(p["level"] == "grid" for p in r.json()["items"])
    finally:
        CALLER["scope"] = Scope(actor="planner-1")
