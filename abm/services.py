"""The work of professional S&T service institutions in each phase (DESIGN §2, §4; seed 002).

:class:`ServiceDesk` is the model's single door to its service institutions. The model calls it
at fixed points of the step; how a request is served depends on the integration mode:

- ``none``: no institutions; every call is a no-op.
- ``contract``: each institution acts alone; a team contracts, service by service, the institution
  its initiator trusts most among those with capacity, paying a search cost per contract.
- ``co_construction``: the institutions pool their capacity into one joint entity that serves a
  project as a single partner (one tie, one contract), at a discounted fee, and shares revenue
  and losses among its members in proportion to capacity.
- ``supermarket``: a self-service catalogue with no contracting cost; its credibility monitoring
  gives strangers a higher starting trust and makes detected defections public.

Every payment is a transfer between agents (fees, interest, premiums, payouts) except the loan
principal, which pays project expenses and is booked as ``project_spending`` like members' outlays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from abm.kinds import SERVICE_KINDS
from abm.rules import pairwise_sum
from abm.rules.sharing import proportional_split_unchecked
from agents.actors import FUNDS

if TYPE_CHECKING:
    from abm.model import InnovationModel, Project
    from agents.actors import Actor
    from agents.services import ServiceInstitution

EQUIPMENT, INFORMATION = 1, 3


class ServiceDesk:
    """Creates the institutions for the integration mode and carries out their work."""

    def __init__(self, model: InnovationModel) -> None:
        self.model = model
        p = model.params
        self.mode = p.integration_mode
        self.by_service: dict[str, list[ServiceInstitution]] = {s: [] for s in SERVICE_KINDS}
        self.cum: dict[str, float] = defaultdict(float)
        # Revenue and losses of institutions that closed: the cumulative reporters keep them.
        self.closed_books: dict[str, list[float]] = {s: [0.0, 0.0] for s in SERVICE_KINDS}
        self.step_fees = 0.0
        self.step_served = 0
        self.joint_used = 0
        self.pool_units = 0.0
        self.pool_left = 0.0
        self.pool_owners: list[tuple[Actor, float]] = []
        if self.mode == "none":
            return
        counts = {
            "finance": p.n_finance,
            "transfer": p.n_transfer,
            "advisory": p.n_advisory,
            "sharing": p.n_sharing,
        }
        for service, n in counts.items():
            for _ in range(n):
                inst = model.add_service(
                    service, capacity=p.service_capacity, wealth=p.initial_org_wealth
                )
                self.by_service[service].append(inst)
        if self.by_service["sharing"]:
            for uni in model.actors_of("university"):
                res = uni.resources.copy()  # read only: a changed copy is assigned
                units = res[EQUIPMENT] * p.platform_equipment_share
                res[EQUIPMENT] -= units
                uni.resources = res
                self.pool_owners.append((uni, units))
                self.pool_units += units

    def close(self, inst: ServiceInstitution) -> None:
        """Stop using ``inst`` (its revenue and losses stay in the books); the last sharing
        platform hands the pooled equipment back."""
        self.by_service[inst.service].remove(inst)
        books = self.closed_books[inst.service]
        books[0] += inst.revenue
        books[1] += inst.losses
        if inst.service == "sharing" and not self.by_service["sharing"]:
            for uni, units in self.pool_owners:
                res = uni.resources.copy()  # read only: a changed copy is assigned
                res[EQUIPMENT] += units
                uni.resources = res
            self.pool_owners, self.pool_units, self.pool_left = [], 0.0, 0.0

    def set_capacity(self, capacity: int) -> None:
        """Projects each institution can serve per step (a live parameter change)."""
        for inst in self.institutions:
            inst.capacity = capacity

    @property
    def institutions(self) -> list[ServiceInstitution]:
        return [i for s in SERVICE_KINDS for i in self.by_service[s]]

    # ------------------------------------------------------------------ phase hooks
    def new_step(self) -> None:
        for inst in self.institutions:
            inst.used = 0
        self.joint_used = 0
        self.pool_left = self.pool_units
        self.step_fees = 0.0
        self.step_served = 0

    def stranger_prior(self) -> float:
        """Starting evidence for any stranger: the platform's credibility monitoring."""
        return self.model.params.platform_prior if self.mode == "supermarket" else 0.0

    def introductions(
        self,
        project: Project,
        gap: list[float],
        rng: np.random.Generator,
        exclude: set[int] | frozenset[int] = frozenset(),
    ) -> list[tuple[Actor, str, float]]:
        """Strangers introduced by a broker (``brokered``) or shown by the platform
        (``platform``), each with its prior evidence.

        A broker introduces the most complementary of the actors it could introduce: idle,
        not tied to the initiator and not in ``exclude`` (the initiator and the candidates
        partner search has already), each once. Until 2026-11-29 it chose among all it had
        drawn, so about half of its introductions went to busy actors, partners, candidates
        already found, or twice to the same actor."""
        p, m = self.model.params, self.model
        out: list[tuple[Actor, str, float]] = []
        if self.mode == "none":
            return out
        if self.mode == "supermarket" and p.platform_reach:
            for a in m._sample_strangers(gap, p.platform_reach, rng):
                out.append((a, "platform", p.platform_prior))
        if p.brokerage_on and p.broker_introductions and self.mode != "supermarket":
            broker = self._engage(project, "transfer")
            if broker is not None:
                # A technology-transfer broker "docks" results across organisations (seed
                # 002): it introduces actors of other kinds than the initiator's.
                drawn = m._sample_strangers(
                    gap, 3 * p.broker_introductions, rng, other_than=project.initiator.kind
                )
                init_id, net = project.initiator.unique_id, m.network
                eligible = {
                    a.unique_id: a
                    for a in drawn
                    if not a.busy
                    and a.unique_id not in exclude
                    and not net.has_tie(init_id, a.unique_id)
                }
                pool = list(eligible.values())  # each actor once, in the order first drawn
                fit = m.complementarity(pool, gap, project.fields)
                best = sorted(range(len(pool)), key=fit.__getitem__, reverse=True)  # stable
                for a in [pool[i] for i in best[: p.broker_introductions]]:
                    out.append((a, "brokered", p.broker_prior))
        return out

    def serve(self, project: Project) -> None:
        """Fill what the team could not: shared equipment, a loan, advice and insurance."""
        if self.mode == "none":
            return
        p, m = self.model.params, self.model
        short = [
            r - d for r, d in zip(project.required_list, project.delivered_totals(), strict=True)
        ]
        gap = [0.0 if x < 0.0 else x for x in short]  # max(x, 0.0) without a call, -0.0 kept
        if gap[EQUIPMENT] > 1e-9 and self.pool_left > 1e-9:
            platform = self._engage(project, "sharing")
            if platform is not None:
                units = min(gap[EQUIPMENT], self.pool_left)
                self.pool_left -= units
                project.external[EQUIPMENT] += units
                usage = p.sharing_fee * units
                owners = [o for o, _ in self.pool_owners]
                paid = self._collect(project, usage)
                for owner, part in zip(
                    owners,
                    proportional_split_unchecked(paid, [u for _, u in self.pool_owners]),
                    strict=True,
                ):
                    owner.wealth += part
                self._fee(project, platform)
        if gap[FUNDS] > 1e-9:
            lender = self._engage(project, "finance")
            if lender is not None and lender.wealth > 0:
                amount = min(gap[FUNDS], 0.2 * lender.wealth)
                self._debit(lender, amount)
                m.flows["project_spending"] += amount
                project.external[FUNDS] += amount
                init = project.initiator
                track = (init.n_successes + 1.0) / (init.n_projects + 2.0)
                rate = p.loan_rate * (2.0 - track) * (1.0 + project.strictness)
                project.loan = (lender, amount, rate)
        if p.advisory_information > 0 or p.advisory_spread_cut > 0:
            adviser = self._engage(project, "advisory")
            if adviser is not None:
                project.external[INFORMATION] += p.advisory_information
                project.spread_factor *= 1.0 - p.advisory_spread_cut
                self._fee(project, adviser)
        if p.insurance_cover > 0:
            insurer = self._engage(project, "finance")
            if insurer is not None and insurer.wealth > 0:  # an insolvent insurer insures no one
                p_est = m._expected_success(project, project.external.tolist())
                outlay = pairwise_sum(project.outlays.tolist())  # as numpy's outlays.sum()
                # The expected payout (cover × failure risk × what is at stake) plus a loading,
                # so that premiums pay for the cover they buy.
                premium = (1.0 + p.insurance_loading) * p.insurance_cover * (1.0 - p_est) * outlay
                self._credit(insurer, self._collect(project, premium), fee=True)
                project.insurer = insurer
        if p.brokerage_on and p.broker_conversion_boost > 0:
            # The broker who made introductions also markets the result; otherwise one is
            # contracted now. The commission is due only on success (settle_success).
            marketer = self._engage(project, "transfer")
            if marketer is not None:
                project.conversion_boost = p.broker_conversion_boost
                project.marketer = marketer
        if project.served_by:  # an executed project (abandoned initiatives never get here)
            self.step_served += 1

    def settle_failure(self, project: Project) -> np.ndarray:
        """Insurance payouts per member; the lender writes its loan off."""
        payouts = np.zeros(project.n)
        if self.mode == "none":
            return payouts
        p = self.model.params
        loan = project.loan
        if loan is not None:
            lender, amount, _ = loan
            self._loss(lender, amount, counted=True)
        insurer = project.insurer
        if insurer is not None:
            payouts = p.insurance_cover * np.maximum(project.borne, 0.0)
            total = float(payouts.sum())
            for mbr, x in zip(project.members, payouts, strict=True):
                mbr.wealth += x
            self._loss(insurer, total, counted=False)
            self.cum["cum_insurance_payouts"] += total
        return payouts

    def settle_success(self, project: Project, gross: float) -> float:
        """Repay the loan with interest and pay the broker's commission; returns net returns."""
        if self.mode == "none":
            return gross
        net = gross
        loan = project.loan
        if loan is not None:
            lender, amount, rate = loan
            due = min(net, amount * (1.0 + rate))
            net -= due
            self._credit(lender, due, fee=False, interest=max(due - amount, 0.0))
            if due < amount:
                self._loss(lender, amount - due, counted=True)
        if project.marketer is not None:
            commission = min(net, self._fee_rate() * project.value)
            net -= commission
            self._credit(project.marketer, commission, fee=True)
        return net

    def publicise_defection(self, uid: int, witnesses: Iterable[int] = ()) -> None:
        """On the supermarket platform a detected defection lowers everyone's trust in ``uid``;
        the ``witnesses`` (its teammates, whose own evidence already counts the detection) are
        not told twice (until 2026-11-29 they were)."""
        if self.mode == "supermarket":
            self.model.network.add_negative_to_all(uid, 1.0, except_from=witnesses)

    def record_service_ties(self, project: Project) -> None:
        """The initiator (who signs the service contract) and the institutions that served the
        project record evidence about each other."""
        if self.mode == "none" or not project.served_by:
            return
        p, net = self.model.params, self.model.network
        step = self.model.steps
        insts = {i.unique_id: i for i in project.served_by}
        if self.mode == "co_construction":  # one joint entity: one tie
            insts = dict(list(insts.items())[:1])
        pos, neg = (1.0, 0.0) if project.success else (0.0, p.failure_blame)
        uid = project.initiator.unique_id  # the contracting party
        ties = [
            tie for iid in insts for tie in ((uid, iid, "direct", 0.0), (iid, uid, "direct", 0.0))
        ]
        net.record_many(ties, pos, neg, step=step)

    def report(self) -> dict[str, float]:
        """Service outputs for the model's reporters."""
        out: dict[str, float] = {}
        joint_cap = sum(i.capacity for i in self.institutions)
        for s in SERVICE_KINDS:
            insts = self.by_service[s]
            closed_revenue, closed_losses = self.closed_books[s]
            out[f"revenue_{s}"] = closed_revenue + sum(i.revenue for i in insts)
            out[f"losses_{s}"] = closed_losses + sum(i.losses for i in insts)
            if self.mode == "co_construction":  # one pooled capacity, used by every service
                out[f"capacity_use_{s}"] = (
                    self.joint_used / joint_cap if insts and joint_cap else 0.0
                )
            else:
                cap = sum(i.capacity for i in insts)
                out[f"capacity_use_{s}"] = sum(i.used for i in insts) / cap if cap else 0.0
        out["cum_service_fees"] = self.cum["cum_service_fees"]
        out["cum_insurance_payouts"] = self.cum["cum_insurance_payouts"]
        out["mean_service_fee_per_project"] = (
            self.step_fees / self.step_served if self.step_served else 0.0
        )
        return out

    # ------------------------------------------------------------------ helpers
    def _has(self, service: str) -> bool:
        return bool(self.by_service[service])

    def _fee_rate(self) -> float:
        p = self.model.params
        if self.mode == "co_construction":
            return p.service_fee * (1.0 - p.co_construction_discount)
        return p.service_fee

    def _engage(self, project: Project, service: str) -> ServiceInstitution | None:
        """Pick an institution with capacity for ``service`` (None if none), using capacity."""
        insts = self.by_service[service]
        if not insts:
            return None
        for inst in project.served_by:  # one already serving this project does the work
            if inst.service == service:
                return inst
        m, p = self.model, self.model.params
        if self.mode == "co_construction":
            total = sum(i.capacity for s in SERVICE_KINDS for i in self.by_service[s])
            if self.joint_used >= total:
                return None
            self.joint_used += 1
            inst = insts[0]
        else:
            free = [i for i in insts if i.has_capacity()]
            if not free:
                return None
            if self.mode == "contract":  # the one the initiator trusts most; a search cost each
                uid = project.initiator.unique_id
                inst = max(free, key=lambda i: (m.network.trust(uid, i.unique_id), -i.unique_id))
                m._pay(project.initiator, p.search_cost, "transaction_costs")
                m.tally["transaction_costs"] += p.search_cost
            else:  # supermarket: the least busy, no contracting cost
                inst = min(free, key=lambda i: (i.used, i.unique_id))
            inst.used += 1
        if not project.served_by and self.mode == "co_construction":
            # one-stop: a single contract for all services
            m._pay(project.initiator, p.search_cost, "transaction_costs")
            m.tally["transaction_costs"] += p.search_cost
        project.served_by.append(inst)
        inst.served += 1
        return inst

    def _collect(self, project: Project, amount: float) -> float:
        """Take ``amount`` from the members in proportion to their outlays; returns it."""
        if amount <= 0:
            return 0.0
        outlays = project.outlays.tolist()  # never negative
        weights = outlays if pairwise_sum(outlays) > 0 else [1.0] * project.n  # numpy's sum
        parts = proportional_split_unchecked(amount, weights)
        for mbr, part in zip(project.members, parts, strict=True):
            mbr.wealth -= part
        return amount

    def _fee(self, project: Project, inst: ServiceInstitution) -> None:
        fee = self._collect(project, self._fee_rate() * project.value)
        self._credit(inst, fee, fee=True)
        project.service_fees += fee

    def _members_of(self, inst: ServiceInstitution) -> list[tuple[ServiceInstitution, float]]:
        """Who books ``inst``'s revenue and losses: itself, or the whole joint entity."""
        if self.mode != "co_construction":
            return [(inst, 1.0)]
        allinst = self.institutions
        caps = proportional_split_unchecked(1.0, [i.capacity for i in allinst])
        return list(zip(allinst, caps, strict=True))

    def _debit(self, inst: ServiceInstitution, amount: float) -> None:
        """Money ``inst`` pays out (a loan's principal), from the joint entity's members in
        co-construction, as its repayment and write-off are booked."""
        for i, w in self._members_of(inst):
            i.wealth -= amount * w

    def _credit(
        self, inst: ServiceInstitution, amount: float, *, fee: bool, interest: float = 0.0
    ) -> None:
        if amount <= 0:
            return
        for i, w in self._members_of(inst):
            i.wealth += amount * w
            i.revenue += (amount if fee else interest) * w
        if fee:
            self.cum["cum_service_fees"] += amount
            self.step_fees += amount
        elif interest:
            self.cum["cum_service_fees"] += interest
            self.step_fees += interest

    def _loss(self, inst: ServiceInstitution, amount: float, *, counted: bool) -> None:
        """Book a loss (loan write-off: money already spent; insurance payout: pay it now)."""
        for i, w in self._members_of(inst):
            i.losses += amount * w
            if not counted:
                i.wealth -= amount * w
