"""Analyst tools: lint, coverage, generated docs, pack tests and the pytest plugin."""
