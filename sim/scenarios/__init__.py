"""Care-shift scenarios: from a scenario config to lever paths on the place (and the money).

Scenarios only change the declaration: they move levers (:mod:`sim.place.levers`), and the
model's mechanisms do the rest. Engines know nothing of this package.
"""

from sim.scenarios.effects import LeverPaths, lever_paths, lever_targets

__all__ = ["LeverPaths", "lever_paths", "lever_targets"]
