"""Malformed ids in every path, query and body that takes one: a 4xx (never a 5xx) with the one error body.

Ids follow one grammar (graphsvc/schemas/ids.py); NUL, markup, slashes, spaces, overlong ids and lone
surrogates are refused at the edge with 422, before they reach the graph. Page routes answer a person
with a Chinese HTML error page instead of the JSON body; they must not answer 5xx either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from graphsvc.main import create_app
from graphsvc.schemas.ids import ID_MESSAGE
from graphsvc.settings import Settings
from tests.conftest import bearer

BAD_IDS = ["a\x00b", "<b>x</b>", "x" * 5000, "../x", "a b", "x\u202e", "\ud800"]
BAD_INTS = ["-1", str(10**30), "abc"]
INT_PARAMS = {"limit", "skip", "offset", "top", "page", "k", "radius", "seed", "year", "help_cap"}
ID_PARAMS = re.compile(r"^(\w+_id|source|target|must_pair|drop)$")
PATHS = create_app(Settings()).openapi()["paths"]
CJK = re.compile(r"[\u4e00-\u9fff]")
SAMPLE = {  # a fitting value for the path parameters that are not ids
    "tab": "needs", "kind": "pairings", "name": "brokers",
}


@pytest.fixture(scope="module")
def client(settings: Settings, example_path: Path, admin_token: str) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app, headers=bearer(admin_token), raise_server_exceptions=False) as c:
        r = c.post("/ledger", files={"file": ("ledger.json", example_path.read_bytes(), "application/json")})
        assert r.status_code == 200, r.text
        yield c


def _q(value: str) -> str:
    """`value` percent-encoded as UTF-8; a lone surrogate as the bytes it would have (not valid UTF-8)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def assert_refused(r: Any, what: str) -> None:
    assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:300]}"
    if "text/html" in r.headers.get("content-type", ""):
        return  # a page's Chinese error page (or the page itself, for a value that only narrows nothing)
    assert 400 <= r.status_code < 500, f"{what}: {r.status_code} {r.text[:300]}"
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, f"{what}: {r.text[:300]}"
    assert CJK.search(body["error"]["message"]), f"{what}: {body}"


def _cases() -> list[tuple[str, str, str, str]]:
    """(method, path template, parameter, where) for every id or count parameter of every operation."""
    out = []
    for path, ops in PATHS.items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                if ID_PARAMS.match(p["name"]) or p["name"] in INT_PARAMS:
                    out.append((method.upper(), path, p["name"], p["in"]))
    return out


def _url(path: str, name: str, where: str, value: str) -> str:
    filled = {k: SAMPLE.get(k, "x1") for k in re.findall(r"{(\w+)}", path)}
    if where == "path":
        filled[name] = _q(value)
    url = path.format(**filled)
    return f"{url}?{name}={_q(value)}" if where == "query" else url


@pytest.mark.parametrize(("method", "path", "name", "where"), _cases(), ids=str)
def test_malformed_ids_and_counts_are_refused(client: TestClient, method: str, path: str, name: str, where: str) -> None:
    values = BAD_INTS if name in INT_PARAMS else BAD_IDS
    body: dict[str, Any] | None = {} if method in ("PATCH", "POST") and where == "path" and "/pages/" not in path else None
    for value in values:
        r = client.request(method, _url(path, name, where, value), json=body)
        if name in INT_PARAMS and r.status_code < 300:
            continue  # a huge offset or seed may be answered (an empty page, another random order)
        assert_refused(r, f"{method} {path} {name}={value[:20]!r}")
        if where == "query" and not path.startswith(("/pages/", "/pictures/", "/login")):
            assert r.status_code in (404, 422), f"{method} {path} {name}={value[:20]!r}: {r.status_code}"


def _json(client: TestClient, method: str, path: str, body: dict[str, Any]) -> Any:
    """`body` as JSON text with \\u escapes, so a lone surrogate arrives as the client sent it."""
    return client.request(method, path, content=json.dumps(body), headers={"content-type": "application/json"})


@pytest.mark.parametrize("bad", BAD_IDS, ids=range(len(BAD_IDS)))
def test_malformed_ids_in_rectification_bodies(client: TestClient, bad: str) -> None:
    good = {"rule": "household_unlinked", "target_id": "h-1", "org_id": "po-kl", "due": "2026-12-31"}
    for field in ("target_id", "org_id"):
        r = _json(client, "POST", "/rectifications", {**good, field: bad})
        assert_refused(r, f"POST /rectifications {field}")
        assert r.status_code == 422
    r = _json(client, "PATCH", "/rectifications/rx-000000000000", {"org_id": bad})
    assert_refused(r, "PATCH /rectifications org_id")
    assert r.status_code == 422
    r = _json(client, "POST", "/coverage/what-if", {"member_ids": [bad], "org_ids": []})
    assert_refused(r, "POST /coverage/what-if member_ids")
    assert r.status_code == 422


