"""Seeds for lamina's random ops: ``SeedGenerator`` and the torch generator each draw uses.

Keras 3 semantics, on torch:

* ``seed=<int>``: stateless; the same call gives the same numbers every time.
* ``seed=SeedGenerator(s)``: a reproducible stream; every draw advances it.
* ``seed=None``: torch's global generator (``torch.manual_seed`` /
  ``lamina.utils.set_random_seed`` make it reproducible).

A draw with seed state ``(s, n)`` (``n`` draws made so far) seeds torch's
generator with ``(s + n) mod 2**32``, exactly as Keras's torch backend does, so
``lamina.random.normal(shape, seed=42)`` returns Keras's numbers.

While shapes are being inferred on stand-in tensors
(:func:`lamina.core.symbolic.in_symbolic_scope`), draws use a throwaway generator
and advance nothing.

Example:
    >>> gen = SeedGenerator(1337)
    >>> gen.next(), gen.next()
    ((1337, 0), (1337, 1))
"""
import random as python_random

import torch

from lamina.core import config
from lamina.core.naming import unique_name
from lamina.core.registry import register
from lamina.core.symbolic import in_symbolic_scope

_MASK = 0xFFFFFFFF
_generators = {}  # device -> cached torch.Generator, re-seeded for every seeded draw


@register()
class SeedGenerator:
    """A reproducible stream of seeds for random ops (``keras.random.SeedGenerator``).

    Args:
        seed: int start of the stream; ``None`` draws one from Python's ``random``
            (itself seeded by ``lamina.utils.set_random_seed``).
        name: optional name.

    Keep one as a layer attribute and pass it as ``seed=`` so each call of the
    layer draws new numbers, reproducibly.

    Example:
        >>> from lamina import random
        >>> gen = SeedGenerator(42)
        >>> a = random.normal((2,), seed=gen)
        >>> b = random.normal((2,), seed=gen)
        >>> bool((a != b).all())
        True
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"SeedGenerator: unknown arguments {sorted(kwargs)}; expected seed, name")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ValueError(f"SeedGenerator: seed must be an int or None; received seed={seed!r}")
        self._initial_seed = seed
        self.name = name or unique_name("seed_generator")
        self._seed = python_random.randint(1, 10**9) if seed is None else seed
        self._counter = 0

    @property
    def state(self):
        """``[seed, draws so far]`` as an int64 tensor (read-only; use :meth:`set_state` to restore).

        Example:
            >>> SeedGenerator(3).state.tolist()
            [3, 0]
        """
        return torch.tensor([self._seed, self._counter], dtype=torch.int64)

    def set_state(self, state):
        """Restore a state saved from :attr:`state` (``[seed, draws so far]``).

        Example:
            >>> gen = SeedGenerator(3); gen.set_state([3, 5]); gen.next()
            (3, 5)
        """
        seed, counter = (int(v) for v in (state.tolist() if isinstance(state, torch.Tensor) else state))
        self._seed, self._counter = seed, counter

    def next(self, ordered=True):
        """The current ``(seed, counter)`` pair; advances the stream.

        Example:
            >>> SeedGenerator(7).next()
            (7, 0)
        """
        value = (self._seed, self._counter)
        self._counter += 1
        return value

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, seed={self._seed}, draws={self._counter}>"


def _seeded(seed_value, device):
    generator = _generators.get(device)
    if generator is None:
        generator = _generators[device] = torch.Generator(device=device)
    generator.manual_seed(seed_value & _MASK)
    return generator


def draw_generator(seed, device=None):
    """The ``torch.Generator`` a random op should use for ``seed`` (``None`` = torch's global one).

    Advances ``seed`` if it is a :class:`SeedGenerator`, except while shapes are
    being inferred on stand-ins.

    Example:
        >>> g = draw_generator(5)
        >>> torch.rand(1, generator=g).item() == torch.rand(1, generator=draw_generator(5)).item()
        True
    """
    device = torch.device(device) if device is not None else config.device()
    if in_symbolic_scope():
        return _seeded(0, device)
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        base, counter = seed.next()
        return _seeded(base + counter, device)
    if isinstance(seed, int) and not isinstance(seed, bool):
        return _seeded(seed, device)
    raise ValueError(
        f"seed must be an int, a lamina.random.SeedGenerator or None; received seed={seed!r} "
        f"(of type {type(seed).__name__})"
    )
