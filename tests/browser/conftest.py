"""The browser harness: Playwright for Python driving Debian's Chromium against the real app.

Fixtures other test files use:
- `site`: the demo street (or the module's own `site_ledger`) imported into this module's fresh
  database, the real app (lifespan and all) on a free 127.0.0.1 port, and a key per role.
- `browse(role)`: a new browser tab at 1366×768, logged in with that role's key, that records
  console errors and every request; a request leaving 127.0.0.1 is refused and recorded.
  `web.goto(path)` opens a page and saves a screenshot of it to $GRAPHSVC_SCREENSHOTS
  (default build/screenshots/, git-ignored); `web.assert_clean()` checks no console error and
  no outside request; `web.fonts(selector)` tells which fonts really drew an element.
- `web`: `browse("admin")`.
Without Chromium every browser test skips, saying why (scripts/test installs it when it can).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1366, "height": 768}
READY = "() => document.body && document.body.dataset.ready === '1'"  # picture.py sets it after the first draw
SHOTS = Path(os.environ.get("GRAPHSVC_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "build" / "screenshots")
STREET, COMMUNITY = "s-xf", "c-xf01"  # the demo street and its first community: the scoped keys' scopes


def chromium_path() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (Debian's: never a downloaded build)."""
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium not found: apt-get install chromium fonts-noto-cjk (scripts/test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


@dataclass
class Site:
    base: str
    graph: Graph
    tokens: dict[str, str]  # role -> token
    ledger: dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def site_ledger() -> dict[str, list[dict[str, Any]]]:
    """The tables the module's site serves; override in a module for other data."""
    return street_ledger()


@pytest.fixture(scope="module")
def site(graph: Graph, settings: Settings, site_ledger: dict[str, list[dict[str, Any]]]) -> Iterator[Site]:
    import_ledger(graph, RawLedger(tables=site_ledger))
    tokens = {"admin": make_token(graph, "admin"), "analyst": make_token(graph, "analyst")}
    # scoped keys only where their place is in the data (a module may serve other data than the demo street)
    if any(r["id"] == STREET for r in site_ledger.get("streets", [])):
        tokens["street"] = make_token(graph, "street", STREET)
    if any(r["id"] == COMMUNITY for r in site_ledger.get("communities", [])):
        tokens["community"] = make_token(graph, "community", COMMUNITY)
    with live_server(create_app(settings)) as base:
        yield Site(base, graph, tokens, site_ledger)


@dataclass
class Web:
    """A logged-in tab and what it did since the last `goto`."""

    page: Any  # playwright.sync_api.Page
    base: str
    role: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def goto(self, path: str, *, ready: bool = False, shot: str | None = None, timeout_s: float = 60) -> Any:
        """Open `path` (records afresh), wait for it (`ready`: a picture's first draw) and save a screenshot."""
        self.errors.clear()
        self.requests.clear()
        response = self.page.goto(self.base + path, wait_until="load", timeout=timeout_s * 1000)
        if ready:
            self.page.wait_for_function(READY, timeout=timeout_s * 1000)
        self.shoot(shot or path)
        return response

    def shoot(self, name: str) -> Path:
        """A screenshot of the window (1366×768) to SHOTS/<role>-<name>.png."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "home"
        path = SHOTS / f"{self.role}-{safe[:120]}.png"
        self.page.screenshot(path=str(path))
        return path

    def text(self, selector: str = "body") -> str:
        return str(self.page.inner_text(selector))

    def assert_clean(self) -> None:
        """No console error or uncaught exception, no request that tried to leave the server."""
        assert self.errors == []
        assert self.outside == []
        assert all(u.startswith((self.base + "/", "data:", "blob:")) for u in self.requests), self.requests

    def fonts(self, selector: str) -> list[str]:
        """The platform fonts the browser really used to draw an element's text."""
        cdp = self.page.context.new_cdp_session(self.page)
        try:
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            return [f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]
        finally:
            cdp.detach()

    def assert_chinese(self, *selectors: str) -> None:
        for selector in selectors or ("h1",):
            assert any("CJK" in f for f in self.fonts(selector)), (selector, self.fonts(selector))


def open_tab(browser: Any, base: str, role: str, token: str | None) -> tuple[Any, Web]:
    """A new context (own cookies) at 1366×768; logs in with `token` when given."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = ctx.new_page()
    web = Web(page, base, role)

    def refuse(route: Any) -> None:
        web.outside.append(route.request.url)
        route.abort()

    ctx.route(lambda url: not url.startswith(base + "/"), refuse)
    page.on("console", lambda m: web.errors.append(f"{m.text} {m.location.get('url', '')}") if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda e: web.errors.append(str(e)))
    page.on("request", lambda r: web.requests.append(r.url))
    if token:
        page.goto(f"{base}/login?token={token}")
        assert page.evaluate("location.pathname") == "/"
    return ctx, web


@pytest.fixture
def browse(browser: Any, site: Site) -> Iterator[Callable[..., Web]]:
    """browse(role) -> a logged-in tab for that role's key (role None: not logged in)."""
    contexts: list[Any] = []

    def open_(role: str | None = "admin") -> Web:
        ctx, web = open_tab(browser, site.base, role or "anonymous", site.tokens[role] if role else None)
        contexts.append(ctx)
        return web

    yield open_
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def web(browse: Callable[..., Web]) -> Web:
    return browse("admin")
