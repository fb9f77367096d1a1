"""Urban–rural pairing on the demo street, on the real engine: both solutions, constraints, what-if, accept."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from scipy.optimize import linear_sum_assignment

from graphsvc.algorithms.pairing import pair_score
from graphsvc.algorithms.pairing_solvers import blocking_pairs
from graphsvc.cli import main as cli_main
from graphsvc.demo import street_ledger
from graphsvc.errors import Infeasible, InvalidInput, NotFound
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.main import create_app
from graphsvc.schemas.pairing import PairIn, PlanRequest, UrbanRuralPlan
from graphsvc.scope import LOCAL_ADMIN, Scope
from graphsvc.services import pairing
from graphsvc.settings import Settings
from tests.conftest import bearer, make_token

# The demo's four urban–rural pairings (graphsvc.demo.URBAN_RURAL), as (urban org, village org).
EXISTING = {("po-xf01", "po-hl03"), ("pu-xf-016", "po-hl01"), ("pu-xf-050", "po-hl04"), ("po-hm01", "po-hl05")}
VILLAGES = {f"po-hl0{i}" for i in range(1, 10)}


@pytest.fixture(scope="module")
def demo(graph: Graph) -> Graph:
    import_ledger(graph, RawLedger(tables=street_ledger()))
    return graph


@pytest.fixture(scope="module")
def client(demo: Graph, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=bearer(make_token(demo))) as c:
        yield c


def pairs(items: list) -> set[tuple[str, str]]:
    return {(i.urban_id, i.rural_id) for i in items}


def test_candidates_both_solutions_and_explanations(demo: Graph) -> None:
    plan = pairing.plan(demo, LOCAL_ADMIN, PlanRequest())
    assert plan.rural_count == 9 and plan.urban_count > 90 and plan.candidate_pairs == plan.urban_count * 9
    assert pairs(plan.existing) == EXISTING
    for solution in (plan.optimal, plan.stable):
        assert pairs(solution) >= EXISTING  # kept: nothing released
        assert {i.rural_id for i in solution} == VILLAGES  # caps 1: one partner each
        assert max(Counter(i.urban_id for i in solution).values()) == 1
    p = next(i for i in plan.optimal if (i.urban_id, i.rural_id) == ("po-xf01", "po-hl03"))
    assert p.status == "existing" and p.pairing_id == "pr-hl-005"
    assert p.score == pytest.approx(sum(p.parts.model_dump().values()))
    assert p.km is not None and 10 < p.km < 30  # the city to 横林镇
    assert any("现有结对" in r and "共同项目 2 个" in r for r in p.reasons)
    assert all(i.reasons and i.themes for i in plan.optimal)
    # Stable: no urban org and village would both rather be together; the optimal is at least as good.
    assert plan.summary.stable.blocking_count == 0
    assert plan.summary.optimal.objective >= plan.summary.stable.objective - 1e-9
    d = plan.difference
    assert d.same + len(d.only_optimal) == len(plan.optimal) and d.objective_gap >= -1e-9


def test_optimal_matches_scipy_and_stable_has_no_blocking_pair(demo: Graph) -> None:
    # Released existing pairs make it a pure assignment problem: compare with SciPy on the same scores.
    req = PlanRequest(released=[PairIn(urban_id=u, rural_id=r) for u, r in sorted(EXISTING)])
    sc = pairing.scored(demo, LOCAL_ADMIN, req)
    urban, rural = sorted(sc.cands.urban), sorted(sc.cands.rural)
    W = np.array([[max(sc.scores[(u, r)], 0.0) for r in rural] for u in urban])
    rows, cols = linear_sum_assignment(W, maximize=True)
    plan = pairing.plan(demo, LOCAL_ADMIN, req)
    assert plan.summary.optimal.objective == pytest.approx(W[rows, cols].sum(), abs=1e-5)
    assert blocking_pairs([(i.urban_id, i.rural_id) for i in plan.stable], sc.scores, **sc.constraints) == []
    # The scores the solvers saw are pair_score's, part by part.
    u, r = "pu-xf-016", "po-hl01"
    facts = sc.cands.facts[(u, r)]
    score, _ = pair_score(sc.side(u), sc.side(r), ties=facts.ties())
    assert sc.scores[(u, r)] == pytest.approx(score)


def test_caps_locks_forbids_and_must_pair_hold(demo: Graph) -> None:
    base = pairing.plan(demo, LOCAL_ADMIN, PlanRequest())
    new = next(i for i in base.optimal if i.status == "new")
    req = PlanRequest(
        urban_cap=2, rural_cap=2, cap_overrides={"po-hl06": 1, "po-xf02": 0},
        locked=[PairIn(urban_id="pu-xf-001", rural_id="po-hl08")],
        forbidden=[PairIn(urban_id=new.urban_id, rural_id=new.rural_id)],
        must_pair=["po-hl07"], urban_street_ids=["s-xf", "s-hm"], rural_street_ids=["s-hl"],
    )
    plan = pairing.plan(demo, LOCAL_ADMIN, req)
    for solution in (plan.optimal, plan.stable):
        got = pairs(solution)
        assert ("pu-xf-001", "po-hl08") in got and (new.urban_id, new.rural_id) not in got
        assert got >= EXISTING
        per_urban, per_rural = Counter(u for u, _ in got), Counter(r for _, r in got)
        assert max(per_urban.values()) <= 2 and max(per_rural.values()) <= 2
        assert per_rural["po-hl06"] <= 1 and per_urban["po-xf02"] == 0
    assert "po-hl07" in {i.rural_id for i in plan.optimal} and plan.summary.optimal.unmet_must_pair == []
    assert next(i for i in plan.optimal if i.urban_id == "pu-xf-001").status == "locked"
    assert plan.summary.optimal.method == "lp" and plan.summary.stable.blocking_count == 0


def test_existing_pairs_are_kept_unless_released(demo: Graph) -> None:
    # 崔桥村 (cap 1) is locked to another partner: only releasing its current pair makes that possible.
    lock = PairIn(urban_id="po-xf02", rural_id="po-hl03")
    with pytest.raises(Infeasible) as e:
        pairing.plan(demo, LOCAL_ADMIN, PlanRequest(locked=[lock]))
    assert "po-hl03" in e.value.message
    plan = pairing.plan(demo, LOCAL_ADMIN, PlanRequest(
        locked=[lock], released=[PairIn(urban_id="po-xf01", rural_id="po-hl03")]))
    assert ("po-xf01", "po-hl03") not in pairs(plan.optimal) and ("po-xf02", "po-hl03") in pairs(plan.optimal)
    assert EXISTING - {("po-xf01", "po-hl03")} <= pairs(plan.optimal)


def test_scope_and_selection_limit_the_candidates(demo: Graph) -> None:
    hm = pairing.plan(demo, LOCAL_ADMIN, PlanRequest(urban_street_ids=["s-hm"]))
    assert {i.urban_id[:5] for i in hm.optimal} <= {"po-hm", "pu-hm"}
    assert pairs(hm.existing) == {("po-hm01", "po-hl05")}
    county = pairing.plan(demo, LOCAL_ADMIN, PlanRequest(rural_districts=["武进区"], urban_districts=["天宁区"]))
    assert county.candidate_pairs == pairing.plan(demo, LOCAL_ADMIN, PlanRequest()).candidate_pairs
    assert pairing.plan(demo, LOCAL_ADMIN, PlanRequest(rural_districts=["溧阳市"])).candidate_pairs == 0
    scope = Scope(role="street", communities=("c-xf01", "c-xf02", "c-hl03", "c-hl04"))
    mine = pairing.plan(demo, scope, PlanRequest())
    assert mine.rural_count == 2 and {i.rural_id for i in mine.optimal} <= {"po-hl03", "po-hl04"}


def test_bad_requests_name_the_field(demo: Graph) -> None:
    with pytest.raises(NotFound):
        pairing.plan(demo, LOCAL_ADMIN, PlanRequest(must_pair=["po-nowhere"]))
    with pytest.raises(NotFound):
        pairing.plan(demo, LOCAL_ADMIN, PlanRequest(urban_street_ids=["c-xf01"]))  # a community, not a street
    with pytest.raises(InvalidInput) as e:
        pairing.plan(demo, LOCAL_ADMIN, PlanRequest(locked=[PairIn(urban_id="po-hl03", rural_id="po-xf01")]))
    assert {d["field"] for d in e.value.details} == {"locked"}
    with pytest.raises(InvalidInput) as e:
        pairing.plan(demo, LOCAL_ADMIN, PlanRequest(released=[PairIn(urban_id="po-xf02", rural_id="po-hl03")]))
    assert e.value.details[0]["field"] == "released"
    with pytest.raises(InvalidInput):
        pairing.plan(demo, LOCAL_ADMIN, PlanRequest(dropped=["po-hl07"], must_pair=["po-hl07"]))


def test_api_errors(client: TestClient, demo: Graph) -> None:
    r = client.post("/pairing/urban-rural", json={"must_pair": ["po-nowhere"]})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.post("/pairing/urban-rural", json={"urban_cap": 0, "locked": [{"urban_id": "po-xf02", "rural_id": "po-hl02"}]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "infeasible"
    r = client.get("/pairing/urban-rural", params={"min_km": 60, "max_km": 10})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    r = client.post("/pairing/urban-rural", json={"urban_cap": -1, "surprise": 1})
    assert r.status_code == 422 and {d["field"] for d in r.json()["error"]["details"]} == {"body.urban_cap", "body.surprise"}
    r = client.post("/pairing/urban-rural/accept", json={"urban_id": "po-hl03", "rural_id": "po-hl04", "themes": ["talent"]})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "urban_id"
    r = client.post("/pairing/urban-rural/accept", json={"urban_id": "po-xf02", "rural_id": "po-hl04", "themes": ["party_work"]})
    assert r.status_code == 422
    analyst = bearer(make_token(demo, "analyst"))
    r = client.post("/pairing/urban-rural/accept", json={"urban_id": "po-xf02", "rural_id": "po-hl04"}, headers=analyst)
    assert r.status_code == 403  # analysts read, they do not record pairings


def test_api_what_if_shows_what_changed(client: TestClient) -> None:
    before = UrbanRuralPlan(**client.get("/pairing/urban-rural").json())
    gone = next(i for i in before.optimal if i.status == "new")
    r = client.post("/pairing/urban-rural/what-if", json={
        "urban_cap": 1, "change": {"dropped": [gone.urban_id], "rural_cap": 2, "forbidden": [
            {"urban_id": "po-xf01", "rural_id": "po-hl03"}]},
    })
    assert r.status_code == 200, r.text
    body = r.json()
    assert pairs(before.optimal) == {(p["urban_id"], p["rural_id"]) for p in body["before"]["optimal"]}
    after = {(p["urban_id"], p["rural_id"]) for p in body["after"]["optimal"]}
    assert gone.urban_id not in {u for u, _ in after} and ("po-xf01", "po-hl03") not in after
    removed = {(p["urban_id"], p["rural_id"]) for p in body["optimal"]["removed"]}
    added = {(p["urban_id"], p["rural_id"]) for p in body["optimal"]["added"]}
    assert {(gone.urban_id, gone.rural_id), ("po-xf01", "po-hl03")} <= removed
    assert added == after - pairs(before.optimal) and max(Counter(r for _, r in after).values()) == 2
    assert body["optimal"]["objective_delta"] == pytest.approx(
        body["after"]["summary"]["optimal"]["objective"] - body["before"]["summary"]["optimal"]["objective"], abs=1e-5)
    assert body["after"]["summary"]["stable"]["blocking_count"] == 0


def test_pictures(client: TestClient) -> None:
    for path in ("/pairing/urban-rural/network", "/pairing/urban-rural/map"):
        r = client.get(path, params={"urban_cap": 2, "rural_cap": 2})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        data = json.loads(r.text.split("const data = ", 1)[1].split(";\n", 1)[0])
        ids = {n["id"] for n in data["nodes"]}
        assert ids >= VILLAGES and {u for u, _ in EXISTING} <= ids
        assert {(e["from"], e["to"]) for e in data["edges"]} >= EXISTING
        if path.endswith("map"):  # on coordinates: the villages lie east of the city
            x = {n["id"]: n["x"] for n in data["nodes"]}
            assert min(x[v] for v in VILLAGES) > x["po-xf01"]


def test_cli_json_csv_xlsx(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo: Graph) -> None:
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GRAPHSVC_DATABASE", settings.database)
    out = tmp_path / "plan.json"
    assert cli_main(["pair", "urban-rural", "--format", "json", "-o", str(out), "--rural-cap", "2"]) == 0
    body = json.loads(out.read_text())
    for name in ("optimal", "stable"):
        assert body[name] and {"urban_id", "rural_id", "score", "parts", "reasons"} <= set(body[name][0])
    assert cli_main(["pair", "urban-rural", "--format", "csv", "-o", str(tmp_path / "p.csv")]) == 0
    assert (tmp_path / "p.csv").read_text().splitlines()[0].startswith("solution,status,urban_name")
    assert cli_main(["pair", "what-if", "--format", "xlsx", "-o", str(tmp_path / "w.xlsx"), "--then-drop", "po-xf01"]) == 0
    assert (tmp_path / "w.xlsx").stat().st_size > 0
    assert cli_main(["pair", "urban-rural", "--lock", "po-hl03", "po-xf01"]) == 2  # sides swapped: an error


def test_accepting_a_suggestion_makes_it_existing_next_time(client: TestClient) -> None:
    plan = UrbanRuralPlan(**client.get("/pairing/urban-rural").json())
    pick = next(i for i in plan.optimal if i.status == "new")
    r = client.post("/pairing/urban-rural/accept", json={"urban_id": pick.urban_id, "rural_id": pick.rural_id})
    assert r.status_code == 201, r.text
    record = r.json()
    assert record["kind"] == "urban_rural" and record["source"] == "suggestion" and record["active"]
    assert set(record["themes"]) == set(pick.themes) and record["created_by"] and record["created_at"]
    again = UrbanRuralPlan(**client.get("/pairing/urban-rural").json())
    assert (pick.urban_id, pick.rural_id) in pairs(again.existing)
    for solution in (again.optimal, again.stable):
        kept = next(i for i in solution if (i.urban_id, i.rural_id) == (pick.urban_id, pick.rural_id))
        assert kept.status == "existing" and kept.pairing_id == record["id"]
    r = client.post("/pairing/urban-rural/accept", json={"urban_id": pick.urban_id, "rural_id": pick.rural_id})
    assert r.status_code == 409  # already paired
