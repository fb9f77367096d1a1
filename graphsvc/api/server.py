"""The HTTP server: uvicorn on h11, whose own refusals (a malformed request, a header over its size
limit) come as the one error body instead of plain text."""

from __future__ import annotations

import json
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from graphsvc.api.errors import error_body

BAD_REQUEST = json.dumps(error_body("bad_request", "请求格式有误或请求头过大"), ensure_ascii=False).encode()


class ErrorBodyH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering what it cannot parse with the one error body."""

    def send_400_response(self, msg: str) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(BAD_REQUEST)).encode()),
            (b"connection", b"close"),
        ]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=BAD_REQUEST), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()


def config(app: Any, host: str, port: int, **kwargs: Any) -> uvicorn.Config:
    """The one server configuration (CLI and tests)."""
    return uvicorn.Config(app, host=host, port=port, http=ErrorBodyH11Protocol, log_level="warning", **kwargs)
