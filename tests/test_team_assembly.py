"""Tests of the team-assembly validation model (abm/team_assembly.py).

Golden values come from the model's published rules (Guimerà et al., Science 308:697, 2005) and
hand calculation, never from a run of the code under test:

* each slot is an incumbent with probability p, independently, as long as incumbents are
  available, so the number K of newcomers in a team of m is Binomial(m, 1 − p) and a team's
  pairs split into C(K, 2) newcomer–newcomer, K(m − K) newcomer–incumbent and C(m − K, 2)
  incumbent–incumbent pairs;
* p = 0 gives disjoint cliques of m newcomers, p = 1 gives the seed team over and over;
* an agent retires exactly when it has been idle for more than max_downtime steps.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from abm import team_assembly as ta
from abm.params import ParamSpec


def _pair_type_moments(m: int, p: float) -> dict[str, tuple[float, float]]:
    """Mean and SD of the share of a team's pairs of each type (nn, ni, incumbent–incumbent)
    when K ~ Binomial(m, 1 − p), by exact enumeration over K."""
    pairs = m * (m - 1) / 2
    out: dict[str, list[float]] = {"nn": [0.0, 0.0], "ni": [0.0, 0.0], "ii_all": [0.0, 0.0]}
    for k in range(m + 1):
        w = math.comb(m, k) * (1 - p) ** k * p ** (m - k)
        shares = {
            "nn": math.comb(k, 2) / pairs,
            "ni": k * (m - k) / pairs,
            "ii_all": math.comb(m - k, 2) / pairs,
        }
        for name, s in shares.items():
            out[name][0] += w * s
            out[name][1] += w * s * s
    return {n: (mu, math.sqrt(max(sq - mu * mu, 0.0))) for n, (mu, sq) in out.items()}


# ---------------------------------------------------------------------------- link types
@pytest.mark.parametrize("p", [0.3, 0.5, 0.8])
def test_first_link_types_match_binomial_draws(p: float) -> None:
    """With m = 2 every team is exactly one link, the link between the first two draws, so its
    type is newcomer–newcomer with probability (1−p)², newcomer–incumbent 2p(1−p) and
    incumbent–incumbent (first or repeat) p². Over n independent teams each observed frequency
    is binomial; we allow 4 standard errors sqrt(π(1−π)/n) (false-alarm chance ≈ 6e-5 each).
    An incumbent is always available: the previous team's m members are active incumbents."""
    n = 3000
    df = ta.run(rng=11, steps=n, team_size=2, p=p, q=0.5, max_downtime=20)
    last = df.iloc[-1]
    observed = {
        "nn": last["cum_nn"] / n,
        "ni": last["cum_ni"] / n,
        "ii": (last["cum_ii"] + last["cum_repeat"]) / n,
    }
    assert last["cum_nn"] + last["cum_ni"] + last["cum_ii"] + last["cum_repeat"] == n
    expected = {"nn": (1 - p) ** 2, "ni": 2 * p * (1 - p), "ii": p * p}
    for kind, pi in expected.items():
        se = math.sqrt(pi * (1 - pi) / n)
        assert abs(observed[kind] - pi) <= 4 * se, (kind, observed[kind], pi, se)


def test_pair_type_shares_of_teams_of_four_match_binomial_composition() -> None:
    """Teams of m = 4: the mean per-team share of each pair type equals its expectation under
    K ~ Binomial(4, 1 − p) (e.g. (1−p)² for newcomer–newcomer: any two slots are both newcomers
    with that probability). Tolerance: 4 × SD/√n with the SD of a team's share computed exactly
    from the same binomial distribution."""
    m, p, n = 4, 0.6, 3000
    df = ta.run(rng=5, steps=n, team_size=m, p=p, q=0.5, max_downtime=20).iloc[1:]
    moments = _pair_type_moments(m, p)
    assert moments["nn"][0] == pytest.approx((1 - p) ** 2)  # the enumeration itself
    observed = {
        "nn": df["share_nn"].mean(),
        "ni": df["share_ni"].mean(),
        "ii_all": (df["share_ii"] + df["share_repeat"]).mean(),
    }
    for kind, (mu, sd) in moments.items():
        assert abs(observed[kind] - mu) <= 4 * sd / math.sqrt(n), (kind, observed[kind], mu)


def test_only_newcomers_gives_disjoint_cliques() -> None:
    """p = 0: every team is m new agents, so after t steps (τ ≥ t) there are t + 1 cliques of
    m, the giant component holds 1/(t + 1) of the agents, every agent has m − 1 collaborators
    and every link is newcomer–newcomer."""
    m, t = 3, 50
    df = ta.run(rng=2, steps=t, team_size=m, p=0.0, max_downtime=1000)
    steps = np.arange(t + 1)
    np.testing.assert_allclose(df["giant_component_share"], 1.0 / (steps + 1))
    np.testing.assert_array_equal(df["n_active"], m * (steps + 1))
    np.testing.assert_allclose(df["mean_degree"], m - 1)
    assert (df["share_nn"].iloc[1:] == 1.0).all()
    assert df["cum_nn"].iloc[-1] == t * m * (m - 1) // 2


def test_only_incumbents_repeats_the_seed_team() -> None:
    """p = 1: the only incumbents are the m seed agents, all of whom fill every team, so all
    links after the seed are repeats, nobody joins or retires, and S = 1."""
    m = 5
    df = ta.run(rng=3, steps=30, team_size=m, p=1.0, q=0.3, max_downtime=0)
    assert (df["n_active"] == m).all()
    assert (df["giant_component_share"] == 1.0).all()
    assert (df["share_repeat"].iloc[1:] == 1.0).all()
    assert df["cum_retired"].iloc[-1] == 0


