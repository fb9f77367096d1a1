"""Boundaries (Ledger v1 `boundary`): a GeoJSON Polygon or MultiPolygon in WGS84, kept as compact text.

A spreadsheet cell holds the GeoJSON as text; a JSON ledger may hold the object itself. Either way
the graph stores the same canonical text, so an export gives back what was imported.

>>> parse_boundary('{"type": "Polygon", "coordinates": [[[120, 31], [120.01, 31], [120, 31.01], [120, 31]]]}')
'{"type":"Polygon","coordinates":[[[120,31],[120.01,31],[120,31.01],[120,31]]]}'
>>> parse_boundary("") is None
True
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BeforeValidator


class PlainError(ValueError):
    """A bad boundary, said in Chinese without repeating the value: the message can be shown as it is."""


MAX_CHARS = 500_000  # a detailed village outline is a few tens of kB; this bounds a pasted mistake
MAX_POINTS = 50_000


def _position(p: Any) -> bool:
    if not isinstance(p, list) or len(p) not in (2, 3):
        return False
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in p):
        return False
    lon, lat = p[0], p[1]
    return -180 <= lon <= 180 and -90 <= lat <= 90


def _polygon(rings: Any) -> int:
    """Positions in a valid polygon's rings; PlainError (Chinese) otherwise."""
    if not isinstance(rings, list) or not rings:
        raise PlainError("边界的多边形应为线环数组 (a polygon is a list of linear rings)")
    n = 0
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise PlainError("边界的每个线环至少要有 4 个点 (a ring needs 4 or more positions)")
        if not all(_position(p) for p in ring):
            raise PlainError("边界坐标应为 [经度, 纬度]，经度在 -180～180、纬度在 -90～90 之间 (WGS84 [lon, lat])")
        if ring[0][:2] != ring[-1][:2]:
            raise PlainError("边界线环首尾两点应相同 (a ring must be closed)")
        n += len(ring)
    return n


def parse_boundary(v: Any) -> str | None:
    """The canonical text of a GeoJSON Polygon/MultiPolygon (str or dict), None when blank; PlainError if invalid."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, str):
        if len(v) > MAX_CHARS:
            raise PlainError(f"边界文本过长（上限 {MAX_CHARS} 个字符）")
        try:
            v = json.loads(v)
        except ValueError:
            raise PlainError("边界不是有效的 GeoJSON 文本 (boundary is not JSON)") from None
    if isinstance(v, dict) and v.get("type") == "Feature":
        v = v.get("geometry")
    if not isinstance(v, dict) or v.get("type") not in ("Polygon", "MultiPolygon"):
        raise PlainError("边界应为 GeoJSON 的 Polygon 或 MultiPolygon (boundary must be a Polygon or MultiPolygon)")
    coords = v.get("coordinates")
    if v["type"] == "Polygon":
        points = _polygon(coords)
    else:
        if not isinstance(coords, list) or not coords:
            raise PlainError("MultiPolygon 应为多边形数组 (a list of polygons)")
        points = sum(_polygon(p) for p in coords)
    if points > MAX_POINTS:
        raise PlainError(f"边界的点数过多（上限 {MAX_POINTS} 个）")
    return json.dumps({"type": v["type"], "coordinates": coords}, separators=(",", ":"))


Boundary = Annotated[str | None, BeforeValidator(parse_boundary)]
