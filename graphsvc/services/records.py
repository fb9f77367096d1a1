"""Create and end co-construction records: pairings, sharings, projects — stamped, never overwritten.

Ending a record stamps `ended_at`/`ended_by` on it and keeps it: the history stays in the graph,
and every query that counts what is current skips records with an `ended_at`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, get_args

from graphsvc import audit
from graphsvc.algorithms.matching import THEMES
from graphsvc.algorithms.pairing import LINKS
from graphsvc.audit import now  # the stamp of a write: ISO UTC, formatted here, not by the engine
from graphsvc.errors import Infeasible, InvalidInput, NotFound
from graphsvc.graph import Graph, Tx
from graphsvc.schemas.ledger import PairingKind, Theme
from graphsvc.schemas.records import (
    Pairing,
    Pairings,
    ProjectRecord,
    ProjectRecords,
    Sharing,
    Sharings,
    Source,
)
from graphsvc.scope import Scope
from graphsvc.services import guard

# The themes a pairing of each kind is organised around: 五联共建 and 六联六互.
KIND_THEMES: dict[str, tuple[str, ...]] = {"co_construction": THEMES, "urban_rural": LINKS}


def new_id(prefix: str) -> str:
    """A readable unique id: 'pr-3f9c2a71d0'."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _check_source(source: str) -> None:
    if source not in get_args(Source):
        raise InvalidInput(f"来源 source 只能是 {', '.join(get_args(Source))}", details=[{"field": "source"}])


def _writer(scope: Scope, source: str) -> None:
    """Writes are for those who keep the ledger; analysts only read."""
    guard.writer(scope)
    _check_source(source)


def _stamp(scope: Scope, source: str) -> dict[str, Any]:
    _writer(scope, source)
    return {"source": source, "created_by": scope.actor, "created_at": now()}


def _ended(what: str, record_id: str, ended_at: str | None) -> Infeasible:
    return Infeasible(f"{what} {record_id} 已于 {ended_at} 结束", details=[{"field": "id", "id": record_id}])


# --------------------------------------------------------------------------- pairings


def _pairing(row: dict[str, Any]) -> Pairing:
    p = row["pairing"]
    return Pairing(
        **p, active=p.get("ended_at") is None, name_a=row["name_a"], name_b=row["name_b"],
        community_a=row["community_a"], community_b=row["community_b"],
    )


def pairings(
    graph: Graph, scope: Scope, *, kind: str | None = None, active: bool | None = True,
    community_id: str | None = None, street_id: str | None = None,
) -> Pairings:
    """Pairings with an end in scope, current ones only unless `active` is None (all) or False (ended)."""
    rows = graph.read(
        "records/pairings", communities=scope.community_list, id=None, kind=kind, active=active,
        community_id=community_id, street_id=street_id,
    )
    items = [_pairing(r) for r in rows]
    return Pairings(items=items, count=len(items))


def get_pairing(graph: Graph, scope: Scope, pairing_id: str) -> Pairing:
    """One pairing (current or ended) by id; NotFound when unknown or out of scope."""
    rows = graph.read(
        "records/pairings", communities=scope.community_list, id=pairing_id, kind=None, active=None,
        community_id=None, street_id=None,
    )
    if not rows:
        raise NotFound(f"找不到结对 {pairing_id}", details=[{"field": "pairing_id", "id": pairing_id}])
    return _pairing(rows[0])


def _theme_code(t: object) -> str:
    code = str(t.value) if isinstance(t, Theme) else str(t)
    try:
        return str(Theme(code).value)  # a code or its Chinese label
    except ValueError:
        return code


def _check_themes(kind: str, themes: Iterable[str]) -> list[str]:
    allowed = KIND_THEMES.get(kind)
    if allowed is None:
        kinds = "、".join(PairingKind(k).zh for k in KIND_THEMES)
        raise InvalidInput(f"结对类型只能是 {kinds}", details=[{"field": "kind", "value": kind}])
    picked = list(dict.fromkeys(_theme_code(t) for t in themes))  # a code or its Chinese label
    bad = [t for t in picked if t not in allowed]
    if bad:
        label = PairingKind(kind).zh
        raise InvalidInput(
            f"{label}的主题只能是 {'、'.join(Theme(a).zh for a in allowed)}",
            details=[{"field": "themes", "value": t} for t in bad],
        )
    return sorted(picked, key=allowed.index)


