"""Urban–rural plans when current pairings already exceed a cap: kept, reported, new pairs within the caps.

A hand-made ledger on the real engine: 城区街道 with two urban communities, 乡镇 with three villages;
po-u1 already pairs with two villages (cap 1 by default), so it is one over its cap.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from graphsvc.cli import main as cli_main
from graphsvc.errors import Infeasible
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.schemas.pairing import PairIn, PlanRequest
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import pairing
from graphsvc.settings import Settings

FLAGS = {"has_office": True, "has_funds": True, "has_land": True, "population": 3000}


def _ledger() -> dict[str, list[dict[str, object]]]:
    communities: list[dict[str, object]] = [
        {"id": "c-u1", "name": "东门社区", "kind": "urban", "street_id": "s-u", "lat": 31.80, "lon": 119.95, **FLAGS},
        {"id": "c-u2", "name": "西门社区", "kind": "urban", "street_id": "s-u", "lat": 31.81, "lon": 119.94, **FLAGS},
    ] + [
        {"id": f"c-r{i}", "name": f"{zh}村", "kind": "rural", "street_id": "s-r", "lat": 31.60 + i / 100,
         "lon": 120.10, **FLAGS}
        for i, zh in ((1, "河口"), (2, "桥头"), (3, "山前"))
    ]
    orgs: list[dict[str, object]] = [
        {"id": "po-u1", "name": "东门社区党委", "level": "committee", "domain": "community", "community_id": "c-u1"},
        {"id": "po-u2", "name": "西门社区党委", "level": "committee", "domain": "community", "community_id": "c-u2"},
    ]
    orgs += [
        {"id": f"po-r{i}", "name": f"{c['name']}党支部", "level": "branch", "domain": "village",
         "community_id": c["id"]}
        for i, c in enumerate(communities[2:], start=1)
    ]
    return {
        "streets": [
            {"id": "s-u", "name": "城区街道", "district": "城区", "city": "示范市"},
            {"id": "s-r", "name": "乡镇", "district": "乡区", "city": "示范市"},
        ],
        "communities": communities,
        "party_orgs": orgs,
        "pairings": [
            {"id": f"pr-{r}", "org_a": "po-u1", "org_b": f"po-{r}", "kind": "urban_rural", "since": "2024-03-01",
             "themes": ["culture"]}
            for r in ("r1", "r2")
        ],
    }


@pytest.fixture(scope="module")
def tiny(graph: Graph) -> Graph:
    import_ledger(graph, RawLedger(tables=_ledger()))
    return graph


def _pairs(items: list) -> set[tuple[str, str]]:
    return {(i.urban_id, i.rural_id) for i in items}


def test_pairs_over_the_default_cap_are_kept_reported_and_not_added_to(tiny: Graph) -> None:
    plan = pairing.plan(tiny, LOCAL_ADMIN, PlanRequest())  # the defaults: cap 1 on both sides
    assert [(o.id, o.side, o.cap, o.existing, o.excess) for o in plan.over_cap] == [("po-u1", "urban", 1, 2, 1)]
    assert plan.over_cap[0].name == "东门社区党委"
    kept = {("po-u1", "po-r1"), ("po-u1", "po-r2")}
    for solution in (plan.optimal, plan.stable):
        got = _pairs(solution)
        assert got == kept | {("po-u2", "po-r3")}  # the one new pair is within the caps
        assert Counter(r for _, r in got).most_common(1)[0][1] == 1
    assert {i.status for i in plan.optimal if i.urban_id == "po-u1"} == {"existing"}
    assert plan.summary.stable.blocking_count == 0 and plan.summary.optimal.new == 1


def test_a_higher_cap_reports_nothing_and_a_lock_beyond_the_kept_pairs_is_refused_in_chinese(tiny: Graph) -> None:
    assert pairing.plan(tiny, LOCAL_ADMIN, PlanRequest(urban_cap=2)).over_cap == []
    with pytest.raises(Infeasible) as e:
        pairing.plan(tiny, LOCAL_ADMIN, PlanRequest(locked=[PairIn(urban_id="po-u1", rural_id="po-r3")]))
    assert "东门社区党委（po-u1）上限 1 个，现有结对 2 个，再锁定 1 个" in e.value.message
    assert e.value.details[0]["id"] == "po-u1"
    # Releasing one current pair makes room for nothing new (still at its cap of 1), but no refusal.
    plan = pairing.plan(tiny, LOCAL_ADMIN, PlanRequest(released=[PairIn(urban_id="po-u1", rural_id="po-r2")]))
    assert plan.over_cap == [] and sum(1 for u, _ in _pairs(plan.optimal) if u == "po-u1") == 1


def test_every_refusal_is_chinese(tiny: Graph) -> None:
    pair = PairIn(urban_id="po-u2", rural_id="po-r3")
    cases = [
        PlanRequest(locked=[pair], forbidden=[pair]),
        PlanRequest(must_pair=["po-r3"], cap_overrides={"po-r3": 0}),
        PlanRequest(must_pair=["po-r3"], forbidden=[pair]),  # its only candidate with room is forbidden
    ]
    for req in cases:
        with pytest.raises(Infeasible) as e:
            pairing.plan(tiny, LOCAL_ADMIN, req)
        # Ids and flag names aside, no Latin letters: the sentence is Chinese.
        assert not re.search(r"[A-Za-z]", re.sub(r"po-[a-z0-9]+|--[a-z]+", "", e.value.message)), e.value.message
    assert "po-r3" in e.value.message and "必须结对" in e.value.message


def test_the_default_command_succeeds_and_says_what_is_over(tiny: Graph, settings: Settings, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GRAPHSVC_DATABASE", settings.database)
    out = tmp_path / "plan.json"
    assert cli_main(["pair", "urban-rural", "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["over_cap"][0]["id"] == "po-u1"
    assert "现有结对已超过上限的党组织 1 个" in capsys.readouterr().err
