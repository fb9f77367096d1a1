"""The gateway: every query runs here, by catalog name, with $parameters only."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, Query, RoutingControl
from neo4j.exceptions import ConstraintError, ServiceUnavailable, SessionExpired

from graphsvc import engine
from graphsvc.cypher import catalog, names
from graphsvc.errors import EngineUnavailable
from graphsvc.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

ENGINE_DOWN = "图数据库暂时不可用，请稍后再试"


@contextmanager
def _engine_errors() -> Iterator[None]:
    try:
        yield
    except (ServiceUnavailable, SessionExpired) as e:
        raise EngineUnavailable(ENGINE_DOWN) from e


class Tx:
    """An explicit transaction; statements by catalog name."""

    def __init__(self, tx: neo4j.Transaction, queries: dict[str, str]) -> None:
        self._tx, self._queries = tx, queries

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self._tx.run(self._queries[name], params).data()


@dataclass
class Graph:
    driver: Driver
    database: str
    timeout_s: float = 60.0
    cache_s: float = 0.0  # how long cached() answers live; every write through this gateway clears them
    _cache: dict[Hashable, tuple[float, int, Any]] = field(default_factory=dict, repr=False)
    _generation: int = 0

    def __post_init__(self) -> None:
        self.queries = catalog()
        self._lock = threading.Lock()

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """compute()'s answer, reused for cache_s seconds unless a write came through meanwhile.

        Writes by another process (a CLI import beside `serve`) show after at most cache_s.
        The key must hold everything the answer depends on, the caller's scope included.
        """
        if self.cache_s <= 0:
            return compute()
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            generation = self._generation
        if hit and hit[0] > now and hit[1] == generation:
            return hit[2]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            if len(self._cache) > 512:
                self._cache.clear()
            # The lifetime counts from the answer, not the question: a computation longer than
            # cache_s (a whole city's summary) must still be reused. A write meanwhile still clears it.
            self._cache[key] = (time.monotonic() + self.cache_s, generation, value)
        return value

    def _wrote(self) -> None:
        with self._lock:
            self._generation += 1

    def _query(self, name: str) -> Query:
        return Query(self.queries[name], timeout=self.timeout_s)  # type: ignore[arg-type]

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query; rows as dicts (nodes become property maps)."""
        with _engine_errors():
            res = self.driver.execute_query(
                self._query(name), params, database_=self.database, routing_=RoutingControl.READ
            )
        return [r.data() for r in res.records]

    def write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run one write statement in its own transaction, retrying a lost MERGE race."""
        for attempt in range(5):
            try:
                with _engine_errors():
                    res = self.driver.execute_query(
                        self._query(name), params, database_=self.database, routing_=RoutingControl.WRITE
                    )
                self._wrote()
                return [r.data() for r in res.records]
            except ConstraintError:
                # ArcadeDB fails (rather than waits) a MERGE that races another on a unique key.
                if attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def stream(self, name: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Rows of a large read one at a time (exports)."""
        with _engine_errors(), self.driver.session(database=self.database, default_access_mode="READ") as s:
            for record in s.run(self._query(name), params):
                yield record.data()

    def transaction(self, work: Callable[[Tx], T]) -> T:
        """Run `work(tx)` in one write transaction: all of it commits or none of it."""
        try:
            with _engine_errors(), self.driver.session(database=self.database) as s:
                return s.execute_write(lambda tx: work(Tx(tx, self.queries)))
        finally:
            self._wrote()

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


def connect(settings: Settings, *, say: Callable[[str], None] | None = None, schema: bool = True) -> Connection:
    """Open the configured graph: an external Neo4j, or the embedded engine (started if needed)."""
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
            graph.apply_schema()
    except Exception:
        conn.close()
        raise
    return conn
