"""The place's own data, applied when a configuration is loaded: its pack, then its ensemble."""

from __future__ import annotations

from pathlib import Path

from sim.config.schema import Config
from sim.place.data.pack import apply_pack
from sim.place.draws import best_member


def apply_place_data(cfg: Config, search: list[Path]) -> None:
    """Write the pack ``place.data_pack`` names into ``cfg``, then, with ``place.ensemble``,
    set the place to its best-fitting member (more draws take members by weight).

    A relative ``place.ensemble`` is looked up in the pack's folder first (a shipped pack
    carries its ensemble), then in the working directory.
    """
    pack = apply_pack(cfg, search)
    ens = cfg.place.ensemble
    if ens and pack is not None and not Path(ens).is_absolute() and (pack.folder / ens).is_file():
        cfg.place.ensemble = str(pack.folder / ens)
    if cfg.place.ensemble:
        best_member(cfg.place)
