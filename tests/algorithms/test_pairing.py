"""Urban–rural pairing: scores on hand-computed pairs; solvers against independent references.

References written here, apart from the module: scipy's linear_sum_assignment (caps 1), a
MILP (capacitated), brute force over every subset (tiny), an exhaustive blocking-pair checker.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from benchmarks.reference_solvers import optimal_pairing_networkx_reference
from graphsvc.algorithms.pairing import LINKS, PairingResult, Side, Ties, pair_score
from graphsvc.algorithms.pairing_solvers import blocking_pairs, compare, diff, optimal_pairing, stable_pairing
from graphsvc.errors import Infeasible, InvalidInput

Pair = tuple[str, str]


# --------------------------------------------------------------------------- instances and references


def ids(prefix: str, k: int) -> list[str]:
    return [f"{prefix}{i:02d}" for i in range(k)]


def dense(rng: np.random.Generator, n: int, m: int) -> tuple[dict[Pair, float], np.ndarray]:
    W = rng.uniform(0.1, 10.0, size=(n, m))
    us, rs = ids("u", n), ids("r", m)
    return {(us[i], rs[j]): float(W[i, j]) for i in range(n) for j in range(m)}, W


def caps_of(keys: Iterable[str], cap: int, overrides: dict[str, int]) -> dict[str, int]:
    return {k: overrides.get(k, cap) for k in keys}


def random_instance(rng: random.Random, n: int, m: int) -> dict:
    """Sparse scores with some <= 0, caps 1–3 with overrides, consistent locks and existing pairs."""
    us, rs = ids("u", n), ids("r", m)
    scores = {(u, r): round(rng.uniform(-1.0, 5.0), 3) for u in us for r in rs if rng.random() < 0.7}
    urban_cap, rural_cap = rng.randint(1, 3), rng.randint(1, 3)
    overrides = {x: rng.randint(0, 3) for x in rng.sample(us + rs, 3)}
    ucap, rcap = caps_of(us, urban_cap, overrides), caps_of(rs, rural_cap, overrides)
    used: dict[str, int] = defaultdict(int)
    locked: list[tuple[str, str]] = []
    existing: list[tuple[str, str]] = []
    for p in rng.sample(sorted(scores), min(6, len(scores))):
        u, r = p
        if used[u] < ucap[u] and used[r] < rcap[r]:
            used[u] += 1
            used[r] += 1
            (locked if rng.random() < 0.5 else existing).append(p)
    released = [p for p in existing if rng.random() < 0.4]
    forbidden = [p for p in rng.sample(sorted(scores), min(5, len(scores))) if p not in locked]
    must = rng.sample(rs, rng.randint(0, min(3, m)))
    return {
        "scores": scores, "urban_cap": urban_cap, "rural_cap": rural_cap, "cap_overrides": overrides, "locked": locked,
        "existing": existing, "released": released, "forbidden": forbidden, "must_pair": must, "ucap": ucap, "rcap": rcap,
    }


def solver_args(inst: dict, *, must: bool = True) -> dict:
    keys = ["urban_cap", "rural_cap", "cap_overrides", "locked", "existing", "released", "forbidden"]
    return {k: inst[k] for k in keys + (["must_pair"] if must else [])}


def kept_of(inst: dict) -> set[Pair]:
    return set(inst["existing"]) - set(inst["released"]) - set(inst["forbidden"])


def milp_optimum(inst: dict) -> float | None:
    """Max total score by a 0/1 MILP written from the problem statement; None if infeasible."""
    pairs = [p for p in sorted(inst["scores"]) if p not in set(inst["forbidden"])]
    fixed = set(inst["locked"]) | kept_of(inst)
    rows, lo, hi = [], [], []
    for u, cap in inst["ucap"].items():
        rows.append([1.0 if p[0] == u else 0.0 for p in pairs])
        lo.append(0)
        hi.append(cap)
    for r, cap in inst["rcap"].items():
        rows.append([1.0 if p[1] == r else 0.0 for p in pairs])
        lo.append(1 if r in inst["must_pair"] else 0)
        hi.append(cap)
    c = np.array([-inst["scores"][p] for p in pairs])
    lb = np.array([1.0 if p in fixed else 0.0 for p in pairs])
    res = milp(c, constraints=LinearConstraint(np.array(rows), lo, hi), integrality=np.ones(len(pairs)),
               bounds=Bounds(lb, np.ones(len(pairs))))
    return None if res.status == 2 else -res.fun


def assert_feasible(result: PairingResult, inst: dict) -> None:
    made = [(u, r) for u, r, _ in result.pairs]
    assert len(made) == len(set(made)), "a pair made twice"
    count: dict[str, int] = defaultdict(int)
    for u, r in made:
        count[u] += 1
        count[r] += 1
        assert (u, r) in inst["scores"] and (u, r) not in set(inst["forbidden"])
    assert all(count[u] <= cap for u, cap in inst["ucap"].items())
    assert all(count[r] <= cap for r, cap in inst["rcap"].items())
    assert set(inst["locked"]) | kept_of(inst) <= set(made)
    assert all(count[r] >= 1 for r in inst.get("must_pair", []))
    assert result.objective == pytest.approx(sum(inst["scores"][p] for p in made))
    assert result.unpaired == sorted({r for _, r in inst["scores"]} - {r for _, r in made})


def independent_blocking(made: Iterable[Pair], scores: dict, rscores: dict, inst: dict) -> set[Pair]:
    """Every blocking pair, by the definition, one candidate at a time."""
    made = set(made)
    fixed = set(inst["locked"]) | kept_of(inst)
    partners: dict[str, list[Pair]] = defaultdict(list)
    for u, r in made:
        partners[u].append((u, r))
        partners[r].append((u, r))

    def wants(me: str, cap: int, view: dict, new: Pair) -> bool:
        if len(partners[me]) < cap:
            return True
        return any(view[new] > view[p] for p in partners[me] if p not in fixed)

    out = set()
    for (u, r) in scores:
        if (u, r) in made or (u, r) in set(inst["forbidden"]) or scores[(u, r)] <= 0 or rscores[(u, r)] <= 0:
            continue
        if wants(u, inst["ucap"][u], scores, (u, r)) and wants(r, inst["rcap"][r], rscores, (u, r)):
            out.add((u, r))
    return out


# --------------------------------------------------------------------------- pair_score


def test_pair_score_explains_by_parts() -> None:
    u = Side("po-kl", lat=39.05, lon=121.71, offers=["venue"], skills=["全科医生"])
    r = Side("po-by", lat=39.23, lon=121.71, needs={"office": 1, "medical": 1})
    score, parts = pair_score(u, r)
    assert set(parts) == {*LINKS, "distance", "ties", "load"}
    # The venue splits over organisation and culture; the village needs 2 items in all.
    assert parts["organisation"] == pytest.approx(0.25)
    assert parts["service"] == pytest.approx(0.5)
    assert parts["culture"] == parts["information"] == parts["talent"] == parts["charity"] == 0
    assert parts["distance"] == pytest.approx(0.3) and parts["load"] == pytest.approx(0.2)
    assert score == pytest.approx(sum(parts.values())) == pytest.approx(1.25)


def test_pair_score_mutual_needs_units_and_weights() -> None:
    # The urban side needs culture; the village offers a troupe. A school counts for talent and culture.
    u = Side("u", offers={"training": 2}, needs=["culture"], unit_kinds=["school"])
    r = Side("r", offers=["culture"], needs={"talent": 4})
    _, parts = pair_score(u, r, weights={"urban_needs": 1.0})
    # talent offered: 2 (training) + 0.5 (school) of 4 needed; culture: the urban need fully met.
    assert parts["talent"] == pytest.approx(2.5 / 4)
    assert parts["culture"] == pytest.approx(1.0)
    assert parts["distance"] == pytest.approx(0.3)  # no coordinates: neutral


@pytest.mark.parametrize(
    ("km_north", "expected"),
    [(2.5, 0.5), (20.0, 1.0), (75.0, 0.5), (150.0, 0.0)],  # range (5, 50): too near, inside, too far
)
def test_pair_score_distance_range(km_north: float, expected: float) -> None:
    deg = km_north / 111.195  # km per degree of latitude on the mean sphere
    _, parts = pair_score(Side("u", lat=30.0, lon=120.0), Side("r", lat=30.0 + deg, lon=120.0),
                          preferred_km=(5.0, 50.0), weights={"distance": 1.0})
    assert parts["distance"] == pytest.approx(expected, abs=1e-3)


def test_pair_score_ties_and_load() -> None:
    good = Ties(paired_before=True, contacts=5, satisfaction=100, outcome=100)
    bad = Ties(paired_before=False, satisfaction=40)
    _, p_good = pair_score(Side("u"), Side("r"), ties=good)
    _, p_bad = pair_score(Side("u", load=1), Side("r", load=3), ties=bad)
    assert p_good["ties"] == pytest.approx(0.3)  # clipped at the weight
    assert p_bad["ties"] == pytest.approx(-0.3)  # 40% is 30 points under the warning line
    assert p_bad["load"] == pytest.approx(0.2 * 0.5 * (1 / 2 + 1 / 4))


def test_pair_score_rejects_bad_input() -> None:
    with pytest.raises(InvalidInput) as e:
        pair_score(Side("u", offers=["rocket"]), Side("r", needs={"funds": -1}))
    problems = {(d["id"], d["field"]) for d in e.value.details}
    assert problems == {("u", "offers"), ("r", "needs")}
    with pytest.raises(InvalidInput):
        pair_score(Side("u"), Side("r"), preferred_km=(50.0, 5.0))
    with pytest.raises(InvalidInput):
        pair_score(Side("u"), Side("r"), weights={"beauty": 1.0})
    with pytest.raises(InvalidInput):
        pair_score(Side("u", lat=95.0, lon=0.0), Side("r"))


# --------------------------------------------------------------------------- optimal


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", [(6, 6), (5, 9), (12, 7), (40, 40)])
def test_optimal_equals_linear_sum_assignment(seed: int, shape: tuple[int, int]) -> None:
    scores, W = dense(np.random.default_rng(seed), *shape)
    rows, cols = linear_sum_assignment(W, maximize=True)
    best = W[rows, cols].sum()
    ours = optimal_pairing(scores)
    assert ours.method == "assignment"
    assert ours.objective == pytest.approx(best)
    # The LP path on the same instance: must-pair every village that a full assignment covers.
    if shape[0] >= shape[1]:
        lp = optimal_pairing(scores, must_pair=ids("r", shape[1]))
        assert lp.method == "lp"
        assert lp.objective == pytest.approx(best)


def test_optimal_dense_capacitated_uses_column_generation_correctly() -> None:
    # 60 x 60, caps 2: the LP starts from each org's best few candidates; the answer must still
    # be the optimum over all 3,600 pairs.
    rng = np.random.default_rng(7)
    scores, _ = dense(rng, 60, 60)
    inst = {"scores": scores, "forbidden": [], "locked": [], "existing": [], "released": [], "must_pair": [],
                "ucap": caps_of(ids("u", 60), 2, {}), "rcap": caps_of(ids("r", 60), 2, {})}
    ours = optimal_pairing(scores, urban_cap=2, rural_cap=2)
    assert ours.method == "lp"
    assert ours.objective == pytest.approx(milp_optimum(inst))
    assert_feasible(ours, inst)


@pytest.mark.parametrize("seed", range(40))
def test_optimal_capacitated_equals_milp_and_constraints_hold(seed: int) -> None:
    rng = random.Random(seed)
    inst = random_instance(rng, rng.randint(2, 8), rng.randint(2, 8))
    expected = milp_optimum(inst)
    if expected is None:
        with pytest.raises(Infeasible):
            optimal_pairing(inst["scores"], **solver_args(inst))
        return
    ours = optimal_pairing(inst["scores"], **solver_args(inst))
    assert ours.objective == pytest.approx(expected)
    assert_feasible(ours, inst)


@pytest.mark.parametrize("seed", range(15))
def test_optimal_equals_brute_force_on_tiny(seed: int) -> None:
    rng = random.Random(100 + seed)
    us, rs = ids("u", 3), ids("r", 3)
    scores = {(u, r): round(rng.uniform(-2, 4), 2) for u in us for r in rs if rng.random() < 0.8}
    urban_cap, rural_cap = rng.randint(1, 2), rng.randint(1, 2)
    must = rng.sample(rs, rng.randint(0, 2))
    best = None
    for k in range(len(scores) + 1):
        for subset in itertools.combinations(sorted(scores), k):
            count: dict[str, int] = defaultdict(int)
            for u, r in subset:
                count[u] += 1
                count[r] += 1
            if any(count[u] > urban_cap for u in us) or any(count[r] > rural_cap for r in rs):
                continue
            if any(count[r] == 0 for r in must):
                continue
            total = sum(scores[p] for p in subset)
            best = total if best is None else max(best, total)
    if best is None:
        with pytest.raises(Infeasible):
            optimal_pairing(scores, urban_cap=urban_cap, rural_cap=rural_cap, must_pair=must)
    else:
        got = optimal_pairing(scores, urban_cap=urban_cap, rural_cap=rural_cap, must_pair=must)
        assert got.objective == pytest.approx(best)


def test_optimal_skips_worthless_pairs_unless_a_village_must_pair() -> None:
    scores = {("u1", "r1"): 2.0, ("u2", "r2"): -1.0, ("u2", "r3"): 0.0}
    assert optimal_pairing(scores).pairs == [("u1", "r1", 2.0)]
    assert optimal_pairing(scores).unpaired == ["r2", "r3"]
    got = optimal_pairing(scores, must_pair=["r2"])
    assert got.pairs == [("u1", "r1", 2.0), ("u2", "r2", -1.0)] and got.objective == 1.0


def test_optimal_lp_path_skips_worthless_pairs_too() -> None:
    scores = {("u1", "r1"): 2.0, ("u1", "r2"): 0.0, ("u2", "r2"): -1.0, ("u2", "r3"): 1.0}
    got = optimal_pairing(scores, urban_cap=2)
    assert got.method == "lp"
    assert got.pairs == [("u1", "r1", 2.0), ("u2", "r3", 1.0)]


def test_must_pair_reached_through_low_ranked_candidates() -> None:
    # Every side ranks u0..u3 / r0..r3 first, so each org's few best candidates (where the LP
    # starts) give r4..r9 only u0..u3: four slots for ten villages. A partner for every village
    # exists only through pairs nobody ranks high.
    us, rs = ids("u", 10), ids("r", 10)
    scores = {(u, r): (10.0 if i < 4 else 0.0) + (10.0 if j < 4 else 0.0) + 0.01 * (i + j)
              for i, u in enumerate(us) for j, r in enumerate(rs)}
    got = optimal_pairing(scores, must_pair=rs)
    assert got.method == "lp" and got.unpaired == []
    rows, cols = linear_sum_assignment(np.array([[scores[(u, r)] for r in rs] for u in us]), maximize=True)
    assert got.objective == pytest.approx(sum(scores[(us[i], rs[j])] for i, j in zip(rows, cols)))


def test_existing_pairs_kept_unless_released() -> None:
    scores = {("u1", "r1"): 1.0, ("u1", "r2"): 5.0, ("u2", "r2"): 1.0, ("u2", "r1"): 5.0}
    existing = [("u1", "r1"), ("u2", "r2")]
    kept = optimal_pairing(scores, existing=existing)
    assert [p[:2] for p in kept.pairs] == existing
    one = optimal_pairing(scores, existing=existing, released=[("u1", "r1")])
    # Released, u1–r1 is an ordinary candidate again, and still the best u1 can get (r2 is kept).
    assert [p[:2] for p in one.pairs] == existing
    both = optimal_pairing(scores, existing=existing, released=existing)
    assert [p[:2] for p in both.pairs] == [("u1", "r2"), ("u2", "r1")]
    assert diff(kept, both).objective_delta == pytest.approx(8.0)


def test_locked_and_forbidden_override_the_optimum() -> None:
    scores = {("u1", "r1"): 5.0, ("u1", "r2"): 1.0, ("u2", "r1"): 1.0, ("u2", "r2"): 5.0}
    got = optimal_pairing(scores, locked=[("u1", "r2")])
    assert [p[:2] for p in got.pairs] == [("u1", "r2"), ("u2", "r1")]
    got = optimal_pairing(scores, forbidden=[("u1", "r1")])
    assert [p[:2] for p in got.pairs] == [("u2", "r2")]


def test_infeasible_names_what_clashes() -> None:
    scores = {("u1", "r1"): 1.0, ("u1", "r2"): 1.0, ("u2", "r3"): 1.0}
    with pytest.raises(Infeasible, match="u1–r1"):
        optimal_pairing(scores, locked=[("u1", "r1")], forbidden=[("u1", "r1")])
    with pytest.raises(Infeasible, match="u1 has cap 1 but 2 locked/kept pairs"):
        optimal_pairing(scores, locked=[("u1", "r1")], existing=[("u1", "r2")])
    # r1 and r2 both must pair, and their only candidate u1 has one slot: Hall's condition fails.
    with pytest.raises(Infeasible) as e:
        optimal_pairing(scores, must_pair=["r1", "r2", "r3"])
    assert "r1" in e.value.message and "r2" in e.value.message and "u1" in e.value.message
    assert "r3" not in e.value.message
    assert e.value.details[0] == {"villages": ["r1", "r2"], "candidates": ["u1"], "free_slots": 1}
    with pytest.raises(Infeasible, match="r9"):
        optimal_pairing(scores, must_pair=["r9"])
    with pytest.raises(Infeasible, match="no allowed candidate"):
        optimal_pairing(scores, must_pair=["r3"], forbidden=[("u2", "r3")])
    assert optimal_pairing(scores, urban_cap=2, must_pair=["r1", "r2", "r3"]).objective == 3.0


def test_invalid_input_is_reported() -> None:
    scores = {("u1", "r1"): 1.0}
    with pytest.raises(InvalidInput, match="invalid pairing input"):
        optimal_pairing(scores, locked=[("u1", "r2")])  # not a candidate
    with pytest.raises(InvalidInput):
        optimal_pairing(scores, released=[("u1", "r1")])  # not existing
    with pytest.raises(InvalidInput):
        optimal_pairing({("u1", "r1"): float("nan")})
    with pytest.raises(InvalidInput):
        optimal_pairing({("a", "b"): 1.0, ("b", "c"): 1.0})  # b on both sides
    with pytest.raises(InvalidInput):
        optimal_pairing(scores, urban_cap=-1)
    with pytest.raises(InvalidInput):
        optimal_pairing(scores, must_pair=["u1"])


def test_result_does_not_depend_on_input_order() -> None:
    scores, _ = dense(np.random.default_rng(3), 8, 8)
    ties = {k: float(round(v)) for k, v in scores.items()}  # many equal scores
    shuffled = dict(random.Random(1).sample(sorted(ties.items()), len(ties)))
    for solve in (optimal_pairing, stable_pairing):
        assert solve(ties, urban_cap=2) == solve(shuffled, urban_cap=2)


@pytest.mark.parametrize("seed", range(3))
def test_networkx_reference_agrees(seed: int) -> None:
    rng = random.Random(seed)
    inst = random_instance(rng, 7, 9)
    ref = optimal_pairing_networkx_reference(inst["scores"])
    assert ref.objective == pytest.approx(optimal_pairing(inst["scores"]).objective)


# --------------------------------------------------------------------------- stable


@pytest.mark.parametrize("seed", range(40))
def test_stable_has_no_blocking_pair(seed: int) -> None:
    rng = random.Random(1000 + seed)
    inst = random_instance(rng, rng.randint(2, 9), rng.randint(2, 9))
    scores = inst["scores"]
    # Every other instance lets the villages see the pairs their own way.
    rscores = {p: round(rng.uniform(-1.0, 5.0), 3) for p in scores} if seed % 2 else scores
    args = solver_args(inst, must=False)
    for proposing in ("rural", "urban"):
        got = stable_pairing(scores, rural_scores=rscores, proposing=proposing, **args)
        made = [(u, r) for u, r, _ in got.pairs]
        assert independent_blocking(made, scores, rscores, inst) == set()
        assert blocking_pairs(got.pairs, scores, rural_scores=rscores, **args) == []
        assert_feasible(got, {**inst, "must_pair": []})
        fixed = set(inst["locked"]) | kept_of(inst)
        assert all(scores[p] > 0 and rscores[p] > 0 for p in made if p not in fixed)


@pytest.mark.parametrize("seed", range(20))
def test_blocking_pairs_agrees_with_exhaustive_check_on_unstable_pairings(seed: int) -> None:
    rng = random.Random(2000 + seed)
    inst = random_instance(rng, 6, 6)
    fixed = sorted(set(inst["locked"]) | kept_of(inst))
    count: dict[str, int] = defaultdict(int)
    for u, r in fixed:
        count[u] += 1
        count[r] += 1
    made = list(fixed)
    banned = set(inst["forbidden"])
    for u, r in rng.sample(sorted(inst["scores"]), len(inst["scores"])):  # a random feasible pairing
        free = (u, r) not in banned and (u, r) not in made and count[u] < inst["ucap"][u] and count[r] < inst["rcap"][r]
        if free and rng.random() < 0.5:  # random() only for a free pair, as the instance's seed expects
            made.append((u, r))
            count[u] += 1
            count[r] += 1
    args = solver_args(inst, must=False)
    expected = independent_blocking(made, inst["scores"], inst["scores"], inst)
    assert blocking_pairs(made, inst["scores"], **args) == sorted(expected)


def test_stable_proposing_side_decides_between_two_stable_pairings() -> None:
    # Urban orgs like r1/r2 the other way round from how the villages like them.
    urban_view = {("u1", "r1"): 2.0, ("u1", "r2"): 1.0, ("u2", "r1"): 1.0, ("u2", "r2"): 2.0}
    rural_view = {("u1", "r1"): 1.0, ("u1", "r2"): 2.0, ("u2", "r1"): 2.0, ("u2", "r2"): 1.0}
    villages = stable_pairing(urban_view, rural_scores=rural_view)
    urban = stable_pairing(urban_view, rural_scores=rural_view, proposing="urban")
    assert [p[:2] for p in villages.pairs] == [("u1", "r2"), ("u2", "r1")]
    assert [p[:2] for p in urban.pairs] == [("u1", "r1"), ("u2", "r2")]
    assert villages.objective == 2.0  # objective sums the urban-side scores
    assert blocking_pairs(villages.pairs, urban_view, rural_scores=rural_view) == []


def test_stable_many_to_many_with_locks() -> None:
    scores = {("u1", "r1"): 1.0, ("u1", "r2"): 3.0, ("u1", "r3"): 2.0, ("u2", "r1"): 3.0, ("u2", "r2"): 2.0}
    got = stable_pairing(scores, urban_cap=2, rural_cap=1, locked=[("u1", "r1")])
    # u1 keeps r1 (locked) and takes its favourite r2; u2 is left with r1 taken, r2 taken.
    assert [p[:2] for p in got.pairs] == [("u1", "r1"), ("u1", "r2")]
    assert got.unpaired == ["r3"]
    # Stable given the lock: u1 is full and cannot drop its locked r1 for r3 (nor r1 go to u2).
    assert blocking_pairs(got.pairs, scores, urban_cap=2, locked=[("u1", "r1")]) == []
    assert blocking_pairs(got.pairs, scores, urban_cap=2) == [("u1", "r3"), ("u2", "r1")]


def test_equal_scores_do_not_block() -> None:
    # r2 would gain by leaving u2 for u1, but u1 likes r2 exactly as much as its r1: no block.
    scores = {("u1", "r1"): 1.0, ("u1", "r2"): 1.0, ("u2", "r2"): 0.5}
    assert blocking_pairs([("u1", "r1"), ("u2", "r2")], scores) == []
    assert blocking_pairs([("u1", "r1"), ("u2", "r2")], {**scores, ("u1", "r2"): 1.5}) == [("u1", "r2")]


def test_stable_rejects_mismatched_rural_scores() -> None:
    with pytest.raises(InvalidInput):
        stable_pairing({("u1", "r1"): 1.0}, rural_scores={("u1", "r2"): 1.0})


# --------------------------------------------------------------------------- what-if


def test_what_if_diff_and_compare() -> None:
    scores = {("u1", "r1"): 3.0, ("u1", "r2"): 2.0, ("u2", "r1"): 2.5, ("u2", "r2"): 0.5, ("u3", "r3"): 1.0}
    before = optimal_pairing(scores)
    # What if u2 withdraws? Leave its pairs out and solve again.
    after = optimal_pairing({p: s for p, s in scores.items() if p[0] != "u2"})
    d = diff(before, after)
    assert d.removed == [("u1", "r2", 2.0), ("u2", "r1", 2.5)]
    assert d.added == [("u1", "r1", 3.0)]
    assert d.kept == [("u3", "r3", 1.0)]
    assert d.objective_delta == pytest.approx(after.objective - before.objective) == pytest.approx(-1.5)
    assert d.villages_changed == ["r1", "r2"]
    c = compare(before, stable_pairing(scores))
    assert c.added == [("u1", "r1", 3.0), ("u2", "r2", 0.5)] and c.objective_delta == pytest.approx(-1.0)
    assert math.isclose(diff(before, before).objective_delta, 0.0) and diff(before, before).added == []
