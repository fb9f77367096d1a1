"""What the algorithm modules share: great-circle distances, input checks and their reporting, id order."""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np

from graphsvc.errors import InvalidInput

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
MAX_DETAILS = 20  # problems listed in one InvalidInput


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points.

    >>> round(haversine_m(30.0, 120.0, 31.0, 120.0))
    111195
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def haversine_m_array(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """haversine_m element-wise over numpy arrays (broadcasting as numpy does)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.subtract(lon2, lon1)) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a))))


def haversine_grid_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Distances in metres from every point of the first set (rows) to every point of the second (columns)."""
    return haversine_m_array(
        np.asarray(lat1)[:, None], np.asarray(lon1)[:, None], np.asarray(lat2)[None, :], np.asarray(lon2)[None, :]
    )


def is_number(value: Any) -> bool:
    """A finite real number, and not a bool."""
    if type(value) is float or type(value) is int:  # the common case first: ABC checks are slow
        return math.isfinite(value)
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def raise_details(message: str, details: list[dict[str, Any]]) -> None:
    """Raise InvalidInput listing the first MAX_DETAILS problems, if there are any."""
    if details:
        shown = details[:MAX_DETAILS]
        if len(details) > MAX_DETAILS:
            message = f"{message} ({len(details)} problems, first {MAX_DETAILS} shown)"
        raise InvalidInput(message, details=shown)


# --- input checks shared by the algorithm modules ------------------------------------------------


def is_int(value: Any) -> bool:
    """An integer, and not a bool (True as a cost or a capacity is always a projection bug).

    >>> is_int(3), is_int(True), is_int(3.0)
    (True, False, False)
    """
    # The exact-type test first: this runs once per edge, and ABC checks are slow.
    return type(value) is int or (isinstance(value, numbers.Integral) and not isinstance(value, bool))


def is_count(value: Any) -> bool:
    """An integer >= 0, and not a bool.

    >>> is_count(0), is_count(-1), is_count(False)
    (True, False, False)
    """
    return is_int(value) and value >= 0


def problem(table: str, ident: Any, fieldname: str, what: str) -> dict[str, Any]:
    """One entry of an InvalidInput's details: which table, which row id, which field, what is wrong."""
    return {"table": table, "id": ident, "field": fieldname, "problem": what}


def check_point(table: str, ident: Any, lat: Any, lon: Any, details: list[dict[str, Any]]) -> None:
    """Append a problem for a latitude outside [-90, 90] or a longitude outside [-180, 180].

    >>> details = []
    >>> check_point("sites", "s1", 30.0, 200.0, details)
    >>> [d["field"] for d in details]
    ['lon']
    """
    if not (is_number(lat) and -90.0 <= lat <= 90.0):
        details.append(problem(table, ident, "lat", "not a latitude in [-90, 90]"))
    if not (is_number(lon) and -180.0 <= lon <= 180.0):
        details.append(problem(table, ident, "lon", "not a longitude in [-180, 180]"))


def check_unique(table: str, ids: Iterable[Hashable], details: list[dict[str, Any]]) -> None:
    """Append a problem for every id seen before.

    >>> details = []
    >>> check_unique("sites", ["a", "b", "a"], details)
    >>> [d["id"] for d in details]
    ['a']
    """
    seen: set[Hashable] = set()
    for ident in ids:
        if ident in seen:
            details.append(problem(table, ident, "id", "duplicate id"))
        seen.add(ident)


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> None:
    """Raise InvalidInput unless `value` is a finite number > 0 (>= 0 with `allow_zero`)."""
    ok = is_number(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidInput(f"{name} must be a finite number {bound}", details=[{"field": name, "value": repr(value)}])


def check_count(name: str, value: Any) -> None:
    """Raise InvalidInput unless `value` is an integer >= 0."""
    if not is_count(value):
        raise InvalidInput(f"{name} must be an integer >= 0", details=[{"field": name, "value": repr(value)}])


def id_key(node: Hashable) -> tuple[str, Any]:
    """A sort key for ids: ledger ids are strings, tests use ints; grouping by type name first keeps
    mixed ids comparable without ever comparing an int with a str."""
    return (type(node).__name__, node)


def sorted_ids(ids: Iterable[Hashable]) -> list[Hashable]:
    """Ids in a stable order, whatever their types.

    >>> sorted_ids(["b", 2, "a", 1])
    [1, 2, 'a', 'b']
    """
    items = list(ids)
    try:
        return sorted(items, key=id_key)
    except TypeError:  # unorderable ids of one type (e.g. tuples of mixed parts): stable by text
        return sorted(items, key=repr)
