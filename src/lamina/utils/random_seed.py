"""Seeding every random number generator lamina uses.

Example:
    >>> set_random_seed(1); a = np.random.rand()
    >>> set_random_seed(1); a == np.random.rand()
    True
"""
import random
import sys

import numpy as np
import torch


def set_random_seed(seed):
    """Seed Python's ``random``, NumPy and torch (all devices) with ``seed``.

    Two runs of the same program after ``set_random_seed(s)`` give identical numbers
    on the CPU (on GPU, also call ``lamina.config.set_deterministic(True)``).

    Example:
        >>> set_random_seed(42)
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"set_random_seed: seed must be an integer; received {seed!r}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    backend_random = sys.modules.get("lamina.backend.random")
    if backend_random is not None:  # TF-style operation seeds restart too, as tf.random.set_seed does
        backend_random.set_global_seed(seed)
