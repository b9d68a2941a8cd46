"""Stylized facts of the seed papers, checked on the innovation model over paired seeds (issue 8).

Each test compares two settings run with the same 20 seeds (30 maker teams, 3 universities, 10
enterprises). The expected direction comes from the seed paper quoted in the test's docstring;
the tolerance comes from the measured spread: the mean paired difference A − B must exceed
``Z`` = 2 standard errors of the per-seed differences, in the expected direction. No model output
value is hard-coded.

Runs are shared. Settings that the behavioural tests of issues 4 and 5 already run (baseline,
trust_off, fair_sharing, strict_contracts, fault_tolerant, supermarket_platform) are read from
their session batch (``behaviour_runs_cache`` in conftest.py, same seeds, same population), each
fact reading the first ``STEPS[fact]`` steps of those runs; the five settings only these facts
need are run here, once per module, in two worker processes.

Facts the model fails with these honest tolerances are marked ``xfail(strict=True)`` with the
measured numbers and documented in docs/validation.md ("Stylized facts of the innovation
model"); settings and metrics are defined in ``scripts/stylized_facts.py``, which also runs the
20-seed, 200-step version behind the table there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import behaviour_runs as br
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import stylized_facts as sf  # noqa: E402

#: Settings only these facts need, run here for ``OWN_STEPS`` steps with the batch's seeds.
OWN = (
    "low_trust_strict",
    "low_trust_negotiated",
    "open_alliance",
    "open_alliance_no_platform",
    "no_services_no_policy",
)
OWN_STEPS = 100
#: Steps each fact reads: as many as both of its settings have (the shared batch runs trust_off
#: and supermarket_platform for ``br.SHORT`` steps, the other shared settings for ``br.LONG``).
STEPS: dict[str, int] = {
    "trust_clustering": br.SHORT,
    "trust_repeat": br.SHORT,
    "trust_costs": br.SHORT,
    "fair_trust": br.LONG,
    "fair_survival": br.LONG,
    "strict_costs": OWN_STEPS,
    "strict_success": OWN_STEPS,
    "fault_alive": br.LONG,
    "sharing_poor": OWN_STEPS,
    "supermarket_strangers": br.SHORT,
    "coupling_services_policy": OWN_STEPS,
}
FACTS = {f.key: f for f in sf.FACTS}


@pytest.fixture(scope="module")
def runs(behaviour_runs_cache) -> dict[str, list[pd.DataFrame]]:
    """Frames per seed for every setting the facts compare (shared ones checked to match)."""
    shared = {c.name: c for c in br.all_configs()}
    out: dict[str, list[pd.DataFrame]] = {}
    for name in sf.needed_configs():
        if name in OWN:
            continue
        assert name in shared, f"{name} is not in the shared behavioural batch"
        assert shared[name].overrides == sf.CONFIGS[name], (
            f"shared setting {name} differs: {shared[name].overrides} vs {sf.CONFIGS[name]}"
        )
        out[name] = behaviour_runs_cache[name]
    out.update(sf.run_all(OWN, list(br.SEEDS), OWN_STEPS, workers=br.MAX_WORKERS))
    return out


def check(key: str, runs: dict[str, list[pd.DataFrame]]) -> sf.Verdict:
    """Assert that fact ``key`` holds: difference in the expected direction beyond Z SE."""
    v = sf.evaluate(FACTS[key], runs, STEPS[key])
    msg = f"steps 1–{STEPS[key]}: {v.message()}"
    print(msg)  # the numbers of passing facts too (visible with -s or -rP)
    if v.n < 10:
        # A data problem, not the fact failing: pytest.fail raises ``Failed`` (not an
        # AssertionError), so an ``xfail(raises=AssertionError)`` mark does not absorb it.
        pytest.fail(f"only {v.n} seeds with a defined metric (need >= 10): {msg}")
    assert v.fact.sign * v.diff > sf.Z * v.se_diff, msg
    return v


def test_trust_based_choice_clusters_the_network(runs):
    """Seed 002 §2.2: trust "can effectively improve the efficiency of cooperation and reduce
    friction and conflict", and cooperation grows through trust-based ties. Trust-based partner
    choice (baseline) should close more triangles than random choice (trust_off): higher
    average clustering of the collaboration graph. (An xfail until 2026-11-29, inconclusive
    here and the opposite over 200 steps: with trust on, a tie-less newcomer screened 4
    strangers per search against 13 under random choice and was left without partners. Since
    strangers fill the places the network leaves, it holds here by a narrow margin, z = 2.2;
    docs/validation.md gives the 200-step verdict.)"""
    check("trust_clustering", runs)


def test_trust_based_choice_repeats_ties(runs):
    """Seed 002 §2.2: "making cooperation based on trust as much as possible" — trusted partners
    are chosen again, so a larger share of partner pairs are repeat pairs than under random
    choice."""
    check("trust_repeat", runs)


def test_trust_based_choice_lowers_transaction_costs(runs):
    """Seed 002 §2.2: trust reduces "friction and conflict"; §3: at low trust "benefit
    allocation agreements are often stricter and harsh". Trust-based choice should pay less in
    search and monitoring costs per project than random choice."""
    check("trust_costs", runs)


def test_fair_sharing_raises_trust(runs):
    """Seed 002 §3: "If the benefit distribution mechanism is effective, it will enhance the
    trust of players". Fair sharing (negotiated contracts, risk-corrected Shapley) should end
    with higher mean trust than harsh terms (strict contracts, proportional split)."""
    check("fair_trust", runs)


def test_fair_sharing_keeps_more_makers_alive(runs):
    """Seed 002 §3: effective benefit distribution "ensure[s] the success of integration
    services"; fair splits keep cooperation, and makers' returns, going. More maker teams
    should be alive under fair sharing than under strict contracts. (An xfail, inconclusive,
    until 2026-11-29: the risk-corrected Shapley split then billed about 30 % of the members of
    successful teams; with limited liability the fact holds, see docs/validation.md.)"""
    check("fair_survival", runs)


def test_strict_contracts_under_low_trust_raise_transaction_costs(runs):
    """Seed 002 §3: "because of the low degree of mutual trust, benefit allocation agreements
    are often stricter and harsh". In a low-trust culture, strict contracts (monitoring) should
    cost more per project than negotiated ones."""
    check("strict_costs", runs)


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="success rate 0.733 ± 0.008 (strict) vs 0.728 ± 0.009 (negotiated), A−B = +0.005 ± "
    "0.007, z = 0.72 (20 seeds, 100 steps; at 1f84a53): inconclusive, as over 200 steps "
    "(z = −0.1; the opposite at b3ac7b3, z = 2.3, and at 9e3fca0; inconclusive at 82570ab). "
    "Strict teams pay "
    "monitoring and lose withheld resources to penalties, but success depends on resources "
    "delivered, which strict monitoring protects; see docs/validation.md",
)
def test_strict_contracts_under_low_trust_lower_success(runs):
    """Seed 002 §2.2/§3: trust "improve[s] the efficiency of cooperation"; strict, harsh terms
    at low trust add friction. In a low-trust culture, strict contracts should give a lower
    project success rate than negotiated ones."""
    check("strict_success", runs)


def test_fault_tolerance_keeps_more_makers_alive(runs):
    """Seed 000 §1.2.1: a "double mechanism" of fault tolerance so that "students who commit
    mistakes in the early stage can continue to dedicate to the venture without worries".
    The fault_tolerant scenario should keep more maker teams alive than the baseline."""
    check("fault_alive", runs)


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="success rate of resource-poor makers' projects 0.758 ± 0.011 (platform) vs 0.761 ± "
    "0.013 (none), A−B = −0.003 ± 0.017, z = −0.17 (20 seeds, 100 steps; at 1f84a53): "
    "inconclusive, as over 200 steps (z = 1.7; it held there at 9e3fca0, z = 4.1); poor "
    "makers mostly fill "
    "their equipment gap through partners already; see docs/validation.md",
)
def test_resource_sharing_helps_resource_poor_makers(runs):
    """Seed 001 (abstract): student innovators find innovation "difficult due to 'making
    bricks without straw'", and sharing S&T resources is proposed to solve it. With the
    open-alliance equipment platform, projects initiated by resource-poor makers (own funds +
    equipment below the maker profile's mean) should succeed more often than with the same
    setting and no sharing platform."""
    check("sharing_poor", runs)


def test_supermarket_platform_creates_more_stranger_ties(runs):
    """Seed 002 §4.3.3: the supermarket is "an open and autonomous service mode" whose staff
    monitor "the credibility of both suppliers and consumers". It should create more new ties
    between actors with no previous tie than the contract (cooperation) mode of the baseline."""
    check("supermarket_strangers", runs)


def test_services_and_policy_raise_coupling_coordination(runs):
    """Seed 000: a "coupling guarantee mechanism" for the "coordination, win-win and synchronous
    benign development" of maker spirit and S&T innovation, which "cannot be separated from the
    support and assistance of the government" and institutions (§1.1.2). The coupling
    coordination degree D should be higher in the baseline (service institutions, policy
    support) than with no service institutions and every policy lever at zero."""
    check("coupling_services_policy", runs)
