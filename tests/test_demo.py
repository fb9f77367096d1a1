"""The demo generator: a valid, deterministic, calibrated street; exact planted gaps; sound chunks."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from graphsvc import demo
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.validate import validate
from graphsvc.schemas.ledger import TABLES
from tests.gap_oracle import find_gaps

RULES = (
    "community_without_org", "building_without_group", "building_needs_branch", "household_unlinked",
    "member_overloaded", "vulnerable_without_helper", "unit_without_branch", "mobile_unregistered",
    "employed_unregistered", "service_circle_gap", "community_lacking_basics",
)


@pytest.fixture(scope="module")
def ledger() -> dict[str, list[dict]]:
    return demo.street_ledger()


@pytest.fixture(scope="module")
def gaps() -> dict[str, list[str]]:
    return demo.planted()


@pytest.fixture(scope="module")
def xinfeng(ledger):
    """Ids of 新丰街街道's communities, buildings, units and organisations."""
    comms = {c["id"] for c in ledger["communities"] if c["street_id"] == "s-xf"}
    units = {u["id"] for u in ledger["units"] if u["community_id"] in comms}
    orgs = {o["id"] for o in ledger["party_orgs"]
            if o["community_id"] in comms or o["unit_id"] in units or o["parent_id"] == "po-xf"}
    buildings = {b["id"] for b in ledger["buildings"] if b["community_id"] in comms}
    return {"comms": comms, "units": units, "orgs": orgs, "buildings": buildings}


def test_street_ledger_validates(ledger):
    assert set(ledger) == set(TABLES)
    assert all(ledger[t] for t in TABLES), [t for t in TABLES if not ledger[t]]
    validate(RawLedger(tables=ledger))   # raises InvalidInput listing every error


def test_deterministic_and_json_ready(ledger):
    again = demo.street_ledger(7)
    assert again == ledger
    text = json.dumps(ledger, ensure_ascii=False, sort_keys=True)
    assert text == json.dumps(again, ensure_ascii=False, sort_keys=True)
    assert json.loads(text) == ledger          # only JSON values: no tuples, dates or sets
    assert demo.street_ledger(8) != ledger


def test_headline_figures(ledger, xinfeng):
    comms = xinfeng["comms"]
    assert len(comms) == 13
    serving = Counter((o["level"], o["domain"]) for o in ledger["party_orgs"] if o["community_id"] in comms)
    assert serving[("general_branch", "community")] == 12
    assert serving[("branch", "community")] == 1
    assert {c["kind"] for c in ledger["communities"] if c["id"] in comms} == {"urban"}

    home = {h["id"]: h["building_id"] for h in ledger["households"]}
    members = [m for m in ledger["members"]
               if (m["household_id"] and home[m["household_id"]] in xinfeng["buildings"])
               or m["org_id"] in xinfeng["orgs"] or m["unit_id"] in xinfeng["units"]]
    assert 1450 <= len(members) <= 1600
    categories = {"cadre", "retired", "resident", "non_public", "mobile", "hardship"}
    assert set(Counter(m["category"] for m in members)) == categories
    assert sum(m["volunteer"] for m in members if m["household_id"]) == 256
    assert sum(1 for p in ledger["posts"] if p["community_id"] in comms) == 54
    hh = sum(1 for h in ledger["households"] if h["building_id"] in xinfeng["buildings"])
    assert 5000 <= hh <= 7000

    orgs = {o["id"]: o for o in ledger["party_orgs"]}
    community_orgs = {o["id"] for o in orgs.values() if o["community_id"] in comms and o["domain"] == "community"
                      and o["level"] in ("general_branch", "branch")}
    co = [p for p in ledger["pairings"] if p["kind"] == "co_construction" and p["org_a"] in community_orgs]
    partners = {p["org_b"] for p in co}
    assert all(orgs[o]["unit_id"] in xinfeng["units"] for o in partners)
    assert len(partners) == 79
    assert sum(1 for o in orgs.values() if o["unit_id"] in xinfeng["units"]) == 79
    assert len({p["org_a"] for p in co}) == 13
    assert max(Counter(p["org_a"] for p in co).values()) == 28
    assert len(xinfeng["units"]) == 100


def test_rural_side(ledger):
    kinds = Counter(c["kind"] for c in ledger["communities"])
    assert 6 <= kinds["rural"] <= 8 and kinds["resettlement"] == 2
    villages = {c["id"] for c in ledger["communities"] if c["kind"] != "urban"}
    village_orgs = [o for o in ledger["party_orgs"] if o["domain"] == "village" and o["level"] != "group"]
    assert {o["community_id"] for o in village_orgs} >= villages
    assert {n["community_id"] for n in ledger["needs"]} >= villages
    assert any(p["kind"] == "urban_rural" for p in ledger["pairings"])
    lows = [p["satisfaction"] for p in ledger["projects"] if p["satisfaction"] is not None and p["satisfaction"] < 70]
    assert len(lows) >= 3 and 1 <= sum(s < 60 for s in lows) <= 2


