"""The money: what care costs, who pays whom, and who gains when care shifts.

Vocabulary (docs/money.md):

- **unit cost**: GBP per unit of activity at a stated price year, uplifted by an **index**;
- **organisation**: ``icb`` (commissioner), ``acute``, ``community``, ``ambulance``,
  ``primary_care``, ``local_authority``;
- **cost line**: a provider's cost of a results driver, split **fixed** (follows capacity or
  plan), **semi-fixed** (steps, e.g. wards) and **variable** (follows activity);
- **contract**: a payment mechanism from a payer to a provider (block, activity, api,
  blended, capitation, risk_share), priced from activity against the **plan** (baseline run);
- **investment line**: GBP a year from a payer to a provider, ramped up.

The package works on results Datasets and configuration only; it imports no engine, scenario or
plot code. ``compute_money(results, cfg.finance, plan=baseline)`` returns the accounts.
"""

from sim.finance.investment import investment_schedule, places_for_investment
from sim.finance.money import (
    commissioner_net_saving,
    compute_money,
    paid_back_in_year,
    plan_money,
)
from sim.finance.prices import unit_costs_gbp, uplift_factor
from sim.finance.vocabulary import MECHANISMS, ORGANISATIONS
from sim.finance.years import FinancialYears

__all__ = [
    "MECHANISMS",
    "ORGANISATIONS",
    "FinancialYears",
    "commissioner_net_saving",
    "compute_money",
    "investment_schedule",
    "paid_back_in_year",
    "places_for_investment",
    "plan_money",
    "unit_costs_gbp",
    "uplift_factor",
]
