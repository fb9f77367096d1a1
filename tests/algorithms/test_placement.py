"""Placement algorithms (distances, walk reach, LSCP, MCLP): tiny hand-computed cases, plus brute force
on random instances.

The independent checks live here on purpose: they share no code with graphsvc.algorithms.placement.
"""

from __future__ import annotations

import doctest
import itertools
import math
import random
from typing import Any

import pytest

from graphsvc.algorithms import placement
from graphsvc.algorithms.common import haversine_m
from graphsvc.algorithms.placement import distance_matrix, lscp, mclp, walk_cover, walk_minutes
from graphsvc.errors import InvalidInput

M_PER_DEG_LAT = math.pi / 180 * 6_371_008.8  # about 111,195 m


def test_docstring_examples_hold() -> None:
    failed, tried = doctest.testmod(placement, optionflags=doctest.ELLIPSIS)
    assert tried >= 5
    assert failed == 0


# --------------------------------------------------------------------------- geometry


def test_haversine_one_degree_of_latitude_and_a_real_pair() -> None:
    assert haversine_m(30.0, 120.0, 31.0, 120.0) == pytest.approx(M_PER_DEG_LAT, rel=1e-9)
    assert haversine_m(30.0, 120.0, 30.0, 120.0) == 0.0
    # 天安门 -> 人民广场 (上海): about 1,067 km
    beijing_shanghai = haversine_m(39.9087, 116.3975, 31.2304, 121.4737)
    assert 1_060_000 < beijing_shanghai < 1_075_000
    assert beijing_shanghai == pytest.approx(haversine_m(31.2304, 121.4737, 39.9087, 116.3975))


def test_walk_minutes_applies_detour_and_speed() -> None:
    assert walk_minutes(1000) == pytest.approx(16.25)
    assert walk_minutes(1200, detour=1.0) == pytest.approx(15.0)
    assert walk_minutes(600, speed_m_per_min=60, detour=1.5) == pytest.approx(15.0)
    with pytest.raises(InvalidInput):
        walk_minutes(100, speed_m_per_min=0)
    with pytest.raises(InvalidInput):
        walk_minutes(-1)


def test_distance_matrix_table_beats_straight_line_and_forward_beats_reverse() -> None:
    origins = [("b1", 30.0, 120.0), ("b2", 30.01, 120.0)]
    sites = [("s1", 30.001, 120.0), ("s2", 30.0, 120.0)]
    table = {("s2", "b1"): 50.0, ("b2", "s1"): 2000.0, ("s1", "b2"): 7.0}
    d = distance_matrix(origins, sites, table=table, detour=1.3)
    assert d["b1"]["s1"] == pytest.approx(1.3 * 0.001 * M_PER_DEG_LAT, rel=1e-6)  # fallback
    assert d["b1"]["s2"] == 50.0  # reverse entry, walking is symmetric
    assert d["b2"]["s1"] == 2000.0  # the forward entry wins over the reverse one
    assert d["b2"]["s2"] == pytest.approx(1.3 * 0.01 * M_PER_DEG_LAT, rel=1e-6)


def test_distance_matrix_max_m_keeps_only_close_pairs_after_table() -> None:
    origins = [("b1", 30.0, 120.0)]
    sites = [("near", 30.001, 120.0), ("far", 30.05, 120.0), ("tunnel", 30.05, 120.01)]
    d = distance_matrix(origins, sites, table={("b1", "tunnel"): 300.0}, max_m=500)
    # the table can bring a pair that is far as the crow flies within reach (a direct path)
    assert set(d["b1"]) == {"near", "tunnel"}
    assert distance_matrix(origins, [], max_m=10) == {"b1": {}}


def test_distance_matrix_rejects_bad_points_and_duplicates() -> None:
    with pytest.raises(InvalidInput) as err:
        distance_matrix([("b1", 95.0, 120.0), ("b2", 30.0, float("nan"))], [("s", 30.0, 120.0)])
    assert {d["field"] for d in err.value.details} == {"lat", "lon"}
    with pytest.raises(InvalidInput):
        distance_matrix([("b1", 30.0, 120.0), ("b1", 30.0, 120.0)], [("s", 30.0, 120.0)])
    with pytest.raises(InvalidInput):
        distance_matrix([("b1", 30.0, 120.0)], [("s", 30.0, 120.0)], table={("b1", "s"): -5.0})


