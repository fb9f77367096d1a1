"""Each user's job on the work pages, clicked through in the browser as that user's key, then
checked through the API: the street committee (共建匹配), the county (城乡结对), the analyst (网络分析).

After each write the graph has changed; after 取消 in a confirmation it has not. Every page is
clean (no console error, nothing from outside), Chinese, at 1366×768; screenshots go to the
harness's folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import COMMUNITY, READY, Site, Web

HUB = "po-xf01"  # 斜桥巷社区党总支


def api(web: Web, path: str) -> Any:
    """GET through the API with the tab's own key (its cookie)."""
    r = web.page.request.get(web.base + path)
    assert r.ok, (path, r.status, r.text()[:300])
    return r.json()


def confirm(web: Web, accept: bool) -> None:
    web.page.once("dialog", lambda d: d.accept() if accept else d.dismiss())


def wait_htmx(web: Web) -> None:
    web.page.wait_for_function("() => !document.querySelector('.htmx-request')")


# --- the street committee --------------------------------------------------------------------------


def test_street_committee_pairs_a_partner_with_chosen_themes(browse: Callable[..., Web]) -> None:
    web = browse("street")
    web.goto("/pages/matching?street_id=s-xf", shot="matching-partners")
    web.assert_clean()
    web.assert_chinese("h1", ".tabs a", "td")
    assert web.page.locator(".tabs a").first.inner_text() == "结对建议"  # suggestions first
    before = api(web, "/records/pairings?kind=co_construction")["count"]

    row = web.page.locator("tr[id^=pair-]").first
    org_a = row.locator("input[name=org_a]").get_attribute("value")
    org_b = row.locator("input[name=org_b]").get_attribute("value")
    # 取消 in the confirmation writes nothing
    confirm(web, False)
    row.get_by_role("button", name="结对").click()
    web.page.wait_for_timeout(300)
    assert api(web, "/records/pairings?kind=co_construction")["count"] == before

    boxes = row.locator("input[name=themes]")
    for i in range(boxes.count()):
        boxes.nth(i).set_checked(i in (0, 4))  # 党建联做 and 社会治安联防 only
    confirm(web, True)
    row.get_by_role("button", name="结对").click()
    web.page.wait_for_selector("tr.done .msg.ok")
    assert "已结对" in web.page.inner_text("tr.done")
    web.shoot("matching-paired")
    after = api(web, "/records/pairings?kind=co_construction")
    assert after["count"] == before + 1
    made = next(p for p in after["items"] if {p["org_a"], p["org_b"]} == {org_a, org_b})
    assert made["themes"] == ["party_work", "security"] and made["source"] == "suggestion"
    web.assert_clean()


def test_street_committee_allocates_and_accepts_one_row(browse: Callable[..., Web]) -> None:
    web = browse("street")
    web.goto("/pages/matching?street_id=s-xf&tab=allocate", shot="matching-allocate")
    before = api(web, "/records/sharings?state=all")["count"]
    web.page.get_by_role("button", name="一键分配").click()
    web.page.wait_for_selector("tr[id^=flow-]")
    web.shoot("matching-allocated")
    assert "公里" in web.page.inner_text("tr[id^=flow-] >> nth=0")
    row = web.page.locator("tr[id^=flow-]").first
    units = int(row.locator("td").nth(3).inner_text())
    confirm(web, False)
    row.get_by_role("button", name="采纳").click()
    web.page.wait_for_timeout(300)
    assert api(web, "/records/sharings?state=all")["count"] == before
    confirm(web, True)
    row.get_by_role("button", name="采纳").click()
    web.page.wait_for_selector("tr.done .msg.ok")
    after = api(web, "/records/sharings?state=all")
    assert after["count"] == before + 1
    new = [s for s in after["items"] if s["source"] == "suggestion"]
    assert len(new) == 1 and new[0]["units"] == units
    web.assert_clean()


