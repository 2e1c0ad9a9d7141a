"""lamina's benchmarks: each workload against a hand-written PyTorch loop (run ``python -m benchmarks``)."""
