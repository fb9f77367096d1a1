"""What the algorithm modules share: great-circle distances and input-check reporting."""

from __future__ import annotations

import math
import numbers
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
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def raise_details(message: str, details: list[dict[str, Any]]) -> None:
    """Raise InvalidInput listing the first MAX_DETAILS problems, if there are any."""
    if details:
        shown = details[:MAX_DETAILS]
        if len(details) > MAX_DETAILS:
            message = f"{message} ({len(details)} problems, first {MAX_DETAILS} shown)"
        raise InvalidInput(message, details=shown)
