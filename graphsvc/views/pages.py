"""Plain Chinese HTML pages (no external assets: intranets have no internet)."""

from __future__ import annotations

from html import escape

from graphsvc.schemas import api
from graphsvc.schemas.ledger import CommunityKind

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
td:first-child,th:first-child,td:nth-child(2){text-align:left}th{background:#f4f0ea}
h1{color:#b71c1c}a{color:#0d47a1}nav a{margin-right:1rem}
"""


def layout(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body><nav><a href=\"/\">首页</a><a href=\"/docs\">接口文档</a>"
        f'<a href="/ledger?format=xlsx">下载台账</a></nav><h1>{escape(title)}</h1>{body}</body></html>'
    )


def home(streets: api.Streets, communities: api.CommunitySummaries) -> str:
    """The home page: streets and their communities with counts."""
    kinds = {k.value: k.zh for k in CommunityKind}
    rows = "".join(
        f"<tr><td>{escape(c.street_name or c.street_id)}</td><td><a href=\"/nodes/{escape(c.id)}\">{escape(c.name)}</a>"
        f"</td><td>{escape(kinds.get(c.kind, c.kind))}</td><td>{c.resident_groups}</td><td>{c.buildings}</td>"
        f"<td>{c.households}</td><td>{c.resident_members}</td><td>{c.orgs}</td><td>{c.units}</td></tr>"
        for c in communities.items
    )
    head = "<tr><th>街道</th><th>社区</th><th>类型</th><th>网格</th><th>楼栋</th><th>住户</th><th>居住党员</th><th>党组织</th><th>驻区单位</th></tr>"
    if not streets.items:
        body = "<p>图中还没有数据。运行 <code>graphsvc demo</code> 载入示范街道，或 <code>graphsvc import 台账.xlsx</code>。</p>"
    else:
        body = f"<p>共 {streets.count} 个街道（乡镇），{communities.count} 个社区（村）。</p><table>{head}{rows}</table>"
    return layout("共建图谱", body)


def login() -> str:
    """The login form: paste the token printed by `graphsvc keys create` (or by `graphsvc demo`)."""
    body = (
        '<form method="post" action="/login"><p>请输入访问令牌（由 <code>graphsvc keys create</code> 生成；'
        "示范环境的令牌由 <code>graphsvc demo</code> 打印并保存在数据目录的 admin-token 文件中）：</p>"
        '<input name="token" size="60" autocomplete="off" aria-label="访问令牌"> <button>登录</button></form>'
    )
    return layout("登录", body)
