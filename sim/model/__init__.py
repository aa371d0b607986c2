"""The model declaration: the place (cohorts, services, rates), independent of any engine."""
