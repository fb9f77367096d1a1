"""What a caller may see: which communities, and whether personal data is masked.

Services take a Scope and pass `scope.communities` to their queries as `$communities`
(null = every community): scope is enforced inside the queries, never by filtering results after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "street", "community", "analyst"]


@dataclass(frozen=True)
class Scope:
    role: Role = "admin"
    communities: tuple[str, ...] | None = None  # None: every community
    masked: bool = False  # names masked (张*), no phones, ID numbers or vulnerability flags
    actor: str = "local"  # who acts, for the audit trail

    @property
    def community_list(self) -> list[str] | None:
        """The `$communities` query parameter."""
        return None if self.communities is None else list(self.communities)


LOCAL_ADMIN = Scope()


def mask_name(name: str | None) -> str | None:
    """张三丰 -> 张*; a name is personal data and analysts see only its first character."""
    if not name:
        return name
    return name[0] + "*"


def require(scope: Scope, *roles: Role) -> None:
    """Refuse (403) a caller whose role is not one of `roles`."""
    from graphsvc.errors import Forbidden

    if scope.role not in roles:
        raise Forbidden(f"当前角色（{scope.role}）无权进行此操作")
