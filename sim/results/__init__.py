"""Result storage: atomic NetCDF/text writers, loaders and run provenance."""
