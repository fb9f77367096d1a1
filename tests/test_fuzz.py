"""Fuzz the whole OpenAPI surface (bounded): no response is a 5xx, every 4xx has the one error body."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import read_path
from graphsvc.ingest.load import import_ledger
from graphsvc.main import create_app
from graphsvc.settings import Settings
from tests.conftest import bearer, make_token
from tests.live import live_server

MAX_EXAMPLES = 15  # per operation: bounded so CI stays short


@pytest.fixture(scope="module")
def base_url(graph: Graph, settings: Settings, example_path) -> Iterator[str]:
    import_ledger(graph, read_path(example_path))
    with live_server(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="module")
def token(graph: Graph) -> str:
    return make_token(graph, "admin")


# The app's own OpenAPI document (building the app opens nothing; the lifespan does that).
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_one_error_shape(case, base_url: str, token: str) -> None:
    response = case.call(base_url=base_url, headers=bearer(token), timeout=60)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    if 400 <= response.status_code < 500:
        body = response.json()
        assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), response.text[:300]