@pytest.mark.parametrize("field", ["person", "note"])
def test_control_characters_in_rectification_text(client: TestClient, field: str) -> None:
    """A gap the rule finds (so the request gets past every lookup): text with NUL or a lone surrogate is refused."""
    good = {"rule": "building_without_group", "target_id": "b-kl-2", "org_id": "pg-kl-1", "due": "2099-12-31"}
    for bad in ("a\x00b", "a\x07b", "\ud800"):
        r = _json(client, "POST", "/rectifications", {**good, field: bad})
        assert_refused(r, f"POST /rectifications {field}={bad!r}")
    created = client.post("/rectifications", json=good)  # the second time: 409, one open task per gap
    rect_id = created.json()["id"] if created.status_code == 201 else client.get("/rectifications").json()["items"][0]["id"]
    for bad in ("a\x00b", "a\x07b", "\ud800"):
        r = _json(client, "PATCH", f"/rectifications/{rect_id}", {field: bad})
        assert_refused(r, f"PATCH /rectifications {field}={bad!r}")


def test_since_must_be_a_date_or_time(client: TestClient) -> None:
    for bad in ("a\x00b", "<b>", "x" * 41, "2026-13-xx"):
        r = client.get("/coverage/history", params={"since": bad})
        assert_refused(r, f"since={bad[:10]!r}")
        assert r.status_code == 422
    assert client.get("/coverage/history", params={"since": "2026-12-01T08:00:00"}).status_code == 200


def test_a_picker_left_on_all_still_works(client: TestClient) -> None:
    """The pages' scope picker sends "" for 全部: that is no filter, not a malformed id."""
    for path in ("/map/layers", "/coverage/history", "/rectifications", "/pages/map", "/pages/trends",
                 "/pages/rectifications"):
        r = client.get(path, params={"street_id": "", "community_id": ""})
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"


FORMS = [  # (path, the form without the malformed field, the field)
    ("/pages/matching/sharings", {"resource_id": "r-1", "community_id": "c-kl", "units": "1"}, "need_id"),
    ("/pages/gaps/what-if", {}, "org_id"),
    ("/pages/gaps/what-if", {}, "member_id"),
    ("/pages/admin/keys", {"role": "community"}, "scope_id"),
    ("/pages/admin/keys", {"role": "community", "scope_id": "c-kl"}, "name"),
]


@pytest.mark.parametrize(("path", "form", "field"), FORMS)
def test_malformed_ids_in_page_forms(client: TestClient, path: str, form: dict[str, str], field: str) -> None:
    for bad in BAD_IDS:
        r = client.post(path, content="&".join(f"{k}={_q(v)}" for k, v in {**form, field: bad}.items()),
                        headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code < 500, f"{path} {field}={bad[:20]!r}: {r.status_code} {r.text[:300]}"
        if field.endswith("_id"):  # a name may hold markup (it is escaped where shown); an id may not
            assert r.headers["content-type"].startswith("text/html")  # the error page, or the form with the error
            # a typed id (what-if) is answered in place, beside the form: htmx does not swap in a 4xx
            assert 400 <= r.status_code < 500 or ID_MESSAGE in r.text, f"{path} {field}={bad[:20]!r}: {r.status_code}"


@pytest.mark.parametrize(("path", "name"), [("/pages/admin/audit", "action"), ("/audit", "action")])
def test_malformed_action_filters(client: TestClient, path: str, name: str) -> None:
    for bad in BAD_IDS:
        assert_refused(client.get(f"{path}?{name}={_q(bad)}"), f"{path} {name}={bad[:20]!r}")


@pytest.mark.parametrize(("path", "name"), [("/pages/admin/audit", "actor"), ("/pages/network/search", "q")])
def test_free_text_filters_never_fail(client: TestClient, path: str, name: str) -> None:
    """Free text (a name to search, who did it): any text is a question with an answer, maybe an empty one."""
    for bad in BAD_IDS:
        r = client.get(f"{path}?{name}={_q(bad)}")
        assert r.status_code < 500, f"{path} {name}={bad[:20]!r}: {r.status_code} {r.text[:300]}"
