"""Writes keep to role and scope, and simultaneous writes neither duplicate records nor over-commit capacity."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.demo import street_ledger
from graphsvc.graph import Graph
from graphsvc.settings import Settings
from tests.conftest import role_clients

LEDGER = street_ledger()
XF = next(c for c in LEDGER["communities"] if c["name"] == "斜桥巷社区")
OTHER = next(c for c in LEDGER["communities"] if c["street_id"] == XF["street_id"] and c["id"] != XF["id"])
FAR = next(c for c in LEDGER["communities"] if c["street_id"] != XF["street_id"])


def _rows(table: str, community: dict[str, Any], **eq: Any) -> list[dict[str, Any]]:
    return [r for r in LEDGER[table] if r.get("community_id") == community["id"] and all(r.get(k) == v for k, v in eq.items())]


def _buildings(community: dict[str, Any]) -> list[str]:
    return [b["id"] for b in _rows("buildings", community)]


def _households(community: dict[str, Any]) -> list[str]:
    bs = set(_buildings(community))
    return [h["id"] for h in LEDGER["households"] if h["building_id"] in bs]


def _member(community: dict[str, Any]) -> str:
    hs = set(_households(community))
    return next(m["id"] for m in LEDGER["members"] if m.get("household_id") in hs and m["category"] != "mobile")


def _group(community: dict[str, Any]) -> str:
    return next(o["id"] for o in _rows("party_orgs", community) if o["level"] == "group")


def _branch(community: dict[str, Any]) -> str:
    return next(o["id"] for o in _rows("party_orgs", community) if o["level"] != "group")


def _owners(community: dict[str, Any]) -> set[str]:
    return {community["id"]} | {u["id"] for u in _rows("units", community)} | {o["id"] for o in _rows("party_orgs", community)}


def _resource(community: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in LEDGER["resources"] if r["owner_id"] in _owners(community))


@pytest.fixture(scope="module")
def clients(graph: Graph, settings: Settings) -> Iterator[dict[str, TestClient]]:
    with role_clients(graph, settings, XF["street_id"], XF["id"]) as clients:
        yield clients


def _writes() -> list[tuple[str, dict[str, Any]]]:
    """One well-formed in-scope request for every write route."""
    return [
        ("/coverage/accept/covers", {"items": [{"org_id": _group(XF), "building_id": _buildings(XF)[0]}]}),
        ("/coverage/accept/links", {"items": [{"member_id": _member(XF), "household_id": _households(XF)[0]}]}),
        ("/coverage/accept/org", {"name": "新党小组", "level": "group", "domain": "community", "community_id": XF["id"],
                                  "parent_id": _branch(XF)}),
        ("/records/pairings", {"org_a": _branch(XF), "org_b": _group(XF), "kind": "co_construction", "themes": ["culture"]}),
        ("/records/sharings", {"resource_id": _resource(XF)["id"], "community_id": XF["id"], "units": 1}),
        ("/records/projects", {"pairing_id": "pr-none", "name": "x", "theme": "culture", "year": 2026}),
        ("/records/pairings/pr-none/end", {}),
        ("/records/sharings/sh-none/end", {}),
        ("/records/projects/pj-none/end", {"status": "done"}),
        ("/pairing/urban-rural/accept", {"urban_id": _branch(XF), "rural_id": _branch(FAR)}),
    ]


def test_analysts_never_write(clients: dict[str, TestClient], graph: Graph) -> None:
    before = graph.read("read/rel_counts")
    for path, body in _writes():
        r = clients["analyst"].post(path, json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", (path, r.status_code, r.text[:200])
    assert clients["analyst"].post("/ledger", files={"file": ("l.json", b"{}", "application/json")}).status_code == 403
    assert graph.read("read/rel_counts") == before


def _out_of_scope() -> list[tuple[str, dict[str, Any], str]]:
    """Writes by a 斜桥巷 community key naming one id of another community (or street): (path, body, field)."""
    return [
        ("/coverage/accept/covers", {"items": [{"org_id": _group(OTHER), "building_id": _buildings(XF)[1]}]}, "org_id"),
        ("/coverage/accept/covers", {"items": [{"org_id": _group(XF), "building_id": _buildings(FAR)[0]}]}, "building_id"),
        ("/coverage/accept/links", {"items": [{"member_id": _member(OTHER), "household_id": _households(XF)[1]}]}, "member_id"),
        ("/coverage/accept/org", {"name": "越界", "level": "group", "domain": "community", "community_id": XF["id"],
                                  "parent_id": _branch(FAR)}, "parent_id"),
        ("/coverage/accept/org", {"name": "越界", "level": "branch", "domain": "unit", "community_id": XF["id"],
                                  "parent_id": _branch(XF), "unit_id": _rows("units", FAR)[0]["id"]}, "unit_id"),
        ("/records/pairings", {"org_a": _branch(XF), "org_b": _branch(OTHER), "kind": "co_construction",
                               "themes": ["culture"]}, "org_b"),
        ("/records/sharings", {"resource_id": _resource(FAR)["id"], "community_id": XF["id"], "units": 1}, "resource_id"),
    ]


@pytest.mark.parametrize("case", range(7))
def test_community_key_writes_only_inside_its_scope(clients: dict[str, TestClient], graph: Graph, case: int) -> None:
    path, body, field = _out_of_scope()[case]
    before = graph.read("read/rel_counts"), graph.read("read/node_counts")
    r = clients["community"].post(path, json=body)
    assert r.status_code == 404, (path, r.status_code, r.text[:300])
    assert any(d["field"].endswith(field) for d in r.json()["error"]["details"]), r.text
    assert (graph.read("read/rel_counts"), graph.read("read/node_counts")) == before


def test_street_key_cannot_reach_another_street(clients: dict[str, TestClient]) -> None:
    body: dict[str, Any] = {"items": [{"org_id": _group(FAR), "building_id": _buildings(XF)[2]}]}
    assert clients["street"].post("/coverage/accept/covers", json=body).status_code == 404
    body = {"resource_id": _resource(FAR)["id"], "community_id": OTHER["id"], "units": 1}
    assert clients["street"].post("/records/sharings", json=body).status_code == 404
    # inside the street, across its communities, a street key may write
    body = {"items": [{"org_id": _group(OTHER), "building_id": _buildings(OTHER)[0]}]}
    assert clients["street"].post("/coverage/accept/covers", json=body).status_code == 200


def _together(n: int, call: Callable[[], Any]) -> list[Any]:
    """Run `call` on n threads released at the same moment; their results in order."""
    barrier, out = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        barrier.wait()
        out[i] = call()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return out


def test_simultaneous_pairings_make_one(clients: dict[str, TestClient]) -> None:
    org_a, org_b = _branch(OTHER), _group(OTHER)
    body = {"org_a": org_a, "org_b": org_b, "kind": "co_construction", "themes": ["culture"]}
    codes = [r.status_code for r in _together(8, lambda: clients["street"].post("/records/pairings", json=body))]
    assert sorted(codes) == [201] + [409] * 7, codes
    current = clients["admin"].get("/records/pairings", params={"community_id": OTHER["id"]}).json()["items"]
    assert len([p for p in current if {p["org_a"], p["org_b"]} == {org_a, org_b} and p["kind"] == "co_construction"]) == 1


def _free_resource(graph: Graph, community: dict[str, Any]) -> tuple[str, int, int]:
    """A resource of `community` with at least two units left: (id, capacity, left)."""
    for res in (r for r in LEDGER["resources"] if r["owner_id"] in _owners(community)):
        st = graph.read("records/resource_state", resource_id=res["id"], need_id=None)[0]
        left = int(st["capacity"]) - sum(st["shared_units"])
        if left >= 2:
            return res["id"], int(st["capacity"]), left
    raise AssertionError("no resource with capacity left")


def test_simultaneous_sharings_never_exceed_capacity(clients: dict[str, TestClient], graph: Graph) -> None:
    res_id, capacity, left = _free_resource(graph, OTHER)
    body = {"resource_id": res_id, "community_id": OTHER["id"], "units": 1}
    n = min(left, 6) + 4
    taken = n - 4
    if left > taken:  # leave exactly `taken` units so the race is over the last ones
        r = clients["admin"].post("/records/sharings", json={**body, "units": left - taken})
        assert r.status_code == 201, r.text
    codes = [r.status_code for r in _together(n, lambda: clients["street"].post("/records/sharings", json=body))]
    assert codes.count(201) == taken and codes.count(409) == n - taken, codes
    state = graph.read("records/resource_state", resource_id=res_id, need_id=None)[0]
    assert sum(state["shared_units"]) == capacity


def test_analysts_count_flagged_households_never_list_them(clients: dict[str, TestClient]) -> None:
    for flag in ("low_income", "unemployed", "separated", "elderly_alone", "hardship"):
        q = {"rule": "vulnerable_without_helper", "vulnerable": flag}
        full = clients["admin"].get("/coverage/gaps", params=q).json()["rules"]["vulnerable_without_helper"]
        seen = clients["analyst"].get("/coverage/gaps", params=q).json()["rules"]["vulnerable_without_helper"]
        assert full["count"] > 0 and len(full["ids"]) == full["count"]
        assert seen["count"] == full["count"] and seen["ids"] == [] and seen["items"] == [], flag
    # the summary still counts them, by community
    summary = clients["analyst"].get("/coverage/summary").json()
    assert next(i for i in summary["items"] if i["rule"] == "vulnerable_without_helper")["gaps"] > 0
    assert any("vulnerable_without_helper" in c["gaps"] for c in summary["communities"])


def test_analysts_never_see_who_is_helped(clients: dict[str, TestClient]) -> None:
    """A 一帮一 tie marks its household as vulnerable: analysts see neither the tie nor the helper suggestions."""
    helped = {h["household_id"]: h["member_id"] for h in LEDGER["member_helps"] if h["household_id"] in set(_households(XF))}
    household, member = next(iter(sorted(helped.items())))
    for node_id in (household, member):
        admin = clients["admin"].get(f"/nodes/{node_id}").json()
        seen = clients["analyst"].get(f"/nodes/{node_id}").json()
        assert any(n["type"] == "HELPS" for n in admin["neighbours"]), node_id
        assert not any(n["type"] == "HELPS" for n in seen["neighbours"]), node_id
        assert seen["degree"] == admin["degree"] - sum(n["type"] == "HELPS" for n in admin["neighbours"])
    full = clients["admin"].get("/coverage/suggestions/helpers").json()
    seen = clients["analyst"].get("/coverage/suggestions/helpers").json()
    assert full["count"] > 0 and len(full["items"]) == full["count"]
    assert seen["count"] == full["count"] and seen["items"] == seen["accept"] == seen["unassigned"] == []


def test_analysts_link_plan_does_not_favour_the_vulnerable(clients: dict[str, TestClient], graph: Graph) -> None:
    """Which households the link plan serves first would reveal their flags: an analyst's plan ignores them."""
    from graphsvc.schemas.coverage import Area, GapParams
    from graphsvc.scope import LOCAL_ADMIN
    from graphsvc.services import coverage

    seen = clients["analyst"].get("/coverage/suggestions/links", params={"link_cap": 1}).json()
    no_flags = GapParams(link_cap=1).model_copy(update={"vulnerable": []})  # no household counts as vulnerable
    blind = coverage.suggest_links(graph, LOCAL_ADMIN, Area(), no_flags)
    assert seen["count"] > 0 and all(i["vulnerable"] is None for i in seen["items"])
    pairs = sorted((i["member_id"], i["household_id"]) for i in seen["items"])
    assert pairs == sorted((i.member_id, i.household_id) for i in blind.items)
    # Here every household has room, so the priority cannot show in who is served; where room is short it does,
    # and an analyst's plan still ignores it: tests/test_trust_links.py.


