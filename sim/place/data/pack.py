"""Read and check a place data pack, and write its figures into the configuration.

A pack is a folder of CSV tables and a small ``pack.yaml`` (docs/your_place.md):

- ``population.csv``: residents by ``year``, ``age_band`` (or single-year ``age``) and IMD
  ``quintile`` (1 = most deprived), column ``people``; the base year (ONS mid-year estimate)
  and any later years (sub-national population projections).
- ``capacity.csv``: ``service``, ``year`` (financial year ``"2025/26"``), ``capacity`` (in
  the service's units) and ``source``; the run's first financial year is today's capacity,
  later years are the business-as-usual capacity plan (``place.plan``, issue 11).
- ``activity.csv``: observed annual activity, ``measure``, ``year``, ``value``, ``sd`` (its
  standard uncertainty, same units) and ``source``: the targets the place is calibrated to.
- ``unit_costs.csv`` (optional): ``item``, ``gbp``, ``price_year``, ``source`` and optional
  ``low``/``high``: local unit costs replacing ``finance.unit_costs``.

A place YAML names its pack with ``data_pack: <name>``; the name is a folder ``packs/<name>``
beside the configuration groups (the package's ``configs/`` or a ``--config-dir``), or a path.
The YAML keeps the behavioural parameters with their evidence (rates of use, lengths of stay,
pathway shares), which no local table gives; the pack replaces the local numbers.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import sim.config.schema as schema
from sim.config.errors import ConfigError

log = logging.getLogger(__name__)

PACK_FILE = "pack.yaml"
PACKS_DIR = "packs"
QUINTILES = (1, 2, 3, 4, 5)
TOTAL_TOLERANCE = 0.005  # relative: a stated total and the sum of its rows

CAPACITY_KEYS: dict[str, str] = {
    "acute_beds": "acute.beds",
    "care_home": "care_home.beds",
    "reablement": "reablement.capacity",
    "ic_beds": "ic_beds.capacity",
    "virtual_ward": "virtual_ward.capacity",
    "ucr": "ucr.capacity",
    "district_nursing": "district_nursing.capacity",
}
"""Pack services -> the place key holding today's capacity (names as in ``place.plan``)."""

MEASURES: dict[str, str] = {
    "emergency_admissions": "emergency admissions a year (SUS APC, admission method 21-2B)",
    "emergency_bed_days": "occupied bed days of emergency admissions a year (SUS APC)",
    "ed_attendances": "ED attendances a year, all types (ECDS)",
    "ed_type1_attendances": "type 1 ED attendances a year (ECDS)",
    "nctr_patients": "mean patients a day not meeting the criteria to reside (NCTR sitrep)",
    "ambulance_incidents": "ambulance incidents a year (AQI A7)",
    "ambulance_conveyances": "incidents with conveyance to ED a year (AQI A56)",
    "ucr_episodes": "urgent community response episodes a year (CSDS)",
    "reablement_episodes": "reablement / P1 episodes started a year (CSDS, SALT STS)",
    "ic_bed_admissions": "intermediate-care bed admissions a year (CSDS)",
    "virtual_ward_admissions": "virtual ward admissions a year (NHSE virtual ward sitrep)",
    "care_home_admissions": "permanent care-home admissions a year (ASC-FR / SALT LTS001)",
    "deaths": "deaths of residents a year (ONS)",
}
"""Observed measures a pack may give, with their usual source."""

TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "population.csv": (("year", "quintile", "people"), ("age_band", "age")),
    "capacity.csv": (("service", "year", "capacity", "source"), ()),
    "activity.csv": (("measure", "year", "value", "sd", "source"), ()),
    "unit_costs.csv": (("item", "gbp", "price_year", "source"), ("low", "high")),
}
"""Each table: (required columns, optional columns)."""

PACK_KEYS = {"name", "description", "base_year", "population_total", "sources"}
_FY = re.compile(r"^(\d{4})/(\d{2})$")


class PackError(ConfigError):
    """A problem in a data pack, one line: file, row and column, the value, what is allowed."""


@dataclass
class Pack:
    """A checked data pack, as read (no place needed to read it; see :func:`check_pack`)."""

    folder: Path
    meta: dict
    population: list[dict] = field(default_factory=list)  # year, age_band|age, quintile, people
    capacity: list[dict] = field(default_factory=list)
    activity: list[dict] = field(default_factory=list)
    unit_costs: list[dict] = field(default_factory=list)

    @property
    def base_year(self) -> int:
        """The mid-year-estimate year of the population (calendar year)."""
        return int(self.meta["base_year"])

    def targets(self) -> dict[tuple[str, int], tuple[float, float]]:
        """Observed activity: (measure, financial year starting) -> (value, sd)."""
        return {(r["measure"], r["year"]): (r["value"], r["sd"]) for r in self.activity}