def test_walk_cover_uses_reach_of_minutes_times_speed() -> None:
    demand = [("b1", 30.0, 120.0), ("b2", 30.02, 120.0)]
    sites = [("s1", 30.005, 120.0), ("s2", 30.03, 120.0)]
    # reach 1200 m: s1 is 556 m * 1.3 = 723 m from b1; s2 is 1112 m * 1.3 = 1446 m from b2
    assert walk_cover(demand, sites) == {"b1": {"s1"}, "b2": set()}
    assert walk_cover(demand, sites, detour=1.0)["b2"] == {"s2"}
    assert walk_cover(demand, sites, table={("b2", "s2"): 900.0})["b2"] == {"s2"}
    assert walk_cover(demand, sites, minutes=5)["b1"] == set()


# --------------------------------------------------------------------------- lscp / mclp


def test_lscp_hand_case_with_fixed_and_uncoverable() -> None:
    cover = {"d1": {"s1"}, "d2": {"s1", "s2"}, "d3": {"s2", "old"}, "d4": {"s3"}, "d5": {"nowhere"}}
    r = lscp(["d1", "d2", "d3", "d4", "d5"], ["s1", "s2", "s3", "old"], cover, fixed=["old"])
    assert r.chosen == ["s1", "s3"]
    assert r.covered == ["d1", "d2", "d3", "d4"]
    assert r.uncoverable == ["d5"]
    assert r.objective == 2


def test_mclp_hand_case_and_redundant_sites_are_dropped() -> None:
    cover = {"d1": {"s1"}, "d2": {"s2"}, "d3": {"s2", "s3"}, "d4": {"old"}}
    weights = {"d1": 5.0, "d2": 2.0, "d3": 2.0, "d4": 10.0}
    r = mclp(["d1", "d2", "d3", "d4"], weights, ["s1", "s2", "s3"], cover, p=1, fixed=["old"])
    assert (r.chosen, r.uncovered, r.objective) == (["s1"], ["d2", "d3"], 15.0)
    r = mclp(["d1", "d2", "d3", "d4"], weights, ["s1", "s2", "s3"], cover, p=3, fixed=["old"])
    assert r.chosen == ["s1", "s2"]  # s3 would add nothing once s2 is open
    assert r.objective == 19.0
    assert mclp(["d1"], {"d1": 1.0}, ["s1"], cover, p=0).chosen == []
    with pytest.raises(InvalidInput):
        mclp(["d1", "d2"], {"d1": 1.0}, ["s1"], cover, p=1)


def random_cover(rng: random.Random) -> tuple[list[str], list[str], dict[str, set[str]], list[str]]:
    demand = [f"d{i}" for i in range(rng.randint(1, 14))]
    sites = [f"s{j}" for j in range(rng.randint(1, 8))]
    fixed = [s for s in sites if rng.random() < 0.15]
    cover = {d: {s for s in sites if rng.random() < 0.25} for d in demand}
    return demand, sites, cover, fixed


def covered_by(demand: list[str], cover: dict[str, set[str]], open_sites: set[Any]) -> set[str]:
    return {d for d in demand if cover[d] & open_sites}


@pytest.mark.parametrize("seed", range(30))
def test_lscp_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    demand, sites, cover, fixed = random_cover(rng)
    candidates = [s for s in sites if s not in fixed]
    coverable = covered_by(demand, cover, set(sites))
    best = min(
        len(subset)
        for k in range(len(candidates) + 1)
        for subset in itertools.combinations(candidates, k)
        if covered_by(demand, cover, set(subset) | set(fixed)) == coverable
    )
    r = lscp(demand, sites, cover, fixed=fixed)
    assert r.objective == len(r.chosen) == best
    assert set(r.chosen).isdisjoint(fixed)
    assert set(r.covered) == covered_by(demand, cover, set(r.chosen) | set(fixed)) == coverable
    assert set(r.uncoverable) == set(demand) - coverable
    assert r.uncovered == []


@pytest.mark.parametrize("seed", range(30))
def test_mclp_matches_brute_force(seed: int) -> None:
    rng = random.Random(500 + seed)
    demand, sites, cover, fixed = random_cover(rng)
    weights = {d: rng.choice([0.0, 1.0, 2.5, 7.0]) for d in demand}
    candidates = [s for s in sites if s not in fixed]
    p = rng.randint(0, 3)
    best = max(
        sum(weights[d] for d in covered_by(demand, cover, set(subset) | set(fixed)))
        for k in range(min(p, len(candidates)) + 1)
        for subset in itertools.combinations(candidates, k)
    )
    r = mclp(demand, weights, sites, cover, p=p, fixed=fixed)
    assert r.objective == pytest.approx(best)
    assert len(r.chosen) <= p
    assert set(r.chosen).isdisjoint(fixed)
    covered = covered_by(demand, cover, set(r.chosen) | set(fixed))
    assert set(r.covered) == covered
    assert sum(weights[str(d)] for d in r.covered) == pytest.approx(r.objective)
    assert set(r.uncoverable) == set(demand) - covered_by(demand, cover, set(sites))
    assert set(r.uncovered) == set(demand) - covered - set(r.uncoverable)


