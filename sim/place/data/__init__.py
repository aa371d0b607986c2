"""A place from a data pack: documented CSV tables an ICB already has (see docs/your_place.md).

:mod:`sim.place.data.pack` reads and checks a pack and writes its figures into the place,
finance and capacity-plan configuration; every problem is one line naming the file, row and
column, before any simulation.
"""

from sim.place.data.pack import Pack, PackError, apply_pack, read_pack

__all__ = ["Pack", "PackError", "apply_pack", "read_pack"]
