"""A 5,000-organisation picture in the browser: laid out on the server, it opens and draws.

The organisations are the demo city's (graphsvc.demo.chunks('city')): streets, communities, units,
their Party organisations and pairings, until there are 5,000. The target (5 s to the first
drawing) is measured in benchmarks/pictures_bench.py and recorded in BENCHMARKS.md; this test's
bound is generous, to catch a collapse, not to time the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graphsvc import demo
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.settings import Settings
from tests.conftest import make_token
from tests.test_pages_browser import READY, Browser, assert_clean, chromium, login, serve

NETWORK_TABLES = ("streets", "communities", "units", "party_orgs", "pairings")
GENEROUS_S = 20.0


def network_ledger(min_orgs: int, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """The organisation network of the demo city's first streets, until at least `min_orgs`
    organisations: whole chunks, so every row's references are in (chunks refer only backwards)."""
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in NETWORK_TABLES}
    for chunk in demo.chunks("city", seed):
        for t in NETWORK_TABLES:
            tables[t] += chunk.get(t, [])
        if len(tables["party_orgs"]) >= min_orgs:
            return tables
    raise ValueError(f"the demo city has fewer than {min_orgs} organisations")


@pytest.fixture(scope="module")
def big(graph: Graph, settings: Settings) -> Iterator[tuple[Browser, str, int]]:
    tables = network_ledger(5000)
    import_ledger(graph, RawLedger(tables=tables))
    token = make_token(graph, "admin")
    with chromium() as browser, serve(settings) as base:
        login(browser, base, token)
        yield browser, base, len(tables["party_orgs"])


@pytest.mark.parametrize("path", ["/pictures/network", "/pictures/network/tree"])
def test_5000_organisations_draw(big: tuple[Browser, str, int], path: str) -> None:
    browser, base, orgs = big
    browser.goto(base + path, until=READY, timeout=120)
    ms = int(browser.eval("document.body.dataset.readyMs"))
    print(f"{path}: {orgs} organisations drawn {ms} ms after navigation")
    assert orgs >= 5000 and browser.eval("nodes.length") == orgs
    assert browser.eval("network.physics.options.enabled") is False
    assert_clean(browser, base)
    assert ms < GENEROUS_S * 1000
    # still usable: search finds and frames an organisation among 5,000
    browser.eval("const q = document.getElementById('q'); q.value = '党工委'; q.dispatchEvent(new Event('input'))")
    assert browser.eval("network.getSelectedNodes().length") > 0
