"""IG Portal benchmarks (issue 10): run with make bench."""
