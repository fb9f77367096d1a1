"""Control characters in text: refused on every input, stripped on every export (an XLSX cell cannot hold them)."""

from __future__ import annotations

import re

# C0 controls and DEL, except tab, line feed and carriage return (which a cell may hold).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_MESSAGE = "含有不可见的控制字符，请删除后重试"


def has_control(s: str, *, allow_whitespace: bool = True) -> bool:
    """True if `s` holds a control character (tab and newlines allowed unless `allow_whitespace` is False).

    >>> has_control("张三\\u0013"), has_control("一\\n二"), has_control("一\\n二", allow_whitespace=False)
    (True, False, True)
    """
    return bool((_CONTROL if allow_whitespace else _CONTROL_ALL).search(s))


def strip_control(s: str) -> str:
    """`s` without the control characters an XLSX cell cannot hold."""
    return _CONTROL.sub("", s)


def no_control(v: str) -> str:
    """A pydantic after-validator for free text."""
    if has_control(v):
        raise ValueError(CONTROL_MESSAGE)
    return v


def no_control_id(v: str) -> str:
    """A pydantic after-validator for ids and codes: not even tabs or newlines."""
    if has_control(v, allow_whitespace=False):
        raise ValueError(CONTROL_MESSAGE)
    return v
