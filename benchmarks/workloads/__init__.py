"""Benchmark workloads: one module ``w<N>_<name>.py`` each (see ``benchmarks/harness.py`` for the interface)."""
