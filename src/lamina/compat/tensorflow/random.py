"""``tf.random``: normal, uniform, truncated_normal, categorical, shuffle and ``set_seed``, TensorFlow's seeds.

An operation ``seed`` starts a reproducible stream (two calls with ``seed=1``
differ; a new run repeats them); ``tf.random.set_seed(s)`` seeds torch's global
generator and restarts those streams. Float32 unless ``dtype`` says otherwise.

Example:
    >>> from lamina.compat.tensorflow import random
    >>> random.set_seed(0); a = random.uniform([2])
    >>> random.set_seed(0); bool((random.uniform([2]) == a).all())
    True
"""
import torch

from lamina import random as lamina_random
from lamina.backend.random import concrete_shape, seed_stream, set_global_seed
from lamina.compat.tensorflow._subset import missing_names
from lamina.compat.tensorflow.tensors import convert_to_tensor
from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import op

__all__ = ["normal", "uniform", "truncated_normal", "categorical", "shuffle", "set_seed"]


def set_seed(seed):
    """Set the global seed: torch's generator is seeded and every operation-seed stream restarts.

    Example:
        >>> set_seed(42)
    """
    set_global_seed(seed)


@op
def normal(shape, mean=0.0, stddev=1.0, dtype=torch.float32, seed=None, name=None):
    """Samples from ``N(mean, stddev**2)``.

    Example:
        >>> normal([2, 3], seed=1).shape
        torch.Size([2, 3])
    """
    return lamina_random.normal(concrete_shape(shape, "tf.random.normal"), mean=mean, stddev=stddev, dtype=dtype,
                                seed=seed_stream(seed))


@op
def uniform(shape, minval=0, maxval=None, dtype=torch.float32, seed=None, name=None):
    """Samples from ``[minval, maxval)``: floats (``maxval`` 1 by default) or integers (``maxval`` required).

    Example:
        >>> uniform([4], minval=0, maxval=3, dtype="int32", seed=0).dtype
        torch.int32
    """
    dtype = to_torch_dtype(dtype)
    shape = concrete_shape(shape, "tf.random.uniform")
    if dtype.is_floating_point:
        return lamina_random.uniform(shape, minval=minval, maxval=1.0 if maxval is None else maxval, dtype=dtype,
                                     seed=seed_stream(seed))
    if maxval is None:
        raise ValueError(f"tf.random.uniform: an integer dtype ({dtype}) needs maxval")
    return lamina_random.randint(shape, minval, maxval, dtype=dtype, seed=seed_stream(seed))


@op
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=torch.float32, seed=None, name=None):
    """Normal samples redrawn where they fall more than two standard deviations from ``mean``.

    Example:
        >>> bool(truncated_normal([1000], seed=0).abs().max() <= 2.0)
        True
    """
    return lamina_random.truncated_normal(concrete_shape(shape, "tf.random.truncated_normal"), mean=mean, stddev=stddev,
                                          dtype=dtype, seed=seed_stream(seed))


@op
def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """``num_samples`` class indices per row of unnormalised log-probabilities ``logits`` (int64).

    Example:
        >>> categorical(torch.tensor([[0.0, -1e9]]), 3, seed=0).tolist()
        [[0, 0, 0]]
    """
    out = lamina_random.categorical(convert_to_tensor(logits), int(num_samples), seed=seed_stream(seed))
    return out.to(to_torch_dtype(dtype) if dtype is not None else torch.int64)


@op
def shuffle(value, seed=None, name=None):
    """``value`` with its first axis randomly permuted.

    Example:
        >>> sorted(shuffle(torch.tensor([1, 2, 3]), seed=0).tolist())
        [1, 2, 3]
    """
    return lamina_random.shuffle(convert_to_tensor(value), axis=0, seed=seed_stream(seed))


__getattr__ = missing_names("tf.random")
