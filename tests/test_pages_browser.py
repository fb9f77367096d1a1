"""The web pages and pictures in a real browser: headless Chromium driven over the DevTools protocol.

Each page must load with no console error, make no request that leaves 127.0.0.1, render its
Chinese in a CJK font, and (pictures) draw, filter by legend and find by search. The server is
the real app (uvicorn in a thread, lifespan and all) on the demo street.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from graphsvc.demo import street_ledger
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.main import create_app
from graphsvc.settings import Settings
from tests.conftest import make_token
from tests.live import live_server

READY = "document.body && document.body.dataset.ready === '1'"  # picture.py sets it after the first draw
LOADED = "document.readyState === 'complete'"


def chromium_path() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Browser:
    """Headless Chromium, one page, over CDP: navigate, evaluate, and record what the page did."""

    def __init__(self, exe: str) -> None:
        from websockets.sync.client import connect

        self.dir = tempfile.mkdtemp(prefix="graphsvc-chromium-")
        port = free_port()
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.dir}", f"--remote-debugging-port={port}", "--remote-allow-origins=*",
             "--window-size=1400,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1) as r:
                    url = json.load(r)["webSocketDebuggerUrl"]
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("chromium did not start") from None
                time.sleep(0.1)
        self.ws = connect(url, max_size=None, open_timeout=10).__enter__()  # kept open for the browser's life
        self._id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank", session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log", "DOM", "CSS"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=1400, height=900, deviceScaleFactor=1, mobile=False)

    def call(self, method: str, *, session: bool = True, timeout: float = 60, **params: Any) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            m = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})  # type: ignore[no-any-return]
            if "method" in m:
                self.events.append(m)

    def pump(self, seconds: float) -> None:
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                m = json.loads(self.ws.recv(timeout=left))
            except TimeoutError:
                return
            if "method" in m:
                self.events.append(m)

    def eval(self, expr: str) -> Any:
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"].get("exception", {}).get("description", r["exceptionDetails"]))
        return r["result"].get("value")

    def goto(self, url: str, *, until: str = LOADED, timeout: float = 60) -> float:
        """Open `url` (events recorded afresh) and wait for `until`; seconds it took."""
        self.events.clear()
        t0 = time.monotonic()
        self.call("Page.navigate", url=url)
        self.wait(until, timeout)
        return time.monotonic() - t0

    def wait(self, condition: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.eval(f"!!({condition})"):
            if time.monotonic() > deadline:
                raise TimeoutError(condition)
            self.pump(0.05)

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            p = e["params"]
            if e["method"] == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("exception", {}).get("description") or p["exceptionDetails"]["text"])
            elif e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(f"{p['entry']['text']} {p['entry'].get('url', '')}")
        return out

    def fonts(self, selector: str) -> list[str]:
        """The platform fonts the browser really used to draw an element's text."""
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        return [f["familyName"] for f in self.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]]

    def close(self) -> None:
        try:
            if hasattr(self, "ws"):
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The real app (lifespan and all) under uvicorn on 127.0.0.1; yields its base URL."""
    with live_server(create_app(settings)) as base:
        yield base


@contextmanager
def chromium() -> Iterator[Browser]:
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium not found: apt-get install chromium fonts-noto-cjk (scripts/test does)")
    b = Browser(exe)
    try:
        yield b
    finally:
        b.close()


def login(browser: Browser, base: str, token: str) -> None:
    browser.goto(f"{base}/login?token={token}")
    assert browser.eval("location.pathname") == "/"


def assert_clean(browser: Browser, base: str) -> None:
    """No console error, no request that leaves the server."""
    assert browser.errors() == []
    outside = [u for u in browser.requests() if not u.startswith((base + "/", "data:"))]
    assert outside == []


# --- the tests ------------------------------------------------------------------------------------

LEDGER = street_ledger()
HUB = "po-xf01"


@pytest.fixture(scope="module")
def site(graph: Graph, settings: Settings) -> Iterator[tuple[Browser, str, dict[str, str]]]:
    import_ledger(graph, RawLedger(tables=LEDGER))
    tokens = {"admin": make_token(graph, "admin"), "analyst": make_token(graph, "analyst")}
    with chromium() as browser, serve(settings) as base:
        login(browser, base, tokens["admin"])
        yield browser, base, tokens


PICTURES = [
    ("/pictures/network/tree?street_id=s-xf", "新丰街街道 · 党组织架构图"),
    (f"/pictures/network/ego/{HUB}?radius=1", "斜桥巷社区党总支 的关系网络"),
    ("/pictures/network/pairings", "结对关系图"),
    ("/pictures/network?street_id=s-xf", "新丰街街道 · 党组织关系网络"),
]


@pytest.mark.parametrize(("path", "title"), PICTURES)
def test_picture_loads_clean_and_offline(site: tuple[Browser, str, dict[str, str]], path: str, title: str) -> None:
    browser, base, _ = site
    browser.goto(base + path, until=READY)
    browser.pump(0.3)
    assert_clean(browser, base)
    assert browser.eval("document.querySelector('h1').textContent") == title
    assert browser.eval("picture.nodes.length") > 1 and browser.eval("document.querySelectorAll('#net canvas').length") == 1
    # the heading is drawn with a CJK font, and the canvas labels' font is there to draw with
    assert any("CJK" in f for f in browser.fonts("h1")), browser.fonts("h1")
    assert browser.eval("document.fonts.check('14px \"Noto Sans CJK SC\"', '党组织')")
    assert browser.eval("document.querySelector('#net canvas').toDataURL('image/png')").startswith("data:image/png")


def test_legend_hides_and_shows_a_kind(site: tuple[Browser, str, dict[str, str]]) -> None:
    browser, base, _ = site
    browser.goto(base + "/pictures/network/tree?street_id=s-xf", until=READY)
    groups = browser.eval("picture.nodes.get({filter: n => n.kind === 'group'}).length")
    assert groups == sum(1 for o in LEDGER["party_orgs"] if o["level"] == "group" and o["id"].startswith("pg-xf"))
    button = "document.querySelector('.lg[data-key=\"group\"]')"
    assert browser.eval(f"{button}.textContent").startswith("党小组")
    browser.eval(f"{button}.click()")
    assert browser.eval("picture.nodes.get({filter: n => n.hidden}).length") == groups
    assert browser.eval(f"{button}.getAttribute('aria-pressed')") == "false"
    browser.eval(f"{button}.click()")
    assert browser.eval("picture.nodes.get({filter: n => n.hidden}).length") == 0
    assert_clean(browser, base)


def test_search_finds_and_selects(site: tuple[Browser, str, dict[str, str]]) -> None:
    browser, base, _ = site
    browser.goto(base + "/pictures/network/tree?street_id=s-xf", until=READY)
    browser.eval("const q = document.getElementById('q'); q.value = '斜桥巷社区党总支'; q.dispatchEvent(new Event('input'))")
    assert browser.eval("document.getElementById('found').textContent") == "找到 1 个"
    assert browser.eval("picture.network.getSelectedNodes()") == [HUB]
    browser.eval("const q2 = document.getElementById('q'); q2.value = '党小组'; q2.dispatchEvent(new Event('input'))")
    assert int(re.search(r"\d+", browser.eval("document.getElementById('found').textContent")).group()) > 50  # type: ignore[union-attr]
    assert_clean(browser, base)


def test_double_click_drills_down_to_the_ego_picture(site: tuple[Browser, str, dict[str, str]]) -> None:
    browser, base, _ = site
    browser.goto(base + "/pictures/network/tree?street_id=s-xf", until=READY)
    browser.eval(f"picture.network.body.emitter.emit('doubleClick', {{nodes: ['{HUB}'], edges: []}}), true")
    browser.wait(f"location.pathname === '/pictures/network/ego/{HUB}' && {READY}")
    assert browser.eval("document.querySelector('h1').textContent") == "斜桥巷社区党总支 的关系网络"
    assert_clean(browser, base)


def test_standalone_picture_opens_from_disk_with_no_request(
    site: tuple[Browser, str, dict[str, str]], graph: Graph, tmp_path: Path
) -> None:
    from graphsvc.schemas.network import Selection
    from graphsvc.scope import LOCAL_ADMIN
    from graphsvc.services import network

    browser, _, _ = site
    page = tmp_path / "tree.html"  # as `graphsvc viz tree` writes it
    page.write_text(network.tree_picture(graph, LOCAL_ADMIN, Selection(street_id="s-xf"), standalone=True), encoding="utf-8")
    browser.goto(page.as_uri(), until=READY)
    assert browser.errors() == []
    assert [u for u in browser.requests() if not u.startswith("file://")] == []
    assert browser.eval("picture.nodes.length") == 202


PAGES = [
    ("/", "共建图谱", "新丰街街道"),
    ("/pages/streets/s-xf", "新丰街街道 · 街道概览", "各项规则覆盖率"),
    ("/pages/gaps?street_id=s-xf", "覆盖缺口", "党小组联幢：没有党小组覆盖的住宅楼"),
    ("/pages/matching?street_id=s-xf", "共建匹配", "建议新增的结对共建"),
    ("/pages/pairing", "城乡结对建议", "稳定方案"),
    ("/pages/network?street_id=s-xf", "党组织网络分析", "新丰街街道党工委"),
    ("/pages/pictures", "关系图", "党组织架构图"),
]


@pytest.mark.parametrize(("path", "title", "text"), PAGES)
def test_page_loads_clean_in_chinese(site: tuple[Browser, str, dict[str, str]], path: str, title: str, text: str) -> None:
    browser, base, _ = site
    browser.goto(base + path)
    browser.pump(0.2)
    assert_clean(browser, base)
    assert browser.eval("document.querySelector('h1').textContent") == title
    assert text in browser.eval("document.body.innerText")
    for selector in ("h1", "nav a", "td, p"):
        assert any("CJK" in f for f in browser.fonts(selector)), (selector, browser.fonts(selector))


# Other issues' pictures, linked from the pages: they too must draw offline and clean.
LINKED_PICTURES = [
    "/pictures/coverage?community_id=c-xf01",
    "/pictures/matching?street_id=s-xf",
    "/pairing/urban-rural/network",
    "/pairing/urban-rural/map",
]


@pytest.mark.parametrize("path", LINKED_PICTURES)
def test_linked_picture_draws_clean(site: tuple[Browser, str, dict[str, str]], path: str) -> None:
    browser, base, _ = site
    browser.goto(base + path, until=READY)
    browser.pump(0.2)
    assert_clean(browser, base)
    assert browser.eval("picture.nodes.length") > 0


def test_every_link_of_home_and_pictures_pages_answers(site: tuple[Browser, str, dict[str, str]]) -> None:
    browser, base, _ = site
    links: dict[str, str] = {}
    for page in ("/", "/pages/pictures", "/pages/streets/s-xf"):
        browser.goto(base + page)
        for href in browser.eval("[...document.querySelectorAll('a[href^=\"/\"]')].map(a => a.getAttribute('href'))"):
            links.setdefault(href.split("?")[0], href)  # one link per route
    checks = [f"fetch({json.dumps(href)}).then(r => r.status)" for href in links.values()]
    statuses = browser.eval(f"Promise.all([{', '.join(checks)}])")
    assert dict(zip(links.values(), statuses)) == {href: 200 for href in links.values()}


def test_analyst_pages_mask_names_and_show_no_phone(site: tuple[Browser, str, dict[str, str]]) -> None:
    browser, base, tokens = site
    members = {m["id"]: m for m in LEDGER["members"]}
    try:
        login(browser, base, tokens["analyst"])
        browser.goto(base + "/pages/gaps?street_id=s-xf")
        text = browser.eval("document.body.innerText")
        shown = set(re.findall(r"m-[a-z]+-\d+", text))
        assert shown, "the gap lists name members (overloaded, unregistered)"
        for member_id in shown:
            name = members[member_id]["name"]
            assert name not in text and f"{name[0]}*" in text
        assert not re.search(r"1[3-9]\d{9}", text)  # no mobile phone number
    finally:
        login(browser, base, tokens["admin"])
