"""What is checked before a request body is read or parsed (pure ASGI middleware, answering with the one error body).

- An upload (multipart) is refused before a byte of it is read when its token is missing or wrong, its
  size undeclared (no Content-Length) or over GRAPHSVC_MAX_UPLOAD_MB.
- A JSON body is refused (422) when it nests deeper than MAX_DEPTH or holds a lone surrogate
  (`"\\ud800"`: no UTF-8 text can carry it, so no query could either).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphsvc.api.errors import error_body
from graphsvc.errors import GraphsvcError, TooLarge, Unauthorized

MAX_DEPTH = 32  # no request model nests deeper than a few levels
MAX_JSON_BYTES = 16 * 1024 * 1024


def _header(scope: Scope, name: bytes) -> str:
    for k, v in scope.get("headers", ()):
        if k == name:
            return str(v.decode("latin-1"))
    return ""


def _refuse(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


def json_problem(body: bytes) -> str | None:
    """Why this JSON body must be refused (too deep, a lone surrogate), or None (malformed JSON is left to FastAPI).

    >>> json_problem(b'{"street_id": "\\\\ud800"}'), json_problem(b'[' * 100 + b']' * 100), json_problem(b'{"a": ["b"]}')
    ('lone_surrogate', 'too_deep', None)
    """
    try:
        doc = json.loads(body)
    except RecursionError:
        return "too_deep"
    except ValueError:
        return None
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return "too_deep"
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((v, depth + 1) for v in items)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "lone_surrogate"
    return None


PROBLEMS = {
    "too_deep": f"请求内容嵌套过深（至多 {MAX_DEPTH} 层）",
    "lone_surrogate": "请求内容含有无效的 Unicode 字符（单独的代理项）",
}


class BodyGates:
    """Refuse hostile or unauthorised bodies before the application reads them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        kind = _header(scope, b"content-type").lower()
        if kind.startswith("multipart/"):
            refusal = await self._upload_refusal(scope)
            if refusal is not None:
                return await refusal(scope, receive, send)
        elif "json" in kind:
            return await self._json(scope, receive, send)
        await self.app(scope, receive, send)

    async def _upload_refusal(self, scope: Scope) -> JSONResponse | None:
        from graphsvc.api.deps import token_of  # deps imports the app's state types

        state = scope["app"].state
        try:
            token = token_of(Request(scope))
            await run_in_threadpool(state.keys.resolve, token)
        except GraphsvcError as e:
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(e, Unauthorized) else None
            return JSONResponse(error_body(e.code, e.message, e.details), status_code=e.status, headers=headers)
        limit_mb = state.settings.max_upload_mb
        size = _header(scope, b"content-length")
        if not size.isdigit():
            return _refuse(411, "length_required", "上传文件需要注明大小（Content-Length）")
        if int(size) > limit_mb * 1024 * 1024:
            return _refuse(413, TooLarge.code, f"文件超过上限 {limit_mb} MB（GRAPHSVC_MAX_UPLOAD_MB）")
        return None

    async def _json(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_JSON_BYTES:
                return await _refuse(413, TooLarge.code, "请求内容过大")(scope, receive, send)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if problem := json_problem(body):
            return await _refuse(422, "invalid_input", PROBLEMS[problem], [{"field": "body", "message": problem}])(
                scope, receive, send
            )
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
