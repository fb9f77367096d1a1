"""Rectification (整改闭环): assign a gap the rule finds to an organisation with a due date; 已整改 is
checked by the rule itself (a gap still found goes back to 整改中 with a note); overdue items flagged;
the ledger per street with progress per street and community. Audited; scoped like everything else."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from typing import Any

from graphsvc import audit
from graphsvc.errors import Infeasible, InvalidInput, NotFound
from graphsvc.graph import Graph, Tx
from graphsvc.schemas import rectify as r
from graphsvc.schemas.coverage import Area, Gap, GapParams, GapRule
from graphsvc.scope import Role, Scope, mask_name, require
from graphsvc.services import coverage
from graphsvc.services.coverage.gaps import MEMBER_RULES
from graphsvc.views.planner import household_label

WRITERS: tuple[Role, ...] = ("admin", "street", "community")  # analysts read only
COMPUTED = ("rule", "rule_zh", "status", "status_zh", "person", "overdue", "recheck")



def _target_name(gap: Gap) -> str | None:
    """What people call the gap's subject: its name, or for a household its building and number."""
    if gap.name:
        return gap.name
    building = gap.detail.get("building_name") if gap.detail else None
    return household_label(building, gap.id) if building else None

def today() -> date:
    return datetime.now(UTC).date()


def _find_gap(graph: Graph, scope: Scope, params: GapParams, rule: GapRule, target_id: str, area: Area) -> Gap | None:
    report = coverage.gaps(graph, scope, area, params, rules=[rule])
    return next((g for g in report.rules[rule.value].items if g.id == target_id), None)


def _out(row: dict[str, Any], scope: Scope, recheck: str | None = None) -> r.Rectification:
    status = r.RectStatus[row["status"]]
    rule = GapRule[row["rule"]]
    masked = scope.masked
    return r.Rectification(
        **{k: row.get(k) for k in r.Rectification.model_fields if k not in COMPUTED},  # type: ignore[arg-type]
        rule=rule,
        rule_zh=rule.zh,
        status=status,
        status_zh=status.zh,
        person=mask_name(row.get("person")) if masked else row.get("person"),
        overdue=status is not r.RectStatus.done and row["due"] < today().isoformat(),
        recheck=recheck,  # type: ignore[arg-type]
    )


def _org(tx: Tx, org_id: str) -> dict[str, Any]:
    found = tx.run("coverage/orgs_by_id", ids=[org_id])
    if not found:
        raise NotFound("找不到责任党组织", details=[{"field": "org_id", "id": org_id}])
    return found[0]


def create(graph: Graph, scope: Scope, params: GapParams, body: r.RectificationCreate) -> r.Rectification:
    """Assign a gap the rule finds now (in the caller's scope) to an organisation, due by a date."""
    require(scope, *WRITERS)
    gap = _find_gap(graph, scope, params, body.rule, body.target_id, Area())
    if gap is None:
        raise NotFound("该规则目前没有发现这个缺口（或不在您的范围内）", details=[{"field": "target_id", "id": body.target_id}])
    if body.due < today():
        raise InvalidInput("整改期限不能早于今天", details=[{"field": "due"}])
    stamp = {"at": audit.now(), "by": scope.actor}
    rect_id = f"rx-{uuid.uuid4().hex[:12]}"

    def work(tx: Tx) -> dict[str, Any]:
        tx.touch("rectify", [gap.community_id])  # a task about a gap: no coverage answer changes
        if tx.run("rectify/open_for", rule=body.rule.value, target_id=body.target_id):
            raise Infeasible("这个缺口已有未完成的整改任务", details=[{"field": "target_id", "id": body.target_id}])
        org = _org(tx, body.org_id)
        row = {
            "id": rect_id, "rule": body.rule.value, "target_id": gap.id, "target_name": _target_name(gap),
            "community_id": gap.community_id, "community_name": gap.community_name, "street_id": gap.street_id,
            "grid_id": gap.grid_id, "org_id": org["id"], "org_name": org["name"], "person": body.person,
            "due": body.due.isoformat(), "status": r.RectStatus.open.value, "note": body.note,
            "created_at": stamp["at"], "created_by": stamp["by"], "updated_at": stamp["at"], "updated_by": stamp["by"],
        }
        if gap.name and body.rule in MEMBER_RULES and scope.masked:
            row["target_name"] = None
        out = tx.run("rectify/create", row=row)[0]["row"]
        audit.record(tx, scope, "rectify.create", rect_id, {"rule": body.rule.value, "target_id": gap.id, "org_id": org["id"]})
        return out

    return _out(graph.transaction(work), scope)


