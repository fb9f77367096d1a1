"""Accepting a suggestion: the only coverage writes, validated against the graph, stamped, audited and
written in one transaction."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from graphsvc import audit
from graphsvc.errors import Infeasible, InvalidInput, NotFound
from graphsvc.graph import Graph, Tx
from graphsvc.schemas import coverage as s
from graphsvc.scope import Scope
from graphsvc.services import guard


def _stamp(scope: Scope) -> dict[str, str]:
    guard.writer(scope)
    return {"accepted_by": scope.actor, "accepted_at": audit.now(), "source": "suggestion"}


def _in_scope(scope: Scope, community_id: str | None) -> bool:
    return scope.communities is None or community_id in scope.communities


def _absent(
    items: Sequence[Any], field: str, found: Mapping[str, Mapping[str, Any]], scope: Scope | None = None
) -> list[dict[str, Any]]:
    """A detail for every item whose `field` names nothing found (or, given `scope`, a place out of it)."""
    out = []
    for i, item in enumerate(items):
        row = found.get(getattr(item, field))
        if row is None or (scope is not None and not _in_scope(scope, row["community_id"])):
            out.append({"field": f"items[{i}].{field}", "id": getattr(item, field)})
    return out


def _check_covers(tx: Tx, scope: Scope, pairs: list[s.CoversPair], cap: int | None) -> None:
    orgs = {r["id"]: r for r in tx.run("coverage/orgs_by_id", ids=sorted({p.org_id for p in pairs}))}
    buildings = {r["id"]: r for r in tx.run("coverage/buildings_by_id", ids=sorted({p.building_id for p in pairs}))}
    missing = _absent(pairs, "org_id", orgs) + _absent(pairs, "building_id", buildings, scope)
    if missing:
        raise NotFound("找不到这些党组织或楼栋", details=missing)
    wrong = [
        {"field": f"items[{i}].org_id", "id": p.org_id}
        for i, p in enumerate(pairs)
        if orgs[p.org_id]["level"] != "group" and orgs[p.org_id]["domain"] != "building"
    ]
    if wrong:
        raise InvalidInput("只有党小组或楼宇党支部可以联系楼栋（党小组联幢）", details=wrong)
    if cap is not None:
        now = {o: r["building_ids"] for o, r in orgs.items()}
        if over := _over_cap(now, [(p.org_id, p.building_id) for p in pairs], cap):
            raise Infeasible("党小组联系楼栋数将超过上限", details=over)


def _over_cap(now: dict[str, list[str]], pairs: Iterable[tuple[str, str]], cap: int) -> list[dict[str, Any]]:
    """Who would pass `cap` with its current targets (`now`) plus the new ones among `pairs` (owner, target)."""
    adding: dict[str, set[str]] = defaultdict(set)
    for owner, target in pairs:
        if target not in now[owner]:
            adding[owner].add(target)
    return [
        {"field": "items", "id": o, "now": len(now[o]), "adding": len(new), "cap": cap}
        for o, new in sorted(adding.items())
        if len(now[o]) + len(new) > cap
    ]


def _accepted(action: str, written: tuple[list[str], list[str] | None], stamp: dict[str, str]) -> s.Accepted:
    rows, where = written
    return s.Accepted(
        action=action, written=len(rows), ids=rows, accepted_by=stamp["accepted_by"], accepted_at=stamp["accepted_at"],
        communities=where,
    )


def _written(graph: Graph, work: Callable[[Tx], list[str]]) -> tuple[list[str], list[str] | None]:
    """work's rows in one transaction, and the communities it changed coverage in (None: it did not say)."""
    def run(tx: Tx) -> tuple[list[str], list[str] | None]:
        rows = work(tx)
        where = (tx.touched or {}).get("coverage")
        return rows, sorted(where) if where is not None else None

    return graph.transaction(run)


def accept_covers(graph: Graph, scope: Scope, body: s.AcceptCovers) -> s.Accepted:
    """Write accepted group -> building COVERS (党小组联幢) after checking ids, scope and the optional cap."""
    stamp = _stamp(scope)
    pairs = [p.model_dump() for p in body.items]

    def work(tx: Tx) -> list[str]:
        named = [(f"items[{i}].{f}", getattr(p, f)) for i, p in enumerate(body.items) for f in ("org_id", "building_id")]
        guard.in_scope(tx, scope, named, "找不到这些党组织或楼栋", topic="coverage")
        _check_covers(tx, scope, body.items, body.group_building_cap)
        rows = tx.run("coverage/accept_covers", pairs=pairs, stamp=stamp)
        audit.record(tx, scope, "coverage.accept_covers", "COVERS", {"pairs": len(rows)}, source="suggestion")
        return [f"{r['org_id']}->{r['building_id']}" for r in rows]

    return _accepted("covers", _written(graph, work), stamp)


