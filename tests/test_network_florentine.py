"""networkx's classic Florentine families graph, round-tripped through the engine: written as Party
organisations paired with PAIRED_WITH (the ledger import's Cypher), projected back by
cypher/network/* and projection/network.py, analysed by the service -- and equal to networkx's
reference figures (networkx/algorithms/centrality/tests/test_betweenness_centrality.py)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.schemas.network import Measure, Selection, TieKind
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import network

# networkx's own test: betweenness_centrality(G, weight=None, normalized=True), to 3 places
BETWEENNESS = {
    "Acciaiuoli": 0.000, "Albizzi": 0.212, "Barbadori": 0.093, "Bischeri": 0.104, "Castellani": 0.055,
    "Ginori": 0.000, "Guadagni": 0.255, "Lamberteschi": 0.000, "Medici": 0.522, "Pazzi": 0.000,
    "Peruzzi": 0.022, "Ridolfi": 0.114, "Salviati": 0.143, "Strozzi": 0.103, "Tornabuoni": 0.092,
}
FLORENTINE = nx.florentine_families_graph()
ALL = Selection()


def org(family: str) -> str:
    return f"fl-{family}"


@pytest.fixture(scope="module")
def loaded(graph: Graph) -> Graph:
    tables: dict[str, list[dict[str, Any]]] = {
        "party_orgs": [{"id": org(f), "name": f"{f}家族党支部", "level": "branch", "domain": "community"} for f in FLORENTINE],
        "pairings": [
            # both directions of writing must read back as one undirected tie
            {"id": f"fp-{i}", "org_a": org(u) if i % 2 else org(v), "org_b": org(v) if i % 2 else org(u),
             "kind": "co_construction", "since": "2024-01-01", "themes": ["party_work"]}
            for i, (u, v) in enumerate(FLORENTINE.edges())
        ],
    }
    import_ledger(graph, RawLedger(tables=tables))
    return graph


def test_projection_is_the_florentine_graph(loaded: Graph) -> None:
    G = network.org_network(loaded, LOCAL_ADMIN, ALL)
    assert set(G) == {org(f) for f in FLORENTINE}
    assert {frozenset(e) for e in G.edges()} == {frozenset(map(org, e)) for e in FLORENTINE.edges()}
    assert G.nodes[org("Medici")]["name"] == "Medici家族党支部"
    assert all(G.edges[e]["kinds"] == {"PAIRED_WITH"} for e in G.edges())


def test_betweenness_matches_networkx_reference(loaded: Graph) -> None:
    result = {m.id: m for m in network.metrics(loaded, LOCAL_ADMIN, ALL).items}
    assert set(result) == {org(f) for f in BETWEENNESS}
    for family, expected in BETWEENNESS.items():
        assert result[org(family)].betweenness == pytest.approx(expected, abs=1e-3)
    reference = nx.eigenvector_centrality(FLORENTINE)
    for family in FLORENTINE:
        m = result[org(family)]
        assert m.degree == pytest.approx(FLORENTINE.degree(family) / 14)
        assert m.eigenvector == pytest.approx(reference[family], rel=1e-4)
        assert m.core_number == nx.core_number(FLORENTINE)[family]
        assert m.is_articulation_point == (family in set(nx.articulation_points(FLORENTINE)))


def test_brokers_fragile_links_and_path(loaded: Graph) -> None:
    top = network.brokers(loaded, LOCAL_ADMIN, ALL, measure=Measure.betweenness, limit=3)
    assert [b.id for b in top.items] == [org("Medici"), org("Guadagni"), org("Albizzi")]
    assert top.items[0].name == "Medici家族党支部" and top.items[0].rank == 1
    fragile = network.fragile(loaded, LOCAL_ADMIN, ALL)
    assert {p.id for p in fragile.articulation_points} == {org(f) for f in nx.articulation_points(FLORENTINE)}
    assert {frozenset((b.source.id, b.target.id)) for b in fragile.bridges} == {
        frozenset(map(org, e)) for e in nx.bridges(FLORENTINE)
    }
    assert all(b.kinds == [TieKind.PAIRED_WITH] for b in fragile.bridges)
    path = network.path(loaded, LOCAL_ADMIN, ALL, source=org("Acciaiuoli"), target=org("Strozzi"))
    assert path.length == nx.shortest_path_length(FLORENTINE, "Acciaiuoli", "Strozzi")
    assert path.path[0].id == org("Acciaiuoli") and path.path[-1].name == "Strozzi家族党支部"


def test_k_core_and_clusters(loaded: Graph) -> None:
    core = network.k_core(loaded, LOCAL_ADMIN, ALL, k=None)
    main = nx.k_core(FLORENTINE)
    assert core.k == max(nx.core_number(FLORENTINE).values())
    assert {c.id for c in core.items} == {org(f) for f in main}
    clusters = network.clusters(loaded, LOCAL_ADMIN, ALL, seed=1)
    assert sum(c.size for c in clusters.items) == 15
    assert clusters == network.clusters(loaded, LOCAL_ADMIN, ALL, seed=1)  # same seed, same answer
    assert clusters.modularity == pytest.approx(
        nx.community.modularity(FLORENTINE, [{m.id[3:] for m in c.members} for c in clusters.items])
    )


def test_only_pairings_selected_and_other_kinds_empty(loaded: Graph) -> None:
    G = network.org_network(loaded, LOCAL_ADMIN, Selection(kinds=[TieKind.UNDER]))
    assert len(G) == 15 and G.number_of_edges() == 0
    assert network.isolated(loaded, LOCAL_ADMIN, Selection(kinds=[TieKind.UNDER])).count == 15
