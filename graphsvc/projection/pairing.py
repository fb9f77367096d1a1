"""Urban–rural pairing: query rows -> candidate organisations, and the algorithm's Sides and Ties.

Urban candidates are each urban community's own Party organisation and the (top) Party
organisation of each unit located in an urban community; rural candidates are the own
organisations of rural villages and resettlement communities. An organisation has no place of
its own: it stands where its community is, or where its unit is.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from graphsvc.algorithms.pairing import Pair, Side, Ties

URBAN_KINDS = ["urban"]
RURAL_KINDS = ["rural", "resettlement"]
KIND = "urban_rural"

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Org:
    """A candidate organisation and what it brings: resources offered, needs raised, members' skills."""

    id: str
    name: str
    side: Literal["urban", "rural"]
    kind: str  # urban: 'community' | 'unit'; rural: the community kind, 'rural' | 'resettlement'
    community_id: str
    community_name: str
    street_id: str
    street_name: str
    district: str | None
    lat: float | None
    lon: float | None
    unit_id: str | None = None
    unit_kind: str | None = None
    offers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()  # distinct skills of its members
    load: int = 0  # active pairings outside this plan (co-construction, pairs with non-candidates)

    def side_for_scoring(self) -> Side:
        return Side(
            self.id, self.name, self.lat, self.lon, offers=list(self.offers), needs=list(self.needs),
            skills=list(self.skills), unit_kinds=[self.unit_kind] if self.unit_kind else [], load=self.load,
        )


@dataclass
class TieFacts:
    """What already joins an urban organisation and a village, as evidence for the `ties` part."""

    paired_before: bool = False
    pairing_id: str | None = None  # their active urban–rural pairing, if any
    since: str | None = None
    projects: int = 0
    members: int = 0  # village members living in the urban community / working at the urban unit
    marks: dict[str, list[float]] = field(default_factory=lambda: {"satisfaction": [], "outcome": []})

    def mean(self, what: str) -> float | None:
        values = self.marks[what]
        return sum(values) / len(values) if values else None

    def ties(self) -> Ties:
        return Ties(
            paired_before=self.paired_before, contacts=self.projects + self.members,
            satisfaction=self.mean("satisfaction"), outcome=self.mean("outcome"),
        )


@dataclass
class Candidates:
    urban: dict[str, Org]
    rural: dict[str, Org]
    facts: dict[Pair, TieFacts]

    @cached_property
    def existing(self) -> dict[Pair, str]:
        """Active urban–rural pairs between candidates -> their pairing id."""
        return {p: f.pairing_id for p, f in self.facts.items() if f.pairing_id}

    def without(self, dropped: Iterable[str]) -> Candidates:
        """The candidates with some organisations left out (what-if: drop an organisation)."""
        gone = set(dropped)
        return Candidates(
            {k: v for k, v in self.urban.items() if k not in gone},
            {k: v for k, v in self.rural.items() if k not in gone},
            {p: f for p, f in self.facts.items() if not gone & set(p)},
        )

    def sides(self) -> tuple[list[Side], list[Side]]:
        return [o.side_for_scoring() for o in self.urban.values()], [o.side_for_scoring() for o in self.rural.values()]

    def ties(self) -> dict[Pair, Ties]:
        return {p: f.ties() for p, f in self.facts.items()}


def _org(row: Row, side: Literal["urban", "rural"], kind: str) -> Org:
    return Org(
        id=row["id"], name=row["name"], side=side, kind=kind, community_id=row["community_id"],
        community_name=row["community_name"], street_id=row["street_id"], street_name=row["street_name"],
        district=row.get("district"), lat=row.get("lat"), lon=row.get("lon"), unit_id=row.get("unit_id"),
        unit_kind=row.get("unit_kind"), offers=tuple(row["offers"]), needs=tuple(row.get("needs") or ()),
        # Distinct skills: what the organisation can bring, not how many members bring it.
        skills=tuple(sorted({s for skills in row["skills"] for s in skills if s})),
    )


def candidates(
    community_rows: Iterable[Row],
    unit_rows: Iterable[Row],
    village_rows: Iterable[Row],
    pairing_rows: Iterable[Row],
    project_rows: Iterable[Row],
    place_rows: Iterable[Row],
) -> Candidates:
    """Rows of pairing/community_orgs (urban and rural), unit_orgs, pairings, projects, member_places."""
    urban = {r["id"]: _org(r, "urban", "community") for r in community_rows}
    urban.update({r["id"]: _org(r, "urban", "unit") for r in unit_rows})
    rural = {r["id"]: _org(r, "rural", r["community_kind"]) for r in village_rows}
    facts: dict[Pair, TieFacts] = defaultdict(TieFacts)

    def pair_of(ids: Iterable[str]) -> list[Pair]:
        ids = set(ids)
        return [(u, r) for u, r in itertools.product(ids & urban.keys(), ids & rural.keys())]

    load: Counter[str] = Counter()
    for p in pairing_rows:
        ends = (p["org_a"], p["org_b"])
        active = p.get("ended_at") is None
        inside = pair_of(ends)
        for pair in inside:
            facts[pair].paired_before = True
            if active and p["kind"] == KIND:
                facts[pair].pairing_id, facts[pair].since = p["id"], p.get("since")
        if active and not (inside and p["kind"] == KIND):
            load.update(ends)
    for j in project_rows:
        for pair in pair_of(j["org_ids"]):
            f = facts[pair]
            f.projects += 1
            for what in ("satisfaction", "outcome"):
                if j.get(what) is not None:
                    f.marks[what].append(float(j[what]))
    by_community: dict[str, list[str]] = defaultdict(list)
    by_unit: dict[str, list[str]] = defaultdict(list)
    for o in urban.values():
        if o.kind == "unit" and o.unit_id:
            by_unit[o.unit_id].append(o.id)
        elif o.kind == "community":
            by_community[o.community_id].append(o.id)
    for row in place_rows:
        r = row["org_id"]
        if r not in rural:
            continue
        for index, places in ((by_community, row["communities"]), (by_unit, row["units"])):
            place: str
            for place, n in Counter(places).items():
                for u in index.get(place, ()):
                    facts[(u, r)].members += n
    urban = {k: replace(o, load=load[k]) for k, o in sorted(urban.items())}
    rural = {k: replace(o, load=load[k]) for k, o in sorted(rural.items())}
    return Candidates(urban, rural, dict(facts))
