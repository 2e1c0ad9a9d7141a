"""Random tensors (``keras.random``): normal, uniform, truncated_normal, randint, categorical, ...

Every function takes ``seed``: an int (stateless, same numbers every call), a
:class:`~lamina.random.SeedGenerator` (a reproducible stream) or ``None``
(torch's global generator). Float results are ``floatx()`` unless ``dtype``
says otherwise; tensors are created on lamina's device.

Example:
    >>> normal((2, 3), seed=1).shape
    torch.Size([2, 3])
    >>> bool((uniform((4,), seed=3) == uniform((4,), seed=3)).all())
    True
"""
import torch
import torch.nn.functional as F

from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.core.symbolic import KerasTensor, in_symbolic_scope
from lamina.ops.dispatch import op, to_tensor
from lamina.random.seed_generator import SeedGenerator, draw_generator

__all__ = [
    "normal", "uniform", "truncated_normal", "randint", "categorical", "shuffle", "dropout", "gamma",
    "binomial", "beta",
]


def _shape(shape, name):
    if isinstance(shape, torch.Tensor):
        shape = shape.tolist()
    if isinstance(shape, int):
        shape = (shape,)
    if isinstance(shape, KerasTensor) or any(d is None for d in shape):
        raise ValueError(
            f"{name}: shape must be fully known; received shape={shape!r}. Inside a layer, use ops.shape(x) of "
            "the layer's input tensor, which is concrete when the layer runs."
        )
    return tuple(int(d) for d in shape)


def _float_dtype(dtype, name):
    dtype = to_torch_dtype(dtype)
    if not dtype.is_floating_point:
        raise ValueError(f"{name}: dtype must be a float type; received dtype={dtype}")
    return dtype


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution ``N(mean, stddev**2)``.

    Example:
        >>> normal((1000,), mean=5.0, stddev=0.1, seed=0).mean().round().item()
        5.0
    """
    shape = _shape(shape, "normal")
    dtype = _float_dtype(dtype, "normal")
    device = config.device()
    return torch.normal(mean, stddev, size=shape, generator=draw_generator(seed, device), dtype=dtype, device=device)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from the uniform distribution on ``[minval, maxval)``.

    Example:
        >>> x = uniform((100,), minval=2.0, maxval=3.0, seed=0)
        >>> bool(((x >= 2) & (x < 3)).all())
        True
    """
    shape = _shape(shape, "uniform")
    dtype = _float_dtype(dtype, "uniform")
    device = config.device()
    draw = torch.rand(shape or (1,), generator=draw_generator(seed, device), dtype=dtype, device=device)
    out = (maxval - minval) * draw + minval
    return out if shape else out[0]


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples with values beyond two standard deviations redrawn (``keras.random.truncated_normal``).

    Example:
        >>> bool((truncated_normal((500,), seed=0).abs() < 2).all())
        True
    """
    shape = _shape(shape, "truncated_normal")
    dtype = _float_dtype(dtype, "truncated_normal")
    # four candidates per value; the first one inside (-2, 2) is kept (all four outside: p ~ 4e-6)
    candidates = normal(shape + (4,), dtype=dtype, seed=seed)
    first_valid = ((candidates > -2) & (candidates < 2)).max(-1, keepdim=True)[1]
    return candidates.gather(-1, first_valid).squeeze(-1) * stddev + mean


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from ``[minval, maxval)``.

    Example:
        >>> x = randint((50,), 0, 3, seed=0)
        >>> x.dtype, sorted(set(x.tolist()))
        (torch.int32, [0, 1, 2])
    """
    shape = _shape(shape, "randint")
    device = config.device()
    return torch.randint(int(minval), int(maxval), shape, generator=draw_generator(seed, device),
                         dtype=to_torch_dtype(dtype), device=device)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices sampled from ``softmax(logits)``: ``logits`` ``(batch, classes)`` -> ``(batch, num_samples)``.

    Example:
        >>> categorical([[0.0, 50.0]], 3, seed=0).tolist()
        [[1, 1, 1]]
    """
    logits = to_tensor(logits)
    if logits.dim() != 2:
        raise ValueError(f"categorical: logits must be 2-D (batch, classes); received shape {tuple(logits.shape)}")
    probabilities = torch.softmax(logits.float(), dim=-1)
    generator = draw_generator(seed, probabilities.device)
    samples = torch.multinomial(probabilities, num_samples, replacement=True, generator=generator)
    return samples.to(to_torch_dtype(dtype))


def shuffle(x, axis=0, seed=None):
    """``x`` with its slices along ``axis`` in random order.

    Example:
        >>> sorted(shuffle(torch.arange(5), seed=0).tolist())
        [0, 1, 2, 3, 4]
    """
    x = to_tensor(x)
    generator = draw_generator(seed, x.device)
    permutation = torch.randperm(x.shape[axis], generator=generator, device=x.device)
    return torch.index_select(x, axis, permutation)


def _concrete_noise_shape(inputs, noise_shape):
    if noise_shape is None:
        return tuple(inputs.shape)
    if len(noise_shape) != inputs.dim():
        raise ValueError(
            f"dropout: noise_shape={tuple(noise_shape)} must have one entry per axis of inputs "
            f"(shape {tuple(inputs.shape)})"
        )
    return tuple(size if d is None else int(d) for size, d in zip(inputs.shape, noise_shape))


@op
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    ``noise_shape`` (``None`` entries take the input's size) shares one draw
    along the axes where it is 1. Unseeded calls (``seed=None`` or a
    ``SeedGenerator()`` made without a seed) use torch's fused dropout kernel
    on the global generator, as Keras does.

    Example:
        >>> y = dropout(torch.ones(1000), 0.5, seed=0)
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
    """
    inputs = to_tensor(inputs)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"dropout: rate must be in [0, 1]; received rate={rate}")
    if rate == 0.0:
        return inputs
    if rate == 1.0:
        return torch.zeros_like(inputs)
    unseeded = seed is None or (isinstance(seed, SeedGenerator) and seed._initial_seed is None)
    if noise_shape is None and unseeded and not in_symbolic_scope():
        return F.dropout(inputs, rate, training=True)  # fused kernel on torch's global generator
    keep = 1.0 - rate
    probabilities = torch.full(_concrete_noise_shape(inputs, noise_shape), keep, dtype=inputs.dtype,
                               device=inputs.device)
    mask = torch.bernoulli(probabilities, generator=draw_generator(seed, inputs.device))
    return inputs * (mask / keep)


