"""Gap answers for a wide area (counts by street and community, one page) against the full lists, on the demo."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graphsvc import cli
from graphsvc.demo import street_ledger
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.main import create_app
from graphsvc.schemas.coverage import Area, GapParams, GapRule
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import coverage
from graphsvc.settings import Settings
from tests.conftest import bearer, make_token

# link_cap 3 makes member_overloaded a rule with many rows in several communities.
PARAMS = [GapParams(), GapParams(link_cap=3, branch_threshold=20)]


@pytest.fixture(scope="module")
def demo(graph: Graph) -> Iterator[Graph]:
    import_ledger(graph, RawLedger(tables=street_ledger()))
    graph.cache_s = 0
    yield graph


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("area", [Area(), Area(street_id="s-xf"), Area(community_id="c-xf01")])
def test_page_counts_equal_the_full_lists(demo: Graph, area: Area, params: GapParams) -> None:
    full = coverage.gaps(demo, LOCAL_ADMIN, area, params)
    page = coverage.gap_page(demo, LOCAL_ADMIN, area, params, limit=5)
    for rule in GapRule:
        everything, paged = full.rules[rule.value], page.rules[rule.value]
        assert paged.count == everything.count, rule
        per_community = Counter(g.community_id for g in everything.items)
        assert {c.id: c.count for c in paged.by_community} == dict(per_community), rule
        assert sum(st.count for st in paged.by_street) == everything.count
        if everything.count:
            top = paged.by_community[0]
            assert top.count == max(per_community.values()) and top.name
        # The first page comes from the communities with the most gaps, in that order.
        ranks = {c.id: i for i, c in enumerate(paged.by_community)}
        seen = [ranks[g.community_id] for g in paged.items]
        assert seen == sorted(seen) and len(paged.items) == min(5, everything.count)
        assert {g.id for g in paged.items} <= set(everything.ids)


def test_walking_the_pages_gives_the_full_list_once(demo: Graph) -> None:
    params = PARAMS[1]
    full = coverage.gaps(demo, LOCAL_ADMIN, Area(), params)
    for rule in GapRule:
        got: list[str] = []
        offset: int | None = 0
        while offset is not None:
            page = coverage.gap_page(demo, LOCAL_ADMIN, Area(), params, rules=[rule], limit=4, offset=offset)
            got += [g.id for g in page.rules[rule.value].items]
            offset = page.rules[rule.value].next_offset
        assert sorted(got) == sorted(full.rules[rule.value].ids), rule


def test_pages_put_what_a_planner_acts_on_first(demo: Graph) -> None:
    page = coverage.gap_page(demo, LOCAL_ADMIN, Area(), PARAMS[1], limit=200)
    households = page.rules["household_unlinked"].items
    first = households[0].community_id
    flags = [g.detail["vulnerable"] for g in households if g.community_id == first]
    assert flags == sorted(flags, reverse=True)  # vulnerable households first within a community
    members = page.rules["member_overloaded"].items
    links = [g.detail["links"] for g in members if g.community_id == members[0].community_id]
    assert links == sorted(links, reverse=True) and len(members) > 1


@pytest.mark.parametrize("area", [Area(street_id="s-xf"), Area(community_id="c-hm01")])
def test_member_overloaded_from_the_communities_first_equals_the_whole_scan(demo: Graph, area: Area) -> None:
    params = PARAMS[1]
    scoped = coverage.gaps(demo, LOCAL_ADMIN, area, params, rules=[GapRule.member_overloaded])
    everything = coverage.gaps(demo, LOCAL_ADMIN, Area(), params, rules=[GapRule.member_overloaded])
    inside = set(coverage.communities_of(demo, LOCAL_ADMIN, area) or ())
    expected = [g for g in everything.rules["member_overloaded"].items if g.community_id in inside]
    assert scoped.rules["member_overloaded"].items == expected and expected


@pytest.mark.parametrize("params", PARAMS)
def test_summary_counts_equal_the_full_lists(demo: Graph, params: GapParams) -> None:
    full = coverage.gaps(demo, LOCAL_ADMIN, Area(), params)
    summary = coverage.summary(demo, LOCAL_ADMIN, Area(), params)
    assert {i.rule.value: i.gaps for i in summary.items} == {r: f.count for r, f in full.rules.items()}
    where: dict[str, Counter[str]] = {}
    for rule, found in full.rules.items():
        for g in found.items:
            if g.community_id:
                where.setdefault(g.community_id, Counter())[rule] += 1
    assert {c.community_id: c.gaps for c in summary.communities} == {c: dict(n) for c, n in where.items()}
    totals = [c.total for c in summary.communities]
    assert totals == sorted(totals, reverse=True)


def test_api_and_cli(demo: Graph, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with TestClient(create_app(settings), headers=bearer(make_token(demo))) as client:
        r = client.get("/coverage/gaps/page", params={"street_id": "s-xf", "limit": 2, "rule": "household_unlinked"})
        assert r.status_code == 200, r.text
        body = r.json()["rules"]["household_unlinked"]
        assert len(body["items"]) == 2 and body["next_offset"] == 2 and body["by_street"][0]["id"] == "s-xf"
        assert client.get("/coverage/gaps/page", params={"limit": 0}).status_code == 422
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GRAPHSVC_DATABASE", settings.database)
    out = tmp_path / "page.json"
    assert cli.main(["gaps", "--page", "--limit", "3", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert all(len(r["items"]) <= 3 for r in data["rules"].values()) and data["rules"]["household_unlinked"]["count"]
    assert cli.main(["gaps", "--page", "--limit", "0"]) == 2