# -- locating and reading -------------------------------------------------------------------


def find_pack(name: str, search: list[Path]) -> Path:
    """The folder of pack ``name``: ``<dir>/packs/<name>`` for each config dir, or a path."""
    tried = [d / PACKS_DIR / name for d in search] + [Path(name)]
    for path in tried:
        if (path / PACK_FILE).is_file():
            return path.resolve()
    where = ", ".join(str(p) for p in tried)
    raise PackError(
        f"place.data_pack: no pack {name!r} (a folder with {PACK_FILE}); looked in {where}"
    )


def read_pack(folder: Path) -> Pack:
    """Read every table of the pack in ``folder``, checking columns and cell types."""
    meta = _read_meta(folder / PACK_FILE)
    tables = {}
    for table, (required, optional) in TABLES.items():
        path = folder / table
        if not path.is_file():
            if table == "unit_costs.csv":
                tables[table] = []
                continue
            raise PackError(f"{path}: missing; a pack needs {', '.join(list(TABLES)[:3])}")
        tables[table] = _read_csv(path, required, optional)
    pack = Pack(
        folder,
        meta,
        _population_rows(tables["population.csv"], folder / "population.csv"),
        _capacity_rows(tables["capacity.csv"], folder / "capacity.csv"),
        _activity_rows(tables["activity.csv"], folder / "activity.csv"),
        _cost_rows(tables["unit_costs.csv"], folder / "unit_costs.csv"),
    )
    return pack


def _read_meta(path: Path) -> dict:
    try:
        meta = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", -1) + 1
        raise PackError(f"{path}: line {line}: not valid YAML") from None
    if not isinstance(meta, dict):
        raise PackError(f"{path}: must be a mapping with keys {sorted(PACK_KEYS)}")
    unknown = sorted(set(meta) - PACK_KEYS)
    if unknown:
        raise PackError(f"{path}: unknown key {unknown[0]!r}; allowed: {sorted(PACK_KEYS)}")
    for key in ("name", "base_year"):
        if key not in meta:
            raise PackError(f"{path}: key {key!r} is missing")
    if not isinstance(meta["base_year"], int) or not 1990 <= meta["base_year"] <= 2100:
        raise PackError(
            f"{path}: base_year {meta['base_year']!r} must be a calendar year (1990-2100)"
        )
    total = meta.get("population_total")
    if total is not None and (not isinstance(total, int | float) or not total > 0):
        raise PackError(f"{path}: population_total {total!r} must be a positive number")
    return meta


def _read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise PackError(f"{path}: empty; needs a header row with {', '.join(required)}")
    for col in header:
        if col not in required + optional:
            raise PackError(
                f"{path}: unknown column {col!r}; allowed: {', '.join(required + optional)}"
            )
    needed = list(required)
    if path.name == "population.csv":
        if ("age_band" in header) == ("age" in header):
            raise PackError(f"{path}: give exactly one of the columns 'age_band' or 'age'")
    for col in needed:
        if col not in header:
            raise PackError(f"{path}: missing column {col!r}; needs {', '.join(required)}")
    rows = []
    for n, raw in enumerate(reader, start=2):  # row 1 is the header
        if None in raw or any(v is None for v in raw.values()):
            raise PackError(f"{path}: row {n}: has {len(raw)} cells, the header has {len(header)}")
        row = {k.strip(): v.strip() for k, v in raw.items()}
        row["_row"] = n
        rows.append(row)
    if not rows:
        raise PackError(f"{path}: has a header but no rows")
    return rows


def _where(path: Path, row: dict, col: str) -> str:
    return f"{path}: row {row['_row']}, column {col!r}"


