"""Benchmarks with side-by-side baselines: `make bench` writes bench/REPORT.md."""
