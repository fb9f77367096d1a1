"""The picture renderer alone (views/picture.py): its page, its server-side layouts, its old API."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import networkx as nx
import pytest

from graphsvc.views import picture
from graphsvc.views.picture import Legend, PEdge, PNode, force_positions, render, tree_positions

LEGEND = [Legend("a", "甲类", "#e53935"), Legend("b", "乙类", "#1e88e5")]


def data(html: str) -> dict[str, Any]:
    return json.loads(re.search(r"const data = (\{.*?\});\n", html).group(1))  # type: ignore[union-attr]


def test_small_page_keeps_the_old_api_and_browser_physics() -> None:
    # as the other pictures call it: positional nodes and edges, title, legend, edge legend, layout
    nodes = [PNode("n1", "一号", "a", title="提示\n第二行"), PNode("n2", "二号</script>", "b", size=20)]
    html = render(nodes, [PEdge("n1", "n2", group="e", title="联系"), PEdge("n1", "nope")], title="测试图",
                  legend=LEGEND, edge_legend=[Legend("e", "联系", "#999")], layout="physics", note="说明")
    d = data(html)
    assert [n["id"] for n in d["nodes"]] == ["n1", "n2"] and len(d["edges"]) == 1  # an edge to nowhere is dropped
    assert d["options"]["physics"]["enabled"] is True and "x" not in d["nodes"][0]
    assert d["nodes"][0]["color"] == "#e53935" and d["nodes"][0]["title"] == "提示\n第二行"
    assert "</script>" not in html.split("const data = ")[1].split(";\n")[0]  # a name cannot end the script
    assert 'src="/static/vis/vis-network.min.js"' in html and "http://" not in html and "https://" not in html
    assert {"kind": "node", "key": "a", "zh": "甲类", "color": "#e53935", "count": 1} in d["legend"]  # with its count
    assert d["nodes"][0]["kind"] == "a" and "group" not in d["nodes"][0]  # a vis "group" would repaint the node
    assert "说明" in html and 'rel="icon" href="data:,"' in html


def test_standalone_inlines_vis_network() -> None:
    html = render([PNode("n", "节点", "a")], [], title="t", legend=LEGEND, standalone=True)
    assert "/static/vis" not in html and "vis.Network" in html and len(html) > 400_000


def test_fixed_layout_uses_the_given_positions() -> None:
    d = data(render([PNode("n", "节点", "a", x=10, y=-20)], [], title="t", legend=LEGEND, layout="fixed"))
    assert (d["nodes"][0]["x"], d["nodes"][0]["y"]) == (10, -20)


def test_big_graph_is_laid_out_on_the_server() -> None:
    G = nx.connected_caveman_graph(40, 10)  # 400 nodes in 40 tight cliques
    G.add_nodes_from(["lonely-1", "lonely-2"])
    nodes = [PNode(str(n), f"党支部{n}", "a") for n in G]
    d = data(render(nodes, [PEdge(str(u), str(v)) for u, v in G.edges()], title="t", legend=LEGEND))
    assert len(G) > picture.PHYSICS_MAX_NODES
    assert d["options"]["physics"]["enabled"] is False and d["options"]["layout"]["improvedLayout"] is False
    assert all("x" in n and "y" in n for n in d["nodes"])


def test_force_positions_keep_communities_together_and_are_seeded() -> None:
    G = nx.connected_caveman_graph(30, 12)
    pos = force_positions(list(G), list(G.edges()), seed=3)
    assert pos == force_positions(list(G), list(G.edges()), seed=3)

    def centre(clique: int) -> tuple[float, float]:
        members = [pos[clique * 12 + i] for i in range(12)]
        return sum(p[0] for p in members) / 12, sum(p[1] for p in members) / 12

    # a node is nearer its own clique's centre than any other clique's
    for n in G:
        own = math.dist(pos[n], centre(n // 12))
        assert all(own < math.dist(pos[n], centre(c)) for c in range(30) if c != n // 12)


def test_tree_positions_put_parents_above_and_pack_the_leaves() -> None:
    # a committee over 3 branches with 20 groups each, and 30 organisations under nobody
    nodes = [PNode("top", "党工委", "a", level=0)]
    edges = []
    for b in range(3):
        nodes.append(PNode(f"b{b}", f"支部{b}", "a", level=1))
        edges.append(PEdge(f"b{b}", "top"))
        for g in range(20):
            nodes.append(PNode(f"b{b}g{g}", f"小组{g}", "b", level=2))
            edges.append(PEdge(f"b{b}g{g}", f"b{b}"))
    nodes += [PNode(f"lone{i}", f"单位支部{i}", "a", level=0) for i in range(30)]
    pos = tree_positions(nodes, edges)
    assert set(pos) == {n.id for n in nodes}
    for e in edges:
        assert pos[e.target][1] < pos[e.source][1]  # the parent is above
    assert len(set(pos.values())) == len(pos)  # no two in the same place
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    assert (max(xs) - min(xs)) < 4 * (max(ys) - min(ys))  # packed, not one line 90 wide


@pytest.mark.parametrize("n", [picture.HIERARCHY_MAX_NODES + 1])
def test_big_hierarchy_falls_back_to_the_tree_layout(n: int) -> None:
    nodes = [PNode("0", "根", "a", level=0)] + [PNode(str(i), f"组{i}", "b", level=1) for i in range(1, n)]
    d = data(render(nodes, [PEdge(str(i), "0") for i in range(1, n)], title="t", legend=LEGEND, layout="hierarchical"))
    assert "hierarchical" not in d["options"]["layout"] and all("x" in v for v in d["nodes"])


def test_big_picture_opens_collapsed_by_cluster_and_labels_the_important() -> None:
    G = nx.connected_caveman_graph(20, 10)  # 200 nodes: 20 communities of 10
    nodes = [PNode(str(n), f"党支部{n}", "a", size=8 + n % 7, cluster=f"社区{n // 10}") for n in G]
    d = data(render(nodes, [PEdge(str(u), str(v), group="e") for u, v in G.edges()], title="t", legend=LEGEND,
                    edge_legend=[Legend("e", "联系", "#999")]))
    assert len(nodes) > picture.COLLAPSE_MIN_NODES
    assert d["collapse"] and set(d["collapse"]["groups"]) == {f"社区{i}" for i in range(20)}
    assert d["collapse"]["groups"]["社区3"]["label"] == "社区3\n10 个"
    assert all(n["cluster"] == f"社区{int(n['id']) // 10}" for n in d["nodes"])
    assert all("x" in n for n in d["nodes"]) and d["options"]["physics"]["enabled"] is False  # opens in place
    # the collapsed communities and the ties between them are in the legend, in the colours drawn
    legend = {(x["kind"], x["color"]) for x in d["legend"]}
    assert ("collapsed", d["collapse"]["color"]) in legend and ("collapsed-edge", d["collapse"]["edgeColor"]) in legend
    assert len(d["important"]) == picture.LABELLED and "6" in d["important"]  # the biggest are named


def test_small_picture_is_not_collapsed_and_names_every_node() -> None:
    nodes = [PNode(str(i), f"组{i}", "a", cluster="社区") for i in range(10)]
    d = data(render(nodes, [], title="t", legend=LEGEND))
    assert d["collapse"] is None and d["important"] == [str(i) for i in range(10)]


def test_org_chart_names_every_organisation_with_organisations_under_it() -> None:
    nodes = [PNode("top", "党工委", "a", level=0)]
    edges = []
    for b in range(5):
        nodes.append(PNode(f"b{b}", f"支部{b}", "a", level=1))
        edges.append(PEdge(f"b{b}", "top"))
        nodes += [PNode(f"b{b}g{g}", f"小组{g}", "b", level=2) for g in range(10)]
        edges += [PEdge(f"b{b}g{g}", f"b{b}") for g in range(10)]
    d = data(render(nodes, edges, title="t", legend=LEGEND, layout="tree"))
    assert set(d["important"]) == {"top", *(f"b{b}" for b in range(5))}
