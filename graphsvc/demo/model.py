"""The demo builder's working parts: places in the making (Comm, Unit, Street), a pool of members to hand
out, and small geometry and drawing helpers."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphsvc.demo.specs import CommunitySpec, Special, StreetSpec
from graphsvc.demo.vocabulary import TABLE_ORDER, Row, Rows

# --- small helpers -------------------------------------------------------------------------------

M_PER_DEG = 111_320.0


def move_m(lat: float, lon: float, dx_m: float, dy_m: float) -> tuple[float, float]:
    """The point dx_m east and dy_m north of (lat, lon), to six decimals (~0.1 m)."""
    return (round(lat + dy_m / M_PER_DEG, 6),
            round(lon + dx_m / (M_PER_DEG * math.cos(math.radians(lat))), 6))


def in_disc(rng: random.Random, radius: float) -> tuple[float, float]:
    r, a = radius * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return r * math.cos(a), r * math.sin(a)


def draw_date(rng: random.Random, first_year: int, last_year: int) -> str:
    return f"{rng.randint(first_year, last_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def empty_rows() -> Rows:
    return {t: [] for t in TABLE_ORDER}


def short_name(name: str) -> str:
    for suffix in ("社区", "街道", "镇", "村"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


class Pool:
    """Candidates handed out in turn (or, with fill, each until full), up to `cap` times each;
    the load is shared between pools."""

    __slots__ = ("cands", "cap", "fill", "i", "load")

    def __init__(self, cands: list[Row], cap: int, load: Counter[str], fill: bool = False) -> None:
        self.cands, self.cap, self.load, self.i, self.fill = list(cands), cap, load, 0, fill

    def take(self, avoid_household: str | None = None) -> Row | None:
        tried = 0
        while self.cands and tried < len(self.cands):
            k = self.i % len(self.cands)
            m = self.cands[k]
            if self.load[m["id"]] >= self.cap:      # full: drop out (O(1) swap-pop)
                self.cands[k] = self.cands[-1]
                self.cands.pop()
                continue
            self.i = k + 1
            if avoid_household is not None and m["household_id"] == avoid_household:
                tried += 1
                continue
            if self.fill:
                self.i = k
            self.load[m["id"]] += 1
            return m
        return None


# --- the builder ----------------------------------------------------------------------------------


@dataclass
class Comm:
    spec: CommunitySpec
    row: Row
    code: str
    street: Street
    org: Row | None = None
    adopt: Row | None = None          # takes the members of a community with no organisation
    grids: list[Row] = field(default_factory=list)
    buildings: list[Row] = field(default_factory=list)
    grid_of: dict[str, str] = field(default_factory=dict)
    households: dict[str, list[Row]] = field(default_factory=dict)
    residents: dict[str, list[Row]] = field(default_factory=dict)
    group_of: dict[str, str] = field(default_factory=dict)
    estate_of: dict[str, tuple[str, int]] = field(default_factory=dict)   # building → (estate, number)
    special_of: dict[str, Special] = field(default_factory=dict)
    fixed: dict[str, int] = field(default_factory=dict)        # building → resident members set by a Special

    @property
    def id(self) -> str:
        return str(self.row["id"])

    @property
    def name(self) -> str:
        return str(self.row["name"])

    @property
    def rural(self) -> bool:
        return self.spec.kind != "urban"

    @property
    def home_org(self) -> Row:
        org = self.org or self.adopt
        assert org is not None
        return org

    def members(self) -> Iterator[Row]:
        for ms in self.residents.values():
            yield from ms


@dataclass
class Unit:
    row: Row
    comm: Comm
    plan: str                 # org | joint | none | bad_big | bad_small
    workers: int
    org: Row | None = None
    pair_with: Comm | None = None
    pairing: Row | None = None
    staff: list[Row] = field(default_factory=list)


@dataclass
class Street:
    spec: StreetSpec
    row: Row
    committee: Row
    mobile: Row
    joint: Row | None
    comms: list[Comm] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.spec.code

    def comm(self, name: str) -> Comm:
        return next(c for c in self.comms if c.name == name)



def cumulative(weights: list[int] | tuple[int, ...]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


def draw_employment(rng: random.Random, category: str, rural: bool) -> str:
    if category in ("cadre", "non_public", "mobile"):
        return "employed"
    if category == "retired":
        return "retired"
    if category == "hardship":
        return "unemployed" if rng.random() < 0.8 else "retired"
    return "employed" if rng.random() < (0.85 if rural else 0.55) else "unemployed"

