"""``lamina.random``: Keras 3's ``keras.random`` on torch generators.

``seed`` is an int (stateless: same numbers every call), a :class:`SeedGenerator`
(a reproducible stream that advances on each draw) or ``None`` (torch's global
generator). Seeded draws give the same numbers as Keras 3 on its torch backend.

Example:
    >>> from lamina import random
    >>> gen = random.SeedGenerator(1337)
    >>> random.normal((2, 2), seed=gen).shape
    torch.Size([2, 2])
"""
from lamina.random.distributions import (  # noqa: F401
    beta, binomial, categorical, dropout, gamma, normal, randint, shuffle, truncated_normal, uniform,
)
from lamina.random.seed_generator import SeedGenerator, draw_generator  # noqa: F401