def _number(path: Path, row: dict, col: str, *, positive: bool = False) -> float:
    text = row[col]
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise PackError(f"{_where(path, row, col)}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise PackError(f"{_where(path, row, col)}: {text!r} must be a finite number")
    if value < 0 or (positive and value == 0):
        need = "> 0" if positive else ">= 0"
        raise PackError(f"{_where(path, row, col)}: {text!r} must be {need}")
    return value


def _integer(path: Path, row: dict, col: str) -> int:
    value = _number(path, row, col)
    if value != int(value):
        raise PackError(f"{_where(path, row, col)}: {row[col]!r} must be a whole number")
    return int(value)


def _fy(path: Path, row: dict, col: str) -> int:
    """A financial-year label ``"2025/26"`` -> 2025."""
    m = _FY.match(row[col])
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise PackError(
            f"{_where(path, row, col)}: {row[col]!r} is not a financial year such as '2025/26'"
        )
    return int(m.group(1))


def _text(path: Path, row: dict, col: str) -> str:
    if not row[col]:
        raise PackError(f"{_where(path, row, col)}: is empty; say where the figure comes from")
    return row[col]


def _known(path: Path, row: dict, col: str, allowed, what: str) -> str:
    """The row's ``col``, refused unless it is one of ``allowed`` (a ``what``)."""
    if row[col] not in allowed:
        raise PackError(
            f"{_where(path, row, col)}: unknown {what} {row[col]!r}; allowed: {', '.join(allowed)}"
        )
    return row[col]


def _unique(path: Path, rows: list[dict], key: tuple[str, ...]) -> None:
    seen: dict[tuple, int] = {}
    for r in rows:
        k = tuple(r[c] for c in key)
        if k in seen:
            raise PackError(
                f"{path}: row {r['_row']}: repeats row {seen[k]} "
                f"({', '.join(f'{c}={v}' for c, v in zip(key, k, strict=True))})"
            )
        seen[k] = r["_row"]


def _population_rows(rows: list[dict], path: Path) -> list[dict]:
    out = []
    for r in rows:
        q = _integer(path, r, "quintile")
        if q not in QUINTILES:
            raise PackError(f"{_where(path, r, 'quintile')}: {q} must be 1-5 (1 = most deprived)")
        rec = {
            "_row": r["_row"],
            "year": _integer(path, r, "year"),
            "quintile": q,
            "people": _number(path, r, "people"),
        }
        if "age" in r:
            rec["age"] = _integer(path, r, "age")
        else:
            rec["age_band"] = _text(path, r, "age_band")
        out.append(rec)
    _unique(path, out, ("year", "age" if "age" in out[0] else "age_band", "quintile"))
    return out


def _capacity_rows(rows: list[dict], path: Path) -> list[dict]:
    out = []
    for r in rows:
        out.append(
            {
                "_row": r["_row"],
                "service": _known(path, r, "service", CAPACITY_KEYS, "service"),
                "year": _fy(path, r, "year"),
                "capacity": _number(path, r, "capacity", positive=True),
                "source": _text(path, r, "source"),
            }
        )
    _unique(path, out, ("service", "year"))
    return out


def _activity_rows(rows: list[dict], path: Path) -> list[dict]:
    out = []
    for r in rows:
        out.append(
            {
                "_row": r["_row"],
                "measure": _known(path, r, "measure", MEASURES, "measure"),
                "year": _fy(path, r, "year"),
                "value": _number(path, r, "value"),
                "sd": _number(path, r, "sd", positive=True),
                "source": _text(path, r, "source"),
            }
        )
    _unique(path, out, ("measure", "year"))
    by = {(r["measure"], r["year"]): r for r in out}
    for (measure, year), r in by.items():  # totals that must nest
        for part, whole in (
            ("ambulance_conveyances", "ambulance_incidents"),
            ("ed_type1_attendances", "ed_attendances"),
        ):
            if measure == part and (whole, year) in by and r["value"] > by[whole, year]["value"]:
                raise PackError(
                    f"{_where(path, r, 'value')}: {part} {r['value']:g} exceeds {whole} "
                    f"{by[whole, year]['value']:g} (row {by[whole, year]['_row']}) in the same year"
                )
        if measure == "emergency_bed_days" and ("emergency_admissions", year) in by:
            adm = by["emergency_admissions", year]
            if r["value"] > 365 * adm["value"]:
                raise PackError(
                    f"{_where(path, r, 'value')}: {r['value']:g} bed days is more than a year "
                    f"per emergency admission ({adm['value']:g}, row {adm['_row']})"
                )
    return out


def _cost_rows(rows: list[dict], path: Path) -> list[dict]:
    out = []
    for r in rows:
        rec = {
            "_row": r["_row"],
            "item": _text(path, r, "item"),
            "gbp": _number(path, r, "gbp", positive=True),
            "price_year": r["price_year"],
            "source": _text(path, r, "source"),
        }
        _fy(path, r, "price_year")
        for col in ("low", "high"):
            if r.get(col):
                rec[col] = _number(path, r, col, positive=True)
        if not rec.get("low", rec["gbp"]) <= rec["gbp"] <= rec.get("high", rec["gbp"]):
            raise PackError(
                f"{_where(path, r, 'gbp')}: {rec['gbp']:g} must lie within low-high "
                f"({rec.get('low', '')}-{rec.get('high', '')})"
            )
        out.append(rec)
    _unique(path, out, ("item",))
    return out


# -- checks against the place and the run ---------------------------------------------------


def run_years(start_date: str, horizon_years: float) -> list[int]:
    """Financial years (by starting calendar year) the run touches, first to last."""
    y, m = (int(p) for p in start_date.split("-")[:2])
    first = y if m >= 4 else y - 1
    end_months = y * 12 + (m - 1) + horizon_years * 12  # months since year 0 of the end
    end_y, end_m = divmod(math.ceil(end_months) - 1, 12)  # the last month inside the run
    last = end_y if end_m + 1 >= 4 else end_y - 1
    return list(range(first, last + 1))


def band_of_age(age_bands: list[str], widths: list[float]) -> list[tuple[int, float]]:
    """(first age, width) of each band, the last open (width 0 = to any age)."""
    out, start = [], 0
    for w in widths:
        out.append((start, w))
        start += int(w)
    return out


def population_by_band(pack: Pack, age_bands: list[str], widths: list[float]) -> dict:
    """People by (year, band, quintile), single years of age summed into the place's bands."""
    path = pack.folder / "population.csv"
    spans = band_of_age(age_bands, widths)
    out: dict[tuple[int, str, int], float] = {}
    for r in pack.population:
        if "age" in r:
            band = next(
                (
                    b
                    for b, (a0, w) in zip(age_bands, spans, strict=True)
                    if r["age"] >= a0 and (w == 0 or r["age"] < a0 + w)
                ),
                None,
            )
        else:
            band = r["age_band"] if r["age_band"] in age_bands else None
            if band is None:
                raise PackError(
                    f"{_where(path, r, 'age_band')}: unknown age band {r['age_band']!r}; "
                    f"the place's bands are {', '.join(age_bands)}"
                )
        k = (r["year"], band, r["quintile"])
        out[k] = out.get(k, 0.0) + r["people"]
    return out


def check_pack(pack: Pack, age_bands: list[str], widths: list[float], years: list[int]) -> dict:
    """Check the pack against the place's age bands and the run's financial years.

    Returns people by (year, band, quintile). Raises :class:`PackError` (one line).
    """
    pop_path, cap_path, act_path = (pack.folder / t for t in list(TABLES)[:3])
    people = population_by_band(pack, age_bands, widths)
    years_given = sorted({y for y, _, _ in people})
    base = pack.base_year
    if base > years[0]:
        raise PackError(
            f"{pack.folder / PACK_FILE}: base_year {base} is after the run starts "
            f"(financial year {years[0]}/{(years[0] + 1) % 100:02d})"
        )
    if base not in years_given:
        raise PackError(
            f"{pop_path}: no rows for base_year {base} ({pack.folder / PACK_FILE}); "
            f"years given: {', '.join(map(str, years_given))}"
        )
    for r in pack.population:
        if not base <= r["year"] <= 2100:
            raise PackError(
                f"{_where(pop_path, r, 'year')}: {r['year']} is before the base year {base} "
                f"({pack.folder / PACK_FILE}) or after 2100"
            )
    for y in years_given:
        for b in age_bands:
            for q in QUINTILES:
                if (y, b, q) not in people:
                    raise PackError(
                        f"{pop_path}: year {y} has no rows for age band {b!r}, quintile {q}; "
                        f"every year needs every band and quintile"
                    )
    total = pack.meta.get("population_total")
    if total is not None:
        summed = sum(v for (y, _, _), v in people.items() if y == base)
        if abs(summed - total) > TOTAL_TOLERANCE * total:
            raise PackError(
                f"{pop_path}: rows for {base} add up to {summed:,.0f}, not population_total "
                f"{total:,.0f} in {pack.folder / PACK_FILE} (tolerance 0.5%)"
            )
    if sum(v for (y, _, _), v in people.items() if y == base) <= 0:
        raise PackError(f"{pop_path}: no people in base year {base}")
    by_service: dict[str, dict[int, dict]] = {}
    for r in pack.capacity:
        if r["year"] < years[0]:  # years after the run's end are not used
            raise PackError(
                f"{_where(cap_path, r, 'year')}: {_label(r['year'])} is before the run "
                f"(first financial year {_label(years[0])}; today's capacity is that year's)"
            )
        by_service.setdefault(r["service"], {})[r["year"]] = r
    for service, rows in by_service.items():
        if years[0] not in rows:
            raise PackError(
                f"{cap_path}: service {service!r} has no row for the run's first financial "
                f"year {_label(years[0])} (today's capacity)"
            )
        if any(y in years[1:] for y in rows):
            gaps = [y for y in range(years[0] + 1, years[-1] + 1) if y not in rows]
            if gaps:
                raise PackError(
                    f"{cap_path}: service {service!r} has a plan but no row for {_label(gaps[0])}; "
                    f"a plan gives every year after the first through {_label(years[-1])}"
                )
    for r in pack.activity:
        if r["year"] > years[0] or r["year"] < base - 1:
            raise PackError(
                f"{_where(act_path, r, 'year')}: {_label(r['year'])} is outside the observed "
                f"years ({_label(base - 1)} to the run's first, {_label(years[0])})"
            )
    return people


def _label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


# -- writing the configuration --------------------------------------------------------------


def apply_pack(cfg, search: list[Path]) -> Pack | None:
    """Read the pack ``cfg.place.data_pack`` names, check it and write it into ``cfg``.

    Sets the population (size, age and quintile shares in the run's first year), today's
    capacities, the capacity plan (``place.plan``, when the schema has it) and local unit
    costs. Returns the pack, or ``None`` when the place names none.
    """
    name = getattr(cfg.place, "data_pack", "") or ""
    if not name:
        return None
    pack = read_pack(find_pack(name, search))
    pop = cfg.place.population
    years = run_years(cfg.run.start_date, cfg.run.horizon_years)
    people = check_pack(pack, list(pop.age_bands), list(pop.age_band_years), years)
    year = max(y for y, _, _ in people if y <= years[0])  # latest estimate at the start
    cells = {(b, q): v for (y, b, q), v in people.items() if y == year}
    total = sum(cells.values())
    pop.size = float(total)
    pop.age_shares = [sum(cells[b, q] for q in QUINTILES) / total for b in pop.age_bands]
    pop.quintile_shares = [sum(cells[b, q] for b in pop.age_bands) / total for q in QUINTILES]
    _apply_capacity(cfg, pack, years)
    _apply_costs(cfg, pack)
    return pack


def _apply_capacity(cfg, pack: Pack, years: list[int]) -> None:
    plan: dict[str, dict] = {}
    for r in pack.capacity:
        if r["year"] == years[0]:
            node, attr = _node(cfg.place, CAPACITY_KEYS[r["service"]])
            if r["service"] == "care_home":  # residents at the place's occupancy of its beds
                node.residents *= r["capacity"] / node.beds
            setattr(node, attr, r["capacity"])
    for r in pack.capacity:
        if r["year"] in years[1:]:
            entry = plan.setdefault(r["service"], {"table": {}, "source": []})
            entry["table"][_label(r["year"])] = r["capacity"]
            if r["source"] not in entry["source"]:
                entry["source"].append(r["source"])
    if not plan:
        return
    if not hasattr(cfg.place, "plan"):
        log.warning("capacity plan in %s ignored: this version has no place.plan", pack.folder)
        return
    for service, entry in plan.items():
        cfg.place.plan.services[service] = schema.PlanServiceCfg(
            growth_per_year=None, table=entry["table"], source="; ".join(entry["source"])
        )


def _node(obj: object, dotted: str) -> tuple[object, str]:
    *parents, attr = dotted.split(".")
    for p in parents:
        obj = getattr(obj, p)
    return obj, attr


def _apply_costs(cfg, pack: Pack) -> None:
    path = pack.folder / "unit_costs.csv"
    for r in pack.unit_costs:
        node = cfg.finance.unit_costs[_known(path, r, "item", cfg.finance.unit_costs, "unit cost")]
        node.gbp, node.price_year, node.source = r["gbp"], r["price_year"], r["source"]
        node.low, node.high, node.of, node.times = r.get("low"), r.get("high"), None, 1.0


def place_targets(place, search: list[Path], measures: list[str]) -> dict[str, tuple[float, float]]:
    """The pack's ``measures`` in their latest observed year: measure -> (value, sd)."""
    if not place.data_pack:
        raise PackError(f"place {place.name!r} has no data_pack: nothing to calibrate to")
    pack = read_pack(find_pack(place.data_pack, search))
    latest: dict[str, tuple[int, float, float]] = {}
    for r in pack.activity:
        if r["measure"] in measures and r["year"] >= latest.get(r["measure"], (0,))[0]:
            latest[r["measure"]] = (r["year"], r["value"], r["sd"])
    if not latest:
        raise PackError(f"{pack.folder / 'activity.csv'}: no measure the engine simulates")
    return {m: (v, sd) for m, (_, v, sd) in latest.items()}
