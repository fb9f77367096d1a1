"""The one error body: {"error": {"code", "message", "details"}} for every 4xx and 5xx."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphsvc.errors import GraphsvcError, Unauthorized

log = logging.getLogger("graphsvc.api")


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def install(app: FastAPI) -> None:
    @app.exception_handler(GraphsvcError)
    async def _domain(request: Request, exc: GraphsvcError) -> Response:
        if isinstance(exc, Unauthorized) and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/login", status_code=303)  # a person in a browser: the login page
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
        return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        # The offending value is left out: it may be personal data.
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()
        ]
        return JSONResponse(error_body("invalid_input", "请求参数有误", details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)

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