def test_analysts_never_see_a_members_category(clients: dict[str, TestClient]) -> None:
    poor = next(m for m in LEDGER["members"] if m["category"] == "hardship")
    assert "category" not in clients["analyst"].get(f"/nodes/{poor['id']}").json()["props"]
    assert clients["admin"].get(f"/nodes/{poor['id']}").json()["props"]["category"] == "hardship"
    overloaded = clients["analyst"].get("/coverage/gaps", params={"rule": "member_overloaded", "link_cap": 1}).json()
    items = overloaded["rules"]["member_overloaded"]["items"]
    assert items and all("category" not in g["detail"] for g in items)


def test_neighbours_are_scoped_like_the_node(clients: dict[str, TestClient]) -> None:
    c = clients["community"]
    checked, hidden = 0, 0
    for org_id in sorted({s["org_id"] for s in LEDGER["seats"]}):
        r = c.get(f"/nodes/{org_id}")
        if r.status_code != 200:
            continue
        members = [n["id"] for n in r.json()["neighbours"] if n["label"] == "Member"]
        for m in members:
            assert c.get(f"/nodes/{m}").status_code == 200, (org_id, m)
        checked += 1
        # the admin sees the seats of other communities that the community key does not
        everyone = [n["id"] for n in clients["admin"].get(f"/nodes/{org_id}").json()["neighbours"] if n["label"] == "Member"]
        assert set(members) <= set(everyone)
        hidden += len(set(everyone) - set(members))
    assert checked and hidden


