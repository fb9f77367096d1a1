"""Keys, roles and scope against the real engine: every role's view of the demo street, audit entries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc import audit
from graphsvc.demo import street_ledger
from graphsvc.errors import Unauthorized
from graphsvc.graph import Graph
from graphsvc.scope import Scope
from graphsvc.services import access
from graphsvc.settings import Settings
from tests.conftest import bearer, role_clients

LEDGER = street_ledger()
XF = next(c for c in LEDGER["communities"] if c["name"] == "斜桥巷社区")
OTHER = next(c for c in LEDGER["communities"] if c["street_id"] == XF["street_id"] and c["id"] != XF["id"])
FAR = next(c for c in LEDGER["communities"] if c["street_id"] != XF["street_id"])


def _in(table: str, community: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in LEDGER[table] if r.get("community_id") == community["id"])


def _member_of(community: dict[str, Any]) -> dict[str, Any]:
    buildings = {b["id"] for b in LEDGER["buildings"] if b["community_id"] == community["id"]}
    households = {h["id"] for h in LEDGER["households"] if h["building_id"] in buildings}
    return next(m for m in LEDGER["members"] if m.get("household_id") in households and m.get("phone"))


@pytest.fixture(scope="module")
def clients(graph: Graph, settings: Settings) -> Iterator[dict[str, TestClient]]:
    with role_clients(graph, settings, XF["street_id"], XF["id"]) as clients:
        yield clients


def test_no_token_401_bad_token_401_health_open(clients: dict[str, TestClient]) -> None:
    anon = clients["anon"]
    r = anon.get("/communities")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = anon.get("/communities", headers=bearer("gsk_not-a-key"))
    assert r.status_code == 401 and set(r.json()) == {"error"}
    assert anon.get("/health").status_code == 200
    # a person in a browser is sent to the login page instead
    r = anon.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_community_key_sees_its_community_only(clients: dict[str, TestClient]) -> None:
    c = clients["community"]
    assert [x["id"] for x in c.get("/communities").json()["items"]] == [XF["id"]]
    assert c.get(f"/nodes/{_in('buildings', XF)['id']}").status_code == 200
    for table, other in (("buildings", OTHER), ("units", OTHER), ("buildings", FAR)):
        r = c.get(f"/nodes/{_in(table, other)['id']}")
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert c.get(f"/nodes/{OTHER['id']}").status_code == 403
    assert c.get(f"/nodes/{_member_of(OTHER)['id']}").status_code == 403
    orgs = c.get("/orgs").json()["items"]
    # its own organisations, units' organisations located there, and the working committee above them
    assert orgs and all(o["community_id"] in (XF["id"], None) for o in orgs)
    assert any(o["level"] == "working_committee" for o in orgs)
    assert c.get("/stats").status_code == 403
    assert c.get("/audit").status_code == 403


def test_street_key_sees_its_street(clients: dict[str, TestClient]) -> None:
    s = clients["street"]
    ids = {x["id"] for x in s.get("/communities").json()["items"]}
    assert ids == {c["id"] for c in LEDGER["communities"] if c["street_id"] == XF["street_id"]}
    assert s.get(f"/nodes/{_in('buildings', OTHER)['id']}").status_code == 200
    assert s.get(f"/nodes/{_in('buildings', FAR)['id']}").status_code == 403
    assert [x["id"] for x in s.get("/streets").json()["items"]] == [XF["street_id"]]


def test_analyst_sees_masked_people(clients: dict[str, TestClient]) -> None:
    member = _member_of(XF)
    body = clients["analyst"].get(f"/nodes/{member['id']}").json()
    assert body["props"]["name"] == member["name"][0] + "*"
    assert "phone" not in body["props"] and "birth_year" not in body["props"]
    household = clients["analyst"].get(f"/nodes/{member['household_id']}").json()
    assert "hardship" not in household["props"]
    assert any(n["name"].endswith("*") for n in household["neighbours"] if n["label"] == "Member")
    assert clients["analyst"].get("/ledger").status_code == 403
    # the admin sees the name, never the phone
    body = clients["admin"].get(f"/nodes/{member['id']}").json()
    assert body["props"]["name"] == member["name"] and "phone" not in body["props"]


def test_scoped_export(clients: dict[str, TestClient]) -> None:
    doc = clients["community"].get("/ledger").json()
    assert [c["id"] for c in doc["communities"]] == [XF["id"]]
    assert doc["buildings"] and all(b["community_id"] == XF["id"] for b in doc["buildings"])
    assert clients["community"].post("/ledger", files={"file": ("l.json", b"{}", "application/json")}).status_code == 403
    full = clients["admin"].get("/ledger").json()
    assert len(full["communities"]) == len(LEDGER["communities"])


def test_writes_are_audited_and_keys_revocable(graph: Graph, clients: dict[str, TestClient]) -> None:
    admin = clients["admin"]
    r = admin.post("/ledger", files={"file": ("l.json", b'{"streets": [{"id": "s-x", "name": "\\u6d4b\\u8bd5"}]}', "application/json")})
    assert r.status_code == 200
    entries = admin.get("/audit", params={"action": "ledger.import"}).json()["items"]
    assert entries[0]["detail"] == {"rows": {"streets": 1}, "changes": {"streets": {"new": 1, "updated": 0, "unchanged": 0}}}
    assert entries[0]["source"] == "api"
    assert entries[0]["actor"].startswith("key-")
    assert any(e["action"] == "key.create" for e in audit.entries(graph))
    assert "hash" not in admin.get("/keys").json()["items"][0]
    # a revoked key stops working once the cache entry expires (a fresh app has no cache)
    key, token = access.create_key(graph, Scope(actor="test"), role="community", scope_id=XF["id"], name="t")
    access.revoke_key(graph, Scope(actor="test"), key.id)
    with pytest.raises(Unauthorized):
        access.resolve(graph, token)
    assert any(e["action"] == "key.revoke" and e["target"] == key.id for e in audit.entries(graph))


def test_street_and_community_keys_need_a_real_scope(graph: Graph) -> None:
    from graphsvc.errors import InvalidInput, NotFound

    with pytest.raises(NotFound):
        access.create_key(graph, Scope(), role="street", scope_id="no-such-street", name=None)
    with pytest.raises(InvalidInput):
        access.create_key(graph, Scope(), role="community", scope_id=None, name=None)
    with pytest.raises(InvalidInput):
        access.create_key(graph, Scope(), role="emperor", scope_id=None, name=None)


def _far_ids() -> set[str]:
    """Ids that live only in FAR's street: what a 斜桥巷 community key must never be shown."""
    far = {c["id"] for c in LEDGER["communities"] if c["street_id"] == FAR["street_id"]}
    ids = set(far) | {FAR["street_id"]}
    for table in ("buildings", "units", "resident_groups", "needs", "service_points"):
        ids |= {r["id"] for r in LEDGER[table] if r["community_id"] in far}
    ids |= {o["id"] for o in LEDGER["party_orgs"] if o.get("community_id") in far}
    return ids


