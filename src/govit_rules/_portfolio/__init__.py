"""Portfolios: whole tables of projects evaluated at once (needs the ``portfolio`` extra)."""