def create_pairing(
    graph: Graph, scope: Scope, org_a: str, org_b: str, kind: str, themes: Iterable[str], source: str,
    *, since: date | None = None,
) -> Pairing:
    """Pair two Party organisations (org_a: the community / urban side); at least one must be in scope.

    A new PAIRED_WITH relationship every time (history is kept); Infeasible if the two already
    have an active pairing of the same kind.
    """
    kind = str(getattr(kind, "value", kind))
    picked = _check_themes(kind, themes)
    if org_a == org_b:
        raise InvalidInput("不能与自身结对", details=[{"field": "org_b", "id": org_b}])
    props = {
        "id": new_id("pr"), "org_a": org_a, "org_b": org_b, "kind": kind, "themes": picked,
        "since": (since or datetime.now(UTC).date()).isoformat(), **_stamp(scope, source),
    }

    def work(tx: Tx) -> None:
        guard.in_scope(tx, scope, [("org_a", org_a), ("org_b", org_b)], "找不到党组织（或不在权限范围内）", topic="records")
        ends = {r["id"]: r for r in tx.run("records/org_ends", ids=[org_a, org_b], communities=scope.community_list)}
        missing = [(f, o) for f, o in (("org_a", org_a), ("org_b", org_b)) if o not in ends]
        if missing:
            raise NotFound(
                f"找不到党组织 {'、'.join(o for _, o in missing)}", details=[{"field": f, "id": o} for f, o in missing]
            )
        # One active pairing per pair and kind: the lock makes a simultaneous twin wait for (or retry after) this one.
        guard.lock(tx, "pairing", *sorted((org_a, org_b)), kind)
        dup = tx.run("records/active_pairing_between", org_a=org_a, org_b=org_b, kind=kind)
        if dup:
            raise Infeasible(
                f"{org_a} 与 {org_b} 已有有效的{PairingKind(kind).zh} {dup[0]['id']}",
                details=[{"field": "org_b", "pairing_id": dup[0]["id"]}],
            )
        tx.run("records/create_pairing", org_a=org_a, org_b=org_b, props=props)
        audit.record(tx, scope, "pairing.create", props["id"], {"org_a": org_a, "org_b": org_b, "kind": kind},
                     source=source)

    graph.transaction(work)
    return get_pairing(graph, scope, props["id"])


def end_pairing(graph: Graph, scope: Scope, pairing_id: str, *, source: str, reason: str | None = None) -> Pairing:
    """End an active pairing: stamp ended_at/ended_by and keep it."""
    _writer(scope, source)

    def work(tx: Tx) -> None:
        found = tx.run("records/pairings", communities=scope.community_list, id=pairing_id, kind=None, active=None,
                       community_id=None, street_id=None)
        if not found:
            raise NotFound(f"找不到结对 {pairing_id}", details=[{"field": "pairing_id", "id": pairing_id}])
        if found[0]["pairing"].get("ended_at") is not None:
            raise _ended("结对", pairing_id, found[0]["pairing"]["ended_at"])
        tx.touch("records", [found[0]["community_a"], found[0]["community_b"]])
        tx.run("records/end_pairing", id=pairing_id, at=now(), actor=scope.actor, source=source, reason=reason)
        audit.record(tx, scope, "pairing.end", pairing_id, source=source)

    graph.transaction(work)
    return get_pairing(graph, scope, pairing_id)


# --------------------------------------------------------------------------- sharings


def _sharing(row: dict[str, Any]) -> Sharing:
    return Sharing(**row["sharing"])


def sharings(
    graph: Graph, scope: Scope, *, active: bool | None = True, community_id: str | None = None,
    street_id: str | None = None, sharing_id: str | None = None,
) -> Sharings:
    """Sharings to communities in scope, current ones only unless `active` is None or False."""
    rows = graph.read(
        "records/sharings", communities=scope.community_list, id=sharing_id, active=active,
        community_id=community_id, street_id=street_id,
    )
    items = [_sharing(r) for r in rows]
    return Sharings(items=items, count=len(items))


