"""Benchmarks: commands that print figures and never assert timings (see README.md)."""
