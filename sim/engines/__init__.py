"""Engines: turn a model declaration into simulated trajectories.

Engines know nothing of scenarios, finance or reports: they take a declaration, parameter
values and time series, and return arrays or an :class:`xarray.Dataset`.
"""
