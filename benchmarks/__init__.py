"""Benchmarks: accuracy and speed of forum-etl beside the tools users would otherwise pick."""
