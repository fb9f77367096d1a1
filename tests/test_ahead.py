"""Work one step ahead in a worker process (graphsvc/ingest/ahead.py): order, errors, an early stop."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from graphsvc.errors import InvalidInput
from graphsvc.ingest.ahead import ahead


def _pid(_: int) -> int:
    return os.getpid()


def test_items_come_in_order_prepared_in_another_process() -> None:
    assert list(ahead(lambda: range(50), lambda i: i * i)) == [i * i for i in range(50)]
    assert os.getpid() not in set(ahead(lambda: range(3), _pid))


def _fails_at_two(i: int) -> int:
    if i == 2:
        raise InvalidInput("账本有 1 处错误", details=[{"table": "buildings", "row": 3}])
    return i


def test_an_error_reaches_the_caller_with_its_details_after_the_items_before_it() -> None:
    got: list[int] = []
    with pytest.raises(InvalidInput) as e:
        for i in ahead(lambda: range(5), _fails_at_two):
            got.append(i)
    assert got == [0, 1]
    assert e.value.message == "账本有 1 处错误" and e.value.details == [{"table": "buildings", "row": 3}]


def _boom() -> Iterator[int]:
    yield 1
    raise KeyError("王小明 13800000000")  # a row's values must not reach the message


def test_any_other_error_is_said_without_its_text() -> None:
    with pytest.raises(RuntimeError) as e:
        list(ahead(_boom, lambda i: i))
    assert "KeyError" in str(e.value) and "王小明" not in str(e.value)


def test_a_caller_that_stops_early_stops_the_worker() -> None:
    import multiprocessing as mp

    items = ahead(lambda: range(10**9), lambda i: i)
    assert next(items) == 0
    items.close()  # as when the caller's write fails
    assert not [p for p in mp.active_children() if p.name == "graphsvc-ahead"]
