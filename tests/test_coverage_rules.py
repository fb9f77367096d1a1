"""The ten coverage rules on the demo street, against the real engine: each finds exactly what the demo planted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphsvc import cli
from graphsvc.demo import planted, street_ledger
from graphsvc.errors import NotFound
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.schemas.coverage import Area, GapParams, GapRule
from graphsvc.scope import LOCAL_ADMIN, Scope
from graphsvc.services import coverage
from graphsvc.settings import Settings

RULES = [r.value for r in GapRule]


@pytest.fixture(scope="module")
def demo(graph: Graph) -> Iterator[Graph]:
    import_ledger(graph, RawLedger(tables=street_ledger()))
    yield graph


@pytest.fixture(scope="module")
def report(demo: Graph):
    return coverage.gaps(demo, LOCAL_ADMIN, Area(), GapParams())


@pytest.fixture(scope="module")
def expected() -> dict[str, list[str]]:
    return planted()


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_finds_exactly_the_planted_gaps(report, expected, rule: str) -> None:
    found = report.rules[rule]
    assert found.ids == expected[rule]
    assert found.count == len(expected[rule]) > 0
    assert all(g.community_id for g in found.items)


def test_context_and_details(report) -> None:
    building = report.rules["building_needs_branch"].items[0]
    assert building.street_id and building.community_name and building.grid_id
    assert building.detail["resident_members"] > 50
    household = report.rules["household_unlinked"].items[0]
    assert household.detail["building_id"] and isinstance(household.detail["flags"], list)
    assert household.street_id == "s-xf" and household.community_name == "斜桥巷社区"
    service = {g.id: g.detail["missing"] for g in report.rules["service_circle_gap"].items}
    assert service["b-hl06-01"] == ["activity_room"]
    assert report.rules["service_circle_gap"].items[0].detail["reach_m"] == 923  # straight line: 15 min x 80 m/min / 1.3
    # the walk to the nearest point of each missing kind: past the 1,200 m a 15-minute walk covers (or none near)
    for g in report.rules["service_circle_gap"].items:
        assert set(g.detail["nearest_m"]) == set(g.detail["missing"])
        assert all(m is None or m > 1200 for m in g.detail["nearest_m"].values())
    assert report.rules["service_circle_gap"].items[0].detail["nearest_m"] != {}


def test_cluster_and_three_nos_readings(report, expected) -> None:
    clusters = report.rules["building_needs_branch"].clusters
    assert [b for c in clusters for b in c.building_ids] == expected["cluster_candidates"]
    assert all(c.members > 50 for c in clusters)
    basics = report.rules["community_lacking_basics"].items
    assert sorted(g.id for g in basics if g.detail["three_nos"]) == expected["three_nos"]
    assert all(g.detail["lacks"] for g in basics)


def test_units_say_own_branch_or_joint(report) -> None:
    needs = {g.id: g.detail["needs"] for g in report.rules["unit_without_branch"].items}
    for g in report.rules["unit_without_branch"].items:
        assert (needs[g.id] == "own_branch") == (g.detail["working_members"] >= 3)
    assert set(needs.values()) == {"own_branch", "joint_branch"}


def test_area_filters_narrow_every_rule(demo: Graph, report) -> None:
    one = coverage.gaps(demo, LOCAL_ADMIN, Area(community_id="c-xf03"), GapParams())
    assert one.communities == ["c-xf03"]
    for rule in RULES:
        assert one.rules[rule].ids == [g.id for g in report.rules[rule].items if g.community_id == "c-xf03"]
    street = coverage.gaps(
        demo, LOCAL_ADMIN, Area(street_id="s-hm"), GapParams(), rules=[GapRule.community_without_org]
    )
    assert street.rules["community_without_org"].ids == ["c-hm04"]
    grid = coverage.gaps(demo, LOCAL_ADMIN, Area(grid_id="g-xf03-3"), GapParams(), rules=[GapRule.service_circle_gap])
    assert grid.rules["service_circle_gap"].ids == [
        g.id for g in report.rules["service_circle_gap"].items if g.grid_id == "g-xf03-3"
    ]
    with pytest.raises(NotFound):
        coverage.gaps(demo, LOCAL_ADMIN, Area(community_id="nowhere"), GapParams())


def test_scope_limits_and_masks(demo: Graph, report) -> None:
    analyst = Scope(role="analyst", communities=("c-xf10", "c-xf11"), masked=True)
    seen = coverage.gaps(demo, analyst, Area(), GapParams())
    assert seen.rules["member_overloaded"].ids == ["m-xf-00757", "m-xf-00844"]
    assert all((g.name or "").endswith("*") for g in seen.rules["member_overloaded"].items)
    assert all("flags" not in g.detail and "vulnerable" not in g.detail for g in seen.rules["household_unlinked"].items)
    assert seen.rules["community_without_org"].ids == []
    with pytest.raises(NotFound):  # another community reads as absent
        coverage.gaps(demo, analyst, Area(community_id="c-xf03"), GapParams())


def test_thresholds_are_overridable(demo: Graph) -> None:
    def ids(rule: GapRule, **params: Any) -> list[str]:
        return coverage.gaps(demo, LOCAL_ADMIN, Area(), GapParams(**params), rules=[rule]).rules[rule.value].ids

    assert ids(GapRule.member_overloaded, link_cap=18) == ["m-xf-00844"]  # links 18 and 22
    assert ids(GapRule.building_needs_branch, branch_threshold=55) == ["b-xf03-13"]  # 52, 56, 53 members
    assert len(ids(GapRule.vulnerable_without_helper, vulnerable=["low_income"])) > 10
    assert ids(GapRule.unit_without_branch, unit_branch_members=7) == [
        "u-xf-081",
        "u-xf-084",
    ]  # the rest: 3–6 in the joint branch
    # 北郊新苑 is 1.7 km out: a 40-minute walk reaches it; the two 三无 villages' rooms stay mostly out of reach.
    longer_walk = ids(GapRule.service_circle_gap, walk_minutes=40)
    assert longer_walk and set(longer_walk) < {b for b in planted()["service_circle_gap"] if b.startswith("b-hl")}
    longer = ids(GapRule.service_circle_gap, walk_speed_m_per_min=40)
    assert set(planted()["service_circle_gap"]) < set(longer)


def test_a_distance_table_overrides_the_straight_line(demo: Graph) -> None:
    from graphsvc.schemas.coverage import Distance

    rule = GapRule.service_circle_gap
    # 北郊新苑 has no station within reach; a GIS table saying one is 500 m away closes that gap...
    table = [
        Distance(from_id=b, to_id="sp-xf03-1", meters=500) for b in ("b-xf03-14", "b-xf03-15", "b-xf03-16", "b-xf03-17")
    ]
    found = coverage.gaps(demo, LOCAL_ADMIN, Area(community_id="c-xf03"), GapParams(), rules=[rule], distances=table)
    missing = {g.id: g.detail["missing"] for g in found.rules[rule.value].items}
    assert all("service_station" not in m for m in missing.values())
    # ...and a table saying every station is far from a building in the centre opens one.
    stations = [p["id"] for p in street_ledger()["service_points"] if p["kind"] == "service_station"]
    far = [Distance(from_id="b-xf01-01", to_id=p, meters=5_000) for p in stations]
    opened = coverage.gaps(demo, LOCAL_ADMIN, Area(community_id="c-xf01"), GapParams(), rules=[rule], distances=far)
    assert opened.rules[rule.value].ids == ["b-xf01-01"]
    assert opened.rules[rule.value].items[0].detail["missing"] == ["service_station"]


def test_summary_ratios(demo: Graph) -> None:
    result = coverage.summary(demo, LOCAL_ADMIN, Area(), GapParams())
    by_rule = {i.rule.value: i for i in result.items}
    assert set(by_rule) == set(RULES)
    expected = planted()
    for rule, item in by_rule.items():
        assert item.gaps == len(expected[rule]) and item.total >= item.gaps
        assert item.ratio == pytest.approx(1 - item.gaps / item.total, abs=1e-4)
    assert by_rule["building_needs_branch"].total == 7  # 3 without a branch, 4 with one
    assert by_rule["household_unlinked"].total == len(street_ledger()["households"])
    assert result.communities[0].total == max(c.total for c in result.communities)
    grid = coverage.summary(demo, LOCAL_ADMIN, Area(grid_id="g-xf01-1"), GapParams())
    assert {i.rule.value: i.total for i in grid.items}["community_without_org"] == 1


def test_bad_parameters_are_invalid_input() -> None:
    with pytest.raises(ValueError):
        GapParams(link_cap=0)
    with pytest.raises(ValueError):
        GapParams(vulnerable=["rich"])  # type: ignore[list-item]


def test_cli_json_is_keyed_by_rule(
    demo: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GRAPHSVC_DATABASE", settings.database)
    out = tmp_path / "gaps.json"
    assert cli.main(["gaps", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == RULES
    assert {rule: data[rule]["ids"] for rule in RULES} == {rule: planted()[rule] for rule in RULES}
    assert data["household_unlinked"]["items"][0]["detail"]["building_id"]
    csv_out = tmp_path / "gaps.csv"
    assert (
        cli.main(
            ["gaps", "--rule", "unit_without_branch", "--community", "c-xf03", "--format", "csv", "-o", str(csv_out)]
        )
        == 0
    )
    lines = csv_out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("rule,id,name") and len(lines) == 2 and "u-xf-081" in lines[1]
    assert cli.main(["gaps", "--summary", "--format", "xlsx", "-o", str(tmp_path / "s.xlsx")]) == 0
    assert cli.main(["gaps", "--cap", "0"]) == 2  # a bad threshold is a clear error, not a traceback


def test_thresholds_come_from_settings_and_requests_override_them(demo: Graph, settings) -> None:
    from fastapi.testclient import TestClient

    from graphsvc.main import create_app
    from graphsvc.schemas.coverage import GapParams
    from tests.conftest import bearer, make_token

    strict = settings.model_copy(update={"gaps": GapParams(link_cap=5)})
    with TestClient(create_app(strict)) as client:
        client.headers.update(bearer(make_token(client.app.state.conn.graph)))  # type: ignore[attr-defined]
        by_setting = client.get("/coverage/gaps", params={"rule": "member_overloaded", "street_id": "s-xf"}).json()
        by_request = client.get(
            "/coverage/gaps", params={"rule": "member_overloaded", "street_id": "s-xf", "link_cap": 15}
        ).json()
    assert by_setting["params"]["link_cap"] == 5 and by_request["params"]["link_cap"] == 15
    assert by_setting["rules"]["member_overloaded"]["count"] > by_request["rules"]["member_overloaded"]["count"] > 0
