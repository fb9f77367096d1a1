"""The answer cache: one computation per key at a time, scoped invalidation, lifetime from the end of a computation."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time

import pytest

from graphsvc.cache import AnswerCache


def test_single_flight_one_computes_the_others_wait() -> None:
    cache, calls, barrier = AnswerCache(ttl_s=60), [], threading.Barrier(16)
    out: list[int] = []

    def compute() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 42

    def ask() -> None:
        barrier.wait()
        out.append(cache.get("summary", compute, covers=["c1"]))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert out == [42] * 16 and len(calls) == 1


def test_a_write_drops_only_the_answers_covering_what_it_touched() -> None:
    cache = AnswerCache(ttl_s=60)
    cache.get("c1", lambda: "one", covers=["c1"])
    cache.get("c2", lambda: "two", covers=["c2", "c3"])
    cache.get("all", lambda: "all", covers=None)
    cache.invalidate(["c1"])
    assert cache.get("c2", lambda: "again") == "two"
    assert cache.get("c1", lambda: "new") == "new" and cache.get("all", lambda: "new") == "new"
    cache.invalidate(None)
    assert len(cache) == 0


def test_an_answer_lives_from_when_its_computation_ended() -> None:
    cache = AnswerCache(ttl_s=0.4)

    def slow() -> str:
        time.sleep(0.6)
        return "slow"

    assert cache.get("k", slow) == "slow"
    assert cache.get("k", lambda: "recomputed") == "slow"  # 0.6 s after it started, 0 s after it ended
    time.sleep(0.5)
    assert cache.get("k", lambda: "recomputed") == "recomputed"


def test_an_answer_computed_across_a_write_is_not_kept() -> None:
    cache, started = AnswerCache(ttl_s=60), threading.Event()

    def compute() -> str:
        started.set()
        time.sleep(0.3)
        return "before the write"

    t = threading.Thread(target=lambda: cache.get("k", compute, covers=["c1"]))
    t.start()
    started.wait(5)
    cache.invalidate(["c1"])
    t.join(5)
    assert cache.get("k", lambda: "after the write", covers=["c1"]) == "after the write"


def test_a_failed_computation_is_not_kept_and_followers_retry() -> None:
    cache, calls = AnswerCache(ttl_s=60), []

    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("engine down")
        return "ok"

    with contextlib.suppress(RuntimeError):
        cache.get("k", flaky)
    assert cache.get("k", flaky) == "ok" and len(calls) == 2


def test_a_write_drops_only_the_answers_of_its_topic() -> None:
    cache = AnswerCache(ttl_s=60)
    cache.get("summary", lambda: "coverage answer", covers=["c1"], topic="coverage")
    cache.invalidate(["c1"], "records")  # a pairing or sharing changes no coverage answer
    assert cache.get("summary", lambda: "new", covers=["c1"], topic="coverage") == "coverage answer"
    cache.invalidate(["c1"], "coverage")
    assert cache.get("summary", lambda: "new", covers=["c1"], topic="coverage") == "new"


def test_many_keys_the_missing_ones_in_one_computation() -> None:
    cache, calls = AnswerCache(ttl_s=60), []

    def compute(keys: list[object]) -> dict[object, str]:
        calls.append(sorted(map(str, keys)))
        return {k: f"part {k}" for k in keys}

    assert cache.get_many(["a", "b"], compute, lambda k: [str(k)]) == {"a": "part a", "b": "part b"}
    assert cache.get_many(["a", "b", "c"], compute, lambda k: [str(k)]) == {"a": "part a", "b": "part b", "c": "part c"}
    assert calls == [["a", "b"], ["c"]]  # a and b were cached: only c was computed
    cache.invalidate(["b"])
    assert cache.get_many(["a", "b", "c"], compute, lambda k: [str(k)])["b"] == "part b"
    assert calls[-1] == ["b"]  # each key is dropped by its own community only


def test_many_keys_wait_for_a_key_another_request_computes() -> None:
    cache, calls, started = AnswerCache(ttl_s=60), [], threading.Event()

    def slow(keys: list[object]) -> dict[object, str]:
        calls.append(list(keys))
        started.set()
        time.sleep(0.3)
        return dict.fromkeys(keys, "slow")

    t = threading.Thread(target=lambda: cache.get_many(["a"], slow, lambda k: ["c1"]))
    t.start()
    started.wait(5)
    assert cache.get_many(["a", "b"], lambda keys: dict.fromkeys(keys, "fast"), lambda k: ["c1"]) == {
        "a": "slow", "b": "fast"
    }
    t.join(5)
    assert calls == [["a"]]


def test_a_write_hands_back_the_answers_to_refresh_but_not_those_covering_everything() -> None:
    cache = AnswerCache(ttl_s=60)
    cache.get("part", lambda: "p", covers=["c1"], topic="coverage", refresh=True)
    cache.get("summary", lambda: "s", covers=["c1", "c2"], topic="coverage", refresh=True)
    cache.get("plain", lambda: "x", covers=["c1"], topic="coverage")
    cache.get("everything", lambda: "all", covers=None, topic="coverage", refresh=True)
    again = cache.invalidate(["c1"], "coverage")
    assert [r.key for r in again] == ["part", "summary"] and [r.compute() for r in again] == ["p", "s"]
    assert len(cache) == 0
    assert cache.invalidate(["c2"], "coverage") == []


def test_readers_get_the_answer_from_before_the_write_until_the_writer_renews_it() -> None:
    cache, state, started, release = AnswerCache(ttl_s=60), {"n": 1}, threading.Event(), threading.Event()

    def count() -> int:
        if state["n"] == 2:
            started.set()
            release.wait(5)
        return state["n"]

    assert cache.get("summary", count, covers=["c1"], refresh=True) == 1
    state["n"] = 2  # the write commits
    (r,) = cache.invalidate(["c1"], keep=True)
    renewing = threading.Thread(target=cache.renew, args=(r,))
    renewing.start()
    started.wait(5)
    assert cache.get("summary", lambda: -1) == 1  # a reader during the renewal: no wait, the old answer
    release.set()
    renewing.join(5)
    assert cache.get("summary", lambda: -1) == 2  # after the write returns: the new answer, nothing computed


def test_a_failed_renewal_drops_the_answer_kept_for_it() -> None:
    cache = AnswerCache(ttl_s=60)
    cache.get("summary", lambda: "old", covers=["c1"], refresh=True)
    (r,) = cache.invalidate(["c1"], keep=True)
    broken = dataclasses.replace(r, compute=lambda: 1 / 0)
    with contextlib.suppress(ZeroDivisionError):
        cache.renew(broken)
    assert cache.get("summary", lambda: "recomputed") == "recomputed"


def test_a_write_too_slow_to_renew_drops_the_old_answer_and_readers_wait_for_the_new() -> None:
    from graphsvc.graph import Graph

    graph = Graph(driver=None, database="unused", cache_s=60, refresh_wait_s=0.05)  # type: ignore[arg-type]
    state = {"n": 1}

    def slow_count() -> int:
        if state["n"] == 2:
            time.sleep(0.5)
        return state["n"]

    assert graph.cached("summary", slow_count, ["c1"], "coverage", refresh=True) == 1
    state["n"] = 2  # the write commits
    started = time.monotonic()
    graph._renew(graph._wrote({"coverage": {"c1"}}, keep=True))
    assert time.monotonic() - started < 0.4  # the write did not wait for the whole renewal
    assert graph.cached("summary", lambda: -1, ["c1"], "coverage") == 2  # waited for it: never the old answer


def test_a_burst_of_requests_for_one_key_runs_twice_and_the_last_with_the_newest_arguments() -> None:
    from graphsvc.coalesce import Coalescer

    c, seen, entered, release = Coalescer(), [], threading.Event(), threading.Event()

    def work(n: int) -> None:
        seen.append(n)
        if n == 0:
            entered.set()
            release.wait(5)

    first = threading.Thread(target=c.run, args=("s-xf", work, 0))
    first.start()
    assert entered.wait(5)
    # while the first run is under way, five more requests for the key and one for another key
    assert [c.run("s-xf", work, n) for n in range(1, 6)] == [False] * 5
    assert c.run("s-hl", work, 100) is True  # another key runs at once
    release.set()
    first.join(5)
    assert seen == [0, 100, 5]  # the burst: one more run, with the newest arguments
    assert c.run("s-xf", work, 6) is True and seen[-1] == 6  # idle again: runs at once


def test_a_failed_run_frees_its_key() -> None:
    from graphsvc.coalesce import Coalescer

    c = Coalescer()

    def boom() -> None:
        raise RuntimeError("engine gone")

    with pytest.raises(RuntimeError):
        c.run("k", boom)
    assert c.run("k", lambda: None) is True
