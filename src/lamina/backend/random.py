"""Keras 2's backend random functions, with TensorFlow's seed semantics.

An integer ``seed`` starts a reproducible stream for that seed: two calls with
``seed=1`` give different numbers, and a new run of the program gives the same
two again (TensorFlow's operation seeds). ``seed=None`` uses torch's global
generator (seeded by ``set_random_seed``). :func:`set_global_seed` (used by
``tf.random.set_seed``) reseeds torch and restarts every stream.

Shapes may hold symbolic sizes (``K.shape(z)[0]``), as in the book's VAE sampling.

Example:
    >>> from lamina import backend as K
    >>> a, b = K.random_normal((2,), seed=1), K.random_normal((2,), seed=1)
    >>> bool((a != b).all())
    True
"""
import torch

from lamina import random as lamina_random
from lamina.backend.variables import variable
from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import op
from lamina.random import SeedGenerator

__all__ = [
    "random_normal", "random_uniform", "random_bernoulli", "random_binomial", "truncated_normal",
    "random_normal_variable", "random_uniform_variable",
]

_DEFAULT_GLOBAL_SEED = 87654321
_global_seed = None
_streams = {}


def set_global_seed(seed):
    """Seed torch's global generator with ``seed`` and restart the stream of every operation seed.

    Example:
        >>> set_global_seed(3)
        >>> a = random_uniform((1,), seed=7); set_global_seed(3)
        >>> bool(random_uniform((1,), seed=7) == a)
        True
    """
    global _global_seed
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ValueError(f"set_seed: seed must be an integer or None; received {seed!r}")
    _global_seed = seed
    _streams.clear()
    if seed is not None:
        torch.manual_seed(seed)


def seed_stream(seed):
    """The seed argument for ``lamina.random``: ``None`` stays ``None``; an int selects its stream.

    Example:
        >>> seed_stream(None) is None, type(seed_stream(5)).__name__
        (True, 'SeedGenerator')
    """
    if seed is None or isinstance(seed, SeedGenerator):
        return seed
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"seed must be an integer or None; received seed={seed!r}")
    key = (_DEFAULT_GLOBAL_SEED if _global_seed is None else _global_seed, seed)
    stream = _streams.get(key)
    if stream is None:
        stream = _streams[key] = SeedGenerator((key[0] * 1000003 + key[1]) & 0x7FFFFFFF)
    return stream


def concrete_shape(shape, function_name):
    """``shape`` (an int, a sequence of ints or 0-d tensors, or a 1-D tensor) as a tuple of ints.

    Example:
        >>> concrete_shape([2, torch.tensor(3)], "K.zeros")
        (2, 3)
    """
    if isinstance(shape, int):
        return (shape,)
    if isinstance(shape, torch.Tensor):
        return tuple(int(d) for d in shape.reshape(-1).tolist())
    try:
        return tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(f"{function_name}: shape must be a tuple of integers; received shape={shape!r}") from None


@op
def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from ``N(mean, stddev**2)``.

    Example:
        >>> tuple(random_normal((2, 3), seed=0).shape)
        (2, 3)
    """
    return lamina_random.normal(concrete_shape(shape, "K.random_normal"), mean=mean, stddev=stddev, dtype=dtype,
                                seed=seed_stream(seed))


@op
def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from the uniform distribution on ``[minval, maxval)``.

    Example:
        >>> x = random_uniform((100,), 2.0, 3.0, seed=0)
        >>> bool(((x >= 2) & (x < 3)).all())
        True
    """
    return lamina_random.uniform(concrete_shape(shape, "K.random_uniform"), minval=minval, maxval=maxval,
                                 dtype=dtype, seed=seed_stream(seed))


@op
def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    """Ones with probability ``p``, zeros otherwise.

    Example:
        >>> sorted(set(random_bernoulli((50,), p=0.5, seed=0).tolist()))
        [0.0, 1.0]
    """
    draw = lamina_random.uniform(concrete_shape(shape, "K.random_bernoulli"), dtype=dtype, seed=seed_stream(seed))
    return (draw < p).to(to_torch_dtype(dtype))


random_binomial = random_bernoulli


@op
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, redrawn where they fall more than two standard deviations from the mean.

    Example:
        >>> bool(truncated_normal((1000,), seed=0).abs().max() <= 2.0)
        True
    """
    return lamina_random.truncated_normal(concrete_shape(shape, "K.truncated_normal"), mean=mean, stddev=stddev,
                                          dtype=dtype, seed=seed_stream(seed))


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    """A variable initialised from ``N(mean, scale**2)``.

    Example:
        >>> random_normal_variable((2,), 0.0, 1.0, seed=0).shape
        torch.Size([2])
    """
    return variable(random_normal(shape, mean, scale, dtype=dtype, seed=seed), dtype=dtype, name=name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    """A variable initialised uniformly on ``[low, high)``.

    Example:
        >>> random_uniform_variable((2,), 0.0, 1.0, seed=0).shape
        torch.Size([2])
    """
    return variable(random_uniform(shape, low, high, dtype=dtype, seed=seed), dtype=dtype, name=name)
