"""A 5,000-organisation picture in the browser: laid out on the server, it opens and draws.

The organisations are the demo city's (graphsvc.demo.chunks('city')): streets, communities, units,
their Party organisations and pairings, until there are 5,000. The target (5 s to the first
drawing) is measured in benchmarks/pictures_bench.py and recorded in BENCHMARKS.md; this test's
bound is generous, to catch a collapse, not to time the machine.
"""

from __future__ import annotations

from typing import Any

import pytest

from graphsvc import demo
from tests.browser.conftest import Site, Web

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
def site_ledger() -> dict[str, list[dict[str, Any]]]:
    return network_ledger(5000)


@pytest.mark.parametrize("path", ["/pictures/network", "/pictures/network/tree"])
def test_5000_organisations_draw(web: Web, site: Site, path: str) -> None:
    orgs = len(site.ledger["party_orgs"])
    web.goto(path, ready=True, timeout_s=120, shot=f"big-{path}")
    ms = int(web.page.evaluate("document.body.dataset.readyMs"))
    print(f"{path}: {orgs} organisations drawn {ms} ms after navigation")
    assert orgs >= 5000 and web.page.evaluate("picture.data.nodes.length") == orgs  # drawn or collapsed
    assert web.page.evaluate("picture.network.physics.options.enabled") is False
    web.assert_clean()
    assert ms < GENEROUS_S * 1000
    # still usable: search finds and frames an organisation among 5,000
    web.page.fill("#q", "党工委")
    assert web.page.evaluate("picture.network.getSelectedNodes().length") > 0
