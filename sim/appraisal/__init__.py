"""Options appraisal: each option against baseline, the metrics a board decides on.

``appraise`` builds the appraisal Dataset; ``metrics`` holds the arithmetic (discounting,
NPV, benefit-cost ratio, payback); ``run`` runs the main job's options.

The package imports nothing itself, so checking a configuration (``validate``) does not load
the appraisal's numerical libraries.
"""
