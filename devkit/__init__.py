"""Development kit (not installed with forum-etl): the sample site the demo and tests serve,
and the helpers tests and benchmarks share."""
