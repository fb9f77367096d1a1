"""一张图, trends, rectification and the street overview in a real browser (tests/browser/conftest.py).

The map of 新丰街街道 must draw every layer with the number of features the ledger and the rules give,
fetch nothing beyond 127.0.0.1 without GRAPHSVC_TILE_URL, and fetch its tiles from that URL when it is set
(a tiny tile server of the test's own on loopback). Screenshots of every page land in build/screenshots/.
"""

from __future__ import annotations

import base64
import itertools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from graphsvc.demo import street_ledger
from graphsvc.demo_boundaries import add_boundaries
from graphsvc.main import create_app
from graphsvc.schemas.coverage import Area, GapParams, GapRule
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import coverage, history
from graphsvc.settings import Settings
from tests.browser.conftest import STREET, VIEWPORT, Site, Web
from tests.live import live_server

MAP = f"/pages/map?street_id={STREET}"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def site_ledger() -> dict[str, list[dict[str, Any]]]:
    tables = street_ledger()
    add_boundaries(tables)  # as `graphsvc demo` loads it
    return tables


def expected(site: Site) -> dict[str, int]:
    """What each layer should draw for the street, counted from the ledger and the rules themselves."""
    t = site.ledger
    comms = {c["id"] for c in t["communities"] if c["street_id"] == STREET}
    buildings = [b for b in t["buildings"] if b["community_id"] in comms and b["kind"] in ("residential", "mixed")]
    points = [p for p in t["service_points"] if p["community_id"] in comms]
    required = {k.value for k in GapParams().required_points}
    org_place = {o["id"]: o.get("community_id") for o in t["party_orgs"]}
    unit_place = {u["id"]: u["community_id"] for u in t["units"]}
    for o in t["party_orgs"]:
        if o.get("unit_id"):
            org_place[o["id"]] = unit_place[o["unit_id"]]
    pairs = [p for p in t["pairings"] if not p.get("ended_at") and org_place.get(p["org_a"]) and org_place.get(p["org_b"])
             and (org_place[p["org_a"]] in comms or org_place[p["org_b"]] in comms)]
    return {
        "communities": len(comms),
        "grids": sum(1 for g in t["resident_groups"] if g["community_id"] in comms and g.get("boundary")),
        "buildings": len(buildings),
        "service_points": len(points),
        "reach": sum(1 for p in points if p["kind"] in required),
        "units": sum(1 for u in t["units"] if u["community_id"] in comms),
        "co_construction": sum(1 for p in pairs if p["kind"] == "co_construction"),
        "urban_rural": sum(1 for p in pairs if p["kind"] == "urban_rural"),
    }


def test_map_draws_every_layer_offline(web: Web, site: Site) -> None:
    web.goto(MAP, ready=True, shot="map")
    web.assert_clean()  # no console error, no request beyond 127.0.0.1
    assert web.page.locator("img.leaflet-tile").count() == 0  # no base tiles without GRAPHSVC_TILE_URL
    drawn = web.page.evaluate("gsMap.counts()")
    want = expected(site)
    for layer, n in want.items():
        assert drawn[layer] == n, layer
        assert web.page.locator(f"path.gs-{layer}").count() == n, layer  # really on the page (SVG paths)
    assert min(want.values()) > 0
    # Buildings coloured by the rules' own verdicts.
    report = coverage.gaps(site.graph, LOCAL_ADMIN, Area(street_id=STREET), GapParams())
    branch = set(report.rules["building_needs_branch"].ids)
    uncovered = set(report.rules["building_without_group"].ids) - branch
    colours = web.page.eval_on_selector_all("path.gs-buildings", "ps => ps.map(p => p.getAttribute('fill'))")
    assert colours.count("#c62828") == len(uncovered) and colours.count("#ef6c00") == len(branch)
    # One gap marker per place holding gaps; every building gap is at one of them.
    markers = web.page.locator(".gs-gap")
    assert markers.count() == drawn["gaps"] > 0
    total = sum(int(t) for t in markers.all_inner_texts())
    assert total == sum(r.count for r in report.rules.values())
    # Scale bar and north arrow, Chinese in a CJK font.
    assert web.page.locator(".leaflet-control-scale-line").count() == 1 and "北" in web.text(".gs-north")
    web.assert_chinese("h1", ".gs-label")


def test_clicking_a_feature_shows_its_facts_and_link(web: Web) -> None:
    web.goto(MAP, ready=True, shot="map-popup")
    web.page.evaluate("(() => { const l = gsMap.groups.buildings.getLayers()[0]; l.fire('click', {latlng: l.getLatLng()}); })()")
    popup = web.page.locator(".gs-popup")
    popup.wait_for()
    assert "覆盖状态" in popup.inner_text() and "住户" in popup.inner_text()
    href = popup.locator("a").get_attribute("href")
    assert href and href.startswith("/pictures/coverage?community_id=")
    assert web.page.evaluate("h => fetch(h).then(r => r.status)", href) == 200
    web.shoot("map-popup")


