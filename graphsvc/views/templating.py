"""The pages' one Jinja2 environment (autoescape on), their common context, and the cells tables are made of.

Every page is a `Page` (template, title, context) that a service composes; `render` adds the
`Chrome` (navigation, the scope picker limited to the caller's key, the key's name and role) and
answers HTML. Templates live in graphsvc/templates/, their CSS/JS in graphsvc/static/ (served
under /static/, nothing from outside: intranets have no internet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PACKAGE / "templates"
STATIC_DIR = PACKAGE / "static"
STATIC_ROUTE = "/static"

# The navigation: (href, words, roles that see it; None = everyone).
NAV: tuple[tuple[str, str, frozenset[str] | None], ...] = (
    ("/", "首页", None),
    ("/pages/gaps", "覆盖缺口", None),
    ("/pages/map", "一张图", None),
    ("/pages/trends", "覆盖趋势", None),
    ("/pages/rectifications", "整改台账", None),
    ("/pages/matching", "共建匹配", None),
    ("/pages/pairing", "城乡结对", None),
    ("/pages/network", "网络分析", None),
    ("/pages/pictures", "关系图", None),
    ("/pages/ledger", "台账", None),
    ("/pages/admin/keys", "密钥", frozenset({"admin"})),
    ("/pages/admin/audit", "操作记录", frozenset({"admin"})),
    ("/docs", "接口文档", None),
)
ROLE_ZH = {"admin": "管理员", "street": "街道工作人员", "community": "社区工作人员", "analyst": "分析人员"}
WRITERS = frozenset({"admin", "street", "community"})  # analysts only read

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # Starlette turns autoescape on


# --- cells: what a table cell may hold besides plain text and numbers ------------------------------


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    kind: str = "link"


@dataclass(frozen=True)
class Num:
    """A number already formatted (aligned right), optionally coloured by `cls`."""

    text: str
    cls: str = ""
    kind: str = "num"


@dataclass(frozen=True)
class Why:
    """An explanation: smaller, grey."""

    text: str
    kind: str = "why"


@dataclass(frozen=True)
class Many:
    """Several cells in one: joined by a space, or one per line (`lines=True`)."""

    items: tuple[Any, ...]
    lines: bool = False
    kind: str = "many"


def pct(ratio: float | None) -> Num:
    if ratio is None:
        return Num("—", "muted")
    return Num(f"{ratio:.1%}", "ok" if ratio >= 0.95 else "warn" if ratio < 0.8 else "")


def q(path: str, **params: Any) -> str:
    """A link with its query string (None values left out); the template escapes it."""
    query = urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
    return f"{path}?{query}" if query else path


# --- pages ----------------------------------------------------------------------------------------


@dataclass
class Chrome:
    """What the base layout shows around every page."""

    user: str | None = None  # the key's name
    role: str | None = None
    streets: list[dict[str, Any]] = field(default_factory=list)  # {id, name, communities: [{id, name}]}
    street_id: str | None = None
    community_id: str | None = None

    @property
    def role_zh(self) -> str:
        return ROLE_ZH.get(self.role or "", self.role or "")

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS

    @property
    def nav(self) -> list[tuple[str, str]]:
        return [(href, zh) for href, zh, roles in NAV if roles is None or self.role in roles]


@dataclass
class Page:
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def render(request: Request, page: Page) -> HTMLResponse:
    """The page's template with the common context (a service put the `chrome` in; else a bare one)."""
    context = {"title": page.title, "chrome": Chrome(), "path": request.url.path, **page.context}
    return templates.TemplateResponse(request, page.template, context, status_code=page.status)


def fragment(request: Request, template: str, context: dict[str, Any], *, status: int = 200,
             headers: dict[str, str] | None = None) -> HTMLResponse:
    """A piece of a page (an htmx answer): no layout around it."""
    return templates.TemplateResponse(request, template, context, status_code=status, headers=headers)
