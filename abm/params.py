"""The one parameter definition of the model.

`Params` is a frozen dataclass. Each field carries metadata (label, range or choices, unit, group,
help, source, role) built with :func:`meta`. That metadata feeds validation here, the dashboard's
controls, the experiment specs' checks and the generated parameter table in ``docs/``; no default
is declared anywhere else.

Roles: ``setup`` parameters shape the initial population and need a model reset to take effect;
``live`` parameters are read every step and may be changed while a model runs.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np

SharingRule = Literal["equal", "proportional", "shapley", "risk_shapley", "nash"]
IntegrationMode = Literal["none", "contract", "co_construction", "supermarket"]
ContractMode = Literal["adaptive", "strict", "negotiated"]

SHARING_RULES: tuple[str, ...] = get_args(SharingRule)
INTEGRATION_MODES: tuple[str, ...] = get_args(IntegrationMode)
CONTRACT_MODES: tuple[str, ...] = get_args(ContractMode)

#: Display order of the parameter groups (dashboard, docs).
GROUPS: tuple[str, ...] = (
    "Population",
    "Projects and market",
    "Partner search",
    "Trust",
    "Contracts and sharing",
    "Risk",
    "Service institutions",
    "Policy",
    "Makers' lifecycle",
    "Mechanism switches",
    "Measurement",
)

SEED_000 = "000 (maker spirit & S&T innovation coupling)"
SEED_001 = "001 (resource sharing for student innovation)"
SEED_002 = "002 (service integration of S&T service institutions)"
SEED_003 = "003 (university makerspaces)"
SEED_004 = "004 (S&T and industrial innovation integration)"


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """Metadata of one parameter, as the dashboard, the experiment runner and the docs see it."""

    name: str
    default: Any
    type: type
    label: str
    min: float | None
    max: float | None
    step: float | None
    choices: tuple[str, ...] | None
    unit: str
    group: str
    help: str
    source: str
    role: str

    def describe_range(self) -> str:
        """Allowed values as a short human-readable phrase (used in error messages)."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type is bool:
            return "a boolean (true or false)"
        kind = "an integer" if self.type is int else "a number"
        if self.min is None and self.max is None:
            return kind
        return f"{kind} in [{self.min}, {self.max}]"

    @property
    def numeric(self) -> bool:
        """True for int and float parameters without a list of choices."""
        return self.choices is None and self.type in (int, float)

    def coerce(self, value: Any) -> Any:
        """``value`` read the way text-ish input (TOML, a form) means it: a whole float becomes
        an int for an integer parameter (``3.0`` → ``3``), an int a float for a float
        parameter. Anything else is returned unchanged for :meth:`check` to judge; nothing is
        ever clamped."""
        if self.type is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:  # beyond any float (TOML allows it): check() refuses it
                return value
        return value

    def check(self, value: Any) -> Any:
        """``value`` as a plain value of the parameter's type (an int for a float parameter
        becomes a float, a numpy float or an IntEnum member a plain float or int), or a
        ``ValueError`` naming the parameter and its allowed values. The one validation of a
        single value: :class:`Params`, the experiment specs and the dashboard all use it."""
        bad = ValueError(
            f"parameter {self.name!r} = {value!r} is invalid: expected {self.describe_range()}"
        )
        if self.choices is not None or self.type in (bool, str):
            # (type first: ``in`` on an array or a bool for an int choice would mislead)
            if self.type is bool:
                typed = isinstance(value, bool | np.bool_)
            else:
                typed = isinstance(value, self.type) and not isinstance(value, bool)
            if not typed or (self.choices is not None and value not in self.choices):
                raise bad
            return value if type(value) is self.type else self.type(value)  # a StrEnum → str
        # numbers.Real / Integral: numpy's scalars too (np.int64 is no int, np.float32 no float)
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise bad
        integral = isinstance(value, numbers.Integral)
        if self.type is int and not integral:
            raise bad
        if not integral and not math.isfinite(value):  # (never float() a huge int)
            raise bad
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):  # exact for ints of any size
            raise bad
        return self.type(value)