def test_street_committee_ends_a_record_and_adds_a_project(browse: Callable[..., Web]) -> None:
    web = browse("street")
    web.goto("/pages/matching?street_id=s-xf&tab=records&kind=pairings", shot="matching-records")
    first = web.page.locator("tr[id^=rec-]").first
    current = {p["id"] for p in api(web, "/records/pairings?kind=co_construction")["items"]}
    confirm(web, True)
    first.get_by_role("button", name="结束").click()
    web.page.wait_for_selector("tr.done .msg.ok")
    ended = re.search(r"结对 (\S+) 已结束", web.page.inner_text("tr.done")).group(1)  # type: ignore[union-attr]
    assert ended in current and ended not in {p["id"] for p in api(web, "/records/pairings?kind=co_construction")["items"]}
    assert any(p["id"] == ended and p["ended_at"] for p in api(web, "/records/pairings?state=ended")["items"])

    # a finished project: it counts in the year's 十佳 ranking
    web.goto("/pages/matching?street_id=s-xf&tab=projects", shot="matching-projects")
    web.assert_clean()
    before = api(web, "/records/projects")["count"]
    form = web.page.locator("#project-form")
    form.locator("input[name=name]").fill("老旧小区加装电梯")
    form.locator("select[name=theme]").select_option("infrastructure")
    form.locator("input[name=outcome]").fill("88")
    form.locator("input[name=satisfaction]").fill("95")
    form.get_by_role("button", name="添加项目").click()
    web.page.wait_for_selector("#project-msg .msg.ok")
    projects = api(web, "/records/projects")
    assert projects["count"] == before + 1
    made = next(p for p in projects["items"] if p["name"] == "老旧小区加装电梯")
    assert made["status"] == "done" and made["satisfaction"] == 95 and made["theme"] == "infrastructure"
    # a bad number is refused in Chinese, nothing written
    form.locator("input[name=name]").fill("不该写入")
    form.locator("input[name=satisfaction]").evaluate("e => e.removeAttribute('max')")
    form.locator("input[name=satisfaction]").fill("150")
    form.get_by_role("button", name="添加项目").click()
    web.page.wait_for_selector("#project-msg .msg.err")
    assert "满意度" in web.page.inner_text("#project-msg")
    assert api(web, "/records/projects")["count"] == before + 1
    web.shoot("matching-project-added")


def test_needs_show_urgency_in_words_and_distance_in_km(browse: Callable[..., Web]) -> None:
    web = browse("street")
    web.goto("/pages/matching?street_id=s-xf&tab=needs", shot="matching-needs")
    text = web.text("#tab")
    assert re.search(r"[1-5] (不急|一般|较急|紧急|非常紧急)", text) and "公里" in text
    pager = web.page.locator(".pager")
    if pager.count():  # paged: 显示全部 shows every row in place
        web.page.get_by_role("button", name="显示全部").click()
        web.page.wait_for_selector("text=已显示全部")
    web.assert_clean()


def test_community_key_sees_only_its_community(browse: Callable[..., Web], site: Site) -> None:
    web = browse("community")
    name = next(c["name"] for c in site.ledger["communities"] if c["id"] == COMMUNITY)
    web.goto("/pages/matching?tab=needs", shot="matching-community")
    rows = web.page.locator("#tab table tr").all()[1:]
    assert rows and all(r.locator("td").first.inner_text() == name for r in rows)
    web.goto("/pages/network", ready=True, shot="network-community")
    communities = set(web.page.evaluate("picture.nodes.get().map(n => n.cluster).filter(Boolean)"))
    assert communities <= {name}
    web.assert_clean()


# --- the county organisation department -------------------------------------------------------------


def test_a_street_without_villages_is_told_so_not_shown_empty_plans(browse: Callable[..., Web]) -> None:
    web = browse("street")  # 新丰街街道 has communities only: no village to pair with
    web.goto("/pages/pairing", shot="pairing-street")
    note = web.page.locator("#plan .flash").inner_text()
    assert "没有村" in note and "县（区）委组织部" in note
    assert web.page.locator("#plan table").count() == 0
    web.assert_clean()


def test_county_forbids_a_pair_recomputes_and_accepts(browse: Callable[..., Web]) -> None:
    web = browse("admin")
    web.goto("/pages/pairing", shot="pairing")
    web.assert_clean()
    web.assert_chinese("h1", "h2", "td")
    assert web.page.locator("h2", has_text="最优方案").count() and web.page.locator("h2", has_text="稳定方案").count()
    row = web.page.locator("tr[id^=optimal-]", has=web.page.get_by_role("button", name="采纳")).first
    urban, rural = row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text().split("\n")[0]
    row.locator("input[name=forbid]").check()
    web.page.get_by_role("button", name="重新计算").click()
    web.page.wait_for_selector("#changes")
    web.shoot("pairing-recomputed")
    changes = web.page.inner_text("#changes")
    assert f"{urban} — {rural}" in changes and "去掉" in changes
    assert f"{urban} — {rural}" not in web.page.inner_text("section[aria-label=最优方案] table")

    before = api(web, "/records/pairings?kind=urban_rural")["count"]
    accept_row = web.page.locator("tr[id^=optimal-]", has=web.page.get_by_role("button", name="采纳")).first
    confirm(web, False)
    accept_row.get_by_role("button", name="采纳").click()
    web.page.wait_for_timeout(300)
    assert api(web, "/records/pairings?kind=urban_rural")["count"] == before
    confirm(web, True)
    accept_row.get_by_role("button", name="采纳").click()
    web.page.wait_for_selector("tr.done .msg.ok")
    assert api(web, "/records/pairings?kind=urban_rural")["count"] == before + 1
    web.assert_clean()


