"""Pure parts of urban–rural pairing: rows -> candidates and ties, and the batch scores equal pair_score."""

from __future__ import annotations

import random
from typing import Any

import pytest

from graphsvc.algorithms.pairing import KIND_LINKS, UNIT_KIND_LINKS, Side, Ties, pair_score, pair_scores
from graphsvc.errors import InvalidInput
from graphsvc.projection.pairing import candidates


def org_row(ident: str, community: str, **extra: object) -> dict[str, object]:
    return {"id": ident, "name": ident, "community_id": community, "community_name": community, "street_id": "s",
            "street_name": "s", "district": "d", "lat": 31.0, "lon": 120.0, "offers": [], "needs": [],
            "skills": [], **extra}


def test_candidates_ties_load_and_existing() -> None:
    cands = candidates(
        [org_row("u-c", "c-city", needs=["legal"], skills=[["法律", "医疗"], ["法律"], []])],
        [org_row("u-u", "c-city", unit_id="unit-1", unit_kind="school", offers=["funds"])],
        [org_row("r-1", "c-v1", community_kind="rural", needs=["funds", "talent"]),
         org_row("r-2", "c-v2", community_kind="resettlement")],
        [
            {"id": "p1", "kind": "urban_rural", "org_a": "u-c", "org_b": "r-1", "since": "2021-01-01", "ended_at": None},
            {"id": "p0", "kind": "urban_rural", "org_a": "r-2", "org_b": "u-u", "since": "2019-01-01",
             "ended_at": "2022-01-01T00:00:00+00:00"},  # ended: history, not a current pair or load
            {"id": "p2", "kind": "co_construction", "org_a": "u-c", "org_b": "x", "ended_at": None},  # load
            {"id": "p3", "kind": "urban_rural", "org_a": "u-far", "org_b": "r-2", "ended_at": None},  # outside: load
        ],
        [{"id": "j1", "org_ids": ["u-c", "r-1"], "satisfaction": 90, "outcome": 80},
         {"id": "j2", "org_ids": ["u-c", "r-1"], "satisfaction": 70, "outcome": None}],
        [{"org_id": "r-1", "communities": ["c-v1", "c-city", "c-city"], "units": ["unit-1"]}],
    )
    assert list(cands.urban) == ["u-c", "u-u"] and list(cands.rural) == ["r-1", "r-2"]
    assert cands.urban["u-c"].skills == ("医疗", "法律") and cands.urban["u-c"].load == 1
    assert cands.rural["r-2"].load == 1 and cands.urban["u-u"].load == 0 and cands.rural["r-1"].load == 0
    assert cands.existing == {("u-c", "r-1"): "p1"}
    f = cands.facts[("u-c", "r-1")]
    assert (f.paired_before, f.projects, f.members, f.since) == (True, 2, 2, "2021-01-01")
    assert f.ties() == Ties(paired_before=True, contacts=4, satisfaction=80.0, outcome=80.0)
    assert cands.facts[("u-u", "r-1")].members == 1  # a village member works at the unit
    assert cands.facts[("u-u", "r-2")].paired_before and cands.facts[("u-u", "r-2")].pairing_id is None
    side = cands.urban["u-u"].side_for_scoring()
    assert side.unit_kinds == ["school"] and side.offers == ["funds"]
    smaller = cands.without(["r-1"])
    assert list(smaller.rural) == ["r-2"] and smaller.existing == {}


def random_side(rng: random.Random, ident: str) -> Side:
    kinds, units = list(KIND_LINKS), list(UNIT_KIND_LINKS)
    located = rng.random() < 0.85
    return Side(
        ident, lat=31 + rng.random() if located else None, lon=120 + rng.random() if located else None,
        offers={k: rng.randint(0, 3) for k in rng.sample(kinds, 3)}, needs=rng.sample(kinds, rng.randint(0, 4)),
        skills=rng.sample(["法律", "医疗", "种植", "电商", "书法", "志愿服务", "厨艺"], 2),
        unit_kinds=rng.sample(units, rng.randint(0, 1)), load=rng.randint(0, 4),
    )


@pytest.mark.parametrize("seed", range(3))
def test_batch_scores_equal_pair_score(seed: int) -> None:
    rng = random.Random(seed)
    urban = [random_side(rng, f"u{i}") for i in range(25)]
    rural = [random_side(rng, f"r{j}") for j in range(15)]
    ties = {(f"u{i}", f"r{j}"): Ties(paired_before=rng.random() < 0.5, contacts=rng.randint(0, 6),
                                     satisfaction=rng.choice([None, 45.0, 95.0])) for i, j in [(0, 0), (3, 7), (24, 14)]}
    kw: dict[str, Any] = {"preferred_km": (3.0, 40.0), "weights": {"urban_needs": 0.5, "ties": 1.0}}
    batch = pair_scores(urban, rural, ties=ties, block=7, **kw)  # a block size that splits unevenly
    assert len(batch) == 25 * 15
    for u in urban:
        for r in rural:
            assert batch[(u.id, r.id)] == pytest.approx(pair_score(u, r, ties=ties.get((u.id, r.id)), **kw)[0], abs=1e-12)


def test_batch_scores_reject_bad_input() -> None:
    with pytest.raises(InvalidInput):
        pair_scores([Side("a")], [Side("a")])  # one id on both sides
    with pytest.raises(InvalidInput):
        pair_scores([Side("u")], [Side("r")], ties={("r", "u"): Ties()})  # sides swapped
    with pytest.raises(InvalidInput):
        pair_scores([Side("u", offers=["rocket"])], [Side("r")])
