"""Benchmarks, run by hand (see docs/performance.md); never part of the test suite."""
