"""Serving: the DuckDB catalog over the published tables, its SQL views, the HTML report."""