def create_sharing(
    graph: Graph, scope: Scope, resource_id: str, community_id: str, *, source: str, units: int | None = None,
    need_id: str | None = None, since: date | None = None,
) -> Sharing:
    """Share `units` of a resource (default: all it has left) with a community, optionally to meet one of its needs."""
    props: dict[str, Any] = {
        "id": new_id("sh"), "since": (since or datetime.now(UTC).date()).isoformat(), **_stamp(scope, source)
    }

    def work(tx: Tx) -> None:
        named = [("resource_id", resource_id), ("community_id", community_id), ("need_id", need_id)]
        guard.in_scope(tx, scope, named, "找不到资源、社区或需求（或不在权限范围内）", topic="records")
        # Capacity is checked and taken atomically: simultaneous sharings of one resource (or need) serialise here.
        guard.lock(tx, "resource", resource_id)
        if need_id is not None:
            guard.lock(tx, "need", need_id)
        state = tx.run("records/resource_state", resource_id=resource_id, need_id=need_id)
        if not state:
            raise NotFound(f"找不到资源 {resource_id}", details=[{"field": "resource_id", "id": resource_id}])
        s = state[0]
        left = int(s["capacity"]) - sum(int(u) for u in s["shared_units"])
        take = left if units is None else units
        if need_id is not None:
            if s["need_id"] is None:
                raise NotFound(f"找不到需求 {need_id}", details=[{"field": "need_id", "id": need_id}])
            if s["need_community"] != community_id or s["need_kind"] != s["kind"]:
                raise InvalidInput(
                    f"需求 {need_id} 不是社区 {community_id} 的{s['kind']}类需求", details=[{"field": "need_id", "id": need_id}]
                )
            open_units = int(s["need_quantity"]) - sum(int(u) for u in s["need_met"] if u is not None)
            take = min(take, open_units) if units is None else take
            if take > open_units:
                raise Infeasible(f"需求 {need_id} 只剩 {open_units} 未满足", details=[{"field": "units", "open": open_units}])
        if take <= 0 or take > left:
            raise Infeasible(f"资源 {resource_id} 只剩 {max(left, 0)} 可共享", details=[{"field": "units", "left": left}])
        props.update(units=take, **({"need_id": need_id} if need_id else {}))
        if not tx.run("records/create_sharing", resource_id=resource_id, community_id=community_id, props=props,
                      communities=scope.community_list):
            raise NotFound(f"找不到社区 {community_id}（或不在权限范围内）", details=[{"field": "community_id", "id": community_id}])
        audit.record(tx, scope, "sharing.create", props["id"],
                     {"resource_id": resource_id, "community_id": community_id, "units": props["units"]}, source=source)

    graph.transaction(work)
    return sharings(graph, scope, active=None, sharing_id=props["id"]).items[0]


def end_sharing(graph: Graph, scope: Scope, sharing_id: str, *, source: str, reason: str | None = None) -> Sharing:
    """End an active sharing (id, or '<resource>@<community>' for a ledger one): stamp it and keep it."""
    _writer(scope, source)

    def work(tx: Tx) -> None:
        found = tx.run("records/sharings", communities=scope.community_list, id=sharing_id, active=None,
                       community_id=None, street_id=None)
        if not found:
            raise NotFound(f"找不到资源共享 {sharing_id}", details=[{"field": "sharing_id", "id": sharing_id}])
        if all(r["sharing"].get("ended_at") is not None for r in found):
            raise _ended("资源共享", sharing_id, found[-1]["sharing"]["ended_at"])
        tx.touch("records", (r["sharing"]["community_id"] for r in found))
        tx.run("records/end_sharing", id=sharing_id, at=now(), actor=scope.actor, source=source, reason=reason,
               communities=scope.community_list)
        audit.record(tx, scope, "sharing.end", sharing_id, source=source)

    graph.transaction(work)
    return sharings(graph, scope, active=False, sharing_id=sharing_id).items[-1]


