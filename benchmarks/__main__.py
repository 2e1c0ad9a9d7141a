"""``python -m benchmarks [W1 W5 ...] [--rounds N]``: print lamina's throughput against hand-written PyTorch."""
import sys

from benchmarks.harness import main

if __name__ == "__main__":
    sys.exit(main())
