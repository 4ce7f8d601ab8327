"""Benchmarks and the data they run against; never part of the test suite's timings."""
