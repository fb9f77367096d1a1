"""The gateway: every query runs here, by catalog name, with $parameters only."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, Query, RoutingControl
from neo4j.exceptions import ConstraintError, DatabaseError, ServiceUnavailable, SessionExpired, TransientError

from graphsvc import engine
from graphsvc.cache import AnswerCache, Covers, Refresh
from graphsvc.cypher import catalog, names
from graphsvc.errors import EngineUnavailable
from graphsvc.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

ENGINE_DOWN = "图数据库暂时不可用，请稍后再试"
RACE_RETRIES = 12
MAX_REFRESH = 16  # answers a write computes again before it returns
REFRESH_WAIT_S = 1.0  # how long a write waits for them; past that it drops those not renewed yet and returns
# The coverage counters kept in the graph (services/coverage/counters): a write that touches the topic
# "coverage" in some communities, or says nothing of what it touched, drops theirs in its own transaction.
COVERAGE = "coverage"
COUNTERS_DROP = "coverage/counters/drop"
COUNTERS_LOCK = "coverage-counters"


def _lost_race(e: Exception) -> bool:
    """A commit that failed only because another transaction got there first (worth running again)."""
    if isinstance(e, (ConstraintError, TransientError)):
        return True
    return "ConcurrentModification" in str(e)


@contextmanager
def _engine_errors() -> Iterator[None]:
    try:
        yield
    except (ServiceUnavailable, SessionExpired) as e:
        raise EngineUnavailable(ENGINE_DOWN) from e


# What a row's values are as Python: Record.data()'s conversion (nodes become property maps), without its
# per-element walk through lists of plain values (a city's household lists made it a third of a read).
_PLAIN = frozenset((str, int, float, bool, type(None)))


def plain(value: Any) -> Any:
    """A value as Record.data() gives it: nodes as property maps, lists and maps converted inside.

    >>> plain([["a", 1], {"k": [None, 2.5]}])
    [['a', 1], {'k': [None, 2.5]}]
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return value if {type(v) for v in value} <= _PLAIN else [plain(v) for v in value]
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    return neo4j.Record({"v": value}).data()["v"]  # a node, relationship, path or temporal value: the driver's own


def together(*work: Callable[[], Any]) -> list[Any]:
    """Each callable's answer, in order, run side by side: the engine answers queries on every core at once
    while Python waits on the network (a whole city's counts are mostly engine time).

    >>> together(lambda: 1, lambda: 2)
    [1, 2]
    """
    if len(work) < 2:
        return [w() for w in work]
    with ThreadPoolExecutor(max_workers=min(len(work), os.cpu_count() or 1, 4), thread_name_prefix="read") as pool:
        return list(pool.map(lambda w: w(), work))


def row(keys: Sequence[str], record: neo4j.Record) -> dict[str, Any]:
    """A record as a dict, as Record.data() gives it."""
    return dict(zip(keys, map(plain, record), strict=True))


def rows(records: Iterable[neo4j.Record], keys: Sequence[str]) -> list[dict[str, Any]]:
    """Records as dicts, as Record.data() gives them."""
    return [row(keys, r) for r in records]


class Tx:
    """An explicit transaction; statements by catalog name. `touch` notes the communities a write changes."""

    def __init__(
        self, tx: neo4j.ManagedTransaction, queries: dict[str, str], touched: dict[str, set[str]] | None = None,
        attempt: int = 1,
    ) -> None:
        self._tx, self._queries = tx, queries
        self.touched = touched
        self.attempt = attempt  # 1, or how many times the work has run (again after a lost race)
        self.counted: set[str] | None = None  # see counters()

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self._tx.run(self._queries[name], params).data()

    def counters(self, communities: Iterable[str]) -> None:
        """This write changes coverage in these communities only (an import, which says nothing else of what it
        touched, so every cached answer goes): only their coverage counters are dropped, not every one."""
        self.counted = set(communities)

    def touch(self, topic: str, communities: Iterable[str | None]) -> None:
        """This write changes what these communities' answers of `topic` say ("coverage", "records"):
        the cached answers of that topic covering them are dropped."""
        if self.touched is not None:
            self.touched.setdefault(topic, set()).update(c for c in communities if c)