def test_labels_never_pile_up(web: Web) -> None:
    web.goto(MAP, ready=True)
    for zoom in (12, 13, 14.5):
        web.page.evaluate(f"gsMap.map.setZoom({zoom}, {{animate: false}}); gsMap.declutter()")
        boxes = web.page.eval_on_selector_all(
            ".gs-label", "ls => ls.filter(l => l.style.visibility !== 'hidden').map(l => l.getBoundingClientRect().toJSON())")
        assert boxes
        for a, b in itertools.combinations(boxes, 2):
            overlap = a["left"] < b["right"] and a["right"] > b["left"] and a["top"] < b["bottom"] and a["bottom"] > b["top"]
            assert not overlap, (a, b)
    hidden = web.page.eval_on_selector_all(".gs-label", "ls => ls.filter(l => l.style.visibility === 'hidden').length")
    web.page.evaluate("gsMap.map.setZoom(12, {animate: false}); gsMap.declutter()")
    crowded = web.page.eval_on_selector_all(".gs-label", "ls => ls.filter(l => l.style.visibility === 'hidden').length")
    assert crowded >= hidden  # zoomed out, more names give way (their feature still shows its name on hover)


class _Tiles(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Tiles.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def tile_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Tiles.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_tiles_come_from_the_configured_url(browser: Any, site: Site, settings: Settings, tile_server: str) -> None:
    configured = settings.model_copy(update={"tile_url": tile_server + "/tiles/{z}/{x}/{y}.png"})
    with live_server(create_app(configured)) as base:
        ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        requests: list[str] = []
        ctx.on("request", lambda r: requests.append(r.url))
        page = ctx.new_page()
        page.goto(f"{base}/login?token={site.tokens['street']}")
        page.goto(base + MAP)
        page.wait_for_function("document.body.dataset.ready === '1'")
        page.wait_for_function("document.querySelectorAll('img.leaflet-tile-loaded').length > 0", timeout=20_000)
        ctx.close()
    tiles = [u for u in requests if u.startswith(tile_server + "/tiles/")]
    assert tiles and _Tiles.seen and all(p.startswith("/tiles/") and p.endswith(".png") for p in _Tiles.seen)
    assert all(u.startswith((base + "/", tile_server + "/tiles/", "data:")) for u in requests)  # nowhere else


def test_trend_page_draws_the_history_beside_its_table(web: Web, site: Site) -> None:
    history.take(site.graph, GapParams(), source="snapshot")
    links = coverage.suggest_links(site.graph, LOCAL_ADMIN, Area(street_id=STREET), GapParams())
    from graphsvc.schemas.coverage import AcceptLinks

    coverage.accept_links(site.graph, LOCAL_ADMIN, AcceptLinks(items=links.accept))
    history.take(site.graph, GapParams(), source="snapshot")
    web.goto(f"/pages/trends?street_id={STREET}", ready=True, shot="trends")
    web.assert_clean()
    assert web.page.locator("#chart-all svg").count() == 1 and web.page.locator("#chart-parts svg").count() == 1
    rows = web.page.locator(".chart-row").first.locator("table tr")
    assert rows.count() == 1 + 2  # the header and one row per snapshot
    assert web.page.evaluate("gsCharts['chart-all'].getOption().series.length") == 11
    web.assert_chinese("h1", "th")


def test_dashboard_prints_without_navigation(web: Web) -> None:
    web.goto(f"/pages/streets/{STREET}", shot="dashboard")
    web.assert_clean()
    assert "整改进度" in web.text() and web.page.locator('a[href^="/reports/street"]').count() == 1
    web.page.emulate_media(media="print")
    assert web.page.locator("header.top").is_hidden() and web.page.locator(".actions").is_hidden()
    web.shoot("dashboard-print")
    web.page.emulate_media(media="screen")


def test_rectification_page_assigns_and_sends_back(web: Web, site: Site) -> None:
    """From a gap on 覆盖缺口 to a task: 派发整改 fills in the rule and the gap; the organisation is picked by name."""
    report = coverage.gaps(site.graph, LOCAL_ADMIN, Area(street_id=STREET), GapParams(), rules=[GapRule.community_lacking_basics])
    gap = report.rules["community_lacking_basics"].items[0]
    web.goto(f"/pages/gaps?street_id={STREET}&rule=community_lacking_basics")
    with web.page.expect_navigation():
        web.page.locator(f"#row-community_lacking_basics-{gap.id} a:has-text('派发整改')").click()
    form = web.page.locator("#rect-new")
    assert form.locator("select[name=rule]").input_value() == "community_lacking_basics"
    assert form.locator("input[name=target_id]").input_value() == gap.id
    org = form.locator(f"select[name=org_id] option[value='po-{gap.id[2:]}']")
    assert org.inner_text() and not org.inner_text().startswith("po-")  # a name people read, not an id
    form.locator("select[name=org_id]").select_option(f"po-{gap.id[2:]}")
    form.locator("input[name=due]").fill("2099-12-31")
    with web.page.expect_navigation():
        form.locator("button").click()
    row = web.page.locator(f"tr:has-text('{gap.id}')")
    assert "待整改" in row.inner_text()
    row.locator("select[name=status]").select_option("done")
    with web.page.expect_navigation():
        row.locator("button").click()
    row = web.page.locator(f"tr:has-text('{gap.id}')")
    assert "整改中" in row.inner_text() and "复查" in row.inner_text()  # the community still lacks them
    web.shoot("rectifications")
    web.assert_clean()
