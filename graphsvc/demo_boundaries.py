"""Plausible boundaries for the demo: communities as Voronoi cells of their centres inside a box around
the street's buildings, grids as Voronoi cells of their buildings' centre inside their community.

Real ledgers bring surveyed boundaries (Ledger v1 `boundary`); the demo only needs outlines that tile
the street without overlapping and hold (most of) their buildings.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

Rows = dict[str, list[dict[str, Any]]]
Pt = tuple[float, float]  # metres east, north of the street's origin
_M_PER_DEG = 111_320.0
MARGIN_M = 250.0


def _clip(poly: list[Pt], a: Pt, b: Pt) -> list[Pt]:
    """The part of convex `poly` nearer to `a` than to `b` (Sutherland–Hodgman against their bisector).

    >>> _clip([(0, 0), (2, 0), (2, 2), (0, 2)], (0, 1), (2, 1))
    [(0, 0), (1.0, 0.0), (1.0, 2.0), (0, 2)]
    """
    nx, ny = b[0] - a[0], b[1] - a[1]
    c = (b[0] ** 2 + b[1] ** 2 - a[0] ** 2 - a[1] ** 2) / 2

    def inside(p: Pt) -> bool:
        return p[0] * nx + p[1] * ny <= c

    out: list[Pt] = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        if inside(p):
            out.append(p)
        if inside(p) != inside(q):
            t = (c - p[0] * nx - p[1] * ny) / ((q[0] - p[0]) * nx + (q[1] - p[1]) * ny)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(sites: dict[str, Pt], box: list[Pt]) -> dict[str, list[Pt]]:
    """Each site's Voronoi cell inside the convex polygon `box`.

    >>> cells = voronoi_cells({"a": (0, 1), "b": (2, 1)}, [(0, 0), (2, 0), (2, 2), (0, 2)])
    >>> sorted(cells["b"])
    [(1.0, 0.0), (1.0, 2.0), (2, 0), (2, 2)]
    """
    cells = {}
    for k, a in sites.items():
        poly = list(box)
        for j, b in sites.items():
            if j != k and b != a and poly:
                poly = _clip(poly, a, b)
        cells[k] = poly
    return cells


class _Frame:
    """A local flat frame (metres) around an origin: good to a few metres over a street."""

    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon, self.k = lat, lon, math.cos(math.radians(lat))

    def xy(self, lat: float, lon: float) -> Pt:
        return ((lon - self.lon) * _M_PER_DEG * self.k, (lat - self.lat) * _M_PER_DEG)

    def geojson(self, poly: list[Pt]) -> str:
        ring = [[round(self.lon + x / (_M_PER_DEG * self.k), 6), round(self.lat + y / _M_PER_DEG, 6)] for x, y in poly]
        return json.dumps({"type": "Polygon", "coordinates": [ring + ring[:1]]}, separators=(",", ":"))


def _box(points: list[Pt], margin: float) -> list[Pt]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs) - margin, max(xs) + margin, min(ys) - margin, max(ys) + margin
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def add_boundaries(tables: Rows) -> None:
    """Give every community and grid of `tables` a boundary (in place), street by street."""
    buildings_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for b in tables.get("buildings", []):
        buildings_of[b["community_id"]].append(b)
    by_street: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in tables.get("communities", []):
        by_street[c["street_id"]].append(c)
    grids_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in tables.get("resident_groups", []):
        grids_of[g["community_id"]].append(g)
    for comms in by_street.values():
        frame = _Frame(comms[0]["lat"], comms[0]["lon"])
        centres = {c["id"]: frame.xy(c["lat"], c["lon"]) for c in comms}
        points = list(centres.values()) + [frame.xy(b["lat"], b["lon"]) for c in comms for b in buildings_of[c["id"]]]
        cells = voronoi_cells(centres, _box(points, MARGIN_M))
        for c in comms:
            if len(cells[c["id"]]) >= 3:
                c["boundary"] = frame.geojson(cells[c["id"]])
            _grid_boundaries(frame, cells[c["id"]], grids_of[c["id"]], buildings_of[c["id"]])


def _grid_boundaries(frame: _Frame, cell: list[Pt], grids: list[dict[str, Any]], buildings: list[dict[str, Any]]) -> None:
    placed: dict[str, list[Pt]] = defaultdict(list)
    for b in buildings:
        if b.get("resident_group_id"):
            placed[b["resident_group_id"]].append(frame.xy(b["lat"], b["lon"]))
    sites = {g: (sum(p[0] for p in ps) / len(ps), sum(p[1] for p in ps) / len(ps)) for g, ps in placed.items()}
    if len(cell) < 3:
        return
    for gid, poly in voronoi_cells(sites, cell).items():
        grid = next((g for g in grids if g["id"] == gid), None)
        if grid is not None and len(poly) >= 3:
            grid["boundary"] = frame.geojson(poly)