@dataclass
class Graph:
    driver: Driver
    database: str
    timeout_s: float = 60.0
    cache_s: float = 0.0  # how long cached() answers live after they are computed
    refresh_wait_s: float = REFRESH_WAIT_S
    _answers: AnswerCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.queries = catalog()
        self._answers = AnswerCache(self.cache_s, wait_s=self.timeout_s * 2)

    def cached(
        self, key: Hashable, compute: Callable[[], T], covers: Covers[T] = None, topic: str = "graph",
        *, refresh: bool = False,
    ) -> T:
        """compute()'s answer, computed once for everyone asking at once and reused for cache_s seconds,
        unless a write through this gateway touches `topic` in one of the communities it `covers` (None = all).
        `refresh`: a write touching it computes it again before it returns, readers meanwhile getting it as it
        was (a write waits at most refresh_wait_s: then it is dropped, and the next readers wait for it).

        The key must hold everything else the answer depends on, the caller's scope included.
        """
        return self._answers.get(key, compute, covers, topic, refresh=refresh)

    def cached_many(
        self, keys: Sequence[Hashable], compute: Callable[[list[Hashable]], dict[Hashable, T]],
        covers: Callable[[Hashable], Collection[str]], topic: str = "graph",
    ) -> dict[Hashable, T]:
        """Like `cached` for many keys: the missing ones computed by one compute(missing keys) call."""
        return self._answers.get_many(keys, compute, covers, topic)

    def _wrote(self, touched: Mapping[str, Collection[str]] | None = None, *, keep: bool = False) -> list[Refresh]:
        """Drop the cached answers a write may have changed (None: every one); returns those to compute
        again, which `keep` leaves in place (readers get them) until they are."""
        if not touched:
            self._answers.invalidate()
            return []
        return [r for t, communities in touched.items() for r in self._answers.invalidate(communities, t, keep=keep)]

    def _refresh(self, touched: list[Refresh]) -> None:
        """Compute again the answers a write touched that asked for it (at most MAX_REFRESH, oldest first);
        until each is done readers get it as it was before the write."""
        for i, r in enumerate(touched):
            if i >= MAX_REFRESH:
                self._answers.drop(r)
                continue
            try:
                self._answers.renew(r)
            except Exception as e:  # the write is done (and that answer dropped): a reader will compute it
                log.warning("refreshing a cached answer failed: %s", type(e).__name__)

    def _renew(self, touched: list[Refresh]) -> None:
        """Read-your-writes: what a committed write touched is fresh again when it returns. Waits at most
        refresh_wait_s; past that, what is not renewed yet is dropped (the next readers wait for it), so no
        read after the write sees the answer from before it."""
        if not touched:
            return
        refreshing = threading.Thread(target=self._refresh, args=(touched,), daemon=True)
        refreshing.start()
        refreshing.join(self.refresh_wait_s)
        if refreshing.is_alive():
            for r in touched:
                self._answers.drop(r)

    def _query(self, name: str) -> Query:
        return Query(self.queries[name], timeout=self.timeout_s)

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query; rows as dicts (nodes become property maps)."""
        with _engine_errors():
            res = self.driver.execute_query(
                self._query(name), params, database_=self.database, routing_=RoutingControl.READ
            )
        return rows(res.records, res.keys)

    def write(self, name: str, *, derived: bool = False, **params: Any) -> list[dict[str, Any]]:
        """Run one write statement in its own transaction, retrying a lost MERGE race. `derived`: it writes
        only what is counted from the graph (coverage counters), so no cached answer changes."""
        for attempt in range(5):
            try:
                with _engine_errors():
                    res = self.driver.execute_query(
                        self._query(name), params, database_=self.database, routing_=RoutingControl.WRITE
                    )
                if not derived:
                    self._wrote()
                return rows(res.records, res.keys)
            except ConstraintError:
                # ArcadeDB fails (rather than waits) a MERGE that races another on a unique key.
                if attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def stream(self, name: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Rows of a large read one at a time (exports)."""
        with _engine_errors(), self.driver.session(database=self.database, default_access_mode="READ") as s:
            result = s.run(self._query(name), params)
            keys = result.keys()
            for record in result:
                yield row(keys, record)

    def transaction(self, work: Callable[[Tx], T]) -> T:
        """Run `work(tx)` in one write transaction: all of it commits or none of it. Last in it, the coverage
        counters (services/coverage/counters) of what it changed are dropped: the communities given to
        `tx.counters`, else those it touched under "coverage", else (it said nothing) every one.

        A transaction that lost a race on ArcadeDB (a unique key made at once, or a record two
        transactions changed) fails at commit rather than waiting: it is run again from the start,
        so its checks see the winner's write.
        """
        touched: dict[str, set[str]] = {}  # what the work says it touched; nothing said: assume everything
        runs = 0

        def attempt_work(tx: neo4j.ManagedTransaction, /) -> T:
            nonlocal runs
            runs += 1
            mine = Tx(tx, self.queries, touched, runs)
            result = work(mine)
            if mine.counted is not None or not touched or COVERAGE in touched:  # last: the lock is held briefly
                counted = mine.counted if mine.counted is not None else touched.get(COVERAGE) if touched else None
                communities = sorted(counted) if counted is not None else None
                tx.run(self.queries[COUNTERS_DROP], lock=COUNTERS_LOCK, communities=communities).consume()
            return result

        committed = False
        try:
            for attempt in range(RACE_RETRIES):
                try:
                    with _engine_errors(), self.driver.session(database=self.database) as s:
                        result = s.execute_write(attempt_work)
                    committed = True
                    return result
                except (ConstraintError, TransientError, DatabaseError) as e:
                    if attempt == RACE_RETRIES - 1 or not _lost_race(e):
                        raise
                    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
            raise AssertionError("unreachable")
        finally:
            touched_answers = self._wrote(touched or None, keep=committed)
            if committed:
                self._renew(touched_answers)

    def apply_schema(self) -> None:
        """Constraints and indexes, idempotent (IF NOT EXISTS), the same text on Neo4j 5 and ArcadeDB."""
        for name in names("schema/"):
            self.write(name)

    def ping(self) -> dict[str, Any]:
        with _engine_errors():
            self.driver.verify_connectivity()
            info = self.driver.get_server_info()
        return {"address": str(info.address), "agent": info.agent}

    def close(self) -> None:
        self.driver.close()


