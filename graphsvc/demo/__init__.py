"""Demo data: a realistic Ledger v1 for 新丰街街道, and chunked cities for benchmarks.

- `street_ledger(seed)` — the demo street of the seed report (常州 新丰街街道: 13 communities,
  12 general branches + 1 branch, ~1,530 members, 79 unit organisations paired with the 13
  community organisations, 斜桥巷社区 with a pact of 28 units, 256 member volunteers, 54 posts),
  a neighbouring street (红梅街道) and a town of villages (横林镇) for urban–rural pairing.
  Same seed, byte-identical JSON. Every row validates against graphsvc.schemas.ledger.
- `planted(seed)` — the deliberate gaps, one set per rule of docs/domain.md, as the builder planted
  them (tests/gap_oracle.py checks them against a plain-Python reading of the rules).
- `chunks(scale, seed)` — 'street' | 'district' | 'city' as mini-ledgers, one community (or a
  street's shared rows) at a time; each chunk refers only to itself and earlier chunks.
  `SCALES` holds the approximate row counts per table.

What is planted in the street ledger (everything else satisfies every rule):
  community_without_org      龙锦社区, a new community in 红梅街道 with no organisation yet
  building_without_group     4 buildings in 新丰街 dropped from their group's coverage,
                             and 龙锦社区's 3 buildings
  building_needs_branch      3 towers with 51–60 resident members and no building branch
                             (市级机关宿舍3幢, 教师公寓1幢, 青龙苑18幢); 4 bigger towers do have one.
                             cluster_candidates: 永宁花园1–3幢 (永宁路社区), 20–40 members each,
                             < 150 m apart, > 50 together
  household_unlinked         30 households whose link was dropped (4 of them vulnerable)
  member_overloaded          2 members linking 18 and 22 households
  vulnerable_without_helper  10 vulnerable households whose helper was dropped
  unit_without_branch        4 firms with 3–6 working members and no organisation of their own,
                             2 with 1–2 members whose membership is not in the joint branch
  mobile_unregistered        5 mobile members with their registration dropped
  employed_unregistered      8 unit members living in the street who never reported (dual)
  service_circle_gap         北郊新苑 (4 buildings 1.7 km out of 县北新村社区) and the 3 + 3
                             natural villages of the two 三无 villages, which lack an activity room
  community_lacking_basics   every community with has_office/has_funds/has_land false;
                             three_nos: the two 三无 villages (长沟村, 塘头村)

The modules: `vocabulary` (names, places, skills, the rules' defaults), `specs` (the three streets),
`model` and `places` + `builder` (the builder), `steps` (what every street goes through), `street`
(the demo street and its planted gaps), `scaled` (generated streets and the district/city chunks).
"""

from graphsvc.demo.scaled import CITY_CENTRE, SCALES, chunks
from graphsvc.demo.street import planted, street_ledger
from graphsvc.demo.vocabulary import SKILLS_RURAL, SKILLS_URBAN, TABLE_ORDER, VULNERABLE

__all__ = [
    "CITY_CENTRE",
    "SCALES",
    "SKILLS_RURAL",
    "SKILLS_URBAN",
    "TABLE_ORDER",
    "VULNERABLE",
    "chunks",
    "planted",
    "street_ledger",
]