# --------------------------------------------------------------------------- projects


def _project(row: dict[str, Any]) -> ProjectRecord:
    return ProjectRecord(**{**row["project"], "org_ids": sorted(row["org_ids"])})


def projects(
    graph: Graph, scope: Scope, *, year: int | None = None, street_id: str | None = None, project_id: str | None = None
) -> ProjectRecords:
    """Projects under organisations in scope."""
    rows = graph.read("records/projects", communities=scope.community_list, id=project_id, year=year, street_id=street_id)
    items = [_project(r) for r in rows]
    return ProjectRecords(items=items, count=len(items))


def _get_project(graph: Graph, scope: Scope, project_id: str) -> ProjectRecord:
    found = projects(graph, scope, project_id=project_id).items
    if not found:
        raise NotFound(f"找不到共建项目 {project_id}", details=[{"field": "project_id", "id": project_id}])
    return found[0]


def create_project(
    graph: Graph, scope: Scope, pairing_id: str, *, name: str, theme: str, year: int, status: str, source: str
) -> ProjectRecord:
    """A project under an active pairing: UNDER both of its Party organisations."""
    _writer(scope, source)
    if status not in ("planned", "ongoing"):
        raise InvalidInput("新项目的状态只能是 planned 或 ongoing", details=[{"field": "status", "value": status}])
    theme = str(getattr(theme, "value", theme))
    props = {"id": new_id("pj"), "name": name, "theme": theme, "year": year, "status": status,
             "pairing_id": pairing_id, **_stamp(scope, source)}

    def work(tx: Tx) -> None:
        found = tx.run("records/pairings", communities=scope.community_list, id=pairing_id, kind=None, active=None,
                       community_id=None, street_id=None)
        if not found:
            raise NotFound(f"找不到结对 {pairing_id}", details=[{"field": "pairing_id", "id": pairing_id}])
        pairing = _pairing(found[0])
        if not pairing.active:
            raise _ended("结对", pairing_id, pairing.ended_at)
        _check_themes(pairing.kind, [theme])
        tx.touch("records", [pairing.community_a, pairing.community_b])
        org_ids = [pairing.org_a, pairing.org_b]
        tx.run("records/create_project", props={**props, "org_ids": org_ids}, org_ids=org_ids)
        audit.record(tx, scope, "project.create", props["id"], {"pairing_id": pairing_id}, source=source)

    graph.transaction(work)
    return _get_project(graph, scope, props["id"])


def end_project(
    graph: Graph, scope: Scope, project_id: str, *, status: str, outcome: float | None, satisfaction: float | None,
    source: str,
) -> ProjectRecord:
    """Close a project with its outcome and residents' satisfaction (what evaluation ranks)."""
    _writer(scope, source)
    bad: list[dict[str, Any]] = [{"field": "status", "value": status}] if status not in ("done", "cancelled") else []
    bad += [{"field": f, "value": v} for f, v in (("outcome", outcome), ("satisfaction", satisfaction))
            if v is not None and not 0 <= v <= 100]
    if bad:
        raise InvalidInput("结束项目：状态只能是 done 或 cancelled，成效和满意度在 0–100 之间", details=bad)

    def work(tx: Tx) -> None:
        found = tx.run("records/projects", communities=scope.community_list, id=project_id, year=None, street_id=None)
        if not found:
            raise NotFound(f"找不到共建项目 {project_id}", details=[{"field": "project_id", "id": project_id}])
        if (ended := found[0]["project"].get("ended_at")) is not None:
            raise _ended("共建项目", project_id, ended)
        orgs = tx.run("scope/visible", ids=found[0]["org_ids"], communities=None)
        tx.touch("records", (c for o in orgs for c in o["communities"]))
        tx.run("records/end_project", id=project_id, status=status, outcome=outcome, satisfaction=satisfaction,
               at=now(), actor=scope.actor, source=source, communities=scope.community_list)
        audit.record(tx, scope, "project.end", project_id, {"status": status}, source=source)

    graph.transaction(work)
    return _get_project(graph, scope, project_id)
