"""The jobs: what a command or an API call does, end to end.

- :mod:`.load`: compose the configuration and run every validation, before any work;
- :mod:`.simulate`: dispatch to an engine, the plan run, money and contracting re-runs;
- :mod:`.appraise`: the options appraisal (the main job);
- :mod:`.save`: the run folder, written atomically.
"""
