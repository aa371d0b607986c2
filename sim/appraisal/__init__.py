"""Options appraisal: each option against baseline, the metrics a board decides on.

``appraise`` builds the appraisal Dataset; ``metrics`` holds the arithmetic (discounting,
NPV, benefit-cost ratio, payback); ``run`` runs the main job's options.
"""

from sim.appraisal.appraise import appraise, summarise

__all__ = ["appraise", "summarise"]
