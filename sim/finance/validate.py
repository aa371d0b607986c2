"""Check the ``finance`` configuration before any work: one-line errors naming the key, its
value and what is allowed (called by :func:`sim.config.validate.validate`).
"""

from __future__ import annotations

import math
from datetime import date

from sim.config.errors import ConfigError
from sim.config.schema import FinanceCfg
from sim.finance.prices import index_years, year_label, year_start
from sim.finance.vocabulary import (
    FLOW_DRIVERS,
    INVESTMENT_COSTS,
    LEVEL_DRIVERS,
    MECHANISMS,
    ORGANISATIONS,
)

TOL = 1e-6
ORGS = ", ".join(ORGANISATIONS)


def validate_finance(cfg: FinanceCfg) -> None:
    """Raise :class:`ConfigError` on the first problem in ``cfg``."""
    _validate_prices(cfg)
    units = sorted(cfg.unit_costs)
    for name, line in cfg.costs.items():
        key = f"finance.costs.{name}"
        _org(line.provider, f"{key}.provider")
        _driver(line.driver, f"{key}.driver")
        _member(line.unit_cost, units, f"{key}.unit_cost", "unit costs")
        for field in ("share", "fixed_share", "semi_fixed_share"):
            _share(getattr(line, field), f"{key}.{field}")
        total = line.fixed_share + line.semi_fixed_share
        if total > 1 + TOL:
            raise ConfigError(f"{key}: fixed_share + semi_fixed_share = {total:.6g}; must be <= 1")
        _positive(line.step, f"{key}.step")
        if line.semi_fixed_share > 0 and line.driver.split(".")[0] not in LEVEL_DRIVERS:
            raise ConfigError(
                f"{key}.semi_fixed_share = {line.semi_fixed_share}: needs a level driver "
                f"({', '.join(LEVEL_DRIVERS)}), not the flow {line.driver!r}"
            )
        if line.decommission_lag_years is not None and line.decommission_lag_years < 0:
            raise ConfigError(
                f"{key}.decommission_lag_years = {line.decommission_lag_years}: must be >= 0"
            )
    for name in cfg.contracts:
        _validate_contract(cfg, name, units)
    for name, inv in cfg.investments.items():
        key = f"finance.investments.{name}"
        _org(inv.payer, f"{key}.payer")
        _org(inv.provider, f"{key}.provider")
        if inv.payer == inv.provider:
            raise ConfigError(f"{key}: payer and provider are both {inv.payer!r}")
        _member(inv.cost, list(INVESTMENT_COSTS), f"{key}.cost", "")
        _member(inv.kind, ["running", "implementation"], f"{key}.kind", "")
        if inv.cost == "line":
            _member(str(inv.cost_line), sorted(cfg.costs), f"{key}.cost_line", "cost lines")
            if cfg.costs[inv.cost_line].provider != inv.provider:
                raise ConfigError(
                    f"{key}.cost_line = {inv.cost_line!r}: provided by "
                    f"{cfg.costs[inv.cost_line].provider!r}, not the line's provider "
                    f"{inv.provider!r}"
                )
        elif inv.cost_line is not None:
            raise ConfigError(f"{key}.cost_line = {inv.cost_line!r}: only for cost = line")
        elif not str(inv.gbp_per_year.source).strip():
            raise ConfigError(
                f"{key}.gbp_per_year: missing or without a source; give low, central, high "
                f"and source (an EVIDENCE row or 'assumption')"
            )
        g = inv.gbp_per_year
        for part in ("low", "central", "high"):
            _non_negative(getattr(g, part), f"{key}.gbp_per_year.{part}")
        if not (g.low <= g.central <= g.high):
            raise ConfigError(
                f"{key}.gbp_per_year: low {g.low}, central {g.central}, high {g.high}: must "
                f"satisfy low <= central <= high"
            )
        _check(inv.start_year >= 1, f"{key}.start_year", inv.start_year, "must be >= 1")
        _check(inv.ramp_up_years >= 0, f"{key}.ramp_up_years", inv.ramp_up_years, "must be >= 0")
        if inv.end_year is not None:
            _check(
                inv.end_year >= inv.start_year,
                f"{key}.end_year",
                inv.end_year,
                f"must be >= start_year ({inv.start_year}) or null",
            )
    for driver, unit in cfg.memo.items():
        _driver(driver, f"finance.memo.{driver}")
        _member(unit, units, f"finance.memo.{driver}", "unit costs")


