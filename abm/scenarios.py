"""Named scenarios: each is a :class:`~abm.params.Params` instance, never a loose dict.

A scenario changes only what its question needs; everything else stays at the defaults declared
once in :mod:`abm.params`.
"""

from __future__ import annotations

import difflib

from abm.params import Params

BASELINE = Params()

SCENARIOS: dict[str, Params] = {
    "baseline": BASELINE,
    # Core mechanisms (issue: core model)
    "low_trust": BASELINE.replace(
        # 0.55: above a stranger's trust (1/2), so only trusted partners and introduced
        # strangers are accepted (at 0.5, as until 2026-11-29, every stranger passed).
        trust_threshold=0.55,
        failure_blame=0.8,
        fairness_tolerance=0.97,
        trust_decay=0.15,
    ),
    "fair_sharing": BASELINE.replace(sharing_rule="risk_shapley", contract_mode="negotiated"),
    "strict_contracts": BASELINE.replace(contract_mode="strict"),
    "trust_off": BASELINE.replace(trust_on=False),
    # Service institutions and policy (issue: service institutions)
    "no_services": BASELINE.replace(integration_mode="none"),
    "co_construction": BASELINE.replace(integration_mode="co_construction"),
    "supermarket_platform": BASELINE.replace(integration_mode="supermarket"),
    "open_alliance": BASELINE.replace(
        platform_equipment_share=0.8, sharing_fee=0.05, n_sharing=2, sharing_rule="risk_shapley"
    ),
    "fault_tolerant": BASELINE.replace(fault_tolerance_share=0.7, fault_budget=30.0),
    "lagging_region": BASELINE.replace(
        share_lagging=0.8, lagging_resource_factor=0.5, lagging_policy_factor=0.3
    ),
}

SCENARIO_DESCRIPTIONS: dict[str, str] = {
    "baseline": "Default ecosystem: trust-based partner choice, Shapley sharing, contracted "
    "service institutions, moderate policy support.",
    "low_trust": "A suspicious culture: higher acceptance threshold (strangers are refused "
    "unless introduced), harsher blame for failure and unfair splits, faster forgetting.",
    "fair_sharing": "Negotiated contracts that split returns by risk-corrected Shapley values.",
    "strict_contracts": "Every team signs a strict contract: fixed shares, monitoring costs, "
    "penalties for withholding.",
    "trust_off": (
        "Partners are chosen at random and accept regardless of trust; trust still shapes "
        "contracts, honesty, success and the split."
    ),
    "no_services": "No professional S&T service institutions at all.",
    "co_construction": "Service institutions pool capacity into one joint, one-stop entity with "
    "lower fees and shared risk.",
    "supermarket_platform": "A self-service platform: a catalogue of services, credibility "
    "monitoring and public reputations.",
    "open_alliance": "Universities put most equipment on two cheap sharing platforms; returns "
    "split by risk-corrected Shapley.",
    "fault_tolerant": "Generous fault-tolerance fund compensating most of makers' losses.",
    "lagging_region": "Most actors in a lagging region with fewer resources and weaker policy.",
}


def get_scenario(name: str) -> Params:
    """The scenario called ``name`` (``ValueError`` naming the closest one if unknown)."""
    try:
        return SCENARIOS[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(SCENARIOS), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"unknown scenario {name!r}{hint} (scenarios: {', '.join(SCENARIOS)})"
        ) from None
