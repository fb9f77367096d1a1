"""The web pages and pictures in a real browser (Playwright + Debian's Chromium, tests/browser/conftest.py).

Each page must load with no console error, make no request that leaves 127.0.0.1, render its
Chinese in a CJK font, and (pictures) draw, filter by legend and find by search. The server is
the real app on the demo street; every page visited is saved as a screenshot.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from graphsvc.graph import Graph
from tests.browser.conftest import READY, Site, Web, open_tab

HUB = "po-xf01"

PICTURES = [
    ("/pictures/network/tree?street_id=s-xf", "新丰街街道 · 党组织架构图"),
    (f"/pictures/network/ego/{HUB}?radius=1", "斜桥巷社区党总支 的关系网络"),
    ("/pictures/network/pairings", "结对关系图"),
    ("/pictures/network?street_id=s-xf", "新丰街街道 · 党组织关系网络"),
]


@pytest.mark.parametrize(("path", "title"), PICTURES)
def test_picture_loads_clean_and_offline(web: Web, path: str, title: str) -> None:
    web.goto(path, ready=True)
    web.page.wait_for_timeout(300)
    web.assert_clean()
    assert web.page.inner_text("h1") == title
    assert web.page.evaluate("picture.nodes.length") > 1 and web.page.locator("#net canvas").count() == 1
    # the heading is drawn with a CJK font, and the canvas labels' font is there to draw with
    web.assert_chinese("h1")
    assert web.page.evaluate("document.fonts.check('14px \"Noto Sans CJK SC\"', '党组织')")
    assert web.page.evaluate("document.querySelector('#net canvas').toDataURL('image/png')").startswith("data:image/png")


def test_legend_hides_and_shows_a_kind(web: Web, site: Site) -> None:
    web.goto("/pictures/network/tree?street_id=s-xf", ready=True)
    groups = web.page.evaluate("picture.nodes.get({filter: n => n.kind === 'group'}).length")
    assert groups == sum(1 for o in site.ledger["party_orgs"] if o["level"] == "group" and o["id"].startswith("pg-xf"))
    button = web.page.locator('.lg[data-key="group"]')
    assert button.inner_text().startswith("党小组")
    button.click()
    assert web.page.evaluate("picture.nodes.get({filter: n => n.hidden}).length") == groups
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert web.page.evaluate("picture.nodes.get({filter: n => n.hidden}).length") == 0
    web.assert_clean()


def test_search_finds_and_selects(web: Web) -> None:
    web.goto("/pictures/network/tree?street_id=s-xf", ready=True)
    web.page.fill("#q", "斜桥巷社区党总支")
    assert web.page.inner_text("#found") == "找到 1 个"
    assert web.page.evaluate("picture.network.getSelectedNodes()") == [HUB]
    web.page.fill("#q", "党小组")
    assert int(re.search(r"\d+", web.page.inner_text("#found")).group()) > 50  # type: ignore[union-attr]
    web.assert_clean()


def test_double_click_drills_down_to_the_ego_picture(web: Web) -> None:
    web.goto("/pictures/network/tree?street_id=s-xf", ready=True)
    web.page.evaluate(f"picture.network.body.emitter.emit('doubleClick', {{nodes: ['{HUB}'], edges: []}})")
    web.page.wait_for_url(f"**/pictures/network/ego/{HUB}*")
    web.page.wait_for_function(READY)
    assert web.page.inner_text("h1") == "斜桥巷社区党总支 的关系网络"
    web.assert_clean()


def test_standalone_picture_opens_from_disk_with_no_request(browser: object, site: Site, graph: Graph,
                                                             tmp_path: Path) -> None:
    from graphsvc.schemas.network import Selection
    from graphsvc.scope import LOCAL_ADMIN
    from graphsvc.services import network

    page = tmp_path / "tree.html"  # as `graphsvc viz tree` writes it
    page.write_text(network.tree_picture(graph, LOCAL_ADMIN, Selection(street_id="s-xf"), standalone=True), encoding="utf-8")
    ctx, web = open_tab(browser, "file://", "admin", None)
    try:
        web.page.goto(page.as_uri())
        web.page.wait_for_function(READY)
        assert web.errors == []
        assert [u for u in web.requests if not u.startswith(("file://", "data:"))] == []
        assert web.page.evaluate("picture.nodes.length") == 202
    finally:
        ctx.close()


PAGES = [
    ("/", "共建图谱", "新丰街街道"),
    ("/pages/streets/s-xf", "新丰街街道 · 街道概览", "各项规则覆盖率"),
    ("/pages/gaps?street_id=s-xf", "覆盖缺口", "党小组联幢：没有党小组覆盖的住宅楼"),
    ("/pages/matching?street_id=s-xf", "共建匹配", "建议新增结对"),
    ("/pages/pairing", "城乡结对", "稳定方案"),
    ("/pages/network?street_id=s-xf", "党组织网络分析", "中介（桥梁）作用大的党组织"),
    ("/pages/pictures", "关系图", "党组织架构图"),
]


@pytest.mark.parametrize(("path", "title", "text"), PAGES)
def test_page_loads_clean_in_chinese(web: Web, path: str, title: str, text: str) -> None:
    web.goto(path)
    web.page.wait_for_timeout(200)
    web.assert_clean()
    assert web.page.inner_text("h1") == title
    assert text in web.text()
    web.assert_chinese("h1", "nav a", "td, p")


# Other pictures, linked from the pages: they too must draw offline and clean.
LINKED_PICTURES = [
    "/pictures/coverage?community_id=c-xf01",
    "/pictures/matching?street_id=s-xf",
    "/pairing/urban-rural/network",
    "/pairing/urban-rural/map",
]


@pytest.mark.parametrize("path", LINKED_PICTURES)
def test_linked_picture_draws_clean(web: Web, path: str) -> None:
    web.goto(path, ready=True)
    web.page.wait_for_timeout(200)
    web.assert_clean()
    assert web.page.evaluate("picture.nodes.length") > 0


def test_every_link_of_home_and_pictures_pages_answers(web: Web) -> None:
    links: dict[str, str] = {}
    for page in ("/", "/pages/pictures", "/pages/streets/s-xf"):
        web.goto(page)
        for href in web.page.eval_on_selector_all('a[href^="/"]', "as => as.map(a => a.getAttribute('href'))"):
            links.setdefault(href.split("?")[0], href)  # one link per route
    statuses = web.page.evaluate("hrefs => Promise.all(hrefs.map(h => fetch(h).then(r => r.status)))", list(links.values()))
    assert dict(zip(links.values(), statuses)) == dict.fromkeys(links.values(), 200)


def test_analyst_pages_mask_names_and_show_no_phone(browse: Callable[..., Web], site: Site) -> None:
    web = browse("analyst")
    web.goto("/pages/gaps?street_id=s-xf", shot="gaps-masked")
    text = web.text("main")
    names = {m["name"] for m in site.ledger["members"]}
    assert not [n for n in names if n in text]  # no member's full name
    masked = set(re.findall(r"\w\*", text))
    assert masked and {m[0] for m in masked} <= {n[0] for n in names}  # members appear as 张*
    assert not re.search(r"1[3-9]\d{9}", text)  # no mobile phone number
    assert "分析人员" in web.text("header")


def test_scope_picker_offers_only_what_the_key_may_see(browse: Callable[..., Web], site: Site) -> None:
    web = browse("community")
    web.goto("/", shot="home")
    options = web.page.eval_on_selector_all("#scope-community option", "os => os.map(o => o.value)")
    assert options == ["c-xf01"]
    assert "社区工作人员" in web.text("header")
    web.assert_clean()
    web.goto("/pages/gaps?community_id=c-xf02", shot="gaps-out-of-scope")
    assert web.page.inner_text("h1") in ("无权查看", "找不到页面")  # a Chinese page, not JSON
    assert "斜桥巷" not in web.text("main") and "error" not in web.text()


def test_error_pages_are_chinese_html(web: Web) -> None:
    response = web.goto("/pages/streets/s-nowhere", shot="404")
    assert response.status == 404 and web.page.inner_text("h1") == "找不到页面"
    response = web.goto("/pages/gaps?rule=nonsense", shot="422")
    assert response.status == 422 and web.page.inner_text("h1") == "请求有误"
    assert "rule" in web.text("main")  # names the parameter
    response = web.goto("/no/such/page", shot="404-route")
    assert response.status == 404 and "找不到" in web.text()
    web.assert_chinese("h1")


def test_docs_render_offline(web: Web) -> None:
    web.goto("/docs")
    web.page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    web.shoot("docs")
    assert web.page.locator(".opblock").count() > 20
    web.assert_clean()


def test_log_out_forgets_the_key(web: Web) -> None:
    web.goto("/")
    web.page.click("text=退出登录")
    web.page.wait_for_url("**/login")
    web.goto("/pages/gaps", shot="after-logout")
    assert web.page.url.endswith("/login")