def _validate_prices(cfg: FinanceCfg) -> None:
    covered = index_years(cfg.index)
    for label, rate in cfg.index.growth.items():
        if not (math.isfinite(rate) and rate > -1):
            raise ConfigError(f"finance.index.growth.{label} = {rate}: must be a rate > -1")
    starts = covered[1:]
    gaps = [y for y in range(starts[0], starts[-1] + 1) if y not in starts] if starts else []
    if not starts or gaps:
        raise ConfigError(
            f"finance.index.growth: must give a rate for every year from its first to its last "
            f"(missing {[year_label(y) for y in gaps] or 'all'})"
        )
    span = f"{year_label(covered[0])} to {year_label(covered[-1])}"
    if year_start(cfg.price_year, "finance.price_year") not in covered:
        raise ConfigError(
            f"finance.price_year = {cfg.price_year!r}: allowed a year of finance.index ({span})"
        )
    for name, uc in cfg.unit_costs.items():
        key = f"finance.unit_costs.{name}"
        if uc.of is not None:
            if uc.gbp is not None or uc.price_year is not None:
                raise ConfigError(f"{key}: give either gbp and price_year, or of and times")
            if uc.low is not None or uc.high is not None:
                raise ConfigError(f"{key}: a cost defined `of` another takes its range from it")
            _member(uc.of, sorted(cfg.unit_costs), f"{key}.of", "unit costs")
            _non_negative(uc.times, f"{key}.times")
            seen, nxt = {name}, uc.of
            while nxt is not None:
                if nxt in seen:
                    raise ConfigError(f"{key}.of = {uc.of!r}: unit costs refer to each other")
                seen.add(nxt)
                nxt = cfg.unit_costs[nxt].of
            continue
        if uc.gbp is None or uc.price_year is None:
            raise ConfigError(f"{key}: needs gbp and price_year (or of and times)")
        _non_negative(uc.gbp, f"{key}.gbp")
        _non_negative(uc.times, f"{key}.times")
        for part in ("low", "high"):
            if getattr(uc, part) is not None:
                _non_negative(getattr(uc, part), f"{key}.{part}")
        lo = uc.gbp if uc.low is None else uc.low
        hi = uc.gbp if uc.high is None else uc.high
        if not lo <= uc.gbp <= hi:
            raise ConfigError(
                f"{key}: low {lo}, gbp {uc.gbp}, high {hi}: must satisfy low <= gbp <= high"
            )
        if year_start(uc.price_year, f"{key}.price_year") not in covered:
            raise ConfigError(
                f"{key}.price_year = {uc.price_year!r}: allowed a year of finance.index ({span})"
            )


