"""The batched partner scorer (`partner_scores`) against the one-pair reference (`partner_score`)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from graphsvc.algorithms import partner_scores as scoring
from graphsvc.algorithms.matching import KIND_THEMES, UNIT_KIND_THEMES, CommunityProfile, UnitProfile
from graphsvc.algorithms.partners import partner_score, partner_scores, suggest_partners, suggest_partners_indexed
from graphsvc.errors import InvalidInput

LAT0, LON0 = 39.05, 121.71


def random_instance(seed: int) -> tuple[list[CommunityProfile], list[UnitProfile], list[tuple[int, int]]]:
    """Branches and unit organisations within ~8 km (some beyond max_km), a few hundred candidate pairs."""
    rng = random.Random(seed)
    kinds, unit_kinds = sorted(KIND_THEMES), sorted(UNIT_KIND_THEMES)
    place_ids = [f"c{i}" for i in range(12)]

    def near() -> tuple[float, float]:
        return LAT0 + rng.uniform(-0.04, 0.04), LON0 + rng.uniform(-0.05, 0.05)

    communities = [
        CommunityProfile(id=f"po-c{i}", community_id=rng.choice(place_ids), lat=lat, lon=lon,
                         need_kinds=frozenset(rng.sample(kinds, rng.choice([0, 1, 1, 2, 3, 5]))))
        for i, (lat, lon) in enumerate(near() for _ in range(25))
    ]
    units = [
        UnitProfile(id=f"po-u{j}", kind=rng.choice(unit_kinds), community_id=rng.choice([*place_ids, "c-elsewhere"]),
                    lat=lat, lon=lon, resource_kinds=frozenset(rng.sample(kinds, rng.randint(0, 4))),
                    shared_with=frozenset(rng.sample([*place_ids, "c-gone"], rng.choice([0, 0, 1, 2]))),
                    rating=rng.choice([None, 0, 37.5, 61.25, 88, 100]))
        for j, (lat, lon) in enumerate(near() for _ in range(30))
    ]
    pairs = rng.sample([(i, j) for i in range(len(communities)) for j in range(len(units))], 400)
    return communities, units, pairs


def assert_same_parts(got: dict, want: dict) -> None:
    assert list(got) == list(want)
    for key in ("themes", "missing_themes", "kinds", "ties", "rating"):
        assert got[key] == want[key], key
    assert math.isclose(got["distance_m"], want["distance_m"], rel_tol=1e-12, abs_tol=1e-9)
    assert list(got["contributions"]) == list(want["contributions"])
    for name, value in want["contributions"].items():
        assert math.isclose(got["contributions"][name], value, rel_tol=1e-12, abs_tol=1e-15), name
    assert all(type(v) is float for v in got["contributions"].values())


@pytest.mark.parametrize(("seed", "max_km", "weights"), [(1, 5.0, None), (2, 3.0, {"ties": 0.5, "rating": 0.0})])
def test_batch_equals_partner_score_pair_by_pair(seed: int, max_km: float, weights: dict | None) -> None:
    communities, units, pairs = random_instance(seed)
    batch = partner_scores(communities, units, pairs, max_km=max_km, weights=weights)
    assert batch.scores.shape == (len(pairs),)
    for k, (i, j) in enumerate(pairs):
        score, parts = partner_score(communities[i], units[j], max_km=max_km, weights=weights)
        assert math.isclose(batch.scores[k], score, rel_tol=1e-12, abs_tol=1e-15), (i, j)
        assert_same_parts(batch.parts(k), parts)
    # The instance exercises every branch: no needs, both ties, no rating, beyond max_km.
    all_parts = [batch.parts(k) for k in range(len(pairs))]
    assert any(not communities[i].need_kinds for i, _ in pairs)
    assert {"located_in", "shares_resource"} <= {t for p in all_parts for t in p["ties"]}
    assert any(p["rating"] is None for p in all_parts)
    assert any(p["contributions"]["distance"] == 0.0 for p in all_parts)


def test_batch_sum_is_fsum() -> None:
    rng = np.random.default_rng(7)
    values = rng.random((20_000, 5)) * np.array([0.35, 0.20, 0.20, 0.15, 0.10])
    values[::3, 3] = 0.0
    got = scoring._sum_rows(values)
    assert got.tolist() == [math.fsum(row) for row in values.tolist()]


def test_batch_accepts_an_array_and_no_pairs() -> None:
    communities, units, pairs = random_instance(3)
    as_list = partner_scores(communities, units, pairs)
    as_array = partner_scores(communities, units, np.array(pairs))
    assert as_list.scores.tolist() == as_array.scores.tolist()
    empty = partner_scores(communities, units, [])
    assert empty.scores.shape == (0,)


def test_batch_checks_only_profiles_in_pairs() -> None:
    communities, units, _ = random_instance(4)
    bad = UnitProfile(id="po-bad", kind="spaceport", community_id="c1", lat=LAT0, lon=200.0, rating=120)
    units = [*units, bad]
    partner_scores(communities, units, [(0, 0), (1, 2)])  # the bad unit is in no pair: not looked at
    with pytest.raises(InvalidInput) as err:
        partner_scores(communities, units, [(0, 0), (1, len(units) - 1), (2, len(units) - 1)])
    assert [d["field"] for d in err.value.details] == ["kind", "lon", "rating"]  # once, not once per pair
    with pytest.raises(InvalidInput):
        partner_scores(communities, units, [(0, len(units))])
    with pytest.raises(InvalidInput):
        partner_scores(communities, units, [(0, 0)], max_km=0)


@pytest.mark.parametrize("seed", range(8))
def test_indexed_plan_equals_mapping_plan(seed: int) -> None:
    rng = random.Random(seed)
    cs = [f"c{i}" for i in range(rng.randint(3, 14))]
    us = [f"u{j}" for j in range(rng.randint(3, 14))]
    rng.shuffle(cs)  # the answer must not depend on input order
    everything = [(i, j) for i in range(len(cs)) for j in range(len(us))]
    pairs = rng.sample(everything, rng.randint(1, len(everything)))
    values = [rng.choice([0.25, round(rng.uniform(-0.3, 1.0), 6)]) for _ in pairs]  # ties too
    existing = rng.sample(everything, rng.randint(0, 4))  # scored or not
    options: dict = {"unit_cap": rng.randint(1, 3), "community_min": rng.randint(0, 3)}
    options["community_max"] = rng.choice([None, options["community_min"] + 1])
    by_id = suggest_partners(cs, us, {(cs[i], us[j]): v for (i, j), v in zip(pairs, values)},
                             existing=[(cs[i], us[j]) for i, j in existing], **options)
    by_index = suggest_partners_indexed(cs, us, pairs, values, existing=existing, **options)
    assert by_index.pairs == by_id.pairs
    assert by_index.shortfall == by_id.shortfall and by_index.objective == by_id.objective
    for p in by_index.pairs:
        assert (p.index is None) == ((cs.index(p.community_id), us.index(p.unit_id)) not in pairs)


def test_indexed_plan_rejects_bad_input() -> None:
    ok = {"communities": ["c1", "c2"], "units": ["u1"]}
    for pairs, scores in [([(0, 0), (0, 0)], [0.5, 0.4]), ([(2, 0)], [0.5]), ([(0, 0)], [math.nan]), ([(0, 0)], [])]:
        with pytest.raises(InvalidInput):
            suggest_partners_indexed(ok["communities"], ok["units"], pairs, scores)
    with pytest.raises(InvalidInput):
        suggest_partners_indexed(["c1", "c1"], ["u1"], [(0, 0)], [0.5])
    with pytest.raises(InvalidInput):
        suggest_partners_indexed(["c1"], ["u1"], [(0, 0)], [0.5], existing=[(0, 3)])