# ---------------------------------------------------------------------------- S(p, q)
def _steady_S(p: float, q: float, seeds: range) -> np.ndarray:
    """Time-averaged giant component share over steps 300–1000, one value per seed."""
    return np.array(
        [
            ta.run(rng=s, steps=1000, p=p, q=q, team_size=4, max_downtime=20)[
                "giant_component_share"
            ]
            .iloc[300:]
            .mean()
            for s in seeds
        ]
    )


def _clearly_greater(hi: np.ndarray, lo: np.ndarray) -> bool:
    """Mean difference larger than 3 combined standard errors measured across seeds."""
    se = math.sqrt(hi.var(ddof=1) / hi.size + lo.var(ddof=1) / lo.size)
    return hi.mean() - lo.mean() > 3 * se


def test_giant_component_rises_with_p_and_falls_with_q() -> None:
    """The paper's central result: S grows with the share of incumbents p (the percolation
    transition) and, for a given p, repeat collaboration q keeps incumbents in closed circles
    and shrinks the giant component. m = 4, τ = 20, three seeds; measured seed-to-seed SDs of
    S are about 0.01–0.05 while the differences asserted are several times that."""
    seeds = range(3)
    by_p = [_steady_S(p, 0.0, seeds) for p in (0.1, 0.3, 0.5)]
    assert _clearly_greater(by_p[1], by_p[0]), [s.mean() for s in by_p]
    assert _clearly_greater(by_p[2], by_p[1]), [s.mean() for s in by_p]
    by_q = [by_p[2], _steady_S(0.5, 0.5, seeds), _steady_S(0.5, 1.0, seeds)]
    assert _clearly_greater(by_q[0], by_q[1]), [s.mean() for s in by_q]
    assert _clearly_greater(by_q[1], by_q[2]), [s.mean() for s in by_q]


# ---------------------------------------------------------------------------- retirement
def test_agents_retire_exactly_after_max_downtime() -> None:
    """Replay the teams independently: after step t the active agents must be exactly those
    whose last team was at step ≥ t − τ (idle for at most τ steps), the network must hold
    exactly them, and retirements must happen."""
    tau = 3
    model = ta.TeamAssemblyModel(rng=4, team_size=4, p=0.5, q=0.5, max_downtime=tau)
    last_seen = dict.fromkeys(model.last_team, 0)
    for t in range(1, 301):
        model.step()
        for uid in model.last_team:
            last_seen[uid] = t
        expected = {uid for uid, s in last_seen.items() if t - s <= tau}
        active = {a.unique_id for a in model.agents}
        assert active == expected, t
        assert set(model.graph.nodes) == expected, t
        assert max(t - model.member(u).last_active for u in active) <= tau
    assert model.metrics["cum_retired"] == len(last_seen) - len(expected) > 0


# ---------------------------------------------------------------------------- reproducibility
def test_same_seed_same_frame_different_seed_differs() -> None:
    a = ta.run(rng=9, steps=300, p=0.4, q=0.6)
    b = ta.run(rng=9, steps=300, p=0.4, q=0.6)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["seed"] == 9
    c = ta.run(rng=10, steps=300, p=0.4, q=0.6)
    assert not a.equals(c)


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"p": 1.5}, "p"),
        ({"p": -0.1}, "p"),
        ({"q": float("nan")}, "q"),
        ({"team_size": 1}, "team_size"),
        ({"team_size": 2.5}, "team_size"),
        ({"max_downtime": -1}, "max_downtime"),
        ({"p": "high"}, "p"),
    ],
)
def test_bad_values_name_the_field_and_range(kwargs: dict, field: str) -> None:
    expected = rf"parameter '{field}' = .* expected (an integer|a number) in"
    with pytest.raises(ValueError, match=expected):
        ta.TeamAssemblyParams(**kwargs)
    with pytest.raises(ValueError, match=f"'{field}'"):
        ta.run(steps=1, **kwargs)


def test_unknown_names_and_bad_run_arguments() -> None:
    with pytest.raises(ValueError, match="unknown team_assembly parameter 'pp'; did you mean"):
        ta.run(steps=1, pp=0.3)
    with pytest.raises(ValueError, match="unknown team_assembly parameter 'tau'"):
        ta.TeamAssemblyParams.from_dict({"tau": 5})
    with pytest.raises(ValueError, match="steps"):
        ta.run(steps=-1)
    with pytest.raises(ValueError, match="rng"):
        ta.run(rng=-3, steps=1)
    with pytest.raises(ValueError, match="params must be a TeamAssemblyParams"):
        ta.TeamAssemblyModel({"p": 0.3})
    with pytest.raises(ValueError, match="no named scenarios"):
        ta.TeamAssemblyModel(scenario="baseline")


def test_param_specs_describe_every_field() -> None:
    specs = ta.param_specs()
    assert [s.name for s in specs] == ["team_size", "p", "q", "max_downtime"]
    assert all(isinstance(s, ParamSpec) for s in specs)
    p = next(s for s in specs if s.name == "p")
    assert (p.min, p.max, p.type) == (0.0, 1.0, float)
    assert ta.TeamAssemblyParams(p=1).p == 1.0 and isinstance(ta.TeamAssemblyParams(p=1).p, float)
    assert set(ta.run(steps=2).columns) == set(ta.REPORTERS)