def _shaped_parameter(value, shape, device):
    return torch.broadcast_to(to_tensor(value).float().to(device), shape)


def _sample_with(seed, distribution):
    """Sample a ``torch.distributions`` object under ``seed`` without touching other streams."""
    generator = draw_generator(seed)
    if generator is None:
        return distribution.sample()
    with torch.random.fork_rng(devices=[] if config.device().type == "cpu" else [config.device()]):
        torch.manual_seed(generator.initial_seed())
        return distribution.sample()


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from Gamma(``alpha``, rate 1).

    Example:
        >>> gamma((3,), alpha=2.0, seed=0).shape
        torch.Size([3])
    """
    shape = _shape(shape, "gamma")
    device = config.device()
    concentration = _shaped_parameter(alpha, shape, device)
    sample = _sample_with(seed, torch.distributions.Gamma(concentration, torch.ones_like(concentration)))
    return sample.to(_float_dtype(dtype, "gamma"))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Number of successes in ``counts`` trials with success probability ``probabilities``.

    Example:
        >>> binomial((4,), counts=10, probabilities=1.0, seed=0).tolist()
        [10.0, 10.0, 10.0, 10.0]
    """
    shape = _shape(shape, "binomial")
    device = config.device()
    distribution = torch.distributions.Binomial(
        total_count=_shaped_parameter(counts, shape, device), probs=_shaped_parameter(probabilities, shape, device)
    )
    return _sample_with(seed, distribution).to(to_torch_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from Beta(``alpha``, ``beta``) on ``[0, 1]``.

    Example:
        >>> x = beta((100,), alpha=2.0, beta=5.0, seed=0)
        >>> bool(((x >= 0) & (x <= 1)).all())
        True
    """
    shape = _shape(shape, "beta")
    device = config.device()
    distribution = torch.distributions.Beta(
        _shaped_parameter(alpha, shape, device), _shaped_parameter(beta, shape, device)
    )
    return _sample_with(seed, distribution).to(_float_dtype(dtype, "beta"))

