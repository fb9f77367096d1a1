"""The real engine, started once per session; a fresh database per test module.

With GRAPHSVC_NEO4J_URI (+ _USER, _PASSWORD) set, the same tests run against that Neo4j 5
server instead: each module then wipes the configured database before it starts.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase

from graphsvc import engine
from graphsvc.graph import Graph
from graphsvc.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("graphsvc-data")


@pytest.fixture(scope="session")
def engine_info(data_dir: Path) -> Iterator[engine.EngineInfo | None]:
    if os.environ.get("GRAPHSVC_NEO4J_URI"):
        yield None
        return
    info, _ = engine.ensure_running(data_dir, heap="1g")
    yield info
    engine.stop(data_dir)


@pytest.fixture(scope="module")
def settings(data_dir: Path, engine_info: engine.EngineInfo | None) -> Iterator[Settings]:
    """Settings for a fresh, empty database of this module's own."""
    if engine_info is None:
        s = Settings()
        with GraphDatabase.driver(s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value())) as d:  # type: ignore[arg-type,union-attr]
            d.execute_query("MATCH (n) DETACH DELETE n", database_=s.database)
        yield s
        return
    name = f"t{uuid.uuid4().hex[:12]}"
    engine.server_command(engine_info, data_dir, f"create database {name}")
    yield Settings(data_dir=data_dir, database=name, engine_heap="1g")
    engine.server_command(engine_info, data_dir, f"drop database {name}")


@pytest.fixture(scope="module")
def graph(settings: Settings) -> Iterator[Graph]:
    from graphsvc.graph import connect

    conn = connect(settings)
    yield conn.graph
    conn.close()


@pytest.fixture(scope="module")
def example_path() -> Path:
    """shared/ledger-example.json, copied: one small complete ledger (every table, one street)."""
    return FIXTURES / "ledger-example.json"


def make_token(graph: Graph, role: str = "admin", scope_id: str | None = None) -> str:
    """A fresh API key's token in this module's database."""
    from graphsvc.scope import Scope
    from graphsvc.services.access import create_key

    return create_key(graph, Scope(actor="test"), role=role, scope_id=scope_id, name=f"test-{role}")[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def admin_token(graph: Graph) -> str:
    return make_token(graph, "admin")


def assert_html_error(r: Any, status: int) -> str:
    """A page or picture route's error: the status, as a Chinese HTML page (never the JSON body)."""
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text and "返回首页" in r.text
    return str(r.text)


@contextmanager
def role_clients(graph: Graph, settings: Settings, street_id: str, community_id: str) -> Iterator[dict[str, Any]]:
    """The demo street loaded, and a TestClient per role (admin, street, community, analyst) plus "anon"."""
    from fastapi.testclient import TestClient

    from graphsvc.demo import street_ledger
    from graphsvc.ingest.ledger_io import RawLedger
    from graphsvc.ingest.load import import_ledger
    from graphsvc.main import create_app

    import_ledger(graph, RawLedger(tables=street_ledger()))
    tokens = {
        "admin": make_token(graph, "admin"),
        "street": make_token(graph, "street", street_id),
        "community": make_token(graph, "community", community_id),
        "analyst": make_token(graph, "analyst"),
    }
    app = create_app(settings)
    with TestClient(app) as anon:
        yield {"anon": anon, **{role: TestClient(app, headers=bearer(t)) for role, t in tokens.items()}}