def test_every_rule_planted(gaps):
    assert set(RULES) <= set(gaps)
    assert all(gaps[r] for r in RULES), [r for r in RULES if not gaps[r]]
    assert gaps == find_gaps(demo.street_ledger())
    assert gaps["community_without_org"] and len(gaps["community_without_org"]) <= 2
    assert 5 <= len(gaps["building_without_group"]) <= 10
    assert 2 <= len(gaps["building_needs_branch"]) <= 3
    assert 20 <= len(gaps["household_unlinked"]) <= 40
    assert 2 <= len(gaps["member_overloaded"]) <= 3
    assert 8 <= len(gaps["vulnerable_without_helper"]) <= 12
    assert 4 <= len(gaps["unit_without_branch"]) <= 6
    assert 4 <= len(gaps["mobile_unregistered"]) <= 6
    assert 6 <= len(gaps["employed_unregistered"]) <= 10
    assert 3 <= len(gaps["service_circle_gap"]) <= 12
    assert len(gaps["three_nos"]) == 2 and set(gaps["three_nos"]) <= set(gaps["community_lacking_basics"])
    assert len(gaps["cluster_candidates"]) in (2, 3)


def test_planted_gaps_are_the_intended_ones(ledger, gaps, xinfeng):
    by_id = {t: {r["id"]: r for r in ledger[t]} for t in TABLES if TABLES[t].has_id}
    names = lambda table, ids: sorted(by_id[table][i]["name"] for i in ids)  # noqa: E731
    assert names("communities", gaps["community_without_org"]) == ["龙锦社区"]
    assert names("buildings", gaps["building_needs_branch"]) == ["市级机关宿舍3幢", "教师公寓1幢", "青龙苑18幢"]
    assert names("buildings", gaps["cluster_candidates"]) == ["永宁花园1幢", "永宁花园2幢", "永宁花园3幢"]
    assert names("communities", gaps["three_nos"]) == ["塘头村", "长沟村"]
    outlying = [b for b in gaps["service_circle_gap"] if by_id["buildings"][b]["community_id"] not in gaps["three_nos"]]
    assert names("buildings", outlying) == [f"北郊新苑{k}幢" for k in range(1, 5)]

    home = {h["id"]: h["building_id"] for h in ledger["households"]}
    residents = Counter(home[m["household_id"]] for m in ledger["members"] if m["household_id"])
    for b in gaps["cluster_candidates"]:
        assert 20 <= residents[b] <= 40
    covered_by_branch = {c["target_id"] for c in ledger["coverage"]
                         if by_id["party_orgs"][c["org_id"]]["domain"] == "building"}
    others = [b for b, n in residents.items() if b not in covered_by_branch and b not in gaps["building_needs_branch"]]
    assert max(residents[b] for b in others) <= 50
    assert len(covered_by_branch & set(residents)) >= 3     # the towers that do have a building branch

    links = Counter(r["member_id"] for r in ledger["member_links"])
    assert sorted(links[m] for m in gaps["member_overloaded"]) == [18, 22]
    hh = {h["id"]: h for h in ledger["households"]}
    assert sum(any(hh[h][k] for k in demo.VULNERABLE) for h in gaps["household_unlinked"]) >= 3
    assert set(gaps["unit_without_branch"]) <= xinfeng["units"]
    assert {by_id["units"][u]["kind"] for u in gaps["unit_without_branch"]} == {"private_enterprise"}
    members = by_id["members"]
    assert all(members[m]["category"] == "mobile" for m in gaps["mobile_unregistered"])
    assert all(home[members[m]["household_id"]] in xinfeng["buildings"] for m in gaps["employed_unregistered"])


