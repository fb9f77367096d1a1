"""Paged tables on the pages: one page of rows at a time, or all of them ("显示全部"), with the links
that fetch another page in place (htmx swaps the table's container)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")
PAGE_SIZE = 10


@dataclass
class Paged(Generic[T]):
    """`rows`: the page's rows (all of them when `everything`); `href(page=…)`/`href(all=1)` fetch others."""

    rows: list[T]
    total: int
    page: int
    pages: int
    everything: bool
    path: str  # the fragment route that answers another page
    target: str  # the id of the element the answer replaces
    query: dict[str, Any] = field(default_factory=dict)

    def href(self, **extra: Any) -> str:
        params = {k: v for k, v in {**self.query, **extra}.items() if v is not None}
        return f"{self.path}?{urlencode(params, doseq=True)}" if params else self.path


def paginate(rows: list[T], page: int, everything: bool, *, path: str, target: str,
             query: dict[str, Any] | None = None, size: int = PAGE_SIZE) -> Paged[T]:
    """Cut `rows` to page `page` (clamped to the pages there are) unless `everything`.

    >>> p = paginate(list(range(25)), 3, False, path="/t", target="t", size=10)
    >>> p.rows, p.pages, p.href(page=2)
    ([20, 21, 22, 23, 24], 3, '/t?page=2')
    """
    pages = max(1, math.ceil(len(rows) / size))
    page = min(max(1, page), pages)
    shown = rows if everything else rows[(page - 1) * size: page * size]
    return Paged(shown, len(rows), page, pages, everything, path, target, dict(query or {}))