def meta(
    label: str,
    lo: float | None = None,
    hi: float | None = None,
    *,
    step: float | None = None,
    choices: tuple[str, ...] | None = None,
    unit: str = "",
    group: str,
    help: str,
    source: str = "",
    role: Literal["setup", "live"] = "live",
) -> dict[str, Any]:
    """Field metadata for :class:`Params` (see the module docstring for the meaning of ``role``)."""
    if group not in GROUPS:
        raise ValueError(f"unknown parameter group {group!r}; groups are {GROUPS}")
    return {
        "label": label,
        "min": lo,
        "max": hi,
        "step": step,
        "choices": choices,
        "unit": unit,
        "group": group,
        "help": help,
        "source": source,
        "role": role,
    }


def _f(default: Any, **kwargs: Any) -> Any:
    return field(default=default, metadata=meta(**kwargs))


class ParamsBase:
    """Behaviour shared by the parameter dataclasses (:class:`Params` and the validation
    models'): every field is checked against its metadata on construction, unknown names get
    the nearest valid one, and ``from_dict``/``to_dict``/``replace`` round-trip.

    Subclasses are ``@dataclass(frozen=True, slots=True)`` whose fields are declared with
    :func:`meta` metadata; cross-field rules go in :meth:`check_cross_fields`.
    """

    __slots__ = ()
    #: Prefix naming the model in "unknown parameter" errors (empty for the main model).
    model_name: str = ""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # Unknown keywords get a ValueError with the nearest valid name, not a bare TypeError.
        if args:
            raise ValueError(
                f"{cls.__name__} takes parameters by name (name=value), got {len(args)} "
                "positional value(s)"
            )
        check_names(kwargs, cls)
        return object.__new__(cls)  # (slots=True rebuilds the class, so no zero-arg super())

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            # 1 → 1.0, numpy.float64 → float, an IntEnum → int: plain, typed values
            checked = field_spec(f).check(value)
            if checked is not value:
                object.__setattr__(self, f.name, checked)
        self.check_cross_fields()

    def check_cross_fields(self) -> None:
        """Rules between fields (none by default); raise ``ValueError`` naming both fields."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        """Build from a mapping; unknown keys raise ``ValueError`` naming the nearest valid name."""
        check_names(data, cls)
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field (JSON/TOML friendly)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def replace(self, **changes: Any) -> Any:
        """``dataclasses.replace`` with a helpful error for misspelt names."""
        check_names(changes, type(self))
        return dataclasses.replace(self, **changes)

    @classmethod
    def specs(cls) -> list[ParamSpec]:
        """Metadata of every field, in declaration order."""
        return [field_spec(f) for f in dataclasses.fields(cls)]


@dataclass(frozen=True, slots=True)
class Params(ParamsBase):
    """All parameters of the collaborative-innovation model (DESIGN.md §2–§5).

    Defaults give an interesting run: a network forms within ~30 steps, makers both fail and
    succeed, and service institutions matter. Construct with keywords; unknown names and values
    outside the metadata range raise ``ValueError``.
    """

    # --- Population -------------------------------------------------------------------------
    n_makers: int = _f(
        60,
        label="Maker teams",
        lo=2,
        hi=20000,
        step=1,
        unit="teams",
        group="Population",
        role="setup",
        help="Initial number of maker teams (idea-rich, fund-poor).",
        source=SEED_000,
    )
    n_universities: int = _f(
        6,
        label="Universities",
        lo=0,
        hi=2000,
        step=1,
        unit="actors",
        group="Population",
        role="setup",
        help="Universities: talent, equipment and knowledge; host makerspaces.",
        source=SEED_003,
    )
    n_enterprises: int = _f(
        20,
        label="Enterprises",
        lo=0,
        hi=5000,
        step=1,
        unit="actors",
        group="Population",
        role="setup",
        help="Enterprises: funds and market access; turn results into returns.",
        source=SEED_004,
    )
    n_finance: int = _f(
        2,
        label="Finance institutions",
        lo=0,
        hi=100,
        step=1,
        unit="actors",
        group="Population",
        role="setup",
        help="Banks, venture capital, insurers (used unless integration mode is none).",
        source=SEED_002,
    )
    n_transfer: int = _f(
        2,
        label="Transfer institutions",
        lo=0,
        hi=100,
        step=1,
        unit="actors",
        group="Population",
        role="setup",
        help="Technical brokers: introduce strangers, raise conversion.",
        source=SEED_002,
    )
    n_advisory: int = _f(
        2,
        label="Advisory institutions",
        lo=0,
        hi=100,
        step=1,
        unit="actors",
        group="Population",
        role="setup",
        help="Information consulting: add information, narrow risk spread.",
        source=SEED_002,
    )
    n_sharing: int = _f(
        1,
        label="Sharing platforms",
        lo=0,
        hi=50,
        step=1,
        unit="actors",
        group="Population",
        role="setup",
        help="R&D resource-sharing platforms pooling university equipment.",
        source=SEED_001,
    )
    share_lagging: float = _f(
        0.3,
        label="Lagging-region share",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Population",
        role="setup",
        help="Share of actors in the lagging region (fewer resources, weaker policy).",
        source=SEED_000,
    )
    lagging_resource_factor: float = _f(
        0.6,
        label="Lagging-region resources",
        lo=0.1,
        hi=1.0,
        step=0.05,
        unit="× leading",
        group="Population",
        role="setup",
        help="Resource endowment of lagging-region actors relative to leading-region ones.",
        source=SEED_000,
    )
    initial_maker_wealth: float = _f(
        8.0,
        label="Initial maker wealth",
        lo=0.0,
        hi=1000.0,
        step=0.5,
        unit="money",
        group="Population",
        role="setup",
        help="Cash a maker team starts (or enters) with.",
    )
    initial_org_wealth: float = _f(
        60.0,
        label="Initial organisation wealth",
        lo=0.0,
        hi=10000.0,
        step=5.0,
        unit="money",
        group="Population",
        role="setup",
        help="Cash universities, enterprises and institutions start with.",
    )

    # --- Projects and market ----------------------------------------------------------------
    opportunity_rate: float = _f(
        0.25,
        label="Opportunity rate",
        lo=0.0,
        hi=1.0,
        step=0.01,
        unit="per step",
        group="Projects and market",
        help="Base probability that an idle actor starts a project "
        "(scaled by maker spirit or capability).",
    )
    project_size: float = _f(
        6.0,
        label="Project size",
        lo=0.5,
        hi=100.0,
        step=0.5,
        unit="resource units",
        group="Projects and market",
        help="Mean total resources a project requires (sum over the four dimensions).",
    )
    value_multiple: float = _f(
        1.5,
        label="Project value multiple",
        lo=0.1,
        hi=10.0,
        step=0.1,
        unit="× size",
        group="Projects and market",
        help="Project value V relative to its size, before demand and conversion.",
    )
    inkind_cost: float = _f(
        0.3,
        label="In-kind cost",
        lo=0.0,
        hi=1.0,
        step=0.05,
        unit="money per unit",
        group="Projects and market",
        help="Cash cost of committing one unit of equipment, talent or "
        "information (funds cost one unit each).",
    )
    demand_mean: float = _f(
        1.0,
        label="Mean market demand",
        lo=0.1,
        hi=3.0,
        step=0.05,
        group="Projects and market",
        help="Long-run level of the mean-reverting demand process.",
    )
    demand_reversion: float = _f(
        0.1,
        label="Demand reversion",
        lo=0.0,
        hi=1.0,
        step=0.01,
        unit="per step",
        group="Projects and market",
        help="Speed at which demand returns to its mean.",
    )
    demand_volatility: float = _f(
        0.05,
        label="Demand volatility",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Projects and market",
        help="Standard deviation of demand shocks per step.",
    )
    tech_shock_prob: float = _f(
        0.02,
        label="Technology shock probability",
        lo=0.0,
        hi=1.0,
        step=0.01,
        unit="per step",
        group="Projects and market",
        help="Chance per step of a technology opportunity shock.",
    )
    tech_shock_size: float = _f(
        0.3,
        label="Technology shock size",
        lo=0.0,
        hi=2.0,
        step=0.05,
        group="Projects and market",
        help="Jump of the technology multiplier at a shock (decays back to 1).",
    )
    base_conversion: float = _f(
        0.6,
        label="Base conversion rate",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Projects and market",
        help="Share of a successful result's value turned into market "
        "returns without an enterprise or broker.",
        source=SEED_004,
    )
    enterprise_conversion_boost: float = _f(
        0.25,
        label="Enterprise conversion boost",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Projects and market",
        help="Added conversion when an enterprise is in the team (market access).",
        source=SEED_004,
    )
    imitation_rate: float = _f(
        0.4,
        label="Imitation pressure",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Projects and market",
        help="Share of returns imitators would take with no IP protection.",
        source=SEED_000,
    )

    # --- Partner search ---------------------------------------------------------------------
    max_team_size: int = _f(
        5,
        label="Maximum team size",
        lo=1,
        hi=20,
        step=1,
        unit="members",
        group="Partner search",
        help="Cap on members of one project team, initiator included.",
    )
    n_strangers: int = _f(
        4,
        label="Strangers sampled (at least)",
        lo=0,
        hi=50,
        step=1,
        unit="candidates",
        group="Partner search",
        help="Strangers an initiator screens at least per search (sampled by kind). One with "
        "fewer known candidates screens more, up to strangers + friends of friends + maximum "
        "team size in all, the number random choice (trust off) screens.",
    )
    n_friends_of_friends: int = _f(
        4,
        label="Friends of friends sampled",
        lo=0,
        hi=50,
        step=1,
        unit="candidates",
        group="Partner search",
        help="Innovating partners' idle partners drawn per search (triadic closure).",
    )
    beta_trust: float = _f(
        2.0,
        label="Trust weight β",
        lo=0.0,
        hi=10.0,
        step=0.1,
        group="Partner search",
        help="Exponent of trust in the partner score trust^β × complementarity × openness.",
    )
    outside_option: float = _f(
        0.05,
        label="Outside option return",
        lo=0.0,
        hi=1.0,
        step=0.01,
        unit="per step",
        group="Partner search",
        help="Return a candidate needs to beat on its outlay to accept.",
    )
    search_cost: float = _f(
        0.05,
        label="Search cost per stranger",
        lo=0.0,
        hi=2.0,
        step=0.01,
        unit="money",
        group="Partner search",
        help="Transaction cost of screening one stranger.",
        source=SEED_002,
    )

    # --- Trust ------------------------------------------------------------------------------
    trust_threshold: float = _f(
        0.35,
        label="Acceptance trust threshold",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Trust",
        help="Minimum trust a candidate needs in the initiator to accept.",
        source=SEED_002,
    )
    trust_decay: float = _f(
        0.08,
        label="Trust forgetting λ",
        lo=0.0,
        hi=0.5,
        step=0.005,
        unit="per step",
        group="Trust",
        help="Share of positive and negative evidence forgotten each step.",
    )
    failure_blame: float = _f(
        0.3,
        label="Failure blame",
        lo=0.0,
        hi=2.0,
        step=0.05,
        unit="evidence",
        group="Trust",
        help="Negative evidence each member records about partners when a project fails.",
    )
    fairness_tolerance: float = _f(
        0.9,
        label="Fairness tolerance",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Trust",
        help="Perceived fairness below which a split counts as unfair (negative evidence).",
        source=SEED_002,
    )
    prune_trust: float = _f(
        0.4,
        label="Prune below trust",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Trust",
        help="Edges whose trust falls below this and that are stale are dropped.",
    )
    prune_after: int = _f(
        15,
        label="Stale after",
        lo=1,
        hi=1000,
        step=1,
        unit="steps",
        group="Trust",
        help="Steps without interaction after which a low-trust edge is stale.",
    )
    min_evidence: float = _f(
        0.2,
        label="Forgotten below evidence",
        lo=0.0,
        hi=1.0,
        step=0.01,
        unit="evidence",
        group="Trust",
        help="Edges whose total evidence decays below this are forgotten.",
    )
    stage_trust_consolidation: float = _f(
        0.6,
        label="Consolidation trust",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Trust",
        help="Trust needed for the consolidation stage.",
        source=SEED_002,
    )
    stage_trust_cooperation: float = _f(
        0.75,
        label="Trust-based cooperation trust",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Trust",
        help="Trust needed for the trust-based cooperation stage.",
        source=SEED_002,
    )
    stage_projects_consolidation: int = _f(
        2,
        label="Consolidation projects",
        lo=0,
        hi=100,
        step=1,
        unit="projects",
        group="Trust",
        help="Joint projects needed for consolidation.",
        source=SEED_002,
    )
    stage_projects_cooperation: int = _f(
        4,
        label="Trust-based cooperation projects",
        lo=0,
        hi=100,
        step=1,
        unit="projects",
        group="Trust",
        help="Joint projects needed for trust-based cooperation.",
        source=SEED_002,
    )

    # --- Contracts and sharing --------------------------------------------------------------
    sharing_rule: SharingRule = _f(
        "shapley",
        label="Benefit sharing rule",
        choices=SHARING_RULES,
        group="Contracts and sharing",
        help="How a trusted team splits net returns.",
        source=SEED_002,
    )
    contract_mode: ContractMode = _f(
        "adaptive",
        label="Contract mode",
        choices=CONTRACT_MODES,
        group="Contracts and sharing",
        help="adaptive: strict when trust is low, negotiated when "
        "high; or always strict / always negotiated.",
        source=SEED_002,
    )
    strict_threshold: float = _f(
        0.45,
        label="Strictness threshold",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Contracts and sharing",
        help="Teams with strictness (1 − mean trust) above this get a strict contract.",
        source=SEED_002,
    )
    monitoring_cost: float = _f(
        0.15,
        label="Monitoring cost",
        lo=0.0,
        hi=1.0,
        step=0.01,
        unit="× strictness × V",
        group="Contracts and sharing",
        help="Cost of a strict contract's monitoring, proportional to "
        "strictness and project value.",
        source=SEED_002,
    )
    withholding_penalty: float = _f(
        0.5,
        label="Withholding penalty",
        lo=0.0,
        hi=5.0,
        step=0.05,
        unit="× withheld",
        group="Contracts and sharing",
        help="Penalty a detected withholder pays its partners under a strict contract.",
    )
    shapley_exact_max: int = _f(
        10,
        label="Exact Shapley up to",
        lo=1,
        hi=16,
        step=1,
        unit="members",
        group="Contracts and sharing",
        help="Teams larger than this use permutation-sampled Shapley.",
    )
    shapley_samples: int = _f(
        200,
        label="Shapley permutations",
        lo=10,
        hi=10000,
        step=10,
        group="Contracts and sharing",
        help="Permutations drawn for sampled Shapley values.",
    )

    # --- Risk -------------------------------------------------------------------------------
    base_success: float = _f(
        0.75,
        label="Base success",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Risk",
        help="Success probability of a fully resourced idea-stage project "
        "(later stages scale it, see docs/model.md).",
        source=SEED_000,
    )
    synergy: float = _f(
        0.3,
        label="Trust synergy",
        lo=0.0,
        hi=2.0,
        step=0.05,
        group="Risk",
        help="Success bonus per unit of mean trust in the team.",
        source=SEED_002,
    )
    risk_spread: float = _f(
        0.15,
        label="Risk spread",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Risk",
        help="Standard deviation of the realized success probability.",
    )

    # --- Service institutions ---------------------------------------------------------------
    integration_mode: IntegrationMode = _f(
        "contract",
        label="Integration mode",
        choices=INTEGRATION_MODES,
        group="Service institutions",
        role="setup",
        help="How service institutions work together.",
        source=SEED_002,
    )
    service_capacity: int = _f(
        6,
        label="Service capacity",
        lo=0,
        hi=1000,
        step=1,
        unit="projects per step",
        group="Service institutions",
        help="Projects one institution can serve per step.",
        source=SEED_002,
    )
    service_fee: float = _f(
        0.04,
        label="Service fee",
        lo=0.0,
        hi=0.5,
        step=0.005,
        unit="× V",
        group="Service institutions",
        help="Fee per service used, as a share of project value.",
        source=SEED_002,
    )
    co_construction_discount: float = _f(
        0.35,
        label="Co-construction discount",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Service institutions",
        help="Fee discount of the one-stop joint entity.",
        source=SEED_002,
    )
    loan_rate: float = _f(
        0.08,
        label="Loan interest",
        lo=0.0,
        hi=1.0,
        step=0.01,
        unit="per project",
        group="Service institutions",
        help="Base interest finance institutions charge (raised for low "
        "trust and poor track record).",
    )
    insurance_cover: float = _f(
        0.5,
        label="Insurance cover",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Service institutions",
        help="Share of an insured project's loss the insurer repays.",
    )
    insurance_loading: float = _f(
        0.2,
        label="Insurance loading",
        lo=0.0,
        hi=2.0,
        step=0.05,
        unit="× fair premium",
        group="Service institutions",
        help="Premium above the expected payout: (1 + loading) × cover × failure risk × outlay.",
    )
    broker_prior: float = _f(
        1.5,
        label="Brokered tie prior",
        lo=0.0,
        hi=10.0,
        step=0.1,
        unit="evidence",
        group="Service institutions",
        help="Positive evidence a brokered introduction starts with.",
        source=SEED_002,
    )
    platform_prior: float = _f(
        1.0,
        label="Platform tie prior",
        lo=0.0,
        hi=10.0,
        step=0.1,
        unit="evidence",
        group="Service institutions",
        help="Positive evidence strangers met on the supermarket "
        "platform start with (credibility monitoring).",
        source=SEED_002,
    )
    broker_introductions: int = _f(
        2,
        label="Introductions per search",
        lo=0,
        hi=20,
        step=1,
        unit="candidates",
        group="Service institutions",
        help="Strangers a transfer institution adds to a search.",
        source=SEED_002,
    )
    broker_conversion_boost: float = _f(
        0.2,
        label="Broker conversion boost",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Service institutions",
        help="Added conversion when a transfer institution markets the result.",
        source=SEED_002,
    )
    advisory_information: float = _f(
        1.0,
        label="Advisory information",
        lo=0.0,
        hi=20.0,
        step=0.1,
        unit="resource units",
        group="Service institutions",
        help="Information resource an advisory service adds.",
        source=SEED_002,
    )
    advisory_spread_cut: float = _f(
        0.5,
        label="Advisory risk narrowing",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Service institutions",
        help="Share by which advice narrows the risk spread.",
        source=SEED_002,
    )
    platform_equipment_share: float = _f(
        0.3,
        label="Equipment on sharing platform",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Service institutions",
        role="setup",
        help="Share of universities' equipment pooled on the sharing platform.",
        source=SEED_001,
    )
    sharing_fee: float = _f(
        0.1,
        label="Sharing usage fee",
        lo=0.0,
        hi=1.0,
        step=0.01,
        unit="money per unit",
        group="Service institutions",
        help="Fee per unit of shared equipment, paid to the universities.",
        source=SEED_001,
    )
    platform_reach: int = _f(
        4,
        label="Platform extra strangers",
        lo=0,
        hi=50,
        step=1,
        unit="candidates",
        group="Service institutions",
        help="Extra strangers visible through the supermarket platform.",
        source=SEED_002,
    )

    # --- Policy -----------------------------------------------------------------------------
    subsidy_rate: float = _f(
        0.2,
        label="Subsidy rate",
        lo=0.0,
        hi=1.0,
        step=0.05,
        unit="× maker outlay",
        group="Policy",
        help="Share of makers' project outlay refunded by the subsidy pool.",
        source=SEED_000,
    )
    subsidy_budget: float = _f(
        10.0,
        label="Subsidy budget",
        lo=0.0,
        hi=10000.0,
        step=1.0,
        unit="money per step",
        group="Policy",
        help="Added to the subsidy pool each step.",
        source=SEED_000,
    )
    fault_tolerance_share: float = _f(
        0.2,
        label="Fault-tolerance share",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Policy",
        help="Share of a maker's project loss compensated by the fault-tolerance fund; a team "
        "broke after a failure is rescued with its debt paid and this share of the initial "
        "endowment.",
        source=SEED_000,
    )
    fault_budget: float = _f(
        10.0,
        label="Fault-tolerance budget",
        lo=0.0,
        hi=10000.0,
        step=1.0,
        unit="money per step",
        group="Policy",
        help="Added to the fault-tolerance fund each step.",
        source=SEED_000,
    )
    training_intensity: float = _f(
        0.1,
        label="Training intensity",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Policy",
        help="Makerspace training: gain in capability and maker spirit per training.",
        source=SEED_003,
    )
    training_capacity: int = _f(
        3,
        label="Makerspace capacity",
        lo=0,
        hi=100,
        step=1,
        unit="makers per step",
        group="Policy",
        help="Makers each university trains per step.",
        source=SEED_003,
    )
    award_size: float = _f(
        5.0,
        label="Award size",
        lo=0.0,
        hi=1000.0,
        step=0.5,
        unit="money",
        group="Policy",
        help="Prize for each winning team of the periodic contest.",
        source=SEED_001,
    )
    award_period: int = _f(
        10,
        label="Contest period",
        lo=1,
        hi=1000,
        step=1,
        unit="steps",
        group="Policy",
        help="Steps between innovation contests.",
        source=SEED_001,
    )
    n_awards: int = _f(
        3,
        label="Awards per contest",
        lo=0,
        hi=100,
        step=1,
        unit="teams",
        group="Policy",
        help="Teams awarded at each contest.",
        source=SEED_001,
    )
    ip_protection: float = _f(
        0.6,
        label="IP protection",
        lo=0.0,
        hi=1.0,
        step=0.05,
        group="Policy",
        help="Share of imitation pressure stopped by IP protection.",
        source=SEED_000,
    )
    lagging_policy_factor: float = _f(
        0.5,
        label="Lagging-region policy strength",
        lo=0.0,
        hi=1.0,
        step=0.05,
        unit="× leading",
        group="Policy",
        help="Policy support (subsidy, fault tolerance, "
        "training) in the lagging region relative to the "
        "leading one.",
        source=SEED_000,
    )

    # --- Makers' lifecycle ------------------------------------------------------------------
    maker_upkeep: float = _f(
        0.25,
        label="Maker upkeep",
        lo=0.0,
        hi=50.0,
        step=0.05,
        unit="money per step",
        group="Makers' lifecycle",
        help="Living cost a maker team pays every step.",
        source=SEED_000,
    )
    entry_rate: float = _f(
        0.008,
        label="Entry rate",
        lo=0.0,
        hi=0.5,
        step=0.002,
        unit="per initial team per step",
        group="Makers' lifecycle",
        help="Expected new maker teams per step, per initial maker team, at maker spirit 1 "
        "(scaled by mean maker spirit, training and awards).",
        source=SEED_000,
    )
    successes_per_stage: int = _f(
        3,
        label="Successes per stage",
        lo=1,
        hi=20,
        step=1,
        unit="projects",
        group="Makers' lifecycle",
        help="Successful own projects a maker team needs to move to its next stage "
        "(idea → prototype → R&D → transfer → venture).",
        source=SEED_000,
    )
    spirit_gain: float = _f(
        0.05,
        label="Spirit gain on success",
        lo=0.0,
        hi=1.0,
        step=0.01,
        group="Makers' lifecycle",
        help="Maker spirit gained on success (and half of it lost on failure).",
        source=SEED_000,
    )
    spinoff_wealth: float = _f(
        60.0,
        label="Spin-off endowment",
        lo=0.0,
        hi=10000.0,
        step=1.0,
        unit="money",
        group="Makers' lifecycle",
        help="A venture-stage team holding twice this wealth spins off a new maker team and "
        "endows it with this amount.",
        source=SEED_000,
    )

    # --- Mechanism switches -----------------------------------------------------------------
    trust_on: bool = _f(
        True,
        label="Trust-based partner choice",
        group="Mechanism switches",
        help="Off: partners are chosen at random and acceptance ignores trust.",
    )
    brokerage_on: bool = _f(
        True,
        label="Brokerage",
        group="Mechanism switches",
        help="Transfer institutions introduce strangers.",
    )
    triadic_closure_on: bool = _f(
        True,
        label="Triadic closure",
        group="Mechanism switches",
        help="Partners' partners are searched.",
    )
    opportunism_on: bool = _f(
        True,
        label="Opportunism",
        group="Mechanism switches",
        help="Members may withhold committed resources when trust is low.",
    )
    decay_on: bool = _f(
        True,
        label="Trust decay",
        group="Mechanism switches",
        help="Evidence is forgotten at rate λ each step.",
    )

    # --- Measurement ------------------------------------------------------------------------
    metrics_every: int = _f(
        1,
        label="Network metrics every",
        lo=1,
        hi=1000,
        step=1,
        unit="steps",
        group="Measurement",
        help="Clustering, components and path length are recomputed every "
        "k steps (carried forward between).",
    )
    path_samples: int = _f(
        32,
        label="Path-length samples",
        lo=1,
        hi=10000,
        step=1,
        unit="sources",
        group="Measurement",
        help="BFS sources used to estimate mean path length on large graphs.",
    )

    def check_cross_fields(self) -> None:
        """Trust-stage thresholds must be ordered (consolidation before cooperation)."""
        _validate_cross_field(self)


_FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(Params)}


@functools.cache  # a Field is hashed by identity; its metadata is read-only
def field_spec(f: dataclasses.Field) -> ParamSpec:
    """A dataclass field declared with :func:`meta` as a :class:`ParamSpec`.

    Only ``label``, ``min``, ``max`` and ``choices`` are required of the metadata, so a small
    model's parameters (e.g. a toy model registered with the experiment runner) need not carry
    the dashboard's and the docs' keys.
    """
    m = f.metadata
    default = f.default
    if default is dataclasses.MISSING and f.default_factory is not dataclasses.MISSING:
        default = f.default_factory()
    choices = m.get("choices")
    return ParamSpec(
        name=f.name,
        default=default,
        type=type(default),
        label=m.get("label", f.name),
        min=m.get("min"),
        max=m.get("max"),
        step=m.get("step"),
        choices=tuple(choices) if choices is not None else None,
        unit=m.get("unit", ""),
        group=m.get("group", ""),
        help=m.get("help", ""),
        source=m.get("source", ""),
        role=m.get("role", "live"),
    )


def field_specs(params_cls: type) -> dict[str, ParamSpec]:
    """Metadata of every field of a parameters dataclass (declared with :func:`meta`, or with
    at least its ``label``/``min``/``max``/``choices`` keys), by name in declaration order."""
    return {f.name: field_spec(f) for f in dataclasses.fields(params_cls)}


def param_specs() -> list[ParamSpec]:
    """Metadata of every parameter of the innovation model, in declaration order."""
    return Params.specs()


def spec(name: str) -> ParamSpec:
    """Metadata of one parameter (``ValueError`` with the nearest name if unknown)."""
    check_names({name: None})
    return next(s for s in param_specs() if s.name == name)


def check_names(names: Any, cls: type | None = None) -> None:
    """Raise ``ValueError`` for any name that is not a field of ``cls`` (default
    :class:`Params`), suggesting the closest one."""
    cls = Params if cls is None else cls
    fields = _FIELDS if cls is Params else {f.name: f for f in dataclasses.fields(cls)}
    for name in names:
        if name not in fields:
            close = difflib.get_close_matches(str(name), list(fields), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            what = f"{cls.model_name} parameter" if cls.model_name else "parameter"
            raise ValueError(f"unknown {what} {name!r}{hint}")


def _validate_cross_field(p: Params) -> None:
    if p.stage_trust_consolidation > p.stage_trust_cooperation:
        raise ValueError(
            f"parameter 'stage_trust_consolidation' = {p.stage_trust_consolidation} must not "
            f"exceed 'stage_trust_cooperation' = {p.stage_trust_cooperation}"
        )
    if p.stage_projects_consolidation > p.stage_projects_cooperation:
        raise ValueError(
            f"parameter 'stage_projects_consolidation' = {p.stage_projects_consolidation} must "
            f"not exceed 'stage_projects_cooperation' = {p.stage_projects_cooperation}"
        )


def coerce(name: str, value: Any) -> Any:
    """Convert a value from text-ish input (TOML, a form) to the parameter's type
    (:meth:`ParamSpec.coerce`); unknown names raise ``ValueError``. Nothing is clamped."""
    return spec(name).coerce(value)
