"""create_app: the lifespan owns the graph connection (and the embedded engine it may start)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from graphsvc import __version__
from graphsvc.api import access, coverage, errors, explore, ledger, matching, network, pages, pairing, records
from graphsvc.graph import connect
from graphsvc.services.access import KeyCache
from graphsvc.settings import Settings
from graphsvc.views.picture import STATIC_DIR, STATIC_ROUTE

log = logging.getLogger("graphsvc")


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

    app = FastAPI(title="graphsvc 共建图谱", version=__version__, lifespan=lifespan)
    errors.install(app)
    for module in (explore, ledger, access, coverage, pairing, network, matching, records, pages):
        app.include_router(module.router)
    app.mount(STATIC_ROUTE, StaticFiles(directory=STATIC_DIR), name="vis")
    return app
