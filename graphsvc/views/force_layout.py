"""Force-directed positions computed on the server, for network pictures too big for the browser's physics."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import networkx as nx

SPACING = 45.0  # picture units between neighbouring nodes in server layouts
_LEAF = 300  # communities up to this size get a plain spring layout; bigger ones are split again
_SMALL_PART = 60  # parts up to this size are set on a spiral rather than by a spring layout
_GOLDEN = math.pi * (3 - math.sqrt(5))
OPEN_ROOM = 2.2  # an opened community spreads its organisations wider: their names are long

Point = tuple[float, float]


def force_positions(
    node_ids: Sequence[Hashable], edges: Iterable[tuple[Hashable, Hashable]], *, seed: int = 0,
    parts: Sequence[Sequence[Hashable]] | None = None,
) -> dict[Any, Point]:
    """Force-directed positions in O(n) memory for pictures too big for the browser's physics.

    networkx's spring layout is quadratic (dense) or slow (sparse) at thousands of nodes, so:
    Louvain communities are laid out as discs (sized by their node count) by a spring layout of the
    community graph, each community is laid out inside its disc (recursively when big), and
    organisations tied to nothing are set in a grid below the picture. `parts` (e.g. the
    organisations of each 社区) replaces the top level of Louvain communities, so that a collapsed
    community opens where its organisations stand.
    """
    import networkx as nx  # here, not at the top: pictures import this module, a gap list does not need it

    G = nx.Graph()
    G.add_nodes_from(node_ids)
    G.add_edges_from((u, v) for u, v in edges if u != v)
    if parts:
        grouped = {n for p in parts for n in p}
        parts = [list(p) for p in parts] + [[n] for n in G if n not in grouped and G.degree(n)]
        lonely = sorted((n for n in G if G.degree(n) == 0 and n not in grouped), key=str)
        pos = _parts_layout(G, parts, seed, room=OPEN_ROOM)
    else:
        lonely = sorted((n for n in G if G.degree(n) == 0), key=str)
        G.remove_nodes_from(lonely)
        pos = _communities_layout(G, seed) if len(G) else {}
    if lonely:
        bottom = max((p[1] for p in pos.values()), default=0.0) + 3 * SPACING
        left = min((p[0] for p in pos.values()), default=0.0)
        width = max((p[0] for p in pos.values()), default=0.0) - left
        cols = max(int(width / SPACING), math.ceil(math.sqrt(len(lonely))))
        for i, n in enumerate(lonely):
            pos[n] = (left + (i % cols) * SPACING, bottom + (i // cols) * SPACING)
    return pos


def _communities_layout(G: nx.Graph, seed: int) -> dict[Any, Point]:
    import networkx as nx

    if len(G) <= _LEAF:
        return _disc(nx.spring_layout(G, seed=seed, iterations=35) if len(G) > 1 else dict.fromkeys(G, (0.0, 0.0)), _radius(len(G)))
    # one level of Louvain: many small communities, each quick to lay out (full Louvain merges them
    # into a few big ones that would need laying out again)
    parts = [sorted(p, key=str) for p in nx.community.louvain_communities(G, seed=seed, max_level=1)]
    if len(parts) == 1:  # no community structure to use: one spectral picture
        return _disc(nx.spectral_layout(G), _radius(len(G)))
    return _parts_layout(G, parts, seed)


def _parts_layout(G: nx.Graph, parts: Sequence[Sequence[Any]], seed: int, room: float = 1.0) -> dict[Any, Point]:
    """Each part laid out inside its own disc (`room` times the usual size); the discs placed by a
    spring layout of the parts' ties."""
    import networkx as nx

    part_of = {n: i for i, p in enumerate(parts) for n in p}
    Q = nx.Graph()
    Q.add_nodes_from(range(len(parts)))
    for u, v in G.edges():
        a, b = part_of[u], part_of[v]
        if a != b:
            Q.add_edge(a, b, weight=Q.get_edge_data(a, b, {"weight": 0})["weight"] + 1)
    radii = np.array([room * _radius(len(p)) for p in parts])
    centres = _spread(nx.spring_layout(Q, seed=seed, weight="weight"), radii)
    pos: dict[Any, Point] = {}
    for i, p in enumerate(parts):
        inner = (_disc(_sunflower(G, p), room * _radius(len(p))) if len(p) <= _SMALL_PART
                 else _communities_layout(G.subgraph(p), seed))
        cx, cy = centres[i]
        pos.update({n: (cx + x, cy + y) for n, (x, y) in inner.items()})
    return pos


def _sunflower(G: nx.Graph, part: Sequence[Any]) -> dict[Any, Point]:
    """A small part on a sunflower spiral, best connected in the middle: no spring layout for each of
    hundreds of communities (25 ms each), and evenly spaced inside the part's disc."""
    ranked = sorted(part, key=lambda n: (-G.degree(n), str(n)))
    step = SPACING * 0.9
    return {n: (step * math.sqrt(i + 0.5) * math.cos(i * _GOLDEN), step * math.sqrt(i + 0.5) * math.sin(i * _GOLDEN))
            for i, n in enumerate(ranked)}


def _radius(n: int) -> float:
    return SPACING * math.sqrt(n / math.pi) + SPACING / 2


def _disc(layout: dict[Any, Any], radius: float) -> dict[Any, Point]:
    """Centre a layout and scale it to fit a disc of `radius`."""
    if not layout:
        return {}
    xy = np.array(list(layout.values()), dtype=float)
    xy -= xy.mean(axis=0)
    far = float(np.hypot(xy[:, 0], xy[:, 1]).max()) or 1.0
    xy *= radius / far
    return {n: (float(x), float(y)) for n, (x, y) in zip(layout, xy)}


def _spread(layout: dict[int, Any], radii: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Scale community centres to the discs' total size, then push overlapping discs apart."""
    xy = np.array([layout[i] for i in range(len(radii))], dtype=float)
    xy -= xy.mean(axis=0)
    far = float(np.hypot(xy[:, 0], xy[:, 1]).max()) or 1.0
    xy *= 1.2 * math.sqrt(float((radii**2).sum())) / far
    need = radii[:, None] + radii[None, :]
    for _ in range(rounds):
        d = xy[:, None, :] - xy[None, :, :]
        dist = np.hypot(d[..., 0], d[..., 1])
        np.fill_diagonal(dist, np.inf)
        overlap = np.clip(need - dist, 0, None)
        if not overlap.any():
            break
        dist[~np.isfinite(dist)] = 1.0
        dist[dist == 0] = 1e-3
        push = (d / dist[..., None]) * (overlap / 2)[..., None]
        xy += push.sum(axis=1)
    return xy