# Accepting member -> household pairs, by kind: (the members' current pairs, the write, the tie, over the cap).
_MEMBER_PAIRS = {
    "links": ("coverage/members_by_id", "coverage/accept_links", "LINKS", "党员联系住户数将超过上限"),
    "helps": ("coverage/members_helps", "coverage/accept_helps", "HELPS", "党员帮扶户数将超过上限"),
}


def accept_member_pairs(
    graph: Graph, scope: Scope, items: Sequence[Any], cap: int, kind: Literal["links", "helps"]
) -> s.Accepted:
    """Write accepted member -> household LINKS (党员联户) or HELPS (一帮一) after checking ids, scope and
    every member's cap; `items` have member_id and household_id."""
    members_query, write_query, tie, over_cap_message = _MEMBER_PAIRS[kind]
    stamp = _stamp(scope)
    pairs = [p.model_dump() for p in items]
    dupes = [k for k, n in Counter((p.member_id, p.household_id) for p in items).items() if n > 1]
    if dupes:
        raise InvalidInput(
            "同一对党员和住户出现了多次",
            details=[{"field": "items", "member_id": m, "household_id": h} for m, h in dupes],
        )

    def work(tx: Tx) -> list[str]:
        named = [(f"items[{i}].{f}", getattr(p, f)) for i, p in enumerate(items) for f in ("member_id", "household_id")]
        guard.in_scope(tx, scope, named, "找不到这些党员或住户", topic="coverage")
        members = {r["id"]: r for r in tx.run(members_query, ids=sorted({p.member_id for p in items}))}
        households = {r["id"]: r for r in tx.run("coverage/households_by_id", ids=sorted({p.household_id for p in items}))}
        missing = _absent(items, "member_id", members) + _absent(items, "household_id", households, scope)
        if missing:
            raise NotFound("找不到这些党员或住户", details=missing)
        now = {m: r["household_ids"] for m, r in members.items()}
        if over := _over_cap(now, [(p.member_id, p.household_id) for p in items], cap):
            raise Infeasible(over_cap_message, details=over)
        rows = tx.run(write_query, pairs=pairs, stamp=stamp)
        audit.record(tx, scope, f"coverage.accept_{kind}", tie, {"pairs": len(rows)}, source="suggestion")
        return [f"{r['member_id']}->{r['household_id']}" for r in rows]

    return _accepted(kind, _written(graph, work), stamp)


def accept_links(graph: Graph, scope: Scope, body: s.AcceptLinks) -> s.Accepted:
    """Write accepted member -> household LINKS (党员联户) after checking ids, scope and every member's cap."""
    return accept_member_pairs(graph, scope, body.items, body.link_cap, "links")


def _check_new_org(body: s.NewOrg) -> None:
    """What a new organisation must say of itself, before anything is read."""
    if body.level == "group" and not body.community_id:
        raise InvalidInput("党小组必须属于一个社区", details=[{"field": "community_id"}])
    if body.domain == "building" and not body.community_id:
        raise InvalidInput("楼宇党支部必须属于一个社区", details=[{"field": "community_id"}])
    if len(set(body.building_ids)) != len(body.building_ids):
        raise InvalidInput("楼栋编号重复", details=[{"field": "building_ids"}])


def _check_org_refs(tx: Tx, scope: Scope, body: s.NewOrg, org_id: str) -> None:
    """The new id is free; the parent, community and unit it names exist, in the caller's scope."""
    wanted = {
        "id": (org_id, None),
        "parent_id": (body.parent_id, "PartyOrg"),
        "community_id": (body.community_id, "Community"),
        "unit_id": (body.unit_id, "Unit"),
    }
    named = [(f, v) for f, (v, label) in wanted.items() if label] + [("building_ids", b) for b in body.building_ids]
    guard.in_scope(tx, scope, named, "找不到上级党组织、社区或单位", topic="coverage")
    labels = {r["id"]: r["labels"] for r in tx.run("read/ids_exist", ids=[v for v, _ in wanted.values() if v])}
    if org_id in labels:
        raise InvalidInput("编号已被占用", details=[{"field": "id", "id": org_id}])
    missing = [
        {"field": f, "id": v} for f, (v, label) in wanted.items() if v and label and label not in labels.get(v, [])
    ]
    if missing:
        raise NotFound("找不到上级党组织、社区或单位", details=missing)