def test_no_get_endpoint_reads_across_scope(clients: dict[str, TestClient]) -> None:
    """Every GET route, asked about the other street, answers 403/404/422 or shows none of its ids."""
    far_ids = _far_ids()
    far_org = next(o["id"] for o in LEDGER["party_orgs"] if o.get("community_id") == FAR["id"])
    values = {"street_id": FAR["street_id"], "community_id": FAR["id"], "org_id": far_org, "node_id": far_org,
              "rural_street_id": FAR["street_id"], "urban_street_id": FAR["street_id"]}
    c = clients["community"]
    paths = clients["admin"].get("/openapi.json").json()["paths"]
    checked = 0
    for path, ops in paths.items():
        if "get" not in ops or path in ("/health", "/login", "/"):
            continue
        params = {p["name"] for p in ops["get"].get("parameters", [])}
        query = {k: v for k, v in values.items() if k in params and f"{{{k}}}" not in path}
        url = path
        for k, v in values.items():
            url = url.replace(f"{{{k}}}", v)
        if "{" in url:
            continue
        r = c.get(url, params=query)
        checked += 1
        if r.status_code in (403, 404, 422):
            continue
        assert r.status_code == 200, (url, r.status_code)
        leaked = {i for i in far_ids if f'"{i}"' in r.text or f">{i}<" in r.text}
        assert not leaked, (url, sorted(leaked)[:5])
    assert checked >= 20


def test_pairing_records_are_audited_and_analysts_cannot_write(clients: dict[str, TestClient]) -> None:
    org_a = next(o["id"] for o in LEDGER["party_orgs"] if o.get("community_id") == XF["id"] and o["level"] != "group")
    org_b = next(o["id"] for o in LEDGER["party_orgs"] if o.get("community_id") == OTHER["id"] and o["level"] != "group")
    body = {"org_a": org_a, "org_b": org_b, "kind": "co_construction", "themes": ["culture"]}
    assert clients["analyst"].post("/records/pairings", json=body).status_code == 403
    r = clients["street"].post("/records/pairings", json=body)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert clients["street"].post(f"/records/pairings/{pid}/end", json={}).status_code == 200
    actions = {(e["action"], e["target"]) for e in clients["admin"].get("/audit").json()["items"]}
    assert {("pairing.create", pid), ("pairing.end", pid)} <= actions


def test_error_pages_keep_the_signed_in_chrome(clients: dict[str, TestClient]) -> None:
    html = {"accept": "text/html"}
    page = clients["street"].get("/pages/no-such-page", headers=html)
    assert page.status_code == 404 and "找不到这个页面" in page.text
    assert "退出登录" in page.text and 'id="scope-street"' in page.text  # navigation, scope picker, log out
    assert FAR["name"] not in page.text  # the picker lists only the key's street
    bare = clients["anon"].get("/pages/no-such-page", headers=html)
    assert bare.status_code == 404 and "找不到这个页面" in bare.text and "退出登录" not in bare.text


def test_org_member_counts_include_their_groups(clients: dict[str, TestClient]) -> None:
    children: dict[str, list[str]] = {}
    for o in LEDGER["party_orgs"]:
        children.setdefault(o.get("parent_id") or "", []).append(o["id"])

    def subtree(org: str) -> set[str]:
        return {org}.union(*(subtree(c) for c in children.get(org, [])))

    orgs = clients["street"].get("/orgs", params={"level": "general_branch", "limit": 1000}).json()["items"]
    assert orgs
    for o in orgs:
        under = subtree(o["id"])
        assert o["members"] == sum(m.get("org_id") in under for m in LEDGER["members"]), o["id"]
        assert o["direct_members"] == sum(m.get("org_id") == o["id"] for m in LEDGER["members"]), o["id"]
    assert any(o["members"] > o["direct_members"] for o in orgs)  # the groups' members are counted
