"""create_app: the lifespan owns the graph connection (and the embedded engine it may start)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from graphsvc import __version__
from graphsvc.api import (
    access,
    admin_pages,
    coverage,
    errors,
    explore,
    geomap,
    history,
    ledger,
    matching,
    network,
    pages,
    pages_matching,
    pages_network,
    pages_pairing,
    pairing,
    planner,
    records,
    rectify,
    report,
)
from graphsvc.api.gates import BodyGates
from graphsvc.graph import connect
from graphsvc.services.access import KeyCache
from graphsvc.settings import Settings
from graphsvc.views import picture, templating

log = logging.getLogger("graphsvc")


API_DESCRIPTION = ("共建图谱的接口：页面上的每项工作都可以通过这些接口完成。调用时在请求头带上"
                   "`Authorization: Bearer <令牌>`（令牌由管理员在“密钥”页创建）；字段名和取值代码为英文，说明为中文。")
API_TAGS = [{"name": name, "description": zh} for name, zh in (
    ("explore", "浏览：街道、社区、党组织和任一节点"),
    ("ledger", "台账：上传（导入）、下载（导出）和空白模板"),
    ("access", "密钥与操作记录（管理员）"),
    ("coverage", "覆盖缺口：十条规则、建议、如果……、采纳、覆盖趋势"),
    ("rectification", "整改台账：派发、更新、导出"),
    ("report", "街道汇报工作簿"),
    ("map", "一张图的图层"),
    ("pairing", "城乡结对方案"),
    ("network", "网络分析：关键组织、薄弱环节、群组、关系图"),
    ("matching", "共建匹配：需求与资源、结对建议、一键分配"),
    ("records", "结对、资源共享和共建项目记录"),
    ("pages", "页面（浏览器打开）"),
)]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.conn = connect(settings, say=log.info)
        app.state.conn.watch(settings.engine_watch_s)
        app.state.keys = KeyCache(app.state.conn.graph)
        try:
            yield
        finally:
            app.state.conn.close()

    # FastAPI's own /docs loads Swagger UI from a CDN; intranets have none, so serve a bundled copy.
    app = FastAPI(title="graphsvc 共建图谱", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description=API_DESCRIPTION, openapi_tags=API_TAGS)
    errors.install(app)
    app.add_middleware(BodyGates)
    # the work pages before `pages`: theirs are the routes of /pages/matching, /pages/pairing, /pages/network
    routers = (explore, ledger, access, coverage, history, rectify, report, geomap, pairing, network, matching, records,
               pages_matching, pages_pairing, pages_network, pages, planner, admin_pages)
    for module in routers:
        app.include_router(module.router)
    # vis-network ships inside pyvis; mounted before /static so its path wins.
    app.mount(picture.STATIC_ROUTE, StaticFiles(directory=picture.STATIC_DIR), name="vis")
    app.mount(templating.STATIC_ROUTE, StaticFiles(directory=templating.STATIC_DIR), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(templating.STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI 5 (reads OpenAPI 3.1), vendored under /static/vendor/swagger-ui/."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="graphsvc 接口文档",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from outside
        )

    return app