def test_a_write_drops_only_the_cached_answers_of_what_it_touched(clients: dict[str, TestClient]) -> None:
    from graphsvc.schemas.coverage import Area, GapParams
    from graphsvc.scope import LOCAL_ADMIN
    from graphsvc.services import coverage

    app_graph = clients["admin"].app.state.conn.graph  # type: ignore[attr-defined]
    far, xf, p = Area(community_id=FAR["id"]), Area(community_id=XF["id"]), GapParams()
    far_before, xf_before = coverage.summary(app_graph, LOCAL_ADMIN, far, p), coverage.summary(app_graph, LOCAL_ADMIN, xf, p)
    assert coverage.summary(app_graph, LOCAL_ADMIN, xf, p) is xf_before  # cached
    body: dict[str, Any] = {"items": [{"org_id": _group(XF), "building_id": _buildings(XF)[3]}]}
    assert clients["community"].post("/coverage/accept/covers", json=body).status_code == 200
    assert coverage.summary(app_graph, LOCAL_ADMIN, far, p) is far_before  # another street: kept
    xf_after = coverage.summary(app_graph, LOCAL_ADMIN, xf, p)
    assert xf_after is not xf_before  # the written community: recomputed
    res_id, _, _ = _free_resource(app_graph, XF)
    body = {"resource_id": res_id, "community_id": XF["id"], "units": 1}
    assert clients["community"].post("/records/sharings", json=body).status_code == 201
    assert coverage.summary(app_graph, LOCAL_ADMIN, xf, p) is xf_after  # a sharing changes no coverage answer