def test_county_drops_an_organisation_and_raises_a_cap(browse: Callable[..., Web]) -> None:
    web = browse("admin")  # the county's key: villages are outside a street key's scope
    web.goto("/pages/pairing", shot="pairing-county")
    first = web.page.locator("tr[id^=optimal-]").first
    urban = first.locator("td").nth(0).inner_text()
    web.page.get_by_label(f"{urban} 不参加").check()
    web.page.locator("input[name=urban_cap]").fill("2")
    web.page.get_by_role("button", name="重新计算").click()
    web.page.wait_for_selector("#changes")
    optimal = web.page.inner_text("section[aria-label=最优方案] table")
    assert urban not in optimal.split("\n", 1)[1]  # dropped: in no pair of the new plan
    assert web.page.locator("input[name=urban_cap]").input_value() == "2"
    assert web.page.locator("input[name=drop]:checked").count() == 1  # the form keeps what was asked
    web.shoot("pairing-dropped")
    web.assert_clean()


# --- the analyst ----------------------------------------------------------------------------------


def test_analyst_filters_searches_opens_expands_and_finds_a_path(browse: Callable[..., Web], site: Site) -> None:
    web = browse("analyst")
    web.goto("/pages/network?street_id=s-xf&levels=general_branch&levels=working_committee", ready=True,
             shot="network-analyst")
    web.assert_chinese("h1", "td")
    shown = web.page.evaluate("picture.nodes.length")
    levels = {o["id"]: o["level"] for o in site.ledger["party_orgs"]}
    assert all(levels[i] in ("general_branch", "working_committee") for i in web.page.evaluate("picture.nodes.getIds()"))

    # filter the kinds of tie: only the hierarchy
    web.page.locator("input[name=kinds]").evaluate_all("bs => bs.forEach(b => b.checked = b.value === 'UNDER')")
    web.page.get_by_role("button", name="筛选").click()
    web.page.wait_for_function(READY)
    assert "kinds=UNDER" in web.page.url
    assert set(web.page.evaluate("picture.edges.get().map(e => e.kind)")) == {"UNDER"}
    web.shoot("network-filtered")

    # click a node: its facts and metrics beside the picture
    web.page.evaluate(f"picture.network.body.emitter.emit('click', {{nodes: ['{HUB}'], edges: []}})")
    web.page.wait_for_selector(f"#side h2[data-org='{HUB}']")
    assert "中介中心性" in web.text("#side") and "党员" in web.text("#side")
    # 展开: its neighbours (of every level) join the picture in place
    web.page.locator("#side").get_by_role("button", name="展开").click()
    web.page.wait_for_function(f"() => picture.nodes.length > {shown}")
    assert any(levels[i] == "group" for i in web.page.evaluate("picture.nodes.getIds()"))

    # search the whole scope, pick a hit: it is framed and its panel opens
    web.page.fill("#q", "斜桥巷小区1幢")  # a group of the street: not in the picture (filtered by level)
    web.page.wait_for_selector("#hits li[data-id]")
    hit = web.page.locator("#hits li[data-id]").first.get_attribute("data-id")
    web.page.locator("#hits li[data-id]").first.click()
    web.page.wait_for_selector(f"#side h2[data-org='{hit}']")
    assert web.page.evaluate("picture.network.getSelectedNodes()") == [hit]

    # two ends: the shortest chain is highlighted, as long as the API says
    web.page.locator("#side").get_by_role("button", name="设为起点").click()
    web.page.evaluate("picture.network.body.emitter.emit('click', {nodes: ['po-xf'], edges: []})")
    web.page.wait_for_selector("#side h2[data-org='po-xf']")
    web.page.locator("#side").get_by_role("button", name="设为终点").click()
    web.page.wait_for_function("() => document.getElementById('path-note').dataset.steps")
    steps = int(web.page.get_attribute("#path-note", "data-steps") or 0)
    path = api(web, f"/network/path?street_id=s-xf&kinds=UNDER&source={hit}&target=po-xf")
    assert path["found"] and steps == path["length"]
    assert int(web.page.get_attribute("#path-note", "data-lit") or 0) == steps  # every step's tie lit
    assert web.page.evaluate("picture.network.getSelectedNodes().length") == steps + 1
    web.shoot("network-path")
    web.assert_clean()