def _tiny_ledger() -> dict[str, list[dict]]:
    """Two communities and a handful of rows around each rule's boundary."""
    t: dict[str, list[dict]] = {name: [] for name in TABLES}
    t["communities"] = [
        {"id": "c1", "name": "甲社区", "kind": "urban", "street_id": "s", "lat": 30.0, "lon": 120.0,
         "has_office": True, "has_funds": True, "has_land": True},
        {"id": "c2", "name": "乙村", "kind": "rural", "street_id": "s", "lat": 30.1, "lon": 120.1,
         "has_office": False, "has_funds": False, "has_land": False},
    ]
    t["party_orgs"] = [
        {"id": "o1", "name": "甲社区党支部", "level": "branch", "domain": "community", "community_id": "c1"},
        {"id": "g1", "name": "1幢党小组", "level": "group", "domain": "community", "community_id": "c1"},
        {"id": "bb", "name": "6幢楼栋党支部", "level": "branch", "domain": "building", "community_id": "c1"},
        {"id": "j", "name": "联合党支部", "level": "branch", "domain": "joint"},
        {"id": "uo", "name": "税务局党支部", "level": "branch", "domain": "unit", "unit_id": "u1"},
    ]
    far = 30.02   # ~2.2 km north
    t["buildings"] = [
        {"id": "b1", "kind": "residential", "community_id": "c1", "lat": 30.0, "lon": 120.0},
        {"id": "b2", "kind": "mixed", "community_id": "c1", "lat": 30.001, "lon": 120.0},      # only the grid's branch
        {"id": "b3", "kind": "office", "community_id": "c1", "lat": 30.0, "lon": 120.001},     # offices need no group
        {"id": "b4", "kind": "residential", "community_id": "c1", "lat": far, "lon": 120.0},   # out of reach
        {"id": "b5", "kind": "residential", "community_id": "c1", "lat": 30.0, "lon": 120.002},
        {"id": "b6", "kind": "residential", "community_id": "c1", "lat": 30.0, "lon": 120.003},
    ]
    t["coverage"] = [{"org_id": "g1", "target_id": b} for b in ("b1", "b4", "b5")] + [
        {"org_id": "bb", "target_id": "b6"}, {"org_id": "o1", "target_id": "rg1"}]
    t["service_points"] = [
        {"id": "sp1", "kind": "service_station", "community_id": "c1", "lat": 30.0, "lon": 120.0},
        {"id": "sp2", "kind": "activity_room", "community_id": "c1", "lat": 30.0, "lon": 120.0},
    ]
    flags = {"hardship": False, "disabled": False, "elderly_alone": False}
    t["households"] = [{"id": f"h{i}", "building_id": "b1", **flags} for i in range(17)]
    t["households"] += [{"id": "hv", "building_id": "b2", **flags, "elderly_alone": True},
                        {"id": "h5", "building_id": "b5", **flags}, {"id": "h6", "building_id": "b6", **flags}]

    def member(mid: str, **kw: object) -> dict:
        return {"id": mid, "category": "retired", "employment": "retired", "org_id": "g1", **kw}

    t["members"] = [
        member("m1", household_id="h0"),
        member("m2", category="cadre", employment="employed", household_id="h1", unit_id="u1", org_id="uo"),
        member("m3", category="cadre", employment="employed", household_id="h2", unit_id="u1", org_id="uo"),
        member("m4", category="mobile", employment="employed"),
        member("m5", category="non_public", employment="employed", unit_id="u2", org_id="j"),
        member("m6", category="non_public", employment="employed", unit_id="u2", org_id="j"),
        member("m7", category="non_public", employment="employed", unit_id="u3"),
    ] + [member(f"m8{i}", category="non_public", employment="employed", unit_id="u4", org_id="j") for i in range(3)]
    t["members"] += [member(f"x5{i}", household_id="h5") for i in range(51)]
    t["members"] += [member(f"x6{i}", household_id="h6", org_id="bb") for i in range(51)]
    t["registrations"] = [{"member_id": "m3", "org_id": "o1", "kind": "dual"}]
    t["member_links"] = [{"member_id": "m1", "household_id": f"h{i}"} for i in range(16)]
    t["member_links"] += [{"member_id": "m2", "household_id": h} for h in ("h5", "h6")]
    return t


def test_find_gaps_reads_each_rule_as_written():
    gaps = find_gaps(_tiny_ledger())
    assert gaps["community_without_org"] == ["c2"]
    assert gaps["building_without_group"] == ["b2"]                  # a branch covering the grid does not count
    assert gaps["building_needs_branch"] == ["b5"]                   # b6 has its building branch
    assert gaps["household_unlinked"] == ["h16", "hv"]
    assert gaps["member_overloaded"] == ["m1"]                       # 16 > 15
    assert gaps["vulnerable_without_helper"] == ["hv"]
    assert gaps["unit_without_branch"] == ["u3", "u4"]               # u2: two members, both in the joint branch
    assert gaps["mobile_unregistered"] == ["m4"]
    assert gaps["employed_unregistered"] == ["m2"]                   # m3 reported to c1's branch
    assert gaps["service_circle_gap"] == ["b4"]
    assert gaps["community_lacking_basics"] == gaps["three_nos"] == ["c2"]
    assert gaps["cluster_candidates"] == []


def test_district_chunks_reference_only_earlier_rows():
    seen: set[str] = set()
    counts: Counter[str] = Counter()
    n_chunks = 0
    for chunk in demo.chunks("district"):
        n_chunks += 1
        assert set(chunk) <= set(TABLES)
        fresh = {r["id"] for t, rows in chunk.items() if TABLES[t].has_id for r in rows}
        total = sum(len(rows) for t, rows in chunk.items() if TABLES[t].has_id)
        assert len(fresh) == total and not fresh & seen, "ids must be unique across chunks"
        known = seen | fresh
        for table, rows in chunk.items():
            counts[table] += len(rows)
            for row in rows:
                TABLES[table].model.model_validate(row)
            for col in TABLES[table].refs:
                for row in rows:
                    value = row.get(col)
                    for ref in value if isinstance(value, list) else ([value] if value is not None else []):
                        assert ref in known, (table, col, ref)
        seen = known
    assert n_chunks > 130     # a community at a time, plus each street's shared rows
    for table, expected in demo.SCALES["district"].items():
        assert 0.7 * expected <= counts[table] <= 1.3 * expected, (table, counts[table], expected)
    assert counts["communities"] == pytest.approx(10 * 13, abs=10)


def test_street_chunk_is_the_street_ledger(ledger):
    assert list(demo.chunks("street")) == [ledger]
    with pytest.raises(ValueError):
        next(demo.chunks("galaxy"))
