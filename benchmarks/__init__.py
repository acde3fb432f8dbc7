"""Benchmarks: commands that print figures (`make bench`); never timed unit tests."""