def test_analyst_tables_page_and_show_all(browse: Callable[..., Web]) -> None:
    web = browse("analyst")
    web.goto("/pages/network?street_id=s-xf", ready=True)
    for name in ("brokers", "hierarchy_bridges", "other_bridges", "clusters", "isolated"):
        assert web.page.locator(f"#t-{name} h2").count() == 1
    brokers = web.page.locator("#t-brokers")
    assert brokers.locator("tr").count() == 11  # the head and one page of 10
    brokers.get_by_role("button", name="下一页").click()
    web.page.wait_for_selector("#t-brokers >> text=第 2 /")
    brokers.get_by_role("button", name="显示全部").click()
    web.page.wait_for_selector("#t-brokers >> text=已显示全部")
    assert brokers.locator("tr").count() > 11
    web.assert_clean()


def test_analyst_gets_no_write_buttons_and_writes_are_refused(browse: Callable[..., Web], site: Site) -> None:
    web = browse("analyst")
    for path in ("/pages/matching?street_id=s-xf", "/pages/matching?street_id=s-xf&tab=records",
                 "/pages/matching?street_id=s-xf&tab=projects", "/pages/pairing"):
        web.goto(path, shot=f"analyst-{path}")
        web.assert_clean()
        for label in ("结对", "采纳", "结束", "添加项目"):
            assert web.page.get_by_role("button", name=label, exact=True).count() == 0, (path, label)
        text = web.text()
        assert not any(m["name"] in text for m in site.ledger["members"])  # no member's full name
        assert not re.search(r"1[3-9]\d{9}", text)  # no phone number
    before = api(web, "/records/pairings")["count"]
    r = web.page.request.post(web.base + "/pages/matching/pair",
                              form={"org_a": HUB, "org_b": "po-xf-u001", "themes": "welfare"})
    assert "无权" in r.text() and api(web, "/records/pairings")["count"] == before


# --- the pictures -----------------------------------------------------------------------------------


def test_network_picture_opens_collapsed_expands_on_click_and_legend_is_what_is_drawn(web: Web) -> None:
    web.goto("/pictures/network?street_id=s-xf", ready=True, shot="picture-collapsed")
    web.assert_clean()
    clusters = web.page.evaluate("picture.nodes.getIds().filter(i => i.startsWith('cluster:'))")
    assert "cluster:斜桥巷社区" in clusters and len(clusters) >= 10
    assert web.page.evaluate(f"picture.nodes.get('{HUB}')") is None  # inside its collapsed community
    # at default zoom a name is drawn at a readable size (font size × zoom ≥ 11 px) or not at all (< 9 px,
    # vis's threshold): most communities are named, and no drawn name covers another
    sizes = web.page.evaluate("""() => { const s = picture.network.getScale();
        return picture.nodes.get().map(n => (n.font && n.font.size || 14) * s); }""")
    assert all(px >= 11 or px < 9 for px in sizes)
    named = web.page.evaluate("picture.labelled()")
    assert len([i for i in named if i.startswith("cluster:")]) >= len(clusters) // 2
    overlaps = web.page.evaluate("""() => { picture.fit(); const s = picture.network.getScale();
        const boxes = picture.labelled().map(id => picture.labelBox(id, s, picture.nodes.get(id).font.size * s));
        let n = 0;
        boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
            if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) n += 1; }));
        return n; }""")
    assert overlaps == 0
    web.page.evaluate("picture.network.body.emitter.emit('click', {nodes: ['cluster:斜桥巷社区'], edges: []})")
    web.page.wait_for_function(f"() => picture.nodes.get('{HUB}') !== null")
    assert web.page.evaluate("picture.nodes.get('cluster:斜桥巷社区')") is None
    web.shoot("picture-expanded")
    # the colours drawn are the legend's: every node and every line (vis's own state, not our data)
    drawn = web.page.evaluate("""() => {
        const b = picture.network.body, legend = new Set(picture.data.legend.map(l => l.color.toLowerCase()));
        const nodes = Object.values(b.nodes).filter(n => !n.isCluster && picture.nodes.get(n.id));
        const edges = Object.values(b.edges).filter(e => picture.edges.get(e.id));
        return {bad: nodes.filter(n => !legend.has(String(n.options.color.background).toLowerCase())).length
                   + edges.filter(e => !legend.has(String(e.options.color.color).toLowerCase())).length,
                nodes: nodes.length, edges: edges.length}; }""")
    assert drawn["bad"] == 0 and drawn["nodes"] > 40 and drawn["edges"] > 40
    assert "资源共享" in web.text("#legend")
    web.assert_clean()
