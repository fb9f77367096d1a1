"""One error hierarchy; the API turns each into the one error body (see api/errors.py)."""

from __future__ import annotations

from typing import Any


class GraphsvcError(Exception):
    """Base of every error graphsvc reports to a user."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(GraphsvcError):
    status = 404
    code = "not_found"


class InvalidInput(GraphsvcError):
    """Bad input; `details` names each offending table/row/field."""

    status = 422
    code = "invalid_input"


class Infeasible(GraphsvcError):
    """The request is well-formed but has no solution (caps too tight, locks that clash)."""

    status = 409
    code = "infeasible"


class EngineUnavailable(GraphsvcError):
    status = 503
    code = "engine_unavailable"


class Unauthorized(GraphsvcError):
    """No token, or one that is unknown or revoked."""

    status = 401
    code = "unauthorized"


class Forbidden(GraphsvcError):
    """A valid token whose role or scope does not reach what was asked."""

    status = 403
    code = "forbidden"


class TooLarge(GraphsvcError):
    """An upload or ledger over the configured limit."""

    status = 413
    code = "too_large"
