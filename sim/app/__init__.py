"""The web app for strategy teams: ``python -m sim.app`` serves it on 127.0.0.1 (Streamlit).

The app is a client of the same API as the command line and the notebooks: its form becomes
Hydra overrides, every input is validated by :func:`sim.jobs.load.load_config` (the command
line's rules and one-line messages), runs go to a worker process (:mod:`sim.app.worker`)
that calls :func:`sim.api.main_job`, the path ``python -m sim`` takes, and writes
``results/<run>/`` as it does, and the pages show the board pack's own tables and charts
(:mod:`sim.report`) read back from the saved run.

Modules: ``form`` (inputs -> overrides, validation), ``jobs`` (the worker process, progress,
cancel), ``worker`` (the run itself), ``saved`` (saved runs: list, load, compare), ``ui``
(shared Streamlit pieces), ``main`` (the Streamlit script) and ``pages/``.
"""