@dataclass
class Connection:
    """An open graph plus what to undo on close (an engine we started)."""

    graph: Graph
    settings: Settings
    engine: engine.EngineInfo | None = None
    started_engine: bool = False

    def __post_init__(self) -> None:
        self._closing = threading.Event()

    def watch(self, interval_s: float = 5.0) -> None:
        """Restart the embedded engine if it dies (same ports: the driver reconnects by itself)."""
        if self.settings.neo4j_uri:
            return

        def loop() -> None:
            while not self._closing.wait(interval_s):
                if engine.running(self.settings.data_dir.resolve()) is None:
                    log.warning("embedded engine is down; restarting it")
                    try:
                        _, started = engine.ensure_running(
                            self.settings.data_dir, heap=self.settings.engine_heap, database=self.settings.database
                        )
                        self.started_engine = self.started_engine or started
                    except Exception as e:  # keep watching: the next round tries again
                        log.error("engine restart failed: %s", type(e).__name__)

        threading.Thread(target=loop, name="engine-watch", daemon=True).start()

    def close(self) -> None:
        self._closing.set()
        self.graph.close()
        if self.started_engine:
            engine.stop(self.settings.data_dir)


SCHEMA_MARK = "schema-applied.json"  # in the data directory: {database: the engine and schema it was applied to}


def _schema_key(graph: Graph, info: engine.EngineInfo) -> str:
    """This engine process and this schema text: a restarted engine or a changed schema get a new key."""
    text = "\n".join(graph.queries[n] for n in names("schema/"))
    return f"{info.pid}:{info.bolt_port}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _ensure_schema(graph: Graph, settings: Settings, info: engine.EngineInfo | None, read_only: bool) -> None:
    """Apply the schema, unless this is a reader and the embedded engine has had this schema applied to
    this database since it started (a missing index slows a read, it never changes its answer)."""
    mark = settings.data_dir.resolve() / SCHEMA_MARK
    key = _schema_key(graph, info) if info else None
    try:
        marks = json.loads(mark.read_text())
    except (OSError, ValueError):
        marks = {}
    if not isinstance(marks, dict):
        marks = {}
    if read_only and key and marks.get(settings.database) == key:
        return
    graph.apply_schema()
    if key and marks.get(settings.database) != key:
        marks[settings.database] = key
        tmp = mark.with_name(f"{SCHEMA_MARK}.{os.getpid()}")
        try:
            tmp.write_text(json.dumps(marks))
            tmp.replace(mark)
        except OSError as e:  # only a saving for the next reader: never a reason to fail this command
            log.warning("schema marker not written: %s", type(e).__name__)


def connect(
    settings: Settings, *, say: Callable[[str], None] | None = None, schema: bool = True, read_only: bool = False
) -> Connection:
    """Open the configured graph: an external Neo4j, or the embedded engine (started if needed).

    `read_only`: the caller only reads, so the schema statements are skipped when already applied.
    """
    info, started = None, False
    if settings.neo4j_uri:
        assert settings.neo4j_password is not None
        uri, auth = settings.neo4j_uri, (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    else:
        info, started = engine.ensure_running(
            settings.data_dir, heap=settings.engine_heap, database=settings.database, say=say
        )
        uri, auth = info.uri, ("root", engine.password(settings.data_dir.resolve()))
    # A short retry window: with the engine down a request should get its 503 in seconds, not half a minute.
    driver = GraphDatabase.driver(uri, auth=auth, connection_acquisition_timeout=30, max_transaction_retry_time=2)
    graph = Graph(driver, settings.database, settings.query_timeout_s, cache_s=settings.cache_s)
    conn = Connection(graph, settings, info, started)
    try:
        with _engine_errors():
            driver.verify_connectivity()
        if schema:
            _ensure_schema(graph, settings, info, read_only)
    except Exception:
        conn.close()
        raise
    return conn
