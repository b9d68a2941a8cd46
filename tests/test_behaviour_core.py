"""Behavioural facts of the core model (issue 4), averaged over paired seeds.

Each comparison runs both settings with the same 20 seeds on a small population (trust on vs
off on the model's default population, see ``all_configs`` in tests/behaviour_runs.py) and
requires the mean per-seed difference to exceed two standard errors of the difference, computed
here from the per-seed values; the numbers are printed in the assertion message. Facts the
model does not show with these honest tolerances are marked ``xfail(strict=True)`` with the
measured numbers, so the suite turns red when the model starts to show them (then remove the
marker).

The measures, fixed before looking at the results:

* repeat collaborations: mean over steps with projects of ``share_repeat_collaborations``;
* clustering: mean ``clustering`` of the collaboration graph over the window;
* transitivity (closed / connected triads; added on 2026-11-29, after the clustering test had
  failed, as a second measure, not in its place): mean ``transitivity`` over the window;
* transaction costs: search and monitoring costs per project started (Σ costs / Σ projects), so
  that a setting is not "cheaper" merely by running fewer projects; the total is checked too;
* success rate: Σ succeeded / Σ started over the window;
* fairness: mean ``mean_fairness`` over steps in which at least one team (2+ members) ran;
* makers alive: ``n_makers_alive`` after 200 steps;
* edges: mean ``n_edges`` over the window.
"""

from __future__ import annotations

import pytest
from behaviour_runs import LONG, SHORT, assert_larger


def _repeat(df):
    return df.share_repeat_collaborations[df.n_projects_started > 0].mean()


def _clustering(df):
    return df.clustering.mean()


def _transitivity(df):
    return df.transitivity.mean()


def _costs_per_project(df):
    return df.transaction_costs.sum() / max(df.n_projects_started.sum(), 1)


def _success_rate(df):
    return df.n_projects_succeeded.sum() / max(df.n_projects_started.sum(), 1)


def _fairness(df):
    return df.mean_fairness[df.mean_team_size > 1].mean()


def _alive(df):
    return df.n_makers_alive.iloc[-1]


def _edges(df):
    return df.n_edges.mean()


@pytest.fixture(scope="module")
def runs(behaviour_runs_cache):
    return behaviour_runs_cache


# --------------------------------------------------------------------------- trust on vs off
# At the model's default population (see behaviour_runs.all_configs for why not SMALL).
ON, OFF = "baseline_default_population", "trust_off_default_population"


def test_trust_brings_more_repeat_collaborations(runs):
    assert_larger(runs, ON, OFF, _repeat, steps=SHORT, label="share of repeat pairs")


def test_trust_brings_higher_clustering(runs):
    """Average clustering, every innovator counted (0 below two partners). A strict xfail until
    2026-11-29 (+0.008 ± 0.005, z = 1.5 at b3ac7b3; the opposite, z = −2.6, at 9e3fca0): with
    trust on, an actor with no ties screened 4 strangers per search against 13 under random
    choice, and over a quarter of the innovators, newcomers above all, had fewer than two
    partners. Strangers now fill the places the network leaves (docs/model.md §7.3; the change
    was made while this test failed, and docs/validation.md says so)."""
    assert_larger(runs, ON, OFF, _clustering, steps=SHORT, label="clustering")


def test_trust_brings_higher_transitivity(runs):
    """Transitivity, the share of an actor's pairs of partners who are partners themselves
    counted over all connected triads (Newman's global clustering), does not count actors with
    fewer than two partners as 0, which average clustering does. It is a second measure of the
    same structure, added after the average-clustering test had failed (that test was not
    changed)."""
    assert_larger(runs, ON, OFF, _transitivity, steps=SHORT, label="transitivity")


def test_triadic_closure_closes_triangles(runs):
    """The mechanism switch ``triadic_closure_on`` (DESIGN §5): asking partners' partners must
    close triangles, so transitivity is higher with it than without. Measured without brokers:
    a broker's introductions start with its prior evidence and outrank friends of friends
    (trust ½), so with brokers at work triadic closure barely changes who joins (z = 0.0 at
    5cbf95f, docs/validation.md). Until 2026-11-29 it did not close triangles even alone
    (+0.001 ± 0.003 with brokers), when friends of friends were drawn among all partners'
    partners, service institutions' other clients and actors that could not join included."""
    assert_larger(
        runs,
        "no_brokers_default_population",
        "no_brokers_no_triadic_default_population",
        _transitivity,
        steps=SHORT,
        label="transitivity, triadic closure on vs off (no brokers)",
    )


def test_trust_lowers_transaction_costs(runs):
    assert_larger(
        runs,
        OFF,
        ON,
        _costs_per_project,
        steps=SHORT,
        label="transaction costs per project",
    )
    assert_larger(
        runs,
        OFF,
        ON,
        lambda df: df.transaction_costs.sum(),
        steps=SHORT,
        label="total transaction costs",
    )


def test_trust_raises_the_success_rate(runs):
    assert_larger(runs, ON, OFF, _success_rate, steps=SHORT, label="success rate")


# --------------------------------------------------------------------------- fair vs strict


def test_fair_sharing_is_perceived_fairer_than_strict_contracts(runs):
    assert_larger(
        runs, "fair_sharing", "strict_contracts", _fairness, steps=LONG, label="mean fairness"
    )


def test_fair_sharing_keeps_more_makers_alive_after_200_steps(runs):
    assert_larger(
        runs,
        "fair_sharing",
        "strict_contracts",
        _alive,
        steps=LONG,
        label="makers alive after 200 steps",
    )


# --------------------------------------------------------------------------- forgetting


def test_more_decay_means_fewer_edges(runs):
    assert_larger(
        runs, "baseline", "high_decay", _edges, steps=SHORT, label="mean edges (λ 0.08 vs 0.2)"
    )
