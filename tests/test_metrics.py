"""Tests of abm.metrics on hand-built graphs (values worked out by hand) and a sampled check."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.metrics import (
    clustering,
    collaboration_matrix,
    degree_histogram,
    density,
    giant_component_share,
    gini,
    mean_path_length,
    n_components,
    share_cross_kind_edges,
)

RNG = np.random.default_rng(0)


def triangle() -> nx.Graph:
    return nx.Graph([(0, 1), (1, 2), (2, 0)])


def path4() -> nx.Graph:
    return nx.Graph([(0, 1), (1, 2), (2, 3)])


def two_components() -> nx.Graph:
    """Triangle {0,1,2}, edge {3,4}, isolated node 5."""
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (3, 4)])
    G.add_node(5)
    return G


def star5() -> nx.Graph:
    """Centre 0 with leaves 1..4."""
    return nx.star_graph(4)


# --------------------------------------------------------------------------- gini


def test_gini_by_hand():
    # G = Σ_i Σ_j |x_i − x_j| / (2 n² mean)
    # (0,0,0,1): 6 ordered pairs differ by 1 → 6 / (2·16·0.25) = 0.75
    assert math.isclose(gini([0, 0, 0, 1]), 0.75)
    # (1,2,3,4): Σ|diff| over ordered pairs = 2·(1+2+3+1+2+1) = 20 → 20 / (2·16·2.5) = 0.25
    assert math.isclose(gini([4, 1, 3, 2]), 0.25)


def test_gini_degenerate_and_negative():
    assert gini([]) == 0.0
    assert gini([3.0, 3.0, 3.0]) == 0.0
    assert gini([0.0, 0.0]) == 0.0
    assert gini([-5.0, -1.0]) == 0.0  # all in debt: all hold nothing
    # debt counts as holding nothing: (−5, 0, 0, 1) → (0, 0, 0, 1)
    assert math.isclose(gini([-5, 0, 0, 1]), 0.75)
    with pytest.raises(ValueError, match="values"):
        gini([1.0, float("nan")])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=50), st.floats(0.1, 100.0))
def test_gini_in_unit_interval_and_scale_invariant(values, scale):
    g = gini(values)
    assert 0.0 <= g < 1.0
    assert math.isclose(gini(np.asarray(values) * scale), g, abs_tol=1e-9)


# --------------------------------------------------------------------------- structure


def test_triangle():
    G = triangle()
    assert giant_component_share(G) == 1.0
    assert n_components(G) == 1
    assert density(G) == 1.0  # 3 edges of 3 possible
    assert clustering(G) == 1.0
    assert mean_path_length(G, samples=10, rng=RNG) == 1.0
    assert degree_histogram(G) == [0, 0, 3]


def test_path_of_four():
    G = path4()
    assert density(G) == 0.5  # 3 edges of 4·3/2 = 6
    assert clustering(G) == 0.0  # no triangles
    # distances: (0,1)=1 (0,2)=2 (0,3)=3 (1,2)=1 (1,3)=2 (2,3)=1 → 10 / 6 pairs
    assert math.isclose(mean_path_length(G, samples=10, rng=RNG), 10 / 6)
    assert degree_histogram(G) == [0, 2, 2]


def test_two_components_and_isolate():
    G = two_components()
    assert n_components(G) == 3  # triangle, edge, isolate
    assert math.isclose(giant_component_share(G), 3 / 6)
    assert math.isclose(density(G), 4 / 15)  # 4 edges of 6·5/2 = 15
    # triangle nodes have clustering 1, the other three 0 → 3 / 6
    assert math.isclose(clustering(G), 0.5)
    assert mean_path_length(G, samples=10, rng=RNG) == 1.0  # within the triangle only
    assert degree_histogram(G) == [1, 2, 3]


def test_star():
    G = star5()
    assert math.isclose(density(G), 0.4)  # 4 edges of 10
    assert clustering(G) == 0.0  # leaves have degree 1, the centre's neighbours are unlinked
    # 4 centre–leaf pairs at distance 1, C(4,2) = 6 leaf–leaf pairs at distance 2 → 16 / 10
    assert math.isclose(mean_path_length(G, samples=10, rng=RNG), 1.6)
    assert degree_histogram(G) == [0, 4, 0, 0, 1]


def test_directed_graph_uses_weak_connectivity_and_undirected_view():
    # 0→1, 1→0 (reciprocal), 1→2, 3→4: weak components {0,1,2} and {3,4}
    D = nx.DiGraph([(0, 1), (1, 0), (1, 2), (3, 4)])
    assert n_components(D) == 2
    assert math.isclose(giant_component_share(D), 3 / 5)
    assert math.isclose(density(D), 4 / 20)  # 4 arcs of 5·4 possible
    # undirected view of {0,1,2} is the path 0–1–2: (1 + 1 + 2) / 3 pairs
    assert math.isclose(mean_path_length(D, samples=10, rng=RNG), 4 / 3)
    assert clustering(D) == 0.0
    D.add_edge(2, 0)  # closes the triangle in the undirected view
    assert math.isclose(clustering(D), 3 / 5)  # 3 triangle nodes at 1, nodes 3 and 4 at 0
    # degree = in + out: node 0 {0→1, 1→0, 2→0} = 3, node 1 {0→1, 1→0, 1→2} = 3,
    # node 2 {1→2, 2→0} = 2, nodes 3 and 4 one each → histogram [0, 2, 1, 2]
    assert degree_histogram(D) == [0, 2, 1, 2]


def test_empty_and_tiny_graphs():
    E = nx.Graph()
    assert giant_component_share(E) == 0.0
    assert n_components(E) == 0
    assert density(E) == 0.0
    assert clustering(E) == 0.0
    assert mean_path_length(E, samples=5, rng=RNG) == 0.0
    assert degree_histogram(E) == []
    lone = nx.DiGraph()
    lone.add_nodes_from([1, 2])
    assert giant_component_share(lone) == 0.5
    assert mean_path_length(lone, samples=5, rng=RNG) == 0.0


def test_self_loops_and_multigraph_edges_do_not_distort_paths_or_clustering():
    G = nx.MultiGraph([(0, 1), (0, 1), (1, 2), (2, 0), (0, 0)])
    assert clustering(G) == 1.0
    assert mean_path_length(G, samples=10, rng=RNG) == 1.0


def test_mean_path_length_rejects_bad_samples():
    with pytest.raises(ValueError, match="samples"):
        mean_path_length(triangle(), samples=0, rng=RNG)


def test_mean_path_length_sampled_close_to_exact_on_a_larger_graph():
    G = nx.gnp_random_graph(200, 0.03, seed=3)
    giant = G.subgraph(max(nx.connected_components(G), key=len))
    k = len(giant)
    # mean distance from each source to the k − 1 others; their mean is the all-pairs mean
    per_source = np.array(
        [sum(nx.single_source_shortest_path_length(giant, s).values()) / (k - 1) for s in giant]
    )
    exact = float(per_source.mean())
    assert math.isclose(exact, nx.average_shortest_path_length(giant))
    # samples >= component size → exact computation
    assert math.isclose(mean_path_length(G, samples=k, rng=RNG), exact)
    samples = 40
    est = mean_path_length(G, samples=samples, rng=np.random.default_rng(11))
    assert est != exact  # really sampled
    # The estimate is the mean of `samples` per-source means drawn without replacement, so its
    # standard error is at most sd(per-source means)/√samples. Allow 5 standard errors.
    tol = 5 * per_source.std() / math.sqrt(samples)
    assert abs(est - exact) < tol
    # same rng seed → same sources → same estimate
    assert est == mean_path_length(G, samples=samples, rng=np.random.default_rng(11))


# --------------------------------------------------------------------------- typed graphs


def typed_digraph() -> nx.DiGraph:
    D = nx.DiGraph()
    D.add_nodes_from(["m1", "m2"], kind="maker")
    D.add_node("u1", kind="university")
    D.add_node("e1", kind="enterprise")
    D.add_edge("m1", "u1", trust=0.5)
    D.add_edge("m2", "u1", trust=0.25)
    D.add_edge("u1", "m1", trust=1.0)
    D.add_edge("m1", "m2", trust=0.75)
    D.add_edge("e1", "m1")  # no trust attribute → weight 1 (networkx convention)
    return D


KINDS = ["maker", "university", "enterprise"]


def test_share_cross_kind_edges_by_hand():
    # arcs m1→u1, m2→u1, u1→m1, e1→m1 cross kinds; m1→m2 does not → 4 / 5
    assert math.isclose(share_cross_kind_edges(typed_digraph()), 0.8)
    G = nx.Graph(typed_digraph())  # undirected: m1–u1, m2–u1, m1–m2, e1–m1 → 3 / 4
    assert math.isclose(share_cross_kind_edges(G), 0.75)
    assert share_cross_kind_edges(nx.Graph()) == 0.0


def test_collaboration_matrix_directed_counts_and_weights():
    M = collaboration_matrix(typed_digraph(), KINDS)
    # rows = from, columns = to
    #            maker  university  enterprise
    # maker        1        2           0        (m1→m2; m1→u1, m2→u1)
    # university   1        0           0        (u1→m1)
    # enterprise   1        0           0        (e1→m1)
    assert list(M.index) == KINDS and list(M.columns) == KINDS
    assert M.to_numpy().tolist() == [[1, 2, 0], [1, 0, 0], [1, 0, 0]]
    W = collaboration_matrix(typed_digraph(), KINDS, weight="trust")
    # maker→maker 0.75; maker→university 0.5 + 0.25; university→maker 1.0; enterprise→maker 1
    np.testing.assert_allclose(W.to_numpy(), [[0.75, 0.75, 0], [1.0, 0, 0], [1.0, 0, 0]])


def test_collaboration_matrix_undirected_is_symmetric_arc_pairs():
    G = nx.Graph(typed_digraph())  # edges m1–u1, m2–u1, m1–m2, e1–m1
    M = collaboration_matrix(G, KINDS)
    # each edge counts as two arcs: m1–m2 → 2 on maker/maker; m1–u1, m2–u1 → 2 each way;
    # e1–m1 → 1 each way. Row sums are degree totals: makers 2 + 2 + 1 = deg(m1) 3 + deg(m2) 2
    assert M.to_numpy().tolist() == [[2, 2, 1], [2, 0, 0], [1, 0, 0]]
    assert M.to_numpy().sum() == 2 * G.number_of_edges()


def test_kind_errors():
    with pytest.raises(ValueError, match="not among kinds"):
        collaboration_matrix(typed_digraph(), ["maker", "university"])
    G = nx.Graph([(0, 1)])
    with pytest.raises(ValueError, match="attribute 'kind'"):
        share_cross_kind_edges(G)
    with pytest.raises(ValueError, match="distinct"):
        collaboration_matrix(typed_digraph(), ["maker", "maker", "university", "enterprise"])


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 30), st.floats(0.0, 0.5), st.integers(0, 1000), st.booleans())
def test_structural_invariants_on_random_graphs(n, p, seed, directed):
    G = nx.gnp_random_graph(n, p, seed=seed, directed=directed)
    share = giant_component_share(G)
    assert 1 / n <= share <= 1.0
    assert 1 <= n_components(G) <= n
    assert 0.0 <= density(G) <= 1.0
    assert 0.0 <= clustering(G) <= 1.0
    assert sum(degree_histogram(G)) == n
    assert mean_path_length(G, samples=50, rng=np.random.default_rng(seed)) >= 0.0


def _random_adjacency(n: int, p: float, rng: np.random.Generator):
    """Symmetric 0/1 CSR adjacency of a G(n, p) graph without self-loops (isolates and several
    components are common at small p)."""
    from scipy.sparse import csr_matrix

    upper = np.triu(rng.random((n, n)) < p, k=1)
    return csr_matrix((upper | upper.T).astype(float))


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 150),
    p=st.floats(0.0, 0.3),
    seed=st.integers(0, 2**31 - 1),
    n_sources=st.integers(1, 140),
)
def test_hop_distance_sum_equals_scipys_shortest_paths(n, p, seed, n_sources):
    """The bit-parallel breadth-first search against scipy's own unweighted shortest paths (an
    independent implementation): the sum of the finite distances from the sources, on random
    graphs with isolates and several components, with more than 64 sources (several words)."""
    from scipy.sparse.csgraph import shortest_path

    from abm.metrics import hop_distance_sum

    rng = np.random.default_rng(seed)
    adj = _random_adjacency(n, p, rng)
    sources = rng.choice(n, size=min(n_sources, n), replace=False)
    dist = shortest_path(adj, directed=False, unweighted=True, indices=sources)
    got = hop_distance_sum(adj, sources)
    assert isinstance(got, int)
    assert got == int(dist[np.isfinite(dist)].sum())


def test_hop_distance_sum_by_hand():
    """Path 0-1-2-3 plus isolate 4: from 0 the hops are 0, 1, 2, 3 (4 unreachable), from 2
    they are 2, 1, 0, 1; from the isolate nothing is reached: 6 + 4 + 0 = 10."""
    from scipy.sparse import csr_matrix

    from abm.metrics import hop_distance_sum

    adj = csr_matrix(
        np.array(
            [[0, 1, 0, 0, 0], [1, 0, 1, 0, 0], [0, 1, 0, 1, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0]],
            dtype=float,
        )
    )
    assert hop_distance_sum(adj, np.array([0, 2])) == 6 + 4
    assert hop_distance_sum(adj, np.array([0, 2, 4])) == 6 + 4
    assert hop_distance_sum(adj, np.array([4])) == 0


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 150), p=st.floats(0.0, 0.5), seed=st.integers(0, 2**31 - 1))
def test_triangle_counts_equal_networkx_and_the_sparse_product(n, p, seed):
    """Triangles per node, by either method and by the cheaper one, against networkx's
    ``triangles`` and the sparse formula ``(A @ A) ∘ A`` summed by row, halved (independent
    implementations), on random graphs of more than 64 nodes (several words per bitset) too."""
    from abm.metrics import triangle_counts

    adj = _random_adjacency(n, p, np.random.default_rng(seed))
    G = nx.from_scipy_sparse_array(adj)
    want = [nx.triangles(G, v) for v in range(n)]
    sparse = np.asarray((adj @ adj).multiply(adj).sum(axis=1)).ravel() / 2
    for method in ("bitset", "product", None):
        got = triangle_counts(adj, method=method)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(got, sparse)


def test_triangle_counts_in_small_blocks(monkeypatch):
    """With blocks of a few ties (as on a large graph), the same counts as networkx."""
    import abm.metrics as metrics

    monkeypatch.setattr(metrics, "_BLOCK_WORDS", 6)  # 3 ties of 2 words a block
    adj = _random_adjacency(100, 0.2, np.random.default_rng(5))
    G = nx.from_scipy_sparse_array(adj)
    want = [nx.triangles(G, v) for v in range(100)]
    np.testing.assert_array_equal(metrics.triangle_counts(adj), want)


def test_triangle_counts_by_hand():
    """Triangle 0-1-2 with a tail 2-3 and the triangle 2-3-4: node 2 is in both triangles."""
    from scipy.sparse import csr_matrix

    from abm.metrics import triangle_counts

    ties = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (2, 4)]
    dense = np.zeros((6, 6))
    for i, j in ties:
        dense[i, j] = dense[j, i] = 1.0
    for method in ("bitset", "product"):
        got = triangle_counts(csr_matrix(dense), method=method)
        np.testing.assert_array_equal(got, [1, 1, 2, 1, 1, 0])
    with pytest.raises(ValueError, match="method"):
        triangle_counts(csr_matrix(dense), method="wedges")


def test_triangle_counts_takes_the_method_with_less_work(monkeypatch):
    """The bitset on a dense small graph (few words per tie), the product on a sparse large
    one (a path of 1,000 nodes: 999 ties × 16 words against a squared-degree sum of 3,994)."""
    from scipy.sparse import csr_matrix, diags

    import abm.metrics as metrics

    used = []

    def spy_bits(positions):
        used.append("bitset")
        return bits(positions)

    bits = metrics._bit
    monkeypatch.setattr(metrics, "_bit", spy_bits)
    metrics.triangle_counts(csr_matrix(np.ones((10, 10)) - np.eye(10)))
    assert used == ["bitset"]
    path = csr_matrix(diags([1.0, 1.0], [-1, 1], shape=(1000, 1000)))
    assert metrics.triangle_counts(path).sum() == 0
    assert used == ["bitset"]


def test_popcount_without_bitwise_count(monkeypatch):
    """The byte-table popcount used on numpy < 2 gives the set bits of each word, as
    ``bin(x).count("1")`` does."""
    import abm.metrics as metrics

    words = np.array(
        [[0, 1, 2**63, 2**64 - 1], [0x0F0F, 12345678901234567, 7, 2**40 + 3]], dtype=np.uint64
    )
    want = [[bin(int(x)).count("1") for x in row] for row in words]
    np.testing.assert_array_equal(metrics._popcount(words), want)
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    np.testing.assert_array_equal(metrics._popcount(words), want)
