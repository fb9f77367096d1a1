"""The one error body: {"error": {"code", "message", "details"}} for every 4xx and 5xx."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphsvc.api.deps import token_of
from graphsvc.errors import GraphsvcError, Unauthorized
from graphsvc.services.pages import error as error_page
from graphsvc.services.pages import with_chrome
from graphsvc.views.templating import Page, render

PAGE_PREFIXES = ("/pages/", "/pictures/", "/login", "/logout")  # with "/": the routes that answer people, in HTML

log = logging.getLogger("graphsvc.api")


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def is_page(request: Request) -> bool:
    """A page route, or a browser asking for a page that does not exist: answer HTML, not JSON."""
    path = request.url.path
    return path == "/" or path.startswith(PAGE_PREFIXES)


def _with_chrome(request: Request, page: Page) -> Page:
    try:  # a signed-in person keeps the navigation, the scope picker and the log-out button
        return with_chrome(page, request.app.state.conn.graph, request.app.state.keys.resolve(token_of(request)))
    except Exception:  # no key, a revoked key or no engine: the page without them
        return page


async def _page(request: Request, status: int, message: str) -> Response:
    return render(request, await run_in_threadpool(_with_chrome, request, error_page(status, message)))


HTTP_MESSAGES = {404: "找不到这个地址", 405: "这个地址不支持该请求方法", 413: "请求内容太大"}


def _http_message(exc: StarletteHTTPException) -> str:
    """The routing layer's own errors carry an English phrase ("Not Found"): people read Chinese."""
    detail = str(exc.detail)
    if any("\u4e00" <= ch <= "\u9fff" for ch in detail):
        return detail
    return HTTP_MESSAGES.get(exc.status_code, "无法完成这个请求")


def install(app: FastAPI) -> None:
    @app.exception_handler(GraphsvcError)
    async def _domain(request: Request, exc: GraphsvcError) -> Response:
        if isinstance(exc, Unauthorized) and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/login", status_code=303)  # a person in a browser: the login page
        if is_page(request):
            return await _page(request, exc.status, exc.message)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
        return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        # The offending value is left out: it may be personal data.
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()
        ]
        if is_page(request):
            # the parameter's name as the link or form has it (a list's index is not a name)
            fields = "、".join(sorted({next((str(p) for p in reversed(e.get("loc", ())) if isinstance(p, str)), "")
                                     for e in exc.errors()}))
            return await _page(request, 422, f"链接或表单中的参数不对：{fields}")
        return JSONResponse(error_body("invalid_input", "请求参数有误", details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if is_page(request) or (exc.status_code == 404 and "text/html" in request.headers.get("accept", "")):
            return await _page(request, exc.status_code, "找不到这个页面" if exc.status_code == 404 else "无法完成这个请求")
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, _http_message(exc)), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(UnicodeError)
    @app.exception_handler(RecursionError)
    async def _unencodable(_: Request, exc: Exception) -> JSONResponse:
        # A backstop: the body gates refuse lone surrogates and deep nesting before they get this far.
        return JSONResponse(error_body("invalid_input", "请求中含有无法处理的字符或结构"), status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Only the route and the exception type: parameters may carry personal data.
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return JSONResponse(error_body("internal", "服务内部错误"), status_code=500)
