"""The checks every write makes inside its own transaction: the caller's role, and that every id it
names exists and lies in the caller's scope by the same rule as reads (cypher/scope/visible)."""

from __future__ import annotations

from collections.abc import Iterable

from graphsvc.errors import NotFound
from graphsvc.graph import Tx
from graphsvc.scope import Role, Scope, require

WRITERS: tuple[Role, ...] = ("admin", "street", "community")  # analysts only read


def writer(scope: Scope) -> None:
    """Refuse (403) a caller who may not write: analysts, everywhere."""
    require(scope, *WRITERS)


def in_scope(tx: Tx, scope: Scope, named: Iterable[tuple[str, str | None]], message: str, *, topic: str) -> None:
    """Every (field, id) of `named` must exist and be visible to `scope`; else NotFound naming each one.

    The write is noted as touching `topic` in the communities of those ids (cached answers go).

    Out of scope reads as absent, as it does for reads: the caller learns nothing about other communities.
    Run inside the write's transaction so the check and the write see the same graph.
    """
    pairs = [(f, i) for f, i in named if i]
    if not pairs:
        return
    rows = tx.run("scope/visible", ids=sorted({i for _, i in pairs}), communities=scope.community_list)
    for r in rows:
        tx.touch(topic, r["communities"])
    visible = {r["id"] for r in rows if r["visible"]}
    bad = [{"field": f, "id": i} for f, i in pairs if i not in visible]
    if bad:
        raise NotFound(message, details=bad)


def lock(tx: Tx, *key: str) -> None:
    """Serialise this transaction with any other that takes the same key (check-then-write races).

    On ArcadeDB the loser of a race fails at commit (a concurrent modification, or the lock's
    unique constraint when both made it): Graph.transaction runs it again, and it then sees the winner's write.
    """
    tx.run("scope/lock", key="|".join(key))
