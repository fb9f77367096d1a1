"""一帮一 helpers on tiny hand-checked inputs."""

from __future__ import annotations

import pytest

from graphsvc.algorithms.helpers import suggest_helpers


def h(i: str, building: str, grid: str = "g1", community: str = "c1", lon: float = 0.0) -> dict[str, object]:
    return {"id": i, "community_id": community, "building_id": building, "grid_id": grid, "lat": 0.0, "lon": lon}


def m(i: str, building: str, helps: int = 0, grid: str = "g1", community: str = "c1", lon: float = 0.0) -> dict[str, object]:
    return {**h(i, building, grid, community, lon), "helps": helps}


def test_the_cap_passes_the_next_household_to_the_next_closest() -> None:
    out = suggest_helpers([h("h1", "b1"), h("h2", "b1"), h("h3", "b1")],
                          [m("m1", "b1", helps=1), m("m2", "b2", lon=0.002), m("m3", "b3", grid="g2", lon=0.001)], cap=2)
    # m1 (same building) has room for one more; then m2 (same grid, 222 m) before m3 (nearer, other grid)
    assert {k: c.member_id for k, c in out.items()} == {"h1": "m1", "h2": "m2", "h3": "m2"}
    assert out["h2"].relation == "same_grid" and out["h2"].distance_m == 222


def test_other_communities_and_full_members_are_never_chosen() -> None:
    out = suggest_helpers([h("h1", "b1")], [m("m1", "b1", community="c2"), m("m2", "b1", helps=3)], cap=3)
    assert out == {}


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        suggest_helpers([], [], cap=0)
