"""The one id grammar: every id graphsvc accepts — in a ledger (any format) and in any request — matches ID_PATTERN.

Letters and digits of any script (汉字 included), then also `_ - . : @ #`; 1–200 characters; no
spaces, control characters, slashes or markup, so an id is safe in a URL path, a page and a log line.

>>> [bool(ID_RE.fullmatch(s)) for s in ("c-xf01", "楼栋12", "r-1@c-xf01", "a b", "<b>", "x\\x00", "/x")]
[True, True, True, False, False, False, False]
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

ID_MAX = 200
ID_PATTERN = r"^\w[\w.:@#-]*$"
ID_RE = re.compile(ID_PATTERN)
ID_MESSAGE = "编号只能由字母、数字、汉字和 _ - . : @ # 组成（不含空格），最长 200 个字符"


def check_id(v: str) -> str:
    """A pydantic after-validator: `v` must follow the id grammar."""
    if not ID_RE.fullmatch(v):
        raise ValueError(ID_MESSAGE)
    return v


# For request models (JSON bodies) and query models: the grammar as a pattern (it shows in the OpenAPI document).
Id = Annotated[str, Field(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]
OptId = Annotated[str | None, Field(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]
# For query models a page's scope picker fills too: it sends "" for 全部, which means none.
PickedId = Annotated[str | None, Field(max_length=ID_MAX, pattern=f"^$|{ID_PATTERN}"), AfterValidator(lambda v: v or None)]
