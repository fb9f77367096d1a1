"""Work done one step ahead in a process of its own: the demo's chunks generated and validated while the
caller writes the chunk before.

Writing a chunk is mostly the engine's time, which the caller spends waiting; validating the next one is
Python's. In a thread the two fought for the interpreter's lock (no gain at district scale); in a process
they overlap. The next items wait in a queue of `depth`, so memory holds a few chunks, not a city.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

from graphsvc.errors import GraphsvcError

T = TypeVar("T")
U = TypeVar("U")
_END = "end"
_WAIT_S = 5.0  # how often a waiting caller checks that the worker still lives


def _work(make: Callable[[], Iterable[T]], prepare: Callable[[T], U], out: Any) -> None:
    """The worker: each item prepared, in order; then the end, or what failed. Ctrl-C is the caller's to
    handle (it stops the worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for item in make():
            out.put(("item", prepare(item)))
        out.put((_END, None))
    except GraphsvcError as e:  # its details do not survive pickling as an exception: sent as parts
        out.put(("error", (type(e), e.message, e.details)))
    except Exception as e:  # its text may hold a row's values: only its kind is said
        out.put(("error", (RuntimeError, f"准备数据时出错（{type(e).__name__}）", None)))


def ahead(make: Callable[[], Iterable[T]], prepare: Callable[[T], U], *, depth: int = 2) -> Generator[U, None, None]:
    """`prepare(item)` for each item of `make()`, in order, computed in a worker process up to `depth` items
    ahead of the caller. An error in the worker is raised in the caller when it reaches that item.

    >>> list(ahead(lambda: range(4), abs))
    [0, 1, 2, 3]
    """
    # fork: the worker starts at once and `make`, `prepare` need not pickle; spawn where there is no fork.
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    out = ctx.Queue(maxsize=depth)
    worker = ctx.Process(target=_work, args=(make, prepare, out), daemon=True, name="graphsvc-ahead")
    worker.start()
    try:
        while True:
            try:
                kind, value = out.get(timeout=_WAIT_S)
            except queue.Empty:
                if not worker.is_alive():
                    raise RuntimeError("准备数据的子进程意外退出") from None
                continue
            if kind == _END:
                return
            if kind == "error":
                cls, message, details = value
                raise cls(message, details=details) if details is not None else cls(message)
            yield value
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        out.close()
