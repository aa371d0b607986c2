"""Crowding below full occupancy: decided admissions that find no bed the same day.

A hospital at 90% average G&A occupancy is not 10% empty everywhere all day: occupancy varies
from day to day and between wards (specialty, sex, infection control), and discharges come
late in the day, so some decided admissions find no suitable bed on the day they need it and
board in ED overnight, although the daily average has room (EVIDENCE 10.53: 8.2% of emergency
admissions wait more than 12 hours from the decision to admit, at 93% G&A occupancy, 10.61;
10.64-10.66: crowding effects start well below 100%).

The model: on a day with G&A occupancy ``x`` (patients in acute beds, including those with
no criteria to reside, per bed; boarders are not counted, so boarding does not feed on
itself), the effective occupancy a decided admission meets is ``x + e``, with ``e`` normal
with standard deviation ``spread`` (a normal approximation to day-to-day and ward-to-ward
variation); the admission finds no suitable bed that day when the effective occupancy is
above ``full_occupancy``. So the share that boards overnight is

    s(x) = Phi((x - full_occupancy) / spread),

up to full (occupancy 1; flat beyond, where the hard bed cap rations), and a boarder tries
again the next day, at that day's occupancy. Both engines read the same
curve: the stock-flow engine as the lookup ``bed_found`` = ``1 - s(x)`` on the transfer that
moves boarders into beds (the rest stay in ``boarding`` overnight); the patient engine draws
against ``s`` at the moment of the decision and again once during each following day
(:mod:`sim.place.patient.processes`). Truly full beds still add boarding on top in both.
"""

from __future__ import annotations

import math

import numpy as np

GRID = np.round(np.arange(0.60, 1.0001, 0.01), 10)
"""Occupancies at which the lookup tabulates the curve (linear in between; flat beyond).

The curve stops at full (occupancy 1): beyond it the hard bed cap does the rationing, and a
bed freed in a full hospital is taken by a boarder (an outlier on another ward if need be),
so the share left for mismatch stays at its value at full.
"""


FULL_TABLE = ([0.99, 1.0], [0.0, 1.0])
"""Whether the hospital is full, as a table of bed pressure: boarders are treated in ED and
sent home (``acute.boarding_discharge_per_day``) only when no bed is free anywhere, pressure 1
or more; below it a boarder waits for a suitable bed (assumption: sending decided admissions
home is a last resort of a full hospital). Linear from 0.99 so the rate is continuous.
"""


def overnight_share(occupancy: float | np.ndarray, full_occupancy: float, spread: float):
    """The share of decided admissions finding no bed on the day, at occupancy ``x``.

    Args:
        occupancy: G&A occupancy, patients in acute beds / beds, a ratio (a value or an array).
        full_occupancy: the effective occupancy above which no suitable bed is free, a ratio.
        spread: standard deviation of the effective occupancy around the day's, a ratio.

    Returns:
        ``Phi((x - full_occupancy) / spread)``, a share in [0, 1] (0 when ``spread`` is 0 and
        ``x`` is below ``full_occupancy``).
    """
    x = np.asarray(occupancy, dtype=float)
    if spread <= 0:
        return np.where(x > full_occupancy, 1.0, 0.0)
    z = (x - full_occupancy) / (spread * math.sqrt(2.0))
    erf = np.vectorize(math.erf)
    return 0.5 * (1.0 + erf(z))


def bed_found_table(full_occupancy: float, spread: float) -> tuple[list[float], list[float]]:
    """The stock-flow lookup: occupancies and the share of boarders who find a bed that day.

    Returns ``(xs, ys)`` with ``ys = 1 - s(xs)`` on :data:`GRID`.
    """
    ys = 1.0 - overnight_share(GRID, full_occupancy, spread)
    return GRID.tolist(), np.clip(ys, 0.0, 1.0).tolist()
