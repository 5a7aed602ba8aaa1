"""Alerts: the kinds of problem, and the lifecycle from raised to resolved."""
