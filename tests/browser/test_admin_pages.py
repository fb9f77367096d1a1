"""The ledger page (upload: error table or counts; downloads) and the admin pages (keys, audit) in the browser."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.browser.conftest import Site, Web
from tests.conftest import bearer


def test_upload_shows_every_error_with_table_row_and_column(web: Web, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"buildings": [{"id": "b-bad", "name": "坏楼", "kind": "residential",
                                              "community_id": "c-nowhere", "lat": 31.7, "lon": 119.9}]}), encoding="utf-8")
    web.goto("/pages/ledger")
    web.assert_chinese("h1", "h2")
    web.page.set_input_files("input[type=file]", str(bad))
    web.page.click("text=上传并导入")
    web.page.locator("#upload-result table").wait_for()
    web.shoot("ledger-upload-errors")
    heads = web.page.eval_on_selector_all("#upload-result th", "ts => ts.map(t => t.textContent)")
    assert heads == ["表", "行", "列", "问题"]
    cells = web.page.eval_on_selector_all("#upload-result td", "ts => ts.map(t => t.textContent)")
    assert "buildings" in cells and "community_id" in cells
    assert "未写入" in web.text("#upload-result")
    web.assert_clean()


def test_upload_of_a_good_ledger_shows_its_counts(web: Web, site: Site, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"streets": [{"id": "s-upload", "name": "上传街道", "district": "测试区", "city": "测试市"}]},
                               ensure_ascii=False), encoding="utf-8")
    web.goto("/pages/ledger")
    web.page.set_input_files("input[type=file]", str(good))
    web.page.click("text=上传并导入")
    web.page.locator("#upload-result .flash").wait_for()
    web.shoot("ledger-upload-ok")
    assert "导入成功" in web.text("#upload-result")
    r = web.page.request.get(site.base + "/streets", headers=bearer(site.tokens["admin"]))
    assert "s-upload" in r.text()


def test_downloads_follow_the_key(browse: Callable[..., Web], site: Site) -> None:
    web = browse("street")
    web.goto("/pages/ledger", shot="ledger")
    assert web.page.locator("input[type=file]").count() == 0  # only admins import
    hrefs = web.page.eval_on_selector_all("a[download]", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["/ledger?format=xlsx", "/ledger?format=csv", "/ledger?format=json"]
    r = web.page.request.get(site.base + "/ledger?format=json", timeout=180_000)
    assert r.ok and {c["id"] for c in r.json()["communities"]} <= {c["id"] for c in site.ledger["communities"]
                                                                     if c["street_id"] == "s-xf"}
    web.page.select_option("#scope-community", "c-xf02")  # the scope picker narrows the download
    web.page.wait_for_url("**community_id=c-xf02**")
    web.shoot("ledger-one-community")
    hrefs = web.page.eval_on_selector_all("a[download]", "as => as.map(a => a.getAttribute('href'))")
    assert all(h.endswith("street_id=s-xf&community_id=c-xf02") for h in hrefs), hrefs
    one = web.page.request.get(site.base + hrefs[-1], timeout=180_000).json()
    assert [c["id"] for c in one["communities"]] == ["c-xf02"]
    assert {b["community_id"] for b in one["buildings"]} == {"c-xf02"}
    other = web.page.request.get(site.base + "/ledger?format=json&street_id=s-other")
    assert other.status == 404  # another street reads as absent
    analyst = browse("analyst")
    analyst.goto("/pages/ledger", shot="ledger")
    assert analyst.page.locator("a[download]").count() == 0
    web.assert_clean()


def test_admin_creates_and_revokes_a_key_and_sees_it_in_the_audit(web: Web, site: Site) -> None:
    web.goto("/pages/admin/keys")
    web.page.fill("input[name=name]", "二社区")
    web.page.select_option("select[name=role]", "community")
    web.page.select_option("select[name=scope_id]", "c-xf02")
    web.page.click("text=创建")
    web.page.locator("#new-token").wait_for()
    web.shoot("admin-keys-created")
    token = web.page.inner_text("#new-token")
    assert web.page.request.get(site.base + "/communities", headers=bearer(token)).ok
    row = web.page.locator("tr", has_text="二社区")
    row.locator("button", has_text="撤销").click()
    web.page.locator("tr", has_text="二社区").locator("text=已撤销").wait_for()
    web.goto("/pages/admin/audit?action=key.revoke")
    assert web.page.locator("td", has_text="撤销密钥").count() >= 1
    assert web.page.locator("td", has_text="创建密钥").count() == 0
    web.goto("/pages/admin/audit?actor=test-admin")
    assert "创建密钥" in web.text("table")
    web.assert_clean()


def test_admin_pages_refuse_other_roles_in_chinese(browse: Callable[..., Web]) -> None:
    web = browse("street")
    assert "密钥" not in web.text("nav") if web.goto("/") else True
    response = web.goto("/pages/admin/keys", shot="admin-keys-refused")
    assert response.status == 403 and web.page.inner_text("h1") == "无权查看"


def test_a_workbook_with_errors_comes_back_annotated(web: Web, tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "buildings"
    sheet.append(["id", "name", "kind", "community_id", "lat", "lon"])
    sheet.append(["b-bad", "坏楼", "residential", "c-nowhere", 31.7, 119.9])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    web.goto("/pages/ledger")
    web.page.set_input_files("input[type=file]", str(path))
    web.page.click("text=上传并导入")
    web.page.locator("#annotated").wait_for()
    web.shoot("ledger-upload-xlsx-errors")
    assert "community_id" in web.text("#upload-result table") or "所属社区" in web.text("#upload-result table")
    with web.page.expect_download() as got:
        web.page.click("#annotated")
    saved = tmp_path / "annotated.xlsx"
    got.value.save_as(saved)
    assert any("错误" in name for name in load_workbook(saved).sheetnames)
    web.assert_clean()
