"""The steps every street of the demo goes through, built or generated: its places, its units, mobile
members, community life, co-construction with units, resources on offer."""

from __future__ import annotations

import random
from typing import Any

from graphsvc.demo.builder import Builder
from graphsvc.demo.model import Comm, Street, Unit, draw_date, short_name
from graphsvc.demo.specs import StreetSpec
from graphsvc.demo.vocabulary import (
    FIRM_TRADES,
    FIRM_WORDS,
    PLACE_WORDS,
    PUBLIC_KINDS,
    UNIT_KIND_WEIGHTS,
    WORKERS,
    UnitSpec,
)

UNIT_PLANS = (("org", 72), ("joint", 10), ("none", 8), ("bad_big", 5), ("bad_small", 5))
CLEAN_UNIT_PLANS = (("org", 80), ("joint", 10), ("none", 10))


def build_places(b: Builder, spec: StreetSpec) -> Street:
    street = b.street(spec)
    for i, cs in enumerate(spec.communities, start=1):
        b.community(street, cs, i)
    return street


def public_units(street: Street) -> list[Unit]:
    return [u for u in street.units if u.org and u.row["kind"] in PUBLIC_KINDS]


def random_units(b: Builder, street: Street, per_community: tuple[int, int], used: set[str] | None = None,
                  plan_weights: tuple[tuple[str, int], ...] = UNIT_PLANS) -> list[UnitSpec]:
    """Units for each community: kind by weight, plan by weight (public bodies always have a branch)."""
    rng = b.rng
    used = used if used is not None else set()
    kinds, kind_w = zip(*UNIT_KIND_WEIGHTS)
    plans, plan_w = zip(*plan_weights)
    out = []
    for comm in street.comms:
        for _ in range(rng.randint(*per_community)):
            kind = rng.choices(kinds, kind_w)[0]
            name = unit_name(rng, kind, comm, street, used)
            if name is None:
                kind, name = "private_enterprise", firm_name(rng, used)
            plan = "org" if kind in PUBLIC_KINDS else rng.choices(plans, plan_w)[0]
            if plan == "joint" and street.joint is None:
                plan = "none"
            workers = {"org": rng.randint(*WORKERS[kind]), "joint": rng.randint(1, 2), "none": 0,
                       "bad_big": rng.randint(3, 6), "bad_small": rng.randint(1, 2)}[plan]
            out.append((name, kind, rng.randint(5, 40) * (10 if kind in PUBLIC_KINDS else 2), comm, plan, workers))
    return out


def unit_name(rng: random.Random, kind: str, comm: Comm, street: Street, used: set[str]) -> str | None:
    if kind == "private_enterprise":
        return firm_name(rng, used)
    c, s = short_name(comm.name), short_name(street.spec.name)
    options = {
        "agency": (f"{s}派出所", f"{s}司法所", f"{s}城管中队", f"{s}市场监管所", f"{s}财政所", f"{s}税务分局"),
        "state_enterprise": (f"工商银行{c}支行", f"农业银行{c}支行", f"{c}供电营业所", f"邮政{c}支局",
                             f"中国移动{c}营业厅", f"{c}燃气服务站"),
        "school": (f"{c}小学", f"{c}中学", f"{c}幼儿园", f"{c}实验学校"),
        "hospital": (f"{c}社区卫生服务站", f"{s}人民医院", f"{c}口腔门诊部"),
        "market": (f"{c}农贸市场", f"{c}商业街", f"{c}建材市场"),
        "association": (f"{s}个体劳动者协会", f"{s}商会", f"{c}老年体协", f"{s}餐饮行业协会"),
        "social_org": (f"{c}居家养老服务站", f"{c}社工站", f"{c}志愿服务社", f"{s}慈善分会"),
        "industrial_park": (f"{c}科技园", f"{c}创业园"),
    }[kind]
    free = [o for o in options if o not in used]
    if not free:
        return None
    name = rng.choice(free)
    used.add(name)
    return name


def firm_name(rng: random.Random, used: set[str]) -> str:
    while True:
        word, trade = rng.choice(FIRM_WORDS), rng.choice(FIRM_TRADES)
        name = f"常州{word}{trade}有限公司" if rng.random() < 0.6 else f"常州市{rng.choice(PLACE_WORDS)}{word}{trade}有限公司"
        if name not in used:
            used.add(name)
            return name


def mobile_members(b: Builder, street: Street, origins: list[str]) -> None:
    """流动党员: inflow members keep their membership at home and register here; a town's own
    mobile members keep theirs in the village and register with its branch in Shanghai."""
    for comm in street.comms:
        for m in comm.members():
            if m["category"] != "mobile":
                continue
            m["org_id"] = comm.home_org["id"] if comm.rural else b.rng.choice(origins)
            b.add("registrations", {"member_id": m["id"], "org_id": street.mobile["id"], "kind": "mobile"})


def community_life(b: Builder, street: Street) -> None:
    for comm in street.comms:
        b.link_households(comm)
        b.help_households(comm)
        b.posts(comm)
        b.needs(comm)


def co_construction(b: Builder, street: Street, since: Any) -> None:
    """结对共建: each unit organisation with the community organisation it pairs with."""
    for u in street.units:
        if u.org is None or u.pair_with is None or u.pair_with.org is None:
            continue
        u.pairing = b.pairing(u.pair_with.org["id"], u.org["id"], "co_construction", since(u), street.code)
        b.projects(u.pairing, u.pair_with.name, u.row["name"], street.code)


def offer_resources(b: Builder, street: Street) -> None:
    """Resources of units, communities and the committee; some shared with a partner community."""
    rng = b.rng
    b.resource(street.committee["id"], street.committee["name"], "committee", street.code)
    for u in street.units:
        n = (2 if rng.random() < 0.4 else 1) if u.org else (1 if rng.random() < 0.25 else 0)
        for i in range(n):
            r = b.resource(u.row["id"], u.row["name"], u.row["kind"], street.code, main=i == 0 and u.org is not None)
            p = u.pairing
            if p is not None and u.pair_with is not None and rng.random() < 0.4:
                year = rng.randint(int(p["since"][:4]), 2025)
                since = p["since"] if year == int(p["since"][:4]) else draw_date(rng, year, year)
                b.add("sharings", {"resource_id": r["id"], "community_id": u.pair_with.id, "since": since})
    for comm in street.comms:
        if comm.spec.basics[2] and rng.random() < 0.5:
            b.resource(comm.id, comm.name, "community" if comm.spec.kind == "urban" else "village", street.code)


