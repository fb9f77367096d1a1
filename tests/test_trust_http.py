"""Hostile requests get a 4xx with the one error body; tokens are checked before bodies and cookies."""

from __future__ import annotations

import io
import json
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from graphsvc.errors import Unauthorized
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import read_path
from graphsvc.ingest.load import import_ledger
from graphsvc.main import create_app
from graphsvc.scope import Scope
from graphsvc.services import access
from graphsvc.settings import Settings
from tests.conftest import bearer, make_token
from tests.live import live_server


def _error(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:300])
    body = r.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), body
    return body["error"]


@pytest.fixture(scope="module")
def base_url(graph: Graph, settings: Settings, example_path: Path) -> Iterator[str]:
    import_ledger(graph, read_path(example_path))
    with live_server(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="module")
def admin(base_url: str, graph: Graph) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, headers=bearer(make_token(graph, "admin")), timeout=30) as c:
        yield c


def test_skip_and_limit_are_bounded(admin: httpx.Client) -> None:
    for path in ("/communities", "/orgs", "/audit"):
        _error(admin.get(path, params={"skip": 2**31}), 422)
        assert admin.get(path, params={"skip": 2**31 - 1}).status_code == 200
    _error(admin.get("/communities", params={"limit": 2**63}), 422)


@pytest.mark.parametrize("path,body", [
    ("/coverage/what-if", b'{"street_id": "\\ud800", "member_ids": []}'),
    ("/records/pairings", b'{"org_a": "\\udfff", "org_b": "x", "kind": "co_construction", "themes": []}'),
    ("/match/allocate", b'{"street_id": "s", "locked": [{"resource_id": "\\ud800x"}]}'),
    ("/pairing/urban-rural", b'{"urban_districts": ["\\ud83d"]}'),
])
def test_a_lone_surrogate_is_a_4xx(admin: httpx.Client, path: str, body: bytes) -> None:
    r = admin.post(path, content=body, headers={"Content-Type": "application/json"})
    assert _error(r, 422)["code"] == "invalid_input"


def test_deep_nesting_is_a_4xx(admin: httpx.Client) -> None:
    for depth in (100, 100_000):
        body = b'{"member_ids": ' + b"[" * depth + b"]" * depth + b"}"
        _error(admin.post("/coverage/what-if", content=body, headers={"Content-Type": "application/json"}), 422)


def test_a_huge_header_gets_the_error_body(base_url: str) -> None:
    r = httpx.get(f"{base_url}/health", headers={"X-Big": "a" * 1_000_000}, timeout=30)
    assert _error(r, 400)["code"] == "bad_request"


def _raw(base_url: str, head: str) -> bytes:
    """Send only a request head (no body follows) and return what the server answers within 10 s."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(head.encode())
        answer = b""
        try:
            while not answer.endswith(b"}}"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            pass
        return answer


def test_upload_token_and_size_checked_before_the_body(base_url: str, graph: Graph) -> None:
    head = "POST /ledger HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {n}\r\n{auth}\r\n"
    # no token: refused at once, though the 10 GB body never comes
    answer = _raw(base_url, head.format(n=10**10, auth=""))
    assert answer.startswith(b"HTTP/1.1 401") and b'"unauthorized"' in answer
    token = make_token(graph, "admin")
    answer = _raw(base_url, head.format(n=10**10, auth=f"Authorization: Bearer {token}\r\n"))
    assert answer.startswith(b"HTTP/1.1 413") and b'"too_large"' in answer
    chunked = head.replace("Content-Length: {n}", "Transfer-Encoding: chunked").format(auth=f"Authorization: Bearer {token}\r\n")
    assert _raw(base_url, chunked).startswith(b"HTTP/1.1 411")


def test_login_sets_a_cookie_only_for_a_valid_token(graph: Graph, settings: Settings) -> None:
    with TestClient(create_app(settings)) as c:
        r = c.post("/login", data={"token": "gsk_not-a-key"}, follow_redirects=False)
        assert r.status_code == 401 and "set-cookie" not in r.headers and "令牌无效" in r.text
        r = c.get("/login", params={"token": "gsk_not-a-key"}, follow_redirects=False)
        assert r.status_code == 401 and "set-cookie" not in r.headers
        r = c.post("/login", data={"token": make_token(graph, "admin")}, follow_redirects=False)
        assert r.status_code == 303 and "graphsvc_token" in r.headers["set-cookie"]


def test_revocation_is_immediate_in_the_revoking_process(graph: Graph) -> None:
    cache = access.KeyCache(graph)
    key, token = access.create_key(graph, Scope(actor="test"), role="admin", scope_id=None, name="t")
    assert cache.resolve(token).role == "admin"
    access.revoke_key(graph, Scope(actor="test"), key.id)
    with pytest.raises(Unauthorized):
        cache.resolve(token)


@pytest.mark.parametrize("bad", ["a\x00b", "<b>x</b>", "a b", "a/b", "x\"y"])
def test_one_id_grammar_on_every_request(admin: httpx.Client, bad: str) -> None:
    from urllib.parse import quote

    _error(admin.get(f"/nodes/{quote(bad, safe='')}"), 422 if "/" not in bad else 404)
    _error(admin.get("/communities", params={"street_id": bad}), 422)
    body = {"org_a": bad, "org_b": "po-kl", "kind": "co_construction", "themes": ["culture"]}
    _error(admin.post("/records/pairings", json=body), 422)
    _error(admin.get("/coverage/gaps", params={"community_id": bad}), 422)


@pytest.mark.parametrize("bad", ["a\x00b", "<b>x</b>", "a b"])
def test_one_id_grammar_on_import(admin: httpx.Client, bad: str) -> None:
    doc = json.dumps({"streets": [{"id": bad, "name": "测试"}]}).encode()
    r = admin.post("/ledger", files={"file": ("l.json", doc, "application/json")})
    err = _error(r, 422)
    assert any(d.get("column") == "id" or d.get("field") == "id" for d in err["details"]), err


def test_no_temp_dir_name_in_errors(admin: httpx.Client) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "没有 CSV")
    r = admin.post("/ledger", files={"file": ("l.zip", buf.getvalue(), "application/zip")})
    assert 400 <= r.status_code < 500
    assert "tmp" not in r.text.lower() and "/" not in r.json()["error"]["message"]
