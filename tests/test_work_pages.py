"""The work pages' pure parts: the county plan's form <-> request, paging, urgency words, numbers."""

from __future__ import annotations

import doctest
from urllib.parse import parse_qs

import pytest

from graphsvc.errors import InvalidInput
from graphsvc.services import pages_matching, pages_pairing
from graphsvc.views import paging
from graphsvc.views.matching import urgency


def form(query: str) -> dict[str, list[str]]:
    return parse_qs(query, keep_blank_values=True)


def test_plan_form_round_trips_every_constraint() -> None:
    q = "urban_cap=2&rural_cap=1&min_km=3&max_km=40&lock=u1|r1&forbid=u2|r2&drop=u3&cap.u4=3&cap.u5="
    req = pages_pairing.request_of(form(q))
    assert (req.urban_cap, req.rural_cap, req.preferred_km) == (2, 1, (3.0, 40.0))
    assert [(p.urban_id, p.rural_id) for p in req.locked] == [("u1", "r1")]
    assert [(p.urban_id, p.rural_id) for p in req.forbidden] == [("u2", "r2")]
    assert req.dropped == ["u3"] and req.cap_overrides == {"u4": 3}  # an empty cap is the side's cap
    assert pages_pairing.request_of(form(pages_pairing.query_of(req))) == req


@pytest.mark.parametrize(("query", "words"), [
    ("urban_cap=abc", "每个城市党组织的结对上限"),
    ("min_km=60&max_km=10", "下限大于上限"),
    ("lock=u1", "锁定"),
    ("cap.u1=500", "结对上限"),
])
def test_plan_form_errors_say_which_field_in_chinese(query: str, words: str) -> None:
    with pytest.raises(InvalidInput) as e:
        pages_pairing.request_of(form(query))
    assert words in e.value.message


def test_urgency_in_words_and_distance_in_km() -> None:
    assert [urgency(i) for i in range(1, 6)] == ["1 不急", "2 一般", "3 较急", "4 紧急", "5 非常紧急"]
    assert pages_matching.km(1234) == "1.2 公里" and pages_matching.km(None) == "—"


def test_percent_fields() -> None:
    assert pages_matching.percent(" ", "成效") is None and pages_matching.percent("88", "成效") == 88
    for bad in ("101", "-1", "好"):
        with pytest.raises(InvalidInput, match="群众满意度"):
            pages_matching.percent(bad, "群众满意度")


def test_paging_clamps_and_shows_all() -> None:
    rows = list(range(23))
    p = paging.paginate(rows, 9, False, path="/t", target="x", query={"a": "1", "b": None}, size=10)
    assert (p.page, p.pages, p.rows) == (3, 3, [20, 21, 22])  # past the end: the last page
    assert p.href(page=2) == "/t?a=1&page=2"
    assert paging.paginate(rows, 1, True, path="/t", target="x").rows == rows
    assert doctest.testmod(paging).failed == 0