def _note(old: str | None, new: str) -> str:
    return f"{old}\n{new}" if old else new


def update(graph: Graph, scope: Scope, params: GapParams, rect_id: str, body: r.RectificationUpdate) -> r.Rectification:
    """Change a rectification; marking 已整改 re-runs the rule: a gap still found goes back to 整改中 with a note."""
    require(scope, *WRITERS)
    found = graph.read("rectify/by_id", id=rect_id, communities=scope.community_list)
    if not found:
        raise NotFound("找不到该整改任务", details=[{"field": "id", "id": rect_id}])
    row = found[0]["row"]
    now = audit.now()
    changes: dict[str, Any] = {"updated_at": now, "updated_by": scope.actor}
    if body.due is not None:
        changes["due"] = body.due.isoformat()
    if body.person is not None:
        changes["person"] = body.person or None
    note = body.note
    recheck = None
    if body.status is r.RectStatus.done:
        area = Area(community_id=row["community_id"]) if row.get("community_id") else Area()
        still = _find_gap(graph, scope, params, GapRule[row["rule"]], row["target_id"], area)
        changes["checked_at"] = now
        if still is not None:
            recheck = "still_found"
            changes["status"] = r.RectStatus.in_progress.value
            note = _note(note, f"{now[:10]} 复查：规则仍发现该缺口，退回整改中")
        else:
            recheck = "closed"
            changes["status"] = r.RectStatus.done.value
            changes["closed_at"] = now
    elif body.status is not None:
        changes["status"] = body.status.value
        changes["closed_at"] = None
    if note:
        changes["note"] = _note(row.get("note"), note)

    def work(tx: Tx) -> dict[str, Any]:
        tx.touch("rectify", [row.get("community_id")])  # a task about a gap: no coverage answer changes
        if body.org_id is not None:
            org = _org(tx, body.org_id)
            changes.update(org_id=org["id"], org_name=org["name"])
        out = tx.run("rectify/update", id=rect_id, changes=changes)[0]["row"]
        detail = {"status": changes.get("status"), "recheck": recheck, "org_id": changes.get("org_id")}
        audit.record(tx, scope, "rectify.update", rect_id, {k: v for k, v in detail.items() if v})
        return out

    return _out(graph.transaction(work), scope, recheck)


def progress(items: list[r.Rectification], street_names: dict[str, str] | None = None) -> list[r.Progress]:
    """Counts by status and overdue, per street and per community."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    names: dict[tuple[str, str], str | None] = {}
    for i in items:
        street = (street_names or {}).get(i.street_id or "")
        for key, name in ((("street", i.street_id or ""), street), (("community", i.community_id or ""), i.community_name)):
            counts[key][i.status.value] += 1
            counts[key]["overdue"] += i.overdue
            names[key] = name
    out = []
    for (level, pid), c in sorted(counts.items()):
        total = c["open"] + c["in_progress"] + c["done"]
        out.append(r.Progress(
            level=level, id=pid, name=names[(level, pid)], total=total, open=c["open"], in_progress=c["in_progress"],  # type: ignore[arg-type]
            done=c["done"], overdue=c["overdue"], done_ratio=round(c["done"] / total, 4) if total else None,
        ))
    return out


def ledger(graph: Graph, scope: Scope, q: r.RectificationQuery) -> r.Rectifications:
    """The rectification ledger in the caller's scope (a street, a community), with progress."""
    if q.street_id or q.community_id:
        coverage.communities_of(graph, scope, Area(street_id=q.street_id, community_id=q.community_id))
    rows = graph.read(
        "rectify/list", communities=scope.community_list, street_id=q.street_id, community_id=q.community_id,
        status=q.status.value if q.status else None,
    )
    items = [_out(x["row"], scope) for x in rows]
    if q.overdue is not None:
        items = [i for i in items if i.overdue is q.overdue]
    streets = {s["id"]: s["name"] for s in graph.read("read/streets", communities=scope.community_list)}
    return r.Rectifications(items=items, count=len(items), progress=progress(items, streets))
