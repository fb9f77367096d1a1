"""The organisation network on the demo street, against the real engine: the projection checked
tie by tie against the ledger (read in plain Python), the JSON and picture endpoints, scope, the CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc import cli
from graphsvc.demo import street_ledger
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.main import create_app
from graphsvc.schemas.network import Selection, TieKind
from graphsvc.scope import LOCAL_ADMIN, Scope
from graphsvc.services import network, records
from graphsvc.settings import Settings
from tests.conftest import bearer, make_token

LEDGER = street_ledger()
ORGS = {o["id"]: o for o in LEDGER["party_orgs"]}
UNIT_COMMUNITY = {u["id"]: u["community_id"] for u in LEDGER["units"]}
XF01 = "c-xf01"  # 斜桥巷社区
HUB = "po-xf01"  # its general branch


def pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def expected_ties() -> dict[str, set[frozenset[str]]]:
    """Every tie of the demo street by kind, from the ledger's tables: a reading of the issue
    independent of the Cypher."""
    members = {m["id"]: m for m in LEDGER["members"]}
    out: dict[str, set[frozenset[str]]] = {k.value: set() for k in TieKind}
    out["UNDER"] = {pair(o["id"], o["parent_id"]) for o in LEDGER["party_orgs"] if o["parent_id"]}
    out["PAIRED_WITH"] = {pair(p["org_a"], p["org_b"]) for p in LEDGER["pairings"]}
    # a member ties the organisation of their membership to where they report or sit
    extra: dict[str, list[tuple[str, str]]] = {}
    for table, kind in (("registrations", "REGISTERED_AT"), ("seats", "SITS_ON")):
        for r in LEDGER[table]:
            extra.setdefault(r["member_id"], []).append((r["org_id"], kind))
    for member_id, ties in extra.items():
        everything = [(members[member_id]["org_id"], "MEMBER_OF"), *ties]
        for (a, ka), (b, kb) in combinations(everything, 2):
            for kind in {ka, kb} - {"MEMBER_OF"}:
                if a != b:
                    out[kind].add(pair(a, b))
    # a resource offered by an organisation or its unit, shared with a community, ties it to the
    # community's top organisation (the one serving it that is not under another serving it)
    offering: dict[str, list[str]] = {}
    for o in LEDGER["party_orgs"]:
        offering.setdefault(o["id"], []).append(o["id"])
        if o["unit_id"]:
            offering.setdefault(o["unit_id"], []).append(o["id"])
    owner = {r["id"]: r["owner_id"] for r in LEDGER["resources"]}
    for s in LEDGER["sharings"]:
        tops = [o for o in LEDGER["party_orgs"] if o["community_id"] == s["community_id"]
                and (not o["parent_id"] or ORGS[o["parent_id"]]["community_id"] != s["community_id"])]
        for source in offering.get(owner[s["resource_id"]], []):
            out["SHARED_WITH"] |= {pair(source, t["id"]) for t in tops if t["id"] != source}
    return out


@pytest.fixture(scope="module")
def loaded(graph: Graph) -> Graph:
    import_ledger(graph, RawLedger(tables=LEDGER))
    return graph


@pytest.fixture(scope="module")
def client(settings: Settings, loaded: Graph) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=bearer(make_token(loaded, "analyst"))) as c:
        yield c


def test_projection_matches_the_ledger_tie_by_tie(loaded: Graph) -> None:
    G = network.org_network(loaded, LOCAL_ADMIN, Selection())
    assert set(G) == set(ORGS)
    expected = expected_ties()
    for kind, ties in expected.items():
        got = {pair(u, v) for u, v, kinds in G.edges(data="kinds") if kind in kinds}
        assert got == ties, kind
        assert ties, f"the demo street has no {kind} tie"
    assert {pair(u, v) for u, v in G.edges()} == set().union(*expected.values())
    assert G.nodes[HUB]["name"] == "斜桥巷社区党总支" and G.nodes[HUB]["community_name"] == "斜桥巷社区"


def test_street_selection_keeps_its_committee_and_ties_inside(loaded: Graph) -> None:
    G = network.org_network(loaded, LOCAL_ADMIN, Selection(street_id="s-xf"))
    assert "po-xf" in G and G.nodes["po-xf"]["street_name"] == "新丰街街道"
    assert "po-hm" not in G and "po-hl" not in G
    assert all(G.nodes[n]["street_id"] == "s-xf" for n in G)
    # 斜桥巷's urban-rural pairing reaches a village of 横林镇: outside the street, so not drawn
    everything = network.org_network(loaded, LOCAL_ADMIN, Selection())
    assert any(everything.nodes[v].get("street_id") != "s-xf" for v in everything[HUB])
    assert set(G[HUB]) < set(everything[HUB])


def test_community_scope_is_enforced_in_the_queries(loaded: Graph) -> None:
    scope = Scope(role="community", communities=(XF01,))
    G = network.org_network(loaded, scope, Selection())
    inside = {o for o, row in ORGS.items() if (row["community_id"] or UNIT_COMMUNITY.get(row["unit_id"])) == XF01}
    assert set(G) == inside and HUB in G and "po-xf" not in G
    # asking for another community inside that scope gives nothing
    assert len(network.org_network(loaded, scope, Selection(community_id="c-xf02"))) == 0


def test_overview_and_analytics_endpoints(client: TestClient) -> None:
    body = client.get("/network/overview", params={"street_id": "s-xf", "top": 5}).json()
    assert body["counts"]["orgs"] == 202 and body["counts"]["components"] >= 1
    assert set(body["counts"]["ties_by_kind"]) == {k.value for k in TieKind}
    brokers = body["brokers"]["items"]
    assert [b["rank"] for b in brokers] == [1, 2, 3, 4, 5] and brokers[0]["id"] == "po-xf"
    assert brokers[0]["name"] == "新丰街街道党工委"
    assert all(a["score"] >= b["score"] for a, b in pairwise(brokers))
    assert body["clusters"]["count"] == len(body["clusters"]["items"]) and body["clusters"]["modularity"] > 0.3

    metrics = client.get("/network/metrics", params={"community_id": XF01}).json()
    assert metrics["count"] == len(metrics["items"]) > 10
    hub = next(m for m in metrics["items"] if m["id"] == HUB)
    assert hub["is_articulation_point"] and hub["betweenness"] > 0.5 and hub["name"] == "斜桥巷社区党总支"

    degree = client.get("/network/brokers", params={"measure": "degree", "limit": 3, "community_id": XF01}).json()
    assert degree["measure"] == "degree" and degree["items"][0]["id"] == HUB

    only_pairings = {"kinds": ["PAIRED_WITH"], "street_id": "s-xf"}
    isolated = client.get("/network/isolated", params=only_pairings).json()
    assert any(o["name"].endswith("党小组") for o in isolated["items"])  # groups pair with no one
    assert client.get("/network/clusters", params={"seed": 3}).json() == client.get("/network/clusters", params={"seed": 3}).json()
    fragile = client.get("/network/fragile", params={"community_id": XF01}).json()
    assert HUB in {p["id"] for p in fragile["articulation_points"]} and fragile["bridges"]
    core = client.get("/network/k-core", params={"k": 2, "street_id": "s-xf"}).json()
    assert core["k"] == 2 and all(c["core_number"] >= 2 for c in core["items"])


def test_path_and_ego(client: TestClient) -> None:
    path = client.get("/network/path", params={"source": "pg-xf01-01", "target": "po-hl03"}).json()
    assert path["found"] and path["path"][0]["name"] == "斜桥巷小区1幢党小组" and path["length"] == len(path["path"]) - 1
    ego = client.get(f"/network/ego/{HUB}", params={"radius": 1}).json()
    assert ego["center"]["name"] == "斜桥巷社区党总支"
    assert {n["distance"] for n in ego["nodes"]} == {0, 1}
    kinds = {k for e in ego["edges"] for k in e["kinds"]}
    assert kinds == {k.value for k in TieKind}
    paired = next(e for e in ego["edges"] if "PAIRED_WITH" in e["kinds"])
    assert paired["pairings"][0]["since"] and paired["pairings"][0]["kind"] in {"co_construction", "urban_rural"}


def assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    return r.json()["error"]


def test_errors(client: TestClient, settings: Settings) -> None:
    assert_error(client.get("/network/ego/po-nope"), 404, "not_found")
    assert client.get("/pictures/network/ego/po-nope").status_code == 404  # a picture: an HTML error page
    err = assert_error(client.get("/network/path", params={"source": HUB, "target": "nope"}), 404, "not_found")
    assert err["details"] == [{"field": "target"}]
    err = assert_error(client.get("/network/overview", params={"kinds": ["FRIENDS"]}), 422, "invalid_input")
    assert err["details"][0]["field"] == "query.kinds.0"
    assert_error(client.get(f"/network/ego/{HUB}", params={"radius": 99}), 422, "invalid_input")
    assert client.get("/pictures/network", params={"size_by": "height"}).status_code == 422  # a picture: an HTML error page
    assert_error(client.get("/network/path", params={"source": HUB}), 422, "invalid_input")
    with TestClient(create_app(settings)) as anon:
        assert_error(anon.get("/network/overview"), 401, "unauthorized")


def picture_data(html: str) -> dict[str, Any]:
    return json.loads(re.search(r"const data = (\{.*?\});\n", html).group(1))  # type: ignore[union-attr]


def test_pictures(client: TestClient) -> None:
    r = client.get("/pictures/network/tree", params={"street_id": "s-xf"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "新丰街街道 · 党组织架构图" in html and "党小组" in html and 'src="/static/vis/vis-network.min.js"' in html
    assert "http://" not in html and "https://" not in html  # nothing from outside
    data = picture_data(html)
    assert len(data["nodes"]) == 202 and all("x" in n and "y" in n for n in data["nodes"])  # laid out here
    top = next(n for n in data["nodes"] if n["id"] == "po-xf")
    children = [n for n in data["nodes"] if ORGS[n["id"]]["parent_id"] == "po-xf"]
    assert children and all(n["y"] > top["y"] for n in children)  # an org chart: the committee above
    assert top["url"] == "/pictures/network/ego/po-xf"
    assert "党员：" in next(n for n in data["nodes"] if n["id"] == HUB)["title"]

    data = picture_data(client.get(f"/pictures/network/ego/{HUB}", params={"radius": 1}).text)
    centre = next(n for n in data["nodes"] if n["id"] == HUB)
    assert centre["label"].startswith("★") and centre["size"] == 40
    titles = "\n".join(e["title"] for e in data["edges"])
    assert "结对共建（2024-03-15 起" in titles and "名党员报到" in titles and "资源共享：" in titles

    html = client.get("/pictures/network/pairings").text
    data = picture_data(html)
    assert {e["kind"] for e in data["edges"]} == {"co_construction", "urban_rural"}
    assert len(data["edges"]) == len(LEDGER["pairings"]) and "城乡结对" in html

    html = client.get("/pictures/network", params={"color_by": "cluster", "size_by": "betweenness"}).text
    assert any(x["zh"] == "群组 1" for x in picture_data(html)["legend"]) and "中介中心性：" in html


@pytest.mark.parametrize("path", ["/pictures/network", "/pictures/network/tree", "/pictures/network/pairings",
                                  f"/pictures/network/ego/{HUB}", "/pictures/network?color_by=domain",
                                  "/pictures/network?color_by=level", "/pictures/matching?street_id=s-xf",
                                  "/pairing/urban-rural/network", "/pairing/urban-rural/map",
                                  "/pictures/coverage?community_id=c-xf01"])
def test_every_colour_drawn_is_in_the_legend(client: TestClient, path: str) -> None:
    data = picture_data(client.get(path).text)
    legend = {(x["kind"], x["key"]): x["color"] for x in data["legend"]}
    for n in data["nodes"]:
        assert legend.get(("node", n["kind"])) == n["color"], n
    for e in data["edges"]:
        assert legend.get(("edge", e["kind"])) == e["color"], e
    counts = {x["key"]: x["count"] for x in data["legend"] if x["kind"] == "edge"}
    assert all(counts[k] > 0 for k in counts)  # and the legend names no kind that is not drawn


def test_shared_resources_are_drawn_and_in_the_legend(client: TestClient) -> None:
    data = picture_data(client.get(f"/pictures/network/ego/{HUB}").text)
    shared = [e for e in data["edges"] if e["kind"] == "SHARED_WITH"]
    assert shared and any(x["zh"] == "资源共享" and x["count"] == len(shared) for x in data["legend"])


def test_cli_analyze_json_and_viz(loaded: Graph, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GRAPHSVC_DATABASE", settings.database)
    monkeypatch.setenv("GRAPHSVC_ENGINE_HEAP", settings.engine_heap)
    out = tmp_path / "metrics.json"
    assert cli.main(["analyze", "--format", "json", "--street", "s-xf", "-o", str(out)]) == 0
    body = json.loads(out.read_text(encoding="utf-8"))
    reference = {m.id: m for m in network.metrics(loaded, LOCAL_ADMIN, Selection(street_id="s-xf")).items}
    assert set(body) == set(reference)
    assert body["po-xf"]["betweenness"] == pytest.approx(reference["po-xf"].betweenness)
    assert set(body["po-xf"]) >= {"name", "betweenness", "degree", "eigenvector", "core_number", "cluster", "is_articulation_point"}

    page = tmp_path / "ego.html"
    assert cli.main(["viz", "ego", "--focus", HUB, "--radius", "2", "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "斜桥巷社区党总支 的关系网络" in html and "/static/vis" not in html and "vis.Network" in html
    assert cli.main(["viz", "ego", "-o", str(page)]) == 2  # no --focus: a clear error, not a trace


def test_ended_pairing_is_history(loaded: Graph) -> None:
    before = network.org_network(loaded, LOCAL_ADMIN, Selection(kinds=[TieKind.PAIRED_WITH]))
    p = LEDGER["pairings"][0]
    assert before.has_edge(p["org_a"], p["org_b"])
    records.end_pairing(loaded, Scope(actor="test"), p["id"], source="api", reason="期满")
    after = network.org_network(loaded, LOCAL_ADMIN, Selection(kinds=[TieKind.PAIRED_WITH]))
    assert not after.has_edge(p["org_a"], p["org_b"])
    assert after.number_of_edges() == before.number_of_edges() - 1


def test_selection_by_level(client: TestClient) -> None:
    body = client.get("/network/metrics", params={"street_id": "s-xf", "levels": ["general_branch", "working_committee"]}).json()
    assert body["count"] > 0 and {m["level"] for m in body["items"]} == {"general_branch", "working_committee"}
    assert all(m["level"] != "group" for m in body["items"])
    assert client.get("/network/metrics", params={"levels": "nonsense"}).status_code == 422
