"""Fuzz the whole OpenAPI surface (bounded): no response is a 5xx, every 4xx has the one error body.

Every operation, with data that fits its schema (positive) and data that does not (negative); ids in
paths, queries and bodies are often real ones of the loaded example ledger, so requests reach the
graph instead of stopping at "not found". The suite runs GRAPHSVC_FUZZ_EXAMPLES (default 7) examples
per operation (negative cases include other methods and malformed bodies): ≥ 2,000 requests; the long run of the
README's RELIABILITY section sets more.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import read_path
from graphsvc.ingest.load import import_ledger
from graphsvc.main import create_app
from graphsvc.settings import Settings
from tests.conftest import FIXTURES, bearer, make_token
from tests.live import live_server

MAX_EXAMPLES = int(os.environ.get("GRAPHSVC_FUZZ_EXAMPLES", "7"))  # per operation and phase (~330 requests per unit)
MIN_REQUESTS = 2_000 if MAX_EXAMPLES >= 7 else 0
SENT: dict[str, int] = {"requests": 0, "5xx": 0}
OPERATIONS: set[tuple[str, str]] = set()
_count = threading.Lock()


def _real_ids() -> dict[str, list[str]]:
    """Parameter name -> ids of the example ledger it may take."""
    doc = json.loads((Path(FIXTURES) / "ledger-example.json").read_text())
    ids = {t: [r["id"] for r in rows if r.get("id")] for t, rows in doc.items()}
    every = sorted({i for v in ids.values() for i in v})
    orgs = ids["party_orgs"]
    return {
        "street_id": ids["streets"], "urban_street_id": ids["streets"], "rural_street_id": ids["streets"],
        "community_id": ids["communities"], "grid_id": ids["resident_groups"], "node_id": every,
        "org_id": orgs, "org_a": orgs, "org_b": orgs, "parent_id": orgs, "urban_id": orgs, "rural_id": orgs,
        "source": orgs, "target": orgs, "unit_id": ids["units"], "resource_id": ids["resources"],
        "need_id": ids["needs"], "pairing_id": ids["pairings"], "project_id": ids["projects"],
        "sharing_id": [f"{ids['resources'][0]}@{c}" for c in ids["communities"]],
        "member_id": ids["members"], "household_id": ids["households"], "building_id": ids["buildings"],
    }


REAL = _real_ids()


def _with_real_ids(values: Any) -> st.SearchStrategy[Any]:
    """The generated mapping as it is, or with its id-like keys set to real ids."""
    if not isinstance(values, dict):
        return st.just(values)
    keys = [k for k in values if k in REAL]
    if not keys:
        return st.just(values)
    real = st.fixed_dictionaries({k: st.sampled_from(REAL[k]) for k in keys})
    return st.one_of(st.just(values), real.map(lambda picked: {**values, **picked}))


# The app's own OpenAPI document (building the app opens nothing; the lifespan does that).
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[Any]:
    return _with_real_ids(path_parameters)


@schema.hook
def flatmap_query(context: Any, query: dict[str, Any]) -> st.SearchStrategy[Any]:
    return _with_real_ids(query)


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    return _with_real_ids(body)


@pytest.fixture(scope="module")
def base_url(graph: Graph, settings: Settings, example_path: Path) -> Iterator[str]:
    import_ledger(graph, read_path(example_path))
    with live_server(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="module")
def token(graph: Graph) -> str:
    return make_token(graph, "admin")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_one_error_shape(case, base_url: str, token: str) -> None:
    response = case.call(base_url=base_url, headers=bearer(token), timeout=60)
    with _count:
        SENT["requests"] += 1
        SENT["5xx"] += response.status_code >= 500
        OPERATIONS.add((case.method.upper(), case.path))
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    if 400 <= response.status_code < 500 and "text/html" not in response.headers.get("content-type", [""])[0]:
        body = response.json()  # pages and pictures answer a person with a Chinese error page instead
        assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), response.text[:300]


def test_enough_requests_were_sent() -> None:
    """Runs after the fuzzing above (pytest keeps the order of a module's tests)."""
    paths = create_app(Settings()).openapi()["paths"]
    every = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    print(f"\nfuzz: {SENT['requests']} requests over {len(OPERATIONS)} of {len(every)} operations, {SENT['5xx']} 5xx")
    assert SENT["5xx"] == 0
    assert SENT["requests"] >= MIN_REQUESTS, SENT
    assert every <= OPERATIONS  # negative generation also tries methods an operation does not have