def _validate_contract(cfg: FinanceCfg, name: str, units: list[str]) -> None:
    c = cfg.contracts[name]
    key = f"finance.contracts.{name}"
    _member(c.mechanism, list(MECHANISMS), f"{key}.mechanism", "")
    _org(c.payer, f"{key}.payer")
    for driver, unit in c.prices.items():
        _driver(driver, f"{key}.prices.{driver}")
        _member(unit, units, f"{key}.prices.{driver}", "unit costs")
    _non_negative(c.price_scale, f"{key}.price_scale")
    _non_negative(c.variable_rate, f"{key}.variable_rate")
    if c.amount_gbp is not None:
        _non_negative(c.amount_gbp, f"{key}.amount_gbp")
    if c.amount_price_year is not None and year_start(
        c.amount_price_year, f"{key}.amount_price_year"
    ) not in index_years(cfg.index):
        raise ConfigError(f"{key}.amount_price_year = {c.amount_price_year!r}: not in the index")
    _check(c.growth_per_year > -1, f"{key}.growth_per_year", c.growth_per_year, "must be > -1")
    _check(c.start_year >= 1, f"{key}.start_year", c.start_year, "must be >= 1")
    if c.years is not None:
        _check(c.years >= 1, f"{key}.years", c.years, "must be >= 1 or null")
    if c.mechanism == "risk_share":
        if c.payer not in c.shares:
            raise ConfigError(
                f"{key}.shares = {dict(c.shares)}: must include the payer {c.payer!r}"
            )
        for org, share in c.shares.items():
            _org(org, f"{key}.shares.{org}")
            _share(share, f"{key}.shares.{org}")
        total = sum(c.shares.values())
        if abs(total - 1) > TOL:
            raise ConfigError(
                f"{key}.shares = {dict(c.shares)}: shares sum to {total:.6g}; must sum to 1"
            )
        return
    _org(c.provider, f"{key}.provider")
    if c.provider == c.payer:
        raise ConfigError(f"{key}: payer and provider are both {c.payer!r}")
    if c.amount_gbp is None and not c.prices:
        raise ConfigError(f"{key}.prices: empty; {c.mechanism} needs prices or amount_gbp")
    if c.mechanism == "blended":
        if c.outcome is None:
            raise ConfigError(f"{key}.outcome: a blended contract needs an outcome element")
        _driver(c.outcome.metric, f"{key}.outcome.metric")
        _share(c.outcome.pool_share, f"{key}.outcome.pool_share")
        _check(
            c.outcome.target_change != 0,
            f"{key}.outcome.target_change",
            c.outcome.target_change,
            "must not be 0 (e.g. -0.05: 5% below plan)",
        )


# -- helpers -------------------------------------------------------------------------------
def _check(ok: bool, key: str, value: object, allowed: str) -> None:
    if not ok:
        raise ConfigError(f"{key} = {value}: {allowed}")


def _non_negative(value: float, key: str) -> None:
    _check(math.isfinite(value) and value >= 0, key, value, "must be a finite number >= 0")


def _positive(value: float, key: str) -> None:
    _check(math.isfinite(value) and value > 0, key, value, "must be > 0")


def _share(value: float, key: str) -> None:
    _check(0 <= value <= 1, key, value, "must be a share in [0, 1]")


def _org(value: str, key: str) -> None:
    if value not in ORGANISATIONS:
        raise ConfigError(f"{key} = {value!r}: unknown organisation; allowed {ORGS}")


def _member(value: str, allowed: list[str], key: str, what: str) -> None:
    if value not in allowed:
        raise ConfigError(f"{key} = {value!r}: allowed {', '.join(allowed)}")


def _driver(driver: str, key: str) -> None:
    name = driver.split(".", 1)[0]
    if name not in FLOW_DRIVERS and name not in LEVEL_DRIVERS:
        raise ConfigError(
            f"{key} = {driver!r}: unknown results variable {name!r}; allowed "
            f"{', '.join(FLOW_DRIVERS + LEVEL_DRIVERS)} (levels with .<label>, e.g. "
            f"occupied.acute_beds)"
        )


def validate_start_date(cfg: FinanceCfg, start_date: str, key: str = "run.start_date") -> None:
    """A run starts in a financial year the cost index covers (money is priced from it)."""
    covered = index_years(cfg.index)
    when = date.fromisoformat(start_date)
    fy = when.year if when.month >= 4 else when.year - 1
    if covered and not covered[0] <= fy <= covered[-1]:
        first, last = covered[0], covered[-1]
        raise ConfigError(
            f"{key} = {start_date!r}: financial year {year_label(fy)} is outside finance.index "
            f"({year_label(first)} to {year_label(last)}); allowed {first}-04-01 to "
            f"{last + 1}-03-31"
        )
