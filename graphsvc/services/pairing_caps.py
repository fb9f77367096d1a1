"""Urban–rural caps against the pairings that already exist, and the plan's refusals in Chinese.

A real ledger often has organisations with more current urban–rural pairings than the default cap
(1 each side). The plan keeps every current pairing (nobody ends one because a default changed),
gives such an organisation no new partner, and reports how far over its cap it is: the solvers
see its cap raised to exactly what it keeps. Locks that still do not fit, a pair both locked and
forbidden, and must-pair villages that cannot be served are refused with a Chinese message that
names the organisations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from graphsvc.errors import Infeasible
from graphsvc.projection.pairing import Candidates, Org
from graphsvc.schemas import pairing as s

Pair = tuple[str, str]
SHOWN = 5  # organisations named in a message; the details list them all (up to the usual limit)


def _name(org: Org | None, ident: str) -> str:
    return f"{org.name}（{ident}）" if org else ident


def _list(items: Sequence[str]) -> str:
    shown = "、".join(items[:SHOWN])
    return shown if len(items) <= SHOWN else f"{shown} 等 {len(items)} 个"


def cap_of(req: s.PlanConstraints, ident: str, side: str) -> int:
    """The cap the request gives an organisation: its override, else its side's cap."""
    return req.cap_overrides.get(ident, req.urban_cap if side == "urban" else req.rural_cap)


def kept_pairs(cands: Candidates, req: s.PlanConstraints) -> set[Pair]:
    """Current pairs the plan keeps: not released, not forbidden (forbidding one releases it)."""
    gone = {(p.urban_id, p.rural_id) for p in (*req.released, *req.forbidden)}
    return set(cands.existing) - gone


def over_caps(cands: Candidates, req: s.PlanConstraints) -> tuple[dict[str, int], list[s.OverCap]]:
    """Cap overrides that let every kept pair stand, and the organisations they concern.

    Raises Infeasible (Chinese) when locked pairs do not fit beside the kept ones, or a pair is
    both locked and forbidden.
    """
    kept = kept_pairs(cands, req)
    locked = {(p.urban_id, p.rural_id) for p in req.locked}
    forbidden = {(p.urban_id, p.rural_id) for p in req.forbidden}
    clash = sorted(locked & forbidden)
    if clash:
        raise Infeasible(
            f"这些结对既被锁定又被禁止：{_list([f'{u}—{r}' for u, r in clash])}；请去掉其中一项",
            details=[{"urban_id": u, "rural_id": r, "message": "既锁定又禁止"} for u, r in clash],
        )
    raised: dict[str, int] = {}
    over: list[s.OverCap] = []
    refused: list[dict[str, Any]] = []
    sides: tuple[tuple[Literal["urban", "rural"], dict[str, Org], int], ...] = (
        ("urban", cands.urban, 0), ("rural", cands.rural, 1),
    )
    for side, orgs, index in sides:
        have = Counter(p[index] for p in kept)
        adding = Counter(p[index] for p in locked - kept)
        for ident in sorted(have.keys() | adding.keys()):
            cap = cap_of(req, ident, side)
            allowed = max(cap, have[ident])
            if have[ident] + adding[ident] > allowed:
                refused.append({
                    "id": ident, "cap": cap, "existing": have[ident], "locked": adding[ident],
                    "message": f"{_name(orgs.get(ident), ident)}上限 {cap} 个，现有结对 {have[ident]} 个，"
                               f"再锁定 {adding[ident]} 个",
                })
            elif have[ident] > cap:
                raised[ident] = have[ident]
                org = orgs.get(ident)
                over.append(s.OverCap(
                    id=ident, name=org.name if org else ident, side=side, cap=cap, existing=have[ident],
                    excess=have[ident] - cap,
                ))
    if refused:
        raise Infeasible(
            "锁定的结对超过上限：" + "；".join(d["message"] for d in refused[:SHOWN])
            + (f" 等 {len(refused)} 个党组织" if len(refused) > SHOWN else "")
            + "。请提高其上限（--cap 编号 上限），或解除锁定、释放现有结对（--release）",
            details=refused,
        )
    return raised, over


def must_pair_checked(cands: Candidates, req: s.PlanConstraints, caps: Mapping[str, int]) -> None:
    """Must-pair villages with cap 0 are refused before solving (Chinese)."""
    capped = [r for r in sorted(set(req.must_pair)) if r in cands.rural and caps.get(r, req.rural_cap) == 0]
    if capped:
        raise Infeasible(
            f"必须结对的村上限为 0：{_list([_name(cands.rural.get(r), r) for r in capped])}；请提高其上限",
            details=[{"id": r, "field": "must_pair", "message": "上限为 0"} for r in capped],
        )


def zh_infeasible(e: Infeasible, cands: Candidates) -> Infeasible:
    """The solvers' refusal (English, for programmers) as the Chinese one a planner reads."""
    def names(ids: Iterable[str]) -> list[str]:
        return [_name(cands.urban.get(i) or cands.rural.get(i), i) for i in ids]

    for d in e.details:
        if d.get("problem") == "no candidate":
            ids = [x["id"] for x in e.details if x.get("problem") == "no candidate"]
            return Infeasible(
                f"结对约束无法同时满足：这些必须结对的村没有任何候选城市党组织：{_list(names(ids))}", details=e.details
            )
        if "villages" in d and "free_slots" in d:
            villages, partners = list(d["villages"]), list(d["candidates"])
            if not partners:
                text = f"这些必须结对的村没有可选的城市党组织（都被禁止或已满）：{_list(names(villages))}"
            else:
                text = (
                    f"{len(villages)} 个必须结对的村（{_list(names(villages))}）的候选城市党组织"
                    f"（{_list(names(partners))}）只剩 {d['free_slots']} 个结对名额"
                )
            return Infeasible(
                f"结对约束无法同时满足：{text}；请提高这些党组织的上限、放开禁止的结对或减少必须结对的村",
                details=e.details,
            )
    return Infeasible("结对约束无法同时满足，请放宽上限、锁定或必须结对的要求", details=e.details)