# --------------------------------------------------------------------------- time limit


def test_hand_cases_with_a_time_limit_are_still_proven_optimal() -> None:
    cover = {"d1": {"s1"}, "d2": {"s1", "s2"}, "d3": {"s2", "old"}, "d4": {"s3"}, "d5": {"nowhere"}}
    r = lscp(["d1", "d2", "d3", "d4", "d5"], ["s1", "s2", "s3", "old"], cover, fixed=["old"], time_limit_s=30)
    assert (r.chosen, r.optimal, r.gap) == (["s1", "s3"], True, 0.0)
    weights = {"d1": 5.0, "d2": 2.0, "d3": 2.0, "d4": 10.0, "d5": 1.0}
    r = mclp(list(cover), weights, ["s1", "s2", "s3"], cover, p=1, fixed=["old"], time_limit_s=30)
    assert (r.chosen, r.objective, r.optimal, r.gap) == (["s3"], 12.0, True, 0.0)  # d4 (10) + d3 (2, by old)
    with pytest.raises(InvalidInput):
        lscp(["d1"], ["s1"], cover, time_limit_s=0)
    with pytest.raises(InvalidInput):
        mclp(["d1"], {"d1": 1.0}, ["s1"], cover, p=1, time_limit_s=-1)


def dense_cover(seed: int, n: int = 400, reach: float = 0.05) -> tuple[list[str], list[str], dict[str, set[str]]]:
    """A random covering instance HiGHS needs seconds to prove (each site reaches 5% of the demand)."""
    rng = random.Random(seed)
    demand = [f"d{i:03d}" for i in range(n)]
    sites = [f"s{j:03d}" for j in range(n)]
    return demand, sites, {d: {s for s in sites if rng.random() < reach} for d in demand}


def greedy_sites(demand: list[str], sites: list[str], cover: dict[str, set[str]], weight: dict[str, float],
                 limit: int | None) -> tuple[list[str], float]:
    """Textbook greedy: open the site adding the most uncovered weight (first by id on ties) while it adds any."""
    left, total = set(demand), 0.0
    opened: list[str] = []
    while limit is None or len(opened) < limit:
        gain = {s: sum(weight[d] for d in left if s in cover[d]) for s in sites}
        best = max(sites, key=lambda s: (gain[s], [-ord(ch) for ch in s]))
        if gain[best] <= 0:
            break
        opened.append(best)
        total += gain[best]
        left = {d for d in left if best not in cover[d]}
    return opened, total


def test_lscp_stopped_by_the_time_limit_still_covers_everything() -> None:
    demand, sites, cover = dense_cover(7)
    r = lscp(demand, sites, cover, time_limit_s=0.01)
    assert not r.optimal  # 0.01 s is far too little to prove this instance (it takes HiGHS seconds)
    assert r.gap is None or 0 < r.gap <= 1
    coverable = {d for d in demand if cover[d]}
    assert covered_by(demand, cover, set(r.chosen)) == coverable == set(r.covered)
    assert set(r.uncoverable) == set(demand) - coverable and r.uncovered == []
    assert r.objective == len(r.chosen) == len(set(r.chosen))
    # never worse than greedy set cover, and no chosen site is redundant
    assert len(r.chosen) <= len(greedy_sites(demand, sites, cover, dict.fromkeys(demand, 1.0), None)[0])
    for s in r.chosen:
        assert covered_by(demand, cover, set(r.chosen) - {s}) != coverable


def test_mclp_stopped_by_the_time_limit_keeps_to_p_sites() -> None:
    demand, sites, cover = dense_cover(11)
    weights = {d: float(1 + i % 7) for i, d in enumerate(demand)}
    r = mclp(demand, weights, sites, cover, p=10, time_limit_s=0.01)
    assert not r.optimal
    assert r.gap is None or r.gap > 0
    assert len(r.chosen) <= 10 and set(r.chosen) <= set(sites)
    covered = covered_by(demand, cover, set(r.chosen))
    assert set(r.covered) == covered and set(r.uncovered) == {d for d in demand if cover[d]} - covered
    assert r.objective == pytest.approx(sum(weights[d] for d in covered))
    # never worse than greedy maximal covering
    assert r.objective >= greedy_sites(demand, sites, cover, weights, 10)[1] - 1e-9
