"""What the board pack says, in order, as blocks that each renderer (HTML, PDF) lays out:
headings, paragraphs, bullet lists, key-value facts, tables and charts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from matplotlib.figure import FigureBase

from sim.appraisal.result import Appraisal
from sim.report import assumptions, figures, narrative, tables
from sim.report.sensitivity import noise_threshold, rank_correlations
from sim.report.stats import option_labels
from sim.report.tables import Table


@dataclass
class Heading:
    """A section (level 1, new PDF page) or subsection (level 2) heading."""

    text: str
    level: int = 1


@dataclass
class Paragraph:
    """Running text."""

    text: str
    small: bool = False


@dataclass
class Bullets:
    """A bulleted list."""

    items: list[str]


@dataclass
class Facts:
    """Label-value pairs (the cover)."""

    rows: list[tuple[str, str]]


@dataclass
class Chart:
    """A chart: ``make(figsize, fig)`` draws it into ``fig`` (a page's SubFigure) or, when
    ``fig`` is None, into a fresh Figure of ``figsize`` inches, and returns it.
    """

    key: str
    caption: str
    make: Callable[[tuple[float, float], FigureBase | None], FigureBase]
    size: tuple[float, float] = (11.0, 5.0)  # inches in the HTML report
    inline: float | None = None  # PDF: height in inches on a text page (None: a page of its own)


def chart_png(chart: Chart, dpi: int = 110) -> bytes:
    """The chart drawn at its HTML size as PNG bytes (shared by the HTML and Word reports)."""
    import io

    buf = io.BytesIO()
    chart.make(chart.size, None).savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


@dataclass
class TableBlock:
    """A table (``table.display`` shown)."""

    table: Table


Block = Heading | Paragraph | Bullets | Facts | Chart | TableBlock


@dataclass
class Pack:
    """The pack's title, blocks, and every table (Excel gets them all)."""

    title: str
    subtitle: str
    blocks: list[Block]
    tables: list[Table] = field(default_factory=list)
    footer: str = ""


def _payers(result: Appraisal) -> dict[str, dict[str, float]]:
    """Per option: share of its investment each organisation pays (from the investment lines)."""
    out = {}
    for name, cfg in result.configs.items():
        lines = {**cfg.finance.investments, **cfg.scenario.investments}
        amounts: dict[str, float] = {}
        for inv in lines.values():
            amounts[inv.payer] = amounts.get(inv.payer, 0.0) + inv.gbp_per_year.central
        tot = sum(amounts.values())
        out[name] = {k: v / tot for k, v in amounts.items()} if tot > 0 else {"icb": 1.0}
    return out


def build_pack(result: Appraisal) -> Pack:
    """Every block of the board pack from the main job's result."""
    a = result.appraisal
    if a is None:
        raise ValueError("the board pack needs at least one option appraised against baseline")
    cfg = result.configs["baseline"]
    a = a.assign_attrs(health_discount_rate=cfg.appraisal.health.discount_rate)
    labels = option_labels(a)
    price = a.attrs["price_year"]
    n = a.sizes["draw"]
    period = f"{a.attrs['first_year']} to {a.attrs['last_year']}"
    money = tables.options_money_table(a, labels)
    activity = tables.options_activity_table(a, labels)
    who = tables.who_pays_table(a, labels)
    switching = tables.switching_table(a, labels)
    corr = rank_correlations(a, result.runs, result.configs)
    corr_table = Table(
        "Sensitivity",
        "Rank correlation of NPV with each sampled input",
        corr.assign(option=corr["option"].map(lambda o: labels.get(o, o))).rename(
            columns={
                "option": "Option",
                "input": "Sampled input",
                "rho": "Spearman rho with NPV (-1 to 1)",
            }
        ),
        note=f"{n} draws; |rho| below {noise_threshold(n):.2f} is not distinguishable from chance.",
    )
    opts = assumptions.evidence_rows_table(result.configs, labels)
    effects = assumptions.effects_table(result.configs, labels)
    invest = assumptions.investments_table(result.configs, labels, price)
    settings = assumptions.appraisal_settings_table(cfg, a)
    units = assumptions.unit_costs_table(cfg, result.runs["baseline"])
    uncertain = assumptions.uncertain_table(cfg)
    place = assumptions.place_table(cfg)
    validation = narrative.validation_table(result)
    payers = _payers(result)

    def fan(keys: list[str]) -> Callable:
        return lambda s, f=None: figures.fan_chart(a, keys, labels, s, f)

    band = f"Lines are medians of {n} draws; shaded bands span P10 to P90." if n > 1 else ""

    blocks: list[Block] = [
        Heading("Summary"),
        Facts(narrative.cover_facts(result, labels)),
        Paragraph("How to read it: every option is compared with the baseline (demand grows "
                  "with demography, capacity follows the place's plan) on the same place, seed "
                  "and parameter draws, so each difference is the option's effect. Changes are "
                  "option minus baseline: a negative change in admissions is admissions avoided. "
                  "Each figure is the median (P50) of the draws, with the P10 to P90 range "
                  "beneath it: in eight draws out of "
                  f"ten the result lies in that range. Money is in GBP at {price} prices; NPV is "
                  f"discounted at {100 * float(a.attrs['discount_rate']):g}% a year. The "
                  "assumptions, methods and limitations follow the results.", small=True),
        Heading("Key findings", 2),
        Bullets(narrative.key_messages(result, labels)),
        Heading("Options summary"),
        Chart("npv", f"Net present value over {period} against the baseline in two views: "
              "cash (released cash, filled diamond) and economic (resources valued at cost, "
              "with QALYs gained, open square), both with optimism bias "
              f"({a.attrs.get('optimism_bias', 'n/a')}). The marker is the median of the draws, "
              "the bar spans P10 to P90 and each dot is one draw; the share of draws with NPV "
              "above zero is beside each median.",
              lambda s, f=None: figures.npv_chart(a, labels, s, f),
              (11.0, 3.0 + 0.55 * a.sizes["option"]),
              inline=3.0 + 0.55 * a.sizes["option"]),
        Paragraph(narrative.views_paragraph(a), small=True),
        TableBlock(money),
        TableBlock(switching),
        TableBlock(activity),
        TableBlock(who),
        Heading("Results over time"),
        Chart("fan_money", f"Money, {period}: the change in system net cost each year (negative "
              "saves money) and the running NPV in the cash view (optimism bias applied), which "
              "crosses zero in the payback year. " + band,
              fan(["net_cost_change", "running_npv"])),
        Chart("fan_economic", f"Economic view, {period}: the running NPV with resources valued "
              "at cost and QALYs gained (optimism bias applied). " + band,
              fan(["running_npv_economic"]), (11.0, 4.2)),
        Chart("fan_hospital", "Hospital: emergency admissions (negative: avoided) and acute beds "
              "freed each year. " + band,
              fan(["emergency_admissions_change", "beds_freed"])),
        Chart("fan_flow", "Flow: delayed-discharge bed days and ambulance hours lost at handover "
              "each year (negative: fewer). " + band,
              fan(["delayed_bed_days_change", "handover_hours_lost_change"])),
        Chart("fan_people", "People: long-term care admissions (negative: avoided) and the change "
              "in the share of people still at home 91 days after going home (percentage "
              "points) each year. " + band,
              fan(["long_term_care_change", "at_home_91d_share_change"])),
        Heading("Who pays and who saves"),
        Chart("cash_by_org", "Cumulative change in each organisation's surplus, undiscounted, GBP "
              f"m at {price} prices: who pays (below zero), who saves (above zero) and when. "
              "Contracts decide who bears a change: under block and fixed-element payments the "
              "commissioner pays the same when activity falls, so providers keep what they save "
              "on variable costs. " + band,
              lambda s, f=None: figures.cash_by_org_chart(a, labels, s, f), (11.0, 7.5)),
        Chart("waterfall", "The change in system net cost over the period in present value (mean "
              "of draws): the investment, then each organisation's change in net cost other than "
              "the investment it pays, to the system total, which equals minus the cash-view NPV "
              "before optimism bias. Means add up where medians do not, so the total can differ "
              "from the median NPV in the options table when results are skewed.",
              lambda s, f=None: figures.waterfall_chart(a, labels, payers, s, f),
              (11.0, 7.5)),
        Heading("Risk and uncertainty"),
        Chart("tornado", "Main uncertainties. Each draw samples the place's uncertain inputs, "
              "every effect size and the unit costs within their ranges; the bars rank the inputs "
              "by how strongly their draws move each option's NPV (Spearman rank correlation, "
              "the six strongest per option). Long bars are the assumptions most worth testing "
              "locally before committing money. "
              + (f"With {n} draws a correlation smaller than {noise_threshold(n):.2f} in size "
                 "(the grey band) cannot be told from chance." if n >= 3 else
                 "This needs at least three draws."),
              lambda s, f=None: figures.tornado_chart(corr, n, labels, 6, s, f), (11.0, 7.5)),
        Heading("Equity"),
        Chart("equity", "Change in emergency admissions per 1,000 residents a year over "
              f"{period}, by deprivation quintile (Q1 most deprived). Bars are medians"
              + (f"; whiskers span P10 to P90 of {n} draws." if n > 1 else "."),
              lambda s, f=None: figures.equity_chart(a, labels, s, f), (11.0, 5.0)),
        Heading("Assumptions"),
        Paragraph("Every effect size, cost and uncertain input below comes from a row of the "
                  "project's evidence table (EVIDENCE.md), or is labelled an assumption with its "
                  "reason. Where evidence is weak the range runs to no effect."),
        TableBlock(opts),
        TableBlock(effects),
        TableBlock(invest),
        TableBlock(settings),
        TableBlock(units),
        TableBlock(uncertain),
        TableBlock(place),
        Heading("Methods"),
        Paragraph("Reported as the STRESS guidelines for simulation studies ask (Monks et al., "
                  "Journal of Simulation, 2019; STRESS-SD for system dynamics).", small=True),
    ]  # fmt: skip
    for head, paras in narrative.methods(result, labels):
        blocks.append(Heading(head, 2))
        blocks += [Paragraph(p) for p in paras]
    if validation is not None:
        blocks.append(TableBlock(validation))
    blocks += [Heading("Limitations"), Bullets(narrative.limitations(result, labels))]

    all_tables = [money, switching, activity, who, tables.money_by_year_table(a, labels),
                  tables.cash_by_org_table(a, labels), tables.activity_by_year_table(a, labels),
                  tables.equity_table(a, labels), corr_table, opts, effects, invest, settings,
                  units, uncertain, place, tables.draws_table(a, labels)]  # fmt: skip
    if validation is not None:
        all_tables.append(validation)
    return Pack(
        title=f"Options appraisal: care shifts in {cfg.place.name}",
        subtitle=f"{len(labels)} option(s) against the baseline, {period}; GBP at {price} prices",
        blocks=blocks,
        tables=all_tables,
        footer=f"GBP at {price} prices; "
        + (f"medians with P10-P90 of {n} draws" if n > 1 else "one parameter draw (central values)")
        + "; changes are option minus baseline",
    )