def _check_org_place(tx: Tx, scope: Scope, body: s.NewOrg) -> None:
    """The unit (if any) has no organisation yet, and the community (else the unit's) is in scope."""
    where = body.community_id
    if body.unit_id:
        unit = tx.run("coverage/units_by_id", ids=[body.unit_id])[0]
        where = where or unit["community_id"]
        if unit["org_ids"]:
            raise InvalidInput(
                "该单位已有党组织", details=[{"field": "unit_id", "id": body.unit_id, "org_ids": unit["org_ids"]}]
            )
    if not _in_scope(scope, where):
        raise NotFound("找不到上级党组织、社区或单位", details=[{"field": "community_id", "id": where}])


def _check_org_buildings(tx: Tx, body: s.NewOrg) -> None:
    """Every building exists in the organisation's community."""
    buildings = {r["id"]: r for r in tx.run("coverage/buildings_by_id", ids=body.building_ids)}
    bad = [
        {"field": "building_ids", "id": b}
        for b in body.building_ids
        if b not in buildings or buildings[b]["community_id"] != body.community_id
    ]
    if bad:
        raise InvalidInput("楼栋不存在或不在该社区", details=bad)


def accept_org(graph: Graph, scope: Scope, body: s.NewOrg) -> s.Accepted:
    """Create an accepted Party organisation (a group, a building branch, a unit's branch) with its COVERS."""
    stamp = _stamp(scope)
    org_id = body.id or f"po-{uuid.uuid4().hex[:12]}"
    _check_new_org(body)
    org = {
        "id": org_id,
        "name": body.name,
        "level": body.level,
        "domain": body.domain.value,
        "parent_id": body.parent_id,
        "community_id": body.community_id,
        "unit_id": body.unit_id,
    }

    def work(tx: Tx) -> list[str]:
        _check_org_refs(tx, scope, body, org_id)
        _check_org_place(tx, scope, body)
        _check_org_buildings(tx, body)
        tx.run("coverage/accept_org", org=org, stamp=stamp)
        pairs = [{"org_id": org_id, "building_id": b} for b in body.building_ids]
        if pairs:
            tx.run("coverage/accept_covers", pairs=pairs, stamp=stamp)
        audit.record(tx, scope, "coverage.accept_org", org_id, {"buildings": len(pairs)}, source="suggestion")
        return [org_id]

    return _accepted("org", _written(graph, work), stamp)


def accept_joint(graph: Graph, scope: Scope, body: s.AcceptJoint) -> s.Accepted:
    """Move the memberships of a unit's working members who are not in a joint branch into the joint branch
    (支部四进 for a unit too small for its own branch), stamped and audited; the former organisation is kept."""
    stamp = _stamp(scope)

    def work(tx: Tx) -> list[str]:
        named = [("unit_id", body.unit_id), ("joint_branch_id", body.joint_branch_id)]
        guard.in_scope(tx, scope, named, "找不到该单位或联合党支部", topic="coverage")
        org = next(iter(tx.run("coverage/orgs_by_id", ids=[body.joint_branch_id])), None)
        unit = next(iter(tx.run("coverage/units_by_id", ids=[body.unit_id])), None)
        if org is None or unit is None:
            raise NotFound("找不到该单位或联合党支部", details=[{"field": f, "id": i} for f, i in named])
        if org["domain"] != "joint":
            raise InvalidInput("所选党组织不是联合党支部", details=[{"field": "joint_branch_id", "id": body.joint_branch_id}])
        if unit["org_ids"]:
            raise InvalidInput("该单位已有党组织", details=[{"field": "unit_id", "id": body.unit_id}])
        rows = tx.run("coverage/accept_joint", unit_id=body.unit_id, joint_id=body.joint_branch_id, stamp=stamp)
        if not rows:
            raise InvalidInput("该单位没有需要转入联合党支部的党员", details=[{"field": "unit_id", "id": body.unit_id}])
        # The moved members now count where the joint branch serves (when they live nowhere) and their rule 8
        # (双重管理) changes where they live: those communities' answers go too, and the former organisations'.
        moved = sorted({r["member_id"] for r in rows} | {r["from_org_id"] for r in rows})
        for r in tx.run("scope/visible", ids=moved, communities=None):
            tx.touch("coverage", r["communities"])
        audit.record(tx, scope, "coverage.accept_joint", body.joint_branch_id, {"members": len(rows)}, source="suggestion")
        return [f"{r['member_id']}->{body.joint_branch_id}" for r in rows]

    return _accepted("joint", _written(graph, work), stamp)
