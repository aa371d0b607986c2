"""What every board pack must hold, written once for the tests of its files (PDF, HTML, Word)
and of its charts: the board's reading order, not read from the code that makes the pack."""

SECTIONS = [
    "Summary",
    "Options summary",
    "Results over time",
    "Who pays and who saves",
    "Risk and uncertainty",
    "Equity",
    "Assumptions",
    "Methods",
    "Limitations",
]
STRESS = [
    "1. Objectives",
    "2. Model logic",
    "2a. Appraisal definitions (Green Book)",
    "3. Data",
    "4. Experimentation",
    "5. Implementation",
    "6. Code access",
]
CHARTS = [
    "npv",
    "fan_money",
    "fan_economic",
    "fan_hospital",
    "fan_flow",
    "fan_people",
    "cash_by_org",
    "waterfall",
    "tornado",
    "equity",
]
