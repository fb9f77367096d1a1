"""The planner's job in the browser (覆盖缺口): accept one suggestion, accept all of a rule, cancel;
then the API says whether the graph changed. Analysts see no 采纳 and the server refuses them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphsvc.views.planner import Action, encode
from tests.browser.conftest import COMMUNITY, Site, Web
from tests.conftest import bearer


def api(web: Web, site: Site, role: str, path: str) -> Any:
    r = web.page.request.get(site.base + path, headers=bearer(site.tokens[role]))
    assert r.ok, (path, r.status)
    return r.json()


def gap_ids(web: Web, site: Site, rule: str, where: str = f"community_id={COMMUNITY}") -> list[str]:
    return api(web, site, "admin", f"/coverage/gaps?{where}&rule={rule}")["rules"][rule]["ids"]


def count(web: Web, rule: str) -> int:
    return int(web.page.inner_text(f"#count-{rule}"))


def test_accept_one_link_writes_it_and_the_row_leaves(browse: Callable[..., Web], site: Site) -> None:
    web = browse("street")
    web.goto(f"/pages/gaps?community_id={COMMUNITY}", shot="planner")
    web.assert_clean()
    web.assert_chinese("h1", "td")
    rule = "household_unlinked"
    before = count(web, rule)
    row = web.page.locator(f"#sec-{rule} tr[id^='row-hu-']").filter(has=web.page.locator("button", has_text="采纳")).first
    household = row.get_attribute("id").removeprefix("row-hu-")
    row = web.page.locator(f"#row-hu-{household}")
    assert household in gap_ids(web, site, rule)
    row.locator("button", has_text="采纳").click()
    confirm = row.locator(".confirm")
    confirm.wait_for()
    assert "确认后将写入以下 1 项" in confirm.inner_text() and "联系" in confirm.inner_text()
    web.shoot("planner-confirm")
    confirm.locator("button", has_text="确认写入").click()
    web.page.locator(f"#row-hu-{household}").wait_for(state="detached")
    web.page.wait_for_function(f"() => document.querySelector('#count-{rule}').textContent == '{before - 1}'")
    assert "已写入 1 项" in web.page.inner_text("#flash")
    assert int(web.page.inner_text(f"#toc-{rule}")) == before - 1
    rows_left = web.page.locator(f"#sec-{rule} tr[id^='row-hu-'] button", has_text="采纳").count()
    assert web.page.inner_text(f"#all-{rule} button") == f"全部采纳（{rows_left} 项）"  # renewed without the accepted one
    web.shoot("planner-accepted")
    web.assert_clean()
    assert household not in gap_ids(web, site, rule)  # the graph changed
    audit = api(web, site, "admin", "/audit?action=coverage.accept_links")
    assert audit["count"] >= 1 and audit["items"][0]["actor"].endswith("test-street")


def test_cancel_writes_nothing(web: Web, site: Site) -> None:
    rule = "vulnerable_without_helper"
    web.goto(f"/pages/gaps?community_id={COMMUNITY}&rule={rule}", shot="planner-helpers")
    rows = web.page.locator(f"#sec-{rule} tr[id^='row-vwh-']").filter(has=web.page.locator("button", has_text="采纳"))
    assert rows.count() >= 1, "a helper is suggested for a vulnerable household"
    row = rows.first
    household = row.get_attribute("id").removeprefix("row-vwh-")
    row = web.page.locator(f"#row-vwh-{household}")
    assert "帮扶" in row.inner_text()
    row.locator("button", has_text="采纳").click()
    row.locator(".confirm").wait_for()
    assert "一帮一" in row.locator(".confirm").inner_text()
    row.locator("button", has_text="取消").click()
    row.locator("button", has_text="采纳").wait_for()
    assert row.locator(".confirm").count() == 0
    web.assert_clean()
    assert household in gap_ids(web, site, rule)  # nothing written


def test_accept_all_of_a_rule(web: Web, site: Site) -> None:
    rule = "vulnerable_without_helper"
    web.goto(f"/pages/gaps?community_id={COMMUNITY}&rule={rule}")
    before = gap_ids(web, site, rule)
    accepting = web.page.locator(f"#sec-{rule} tr[id^='row-vwh-']").filter(
        has=web.page.locator("button", has_text="采纳")).count()
    web.page.locator(f"#sec-{rule} button", has_text="全部采纳").click()
    confirm = web.page.locator(f"#sec-{rule} .confirm")
    confirm.wait_for()
    assert f"确认后将写入以下 {accepting} 项" in confirm.inner_text()
    web.shoot("planner-accept-all-confirm")
    confirm.locator("button", has_text="确认写入").click()
    web.page.wait_for_function(f"() => document.querySelector('#count-{rule}').textContent == '{len(before) - accepting}'")
    web.shoot("planner-accept-all-done")
    assert web.page.locator(f"#sec-{rule} button", has_text="采纳").count() == 0
    assert len(gap_ids(web, site, rule)) == len(before) - accepting
    web.assert_clean()


def test_what_if_a_group_leaves(web: Web) -> None:
    web.goto(f"/pages/gaps?community_id={COMMUNITY}&rule=building_without_group")
    web.page.click("#whatif summary")
    options = web.page.eval_on_selector_all("#whatif select option", "os => os.map(o => o.value).filter(Boolean)")
    web.page.select_option("#whatif select", options[0])
    web.page.click("#whatif button")
    web.page.locator("#whatif-result p").first.wait_for()
    assert "离开" in web.page.inner_text("#whatif-result") and "失去党小组覆盖的楼栋" in web.page.inner_text("#whatif-result")
    web.shoot("planner-what-if")
    web.assert_clean()


def test_thresholds_form_recomputes(web: Web) -> None:
    web.goto(f"/pages/gaps?community_id={COMMUNITY}&rule=building_needs_branch")
    web.page.click("details.panel summary >> text=调整阈值")
    web.page.fill("input[name=branch_threshold]", "10")
    web.page.click("text=按新阈值重新计算")
    web.page.wait_for_url("**branch_threshold=10**")
    assert "居住党员超过 10 人" in web.text()
    assert web.page.input_value("input[name=branch_threshold]") == "10"
    web.assert_clean()


def test_analyst_reads_masked_and_cannot_accept(browse: Callable[..., Web], site: Site) -> None:
    web = browse("analyst")
    web.goto("/pages/gaps?street_id=s-xf", shot="planner-analyst")
    web.assert_clean()
    assert web.page.locator("button", has_text="采纳").count() == 0
    text = web.text("main")
    names = {m["name"] for m in site.ledger["members"]}
    assert not [n for n in names if n in text]  # every member name masked (张*)
    assert "*" in text
    # the server refuses an analyst's accept anyway
    web.goto(f"/pages/gaps?community_id={COMMUNITY}", shot="planner-analyst-community")
    household = gap_ids(web, site, "household_unlinked")[0]
    member = next(m["id"] for m in site.ledger["members"] if m["category"] != "mobile")
    forged = encode([Action(kind="links", body={"member_id": member, "household_id": household}, say="x")])
    r = web.page.request.post(site.base + "/pages/gaps/accept", form={
        "rule": "household_unlinked", "actions": forged, "ctx": f"community_id={COMMUNITY}"})
    assert r.status == 403
    assert household in gap_ids(web, site, "household_unlinked")


def test_community_key_sees_only_its_community(browse: Callable[..., Web], site: Site) -> None:
    web = browse("community")
    web.goto("/pages/gaps", shot="planner-community")
    web.assert_clean()
    own = {b["name"] for b in site.ledger["buildings"] if b["community_id"] == COMMUNITY}
    labels = web.page.eval_on_selector_all("tr[id^='row-hu-'] td:first-child", "ts => ts.map(t => t.textContent)")
    assert labels and all(label.rsplit(" ", 1)[0] in own for label in labels)


def test_a_refused_action_says_why(web: Web, site: Site) -> None:
    """An in-page action the server refuses (here a form tampered into a rule that does not exist: 422)
    shows the server's reason beside the button, and nothing is written."""
    rule = "household_unlinked"
    web.goto(f"/pages/gaps?community_id={COMMUNITY}&rule={rule}")
    before = gap_ids(web, site, rule)
    form = web.page.locator(f"#sec-{rule} tr[id^='row-hu-'] form.act").first
    form.evaluate("f => { f.querySelector('input[name=rule]').value = 'no_such_rule'; }")
    form.locator("button", has_text="采纳").click()
    said = web.page.locator(".action-err")
    said.wait_for()
    assert "参数不对" in said.inner_text() and "rule" in said.inner_text()
    web.shoot("planner-refused")
    assert gap_ids(web, site, rule) == before


def test_a_small_unit_joins_the_joint_branch_from_the_page(browse: Callable[..., Web], site: Site) -> None:
    web = browse("street")
    rule = "unit_without_branch"
    web.goto(f"/pages/gaps?rule={rule}")
    row = web.page.locator(f"#sec-{rule} tr[id^='row-uwb-']", has_text="转入").first
    row_id = row.get_attribute("id")
    unit = row_id.removeprefix("row-uwb-")
    assert unit in gap_ids(web, site, rule, "street_id=s-xf")
    row = web.page.locator(f"[id='{row_id}']")
    row.locator("button", has_text="采纳").click()
    confirm = row.locator(".confirm")
    confirm.wait_for()
    assert "组织关系" in confirm.inner_text() and "联合党支部" in confirm.inner_text()
    web.shoot("planner-joint-confirm")
    confirm.locator("button", has_text="确认写入").click()
    web.page.locator(f"[id='{row_id}']").wait_for(state="detached")
    web.assert_clean()
    assert unit not in gap_ids(web, site, rule, "street_id=s-xf")  # the graph changed
    members = api(web, site, "admin", "/audit?action=coverage.accept_joint")
    assert members["count"] >= 1
