"""API keys and roles: a token is shown once, only its hash is stored; a key resolves to a Scope."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid

from graphsvc import audit
from graphsvc.errors import InvalidInput, NotFound, Unauthorized
from graphsvc.graph import Graph, Tx
from graphsvc.schemas.access import ApiKey, ApiKeys, AuditEntries, AuditEntry
from graphsvc.schemas.text import CONTROL_MESSAGE, has_control
from graphsvc.scope import Role, Scope, require

ROLES: tuple[Role, ...] = ("admin", "street", "community", "analyst")
CACHE_S = 10.0  # a key revoked by another process (the CLI beside `serve`) stops working within this many seconds
_revocations = 0  # bumped by every revocation in this process: every KeyCache here forgets what it knew at once
_revocations_lock = threading.Lock()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(graph: Graph, by: Scope, *, role: str, scope_id: str | None, name: str | None) -> tuple[ApiKey, str]:
    """A new key; returns it and its token (shown once, never stored)."""
    if role not in ROLES:
        raise InvalidInput(f"角色应为 {'/'.join(ROLES)}", details=[{"field": "role", "message": "unknown role"}])
    if any(v and has_control(v, allow_whitespace=False) for v in (name, scope_id)):
        raise InvalidInput(f"密钥的名称或范围{CONTROL_MESSAGE}")
    if role in ("street", "community"):
        if not scope_id:
            raise InvalidInput(f"{role} 角色需要 --scope（街道或社区编号）", details=[{"field": "scope", "message": "required"}])
        query = "access/street_communities" if role == "street" else "access/community_exists"
        if not graph.read(query, id=scope_id)[0]["found"]:
            raise NotFound(f"找不到{'街道' if role == 'street' else '社区'} {scope_id}")
    else:
        scope_id = None
    token = "gsk_" + secrets.token_urlsafe(32)
    key: dict[str, str | None] = {
        "id": f"key-{uuid.uuid4().hex[:8]}",
        "name": name or role,
        "role": role,
        "scope_id": scope_id,
        "hash": hash_token(token),
        "created_at": audit.now(),
        "created_by": by.actor,
    }

    def work(tx: Tx) -> None:
        tx.touch("access", [])  # keys change no answer about the graph
        tx.run("access/key_create", key={k: v for k, v in key.items() if v is not None})
        audit.record(tx, by, "key.create", str(key["id"]), {"role": role, "scope_id": scope_id}, source="cli")

    graph.transaction(work)
    return ApiKey.model_validate({k: v for k, v in key.items() if k != "hash"}), token


def list_keys(graph: Graph) -> ApiKeys:
    items = [ApiKey(**r) for r in graph.read("access/keys_list")]
    return ApiKeys(items=items, count=len(items))


def revoke_key(graph: Graph, by: Scope, key_id: str) -> None:
    def work(tx: Tx) -> None:
        tx.touch("access", [])
        if not tx.run("access/key_revoke", id=key_id, at=audit.now(), by=by.actor):
            raise NotFound(f"没有有效的密钥 {key_id}")
        audit.record(tx, by, "key.revoke", key_id, source="cli")

    graph.transaction(work)
    global _revocations  # noqa: PLW0603 - one process-wide counter, changed under its lock
    with _revocations_lock:
        _revocations += 1


def resolve(graph: Graph, token: str) -> Scope:
    """The Scope a token grants; Unauthorized if it is unknown or revoked."""
    rows = graph.read("access/key_by_hash", hash=hash_token(token))
    if not rows:
        raise Unauthorized("访问令牌无效或已撤销")
    k = rows[0]
    actor = f"{k['id']}:{k['name']}"
    if k["role"] == "street":
        communities = tuple(graph.read("access/street_communities", id=k["scope_id"])[0]["communities"])
        return Scope(role="street", communities=communities, actor=actor)
    if k["role"] == "community":
        return Scope(role="community", communities=(k["scope_id"],), actor=actor)
    return Scope(role=k["role"], masked=k["role"] == "analyst", actor=actor)


class KeyCache:
    """Token -> Scope for CACHE_S seconds, so a request costs no key lookup most of the time.

    A revocation in this process empties it at once; one made by another process shows within CACHE_S.
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, int, Scope]] = {}

    def resolve(self, token: str) -> Scope:
        h = hash_token(token)
        with self._lock:
            hit = self._cache.get(h)
        if hit and hit[0] > time.monotonic() and hit[1] == _revocations:
            return hit[2]
        seen = _revocations
        scope = resolve(self.graph, token)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[h] = (time.monotonic() + CACHE_S, seen, scope)
        return scope


def audit_entries(graph: Graph, scope: Scope, *, action: str | None, skip: int, limit: int) -> AuditEntries:
    """The audit trail, newest first (admin only)."""
    require(scope, "admin")
    items = [AuditEntry(**e) for e in audit.entries(graph, action=action, skip=skip, limit=limit)]
    return AuditEntries(items=items, count=len(items))


def keys_for(graph: Graph, scope: Scope) -> ApiKeys:
    """Every key (admin only)."""
    require(scope, "admin")
    return list_keys(graph)
