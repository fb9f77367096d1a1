"""Organisation-network algorithms on tiny hand-computed graphs and networkx's reference figures."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, fields

import networkx as nx
import pytest
from scipy.sparse.linalg import ArpackNoConvergence

from graphsvc.algorithms import network
from graphsvc.algorithms.network import (
    BridgeTie,
    Cores,
    OrgName,
    Route,
    centrality,
    clusters,
    ego,
    fragile_links,
    isolated,
    k_core,
    shortest_path,
    summary_metrics,
)
from graphsvc.errors import InvalidInput, NotFound


def path4() -> nx.Graph:
    """a - b - c - d"""
    G = nx.Graph()
    for n, name in zip("abcd", ["甲支部", "乙支部", "丙支部", "丁支部"]):
        G.add_node(n, name=name, level="branch")
    G.add_edges_from([("a", "b"), ("b", "c"), ("c", "d")], kinds={"UNDER"}, weight=1.0)
    return G


def star() -> nx.Graph:
    """A street working committee tied to four community branches."""
    G = nx.Graph()
    G.add_node("hub", name="新丰街街道党工委", level="working_committee")
    for i in range(1, 5):
        G.add_node(f"s{i}", name=f"第{i}社区党支部", level="branch")
        G.add_edge("hub", f"s{i}", kinds={"UNDER"}, weight=1.0)
    return G


def two_triangles() -> nx.Graph:
    """Triangles a-b-c and d-e-f, joined only by the tie c-d; g is tied to nothing."""
    G = nx.Graph()
    G.add_nodes_from((n, {"name": f"{n}党支部"}) for n in "abcdefg")
    G.add_edges_from([("a", "b"), ("b", "c"), ("a", "c")], kinds={"PAIRED_WITH"}, weight=2.0)
    G.add_edges_from([("d", "e"), ("e", "f"), ("d", "f")], kinds={"PAIRED_WITH"}, weight=2.0)
    G.add_edge("c", "d", kinds={"SITS_ON", "REGISTERED_AT"}, weight=1.0)
    return G


def batagelj_zaversnik() -> nx.Graph:
    """Figure 1 of Batagelj & Zaversnik (2003), as built in networkx's test_core.py:
    3-core = 1..8, 2-core adds 9..16, 1-core adds 17..20, node 21 alone."""
    t1 = nx.convert_node_labels_to_integers(nx.tetrahedral_graph(), 1)
    t2 = nx.convert_node_labels_to_integers(t1, 5)
    G = nx.union(t1, t2)
    G.add_edges_from(
        [(3, 7), (2, 11), (11, 5), (11, 12), (5, 12), (12, 19), (12, 18), (3, 9), (7, 9),
         (7, 10), (9, 10), (9, 20), (17, 13), (13, 14), (14, 15), (15, 16), (16, 13)]
    )
    G.add_node(21)
    return G


# From networkx/algorithms/centrality/tests/test_betweenness_centrality.py
FLORENTINE_BETWEENNESS = {
    "Acciaiuoli": 0.000, "Albizzi": 0.212, "Barbadori": 0.093, "Bischeri": 0.104,
    "Castellani": 0.055, "Ginori": 0.000, "Guadagni": 0.255, "Lamberteschi": 0.000,
    "Medici": 0.522, "Pazzi": 0.000, "Peruzzi": 0.022, "Ridolfi": 0.114,
    "Salviati": 0.143, "Strozzi": 0.103, "Tornabuoni": 0.092,
}


# --- centrality ---------------------------------------------------------------------------


def test_path_centrality_by_hand() -> None:
    c = centrality(path4())
    # b and c each lie on 2 of the 3 pairs they are not part of: 2 / ((4-1)(4-2)/2) = 2/3
    assert [c[n].betweenness for n in "abcd"] == pytest.approx([0, 2 / 3, 2 / 3, 0])
    assert [c[n].degree for n in "abcd"] == pytest.approx([1 / 3, 2 / 3, 2 / 3, 1 / 3])
    assert c["b"].name == "乙支部"
    assert list(c) == ["a", "b", "c", "d"]


def test_path_centrality_unnormalised() -> None:
    c = centrality(path4(), normalized=False)
    assert [c[n].betweenness for n in "abcd"] == pytest.approx([0, 2, 2, 0])
    assert [c[n].degree for n in "abcd"] == [1, 2, 2, 1]


def test_star_centrality_by_hand() -> None:
    c = centrality(star())
    assert c["hub"].betweenness == pytest.approx(1.0)
    assert c["hub"].degree == pytest.approx(1.0)
    # Perron vector of K(1,4): eigenvalue 2, hub x, leaves x/2, unit norm -> x = 1/sqrt(2)
    assert c["hub"].eigenvector == pytest.approx(1 / math.sqrt(2), abs=1e-4)
    for leaf in ("s1", "s2", "s3", "s4"):
        assert c[leaf].betweenness == 0
        assert c[leaf].degree == pytest.approx(0.25)
        assert c[leaf].eigenvector == pytest.approx(1 / (2 * math.sqrt(2)), abs=1e-4)


def test_two_triangles_betweenness_by_hand() -> None:
    G = two_triangles()
    G.remove_node("g")
    c = centrality(G, measures=["betweenness"])
    # c carries the 2 x 3 pairs between {a, b} and {d, e, f}: 6 / ((6-1)(6-2)/2) = 0.6
    assert c["c"].betweenness == pytest.approx(0.6)
    assert c["d"].betweenness == pytest.approx(0.6)
    assert all(c[n].betweenness == 0 for n in "abef")
    assert c["c"].degree is None and c["c"].eigenvector is None
    assert c["c"].score("betweenness") == pytest.approx(0.6)
    with pytest.raises(KeyError):
        c["c"].score("degree")  # not computed


def test_florentine_betweenness_matches_networkx_reference() -> None:
    G = nx.florentine_families_graph()
    c = centrality(G)
    assert set(c) == set(FLORENTINE_BETWEENNESS)
    for family, expected in FLORENTINE_BETWEENNESS.items():
        assert c[family].betweenness == pytest.approx(expected, abs=1e-3)
    assert c["Medici"].degree == pytest.approx(6 / 14)
    # connected graph: exactly networkx's own eigenvector centrality
    reference = nx.eigenvector_centrality(G)
    for family in G:
        assert c[family].eigenvector == pytest.approx(reference[family])
    assert max(c, key=lambda f: c[f].score("eigenvector")) == "Medici"


def test_eigenvector_reference_values() -> None:
    # networkx test_eigenvector_centrality.py: K5 -> sqrt(1/5) each; P3 -> 0.5, 0.7071, 0.5
    k5 = centrality(nx.complete_graph(5), measures=["eigenvector"])
    assert all(v.eigenvector == pytest.approx(math.sqrt(1 / 5), abs=1e-6) for v in k5.values())
    p3 = centrality(nx.path_graph(3), measures=["eigenvector"])
    assert [p3[n].eigenvector for n in range(3)] == pytest.approx([0.5, 0.7071, 0.5], abs=1e-4)


def test_eigenvector_on_disconnected_graph_is_per_component() -> None:
    # A triangle and a lone pairing: plain power iteration would drive the pair to 0.
    # Each regular component is uniform (1/sqrt(size)), scaled by sqrt(size/5) for the 5 tied
    # organisations, so every one gets 1/sqrt(5); the lone organisation scores 0.
    G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5)])
    G.add_node(6)
    c = centrality(G, measures=["eigenvector"])
    for n in range(1, 6):
        assert c[n].eigenvector == pytest.approx(1 / math.sqrt(5), abs=1e-6)
    assert c[6].eigenvector == 0.0
    with pytest.raises(nx.AmbiguousSolution):
        nx.eigenvector_centrality_numpy(G)


def test_eigenvector_isolated_node_changes_nothing() -> None:
    G = two_triangles()  # connected part plus isolated g
    c = centrality(G, measures=["eigenvector"])
    reference = nx.eigenvector_centrality(G.subgraph("abcdef"))
    for n in "abcdef":
        assert c[n].eigenvector == pytest.approx(reference[n])
    assert c["g"].eigenvector == 0.0


def test_eigenvector_scaling_keeps_ratios_and_unit_norm() -> None:
    florentine = nx.florentine_families_graph()
    G = nx.union(star(), florentine)  # 5 + 15 tied organisations in two components
    c = centrality(G, measures=["eigenvector"])
    hub = nx.eigenvector_centrality(star())["hub"]
    medici = nx.eigenvector_centrality(florentine)["Medici"]
    assert c["hub"].eigenvector == pytest.approx(hub * math.sqrt(5 / 20))
    assert c["Medici"].eigenvector == pytest.approx(medici * math.sqrt(15 / 20))
    assert sum(v.score("eigenvector") ** 2 for v in c.values()) == pytest.approx(1.0)


def test_eigenvector_falls_back_when_power_iteration_does_not_converge() -> None:
    G = nx.path_graph(300)
    with pytest.raises(nx.PowerIterationFailedConvergence):
        nx.eigenvector_centrality(G)
    with pytest.raises(ArpackNoConvergence):  # and networkx's numpy version at its defaults
        nx.eigenvector_centrality_numpy(G)
    c = centrality(G, measures=["eigenvector"])
    # the Perron vector of a path on n nodes is sin(i*pi/(n+1)), i = 1..n, up to scale
    shape = [math.sin((i + 1) * math.pi / 301) for i in range(300)]
    norm = math.sqrt(sum(x * x for x in shape))
    expected = [x / norm for x in shape]
    assert [c[n].eigenvector for n in range(300)] == pytest.approx(expected, abs=1e-9)


def test_betweenness_sampled_above_threshold_and_seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    G = nx.gnm_random_graph(60, 150, seed=3)
    exact = nx.betweenness_centrality(G)
    monkeypatch.setattr(network, "BETWEENNESS_EXACT_MAX_NODES", 50)
    monkeypatch.setattr(network, "BETWEENNESS_SAMPLE_K", 10)
    first = centrality(G, measures=["betweenness"], seed=7)
    again = centrality(G, measures=["betweenness"], seed=7)
    assert first == again
    sampled = nx.betweenness_centrality(G, k=10, seed=7)
    assert all(first[n].betweenness == pytest.approx(sampled[n]) for n in G)
    assert any(first[n].betweenness != pytest.approx(exact[n]) for n in G)
    # k as large as the graph means every pivot: the exact value
    full = centrality(G, measures=["betweenness"], k=len(G))
    assert all(full[n].betweenness == pytest.approx(exact[n]) for n in G)


def test_explicit_k_samples_even_on_small_graph() -> None:
    G = nx.florentine_families_graph()
    c = centrality(G, measures=["betweenness"], k=5, seed=1)
    sampled = nx.betweenness_centrality(G, k=5, seed=1)
    assert all(c[n].betweenness == pytest.approx(sampled[n]) for n in G)


def test_centrality_empty_graph() -> None:
    assert centrality(nx.Graph()) == {}


@pytest.mark.parametrize("measures", [["closeness"], "degree", ["degree", "pagerank"]])
def test_unknown_measure_is_rejected(measures: object) -> None:
    with pytest.raises(InvalidInput) as err:
        centrality(path4(), measures=measures)  # type: ignore[arg-type]
    assert err.value.details and err.value.details[0]["field"] == "measures"


@pytest.mark.parametrize("k", [0, -3, True, 2.5])
def test_bad_k_is_rejected(k: object) -> None:
    with pytest.raises(InvalidInput):
        centrality(path4(), k=k)  # type: ignore[arg-type]


# --- preconditions shared by every function ----------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        centrality,
        clusters,
        fragile_links,
        isolated,
        k_core,
        lambda G: shortest_path(G, "a", "b"),
        lambda G: ego(G, "a"),
        summary_metrics,
    ],
)
@pytest.mark.parametrize("graph_type", [nx.DiGraph, nx.MultiGraph])
def test_directed_and_multigraphs_are_rejected(
    call: Callable[[nx.Graph], object], graph_type: type[nx.Graph]
) -> None:
    G = graph_type([("a", "b"), ("b", "c")])
    with pytest.raises(InvalidInput):
        call(G)


def test_self_tie_is_rejected_and_named() -> None:
    G = path4()
    G.add_edge("c", "c")
    with pytest.raises(InvalidInput) as err:
        summary_metrics(G)
    assert err.value.details == [{"field": "G", "node": "c", "problem": "self-loop"}]


# --- clusters -----------------------------------------------------------------------------


def test_two_triangles_split_into_two_clusters() -> None:
    G = two_triangles()
    G.remove_node("g")
    r = clusters(G)
    assert r.count == 2
    assert [c.members for c in r.communities] == [["a", "b", "c"], ["d", "e", "f"]]
    assert [c.id for c in r.communities] == [0, 1]
    assert [c.size for c in r.communities] == [3, 3]
    # weighted by tie count: m = 6*2 + 1 = 13, each side holds 6 and degree 2+2+2 + 2+2+2 + 1 = 13
    # Q = 2 * (6/13 - (13/26)^2) = 12/13 - 1/2
    assert r.modularity == pytest.approx(12 / 13 - 1 / 2)


def test_clusters_unweighted_modularity_by_hand() -> None:
    G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")])
    G.add_edges_from([("d", "e"), ("e", "f"), ("d", "f")])
    # Q = 2 * (3/7 - (7/14)^2) = 5/14
    assert clusters(G).modularity == pytest.approx(5 / 14)


def test_clusters_largest_first_and_isolated_alone() -> None:
    G = nx.Graph([("x", "y")])
    G.add_edges_from(nx.complete_graph(["p", "q", "r", "s"]).edges())
    G.add_node("lone")
    r = clusters(G)
    assert [c.members for c in r.communities] == [["p", "q", "r", "s"], ["x", "y"], ["lone"]]


def test_clusters_are_deterministic_for_a_seed() -> None:
    G = nx.gnm_random_graph(200, 600, seed=5)
    first = clusters(G, seed=11)
    assert clusters(G, seed=11) == first
    members = [n for c in first.communities for n in c.members]
    assert len(members) == len(G) and set(members) == set(G)
    parts = [c.members for c in first.communities]
    assert first.modularity == pytest.approx(nx.community.modularity(G, parts))


def test_clusters_without_edges() -> None:
    assert clusters(nx.Graph()).count == 0
    r = clusters(nx.empty_graph(3))
    assert r.count == 3 and r.modularity is None


@pytest.mark.parametrize("resolution", [0, -1.0])
def test_bad_resolution_is_rejected(resolution: float) -> None:
    with pytest.raises(InvalidInput):
        clusters(path4(), resolution=resolution)


# --- fragile links, isolated, cores -------------------------------------------------------


def test_path_every_tie_is_a_bridge() -> None:
    r = fragile_links(path4())
    pairs = [(b.source, b.target) for b in r.bridges]
    assert pairs == [("a", "b"), ("b", "c"), ("c", "d")]
    assert (r.bridges[0].source_name, r.bridges[0].target_name) == ("甲支部", "乙支部")
    assert r.articulation_points == [OrgName("b", "乙支部"), OrgName("c", "丙支部")]


def test_star_hub_is_the_single_point_of_failure() -> None:
    r = fragile_links(star())
    assert r.articulation_points == [OrgName("hub", "新丰街街道党工委")]
    assert len(r.bridges) == 4
    assert {b.source for b in r.bridges} == {"hub"}


def test_two_triangles_one_bridge() -> None:
    r = fragile_links(two_triangles())
    assert r.bridges == [BridgeTie("c", "c党支部", "d", "d党支部")]
    assert [p.id for p in r.articulation_points] == ["c", "d"]


def test_florentine_fragile_links_by_hand() -> None:
    r = fragile_links(nx.florentine_families_graph())
    bridges = {frozenset((b.source, b.target)) for b in r.bridges}
    assert bridges == {
        frozenset(p)
        for p in [("Acciaiuoli", "Medici"), ("Medici", "Salviati"), ("Pazzi", "Salviati"),
                  ("Albizzi", "Ginori"), ("Guadagni", "Lamberteschi")]
    }
    cut = [p.id for p in r.articulation_points]
    assert cut == ["Albizzi", "Guadagni", "Medici", "Salviati"]


def test_isolated_branches() -> None:
    assert isolated(two_triangles()) == [OrgName("g", "g党支部")]
    assert isolated(path4()) == []
    assert [n.id for n in isolated(batagelj_zaversnik())] == [21]


def test_k_core_reference_figure() -> None:
    r = k_core(batagelj_zaversnik())
    assert r.k == 3
    assert r.core == [1, 2, 3, 4, 5, 6, 7, 8]
    core = r.core_number
    assert [n for n in core if core[n] == 2] == list(range(9, 17))
    assert [n for n in core if core[n] == 1] == [17, 18, 19, 20]
    assert core[21] == 0
    assert k_core(batagelj_zaversnik(), k=2).core == list(range(1, 17))


def test_florentine_main_core_by_hand() -> None:
    # peel the leaves (Acciaiuoli, Pazzi, Ginori, Lamberteschi), then Salviati; the 3-core is empty
    r = k_core(nx.florentine_families_graph())
    assert r.k == 2
    assert r.core == sorted(
        ["Albizzi", "Barbadori", "Bischeri", "Castellani", "Guadagni", "Medici", "Peruzzi",
         "Ridolfi", "Strozzi", "Tornabuoni"]
    )


def test_k_core_empty_and_bad_k() -> None:
    assert k_core(nx.Graph()) == Cores(core_number={}, k=0, core=[])
    with pytest.raises(InvalidInput):
        k_core(path4(), k=-1)


# --- paths and ego networks ---------------------------------------------------------------


def test_shortest_path_across_the_bridge() -> None:
    r = shortest_path(two_triangles(), "a", "f")
    assert r.found is True and r.length == 3
    assert [s.id for s in r.path] == ["a", "c", "d", "f"]
    assert r.path[1] == OrgName("c", "c党支部")


def test_shortest_path_to_self_and_no_path() -> None:
    itself = Route(found=True, length=0, path=[OrgName("b", "乙支部")])
    assert shortest_path(path4(), "b", "b") == itself
    assert shortest_path(two_triangles(), "a", "g") == Route(found=False, length=None, path=[])


@pytest.mark.parametrize("source, target", [("a", "nowhere"), ("nowhere", "a")])
def test_shortest_path_missing_node(source: str, target: str) -> None:
    with pytest.raises(NotFound):
        shortest_path(path4(), source, target)


def test_ego_of_a_leaf_and_the_hub() -> None:
    leaf = ego(star(), "s1")
    assert (leaf.center, leaf.radius) == ("s1", 1)
    assert [n["id"] for n in leaf.nodes] == ["hub", "s1"]
    assert leaf.edges == [{"source": "hub", "target": "s1", "kinds": ["UNDER"], "weight": 1.0}]
    assert leaf.nodes[0]["name"] == "新丰街街道党工委"
    assert leaf.nodes[0]["level"] == "working_committee"
    assert len(ego(star(), "s1", radius=2).nodes) == 5
    assert len(ego(star(), "hub").edges) == 4
    assert ego(star(), "s1", radius=0).edges == []


def test_ego_is_plain_json() -> None:
    r = ego(two_triangles(), "c")
    assert [n["id"] for n in r.nodes] == ["a", "b", "c", "d"]
    bridge = next(e for e in r.edges if (e["source"], e["target"]) == ("c", "d"))
    assert bridge["kinds"] == ["REGISTERED_AT", "SITS_ON"]
    plain = asdict(r)
    assert json.loads(json.dumps(plain, ensure_ascii=False)) == plain


def test_ego_missing_center_and_bad_radius() -> None:
    with pytest.raises(NotFound):
        ego(path4(), "nowhere")
    with pytest.raises(InvalidInput):
        ego(path4(), "a", radius=-1)


# --- summary ------------------------------------------------------------------------------


def test_summary_metrics_two_triangles() -> None:
    s = summary_metrics(two_triangles())
    assert list(s) == list("abcdefg")
    assert {f.name for f in fields(s["c"])} == {
        "name",
        "betweenness",
        "degree",
        "eigenvector",
        "core_number",
        "cluster",
        "is_articulation_point",
    }
    # with g present n = 7: c carries 6 pairs out of 15 -> 0.4
    assert s["c"].betweenness == pytest.approx(0.4)
    assert s["c"].degree == pytest.approx(3 / 6)
    assert s["c"].is_articulation_point and s["d"].is_articulation_point
    assert not s["a"].is_articulation_point
    assert s["a"].cluster == s["b"].cluster == s["c"].cluster
    assert s["d"].cluster == s["e"].cluster == s["f"].cluster != s["a"].cluster
    assert s["g"].cluster not in {s["a"].cluster, s["d"].cluster}
    assert s["g"].core_number == 0 and s["a"].core_number == 2
    assert s["g"].eigenvector == 0.0 and s["g"].degree == 0.0
    assert s["a"].name == "a党支部"
    rows = {n: asdict(row) for n, row in s.items()}
    assert json.loads(json.dumps(rows, ensure_ascii=False)) == rows


def test_summary_metrics_agrees_with_the_parts() -> None:
    G = nx.florentine_families_graph()
    s = summary_metrics(G, seed=3)
    c = centrality(G, seed=3)
    groups = clusters(G, seed=3).communities
    for family in G:
        assert s[family].betweenness == c[family].betweenness
        assert s[family].eigenvector == c[family].eigenvector
        assert family in groups[s[family].cluster].members
    assert s["Medici"].is_articulation_point and not s["Strozzi"].is_articulation_point


def test_summary_metrics_empty_graph() -> None:
    assert summary_metrics(nx.Graph()) == {}
