"""Weight initializers (``keras.initializers``) with Keras's fan computations.

An initializer is called as ``init(shape, dtype=None)`` and returns a tensor. Shapes
are Keras's (a Dense kernel is ``(in, out)``, a Conv2D kernel ``(kh, kw, in, out)``),
so fans are computed the Keras way. An initializer created with an integer ``seed``
returns the same values on every call, as in Keras 3; without a seed it draws from
torch's global generator (seeded by ``lamina.utils.set_random_seed``).

Example:
    >>> from lamina import initializers
    >>> w = initializers.get("glorot_uniform")((784, 512))
    >>> tuple(w.shape), bool(w.abs().max() <= (6 / (784 + 512)) ** 0.5)
    ((784, 512), True)
"""
import math

import numpy as np
import torch

from lamina.core import registry
from lamina.core.dtypes import to_torch_dtype
from lamina.core.identifiers import deserialize_object, lookup_name, serialize_object


def compute_fans(shape, input_axes=None, output_axes=None):
    """Keras's ``(fan_in, fan_out)`` for a weight of ``shape`` (or the products over the given axes).

    Example:
        >>> compute_fans((3, 3, 16, 32))
        (144, 288)
        >>> compute_fans((4, 5, 6), input_axes=[0], output_axes=[1, 2])
        (4, 30)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(np.prod([shape[a] for a in input_axes])), int(np.prod([shape[a] for a in output_axes]))
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive = int(np.prod(shape[:-2]))
    return int(shape[-2] * receptive), int(shape[-1] * receptive)


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config``.

    Example:
        >>> class Twos(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return torch.full(tuple(shape), 2.0, dtype=to_torch_dtype(dtype))
        >>> Twos()((2,)).tolist()
        [2.0, 2.0]
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())


class RandomInitializer(Initializer):
    """Base for initializers that draw random numbers (``seed`` handling)."""

    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"{type(self).__name__}: seed must be an integer or None; received seed={seed!r}")
        self.seed = None if seed is None else int(seed)

    def _generator(self):
        if self.seed is None:
            return None
        generator = torch.Generator(device="cpu")
        generator.manual_seed(self.seed)
        return generator

    def get_config(self):
        return {"seed": self.seed}


def _empty(shape, dtype):
    return torch.empty(tuple(int(d) for d in shape), dtype=to_torch_dtype(dtype))


@registry.register()
class Zeros(Initializer):
    """All zeros.

    Example:
        >>> Zeros()((2,)).tolist()
        [0.0, 0.0]
    """

    def __call__(self, shape, dtype=None):
        return torch.zeros(tuple(shape), dtype=to_torch_dtype(dtype))


@registry.register()
class Ones(Initializer):
    """All ones.

    Example:
        >>> Ones()((2,)).tolist()
        [1.0, 1.0]
    """

    def __call__(self, shape, dtype=None):
        return torch.ones(tuple(shape), dtype=to_torch_dtype(dtype))


@registry.register()
class Constant(Initializer):
    """Every element equal to ``value`` (a scalar, or an array broadcastable to the shape).

    Example:
        >>> Constant(3.0)((2,)).tolist()
        [3.0, 3.0]
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        value = torch.as_tensor(np.asarray(self.value), dtype=to_torch_dtype(dtype))
        return value.expand(tuple(shape)).clone()

    def get_config(self):
        value = self.value
        if isinstance(value, np.ndarray):
            value = value.tolist()
        return {"value": value}


@registry.register()
class RandomNormal(RandomInitializer):
    """Normal draws with ``mean`` and ``stddev`` (default 0.05).

    Example:
        >>> tuple(RandomNormal(seed=1)((3, 2)).shape)
        (3, 2)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _empty(shape, dtype).normal_(self.mean, self.stddev, generator=self._generator())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


@registry.register()
class RandomUniform(RandomInitializer):
    """Uniform draws in ``[minval, maxval)`` (default ``[-0.05, 0.05)``).

    Example:
        >>> bool(RandomUniform(0, 1, seed=1)((100,)).min() >= 0)
        True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return _empty(shape, dtype).uniform_(self.minval, self.maxval, generator=self._generator())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal(shape, dtype, mean, stddev, generator):
    out = _empty(shape, dtype)
    return torch.nn.init.trunc_normal_(out, mean, stddev, mean - 2 * stddev, mean + 2 * stddev, generator=generator)


@registry.register()
class TruncatedNormal(RandomInitializer):
    """Normal draws re-drawn when more than two standard deviations from the mean.

    Example:
        >>> bool(TruncatedNormal(stddev=1.0, seed=0)((1000,)).abs().max() <= 2.0)
        True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _truncated_normal(shape, dtype, self.mean, self.stddev, self._generator())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


@registry.register()
class VarianceScaling(RandomInitializer):
    """Draws scaled to the weight's fans: the family behind Glorot, He and LeCun.

    Args:
        scale: positive float.
        mode: ``'fan_in'``, ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'truncated_normal'``, ``'untruncated_normal'`` or ``'uniform'``.

    Example:
        >>> w = VarianceScaling(2.0, "fan_in", "uniform", seed=0)((50, 10))
        >>> bool(w.abs().max() <= (3 * 2.0 / 50) ** 0.5)
        True
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform", "normal")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None,
                 output_axes=None):
        super().__init__(seed)
        self.input_axes = list(input_axes) if input_axes is not None else None
        self.output_axes = list(output_axes) if output_axes is not None else None
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: scale must be positive; received scale={scale}")
        if mode not in self._MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {self._MODES}; received mode={mode!r}")
        distribution = distribution.lower()
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"VarianceScaling: distribution must be one of {self._DISTRIBUTIONS}; received {distribution!r}"
            )
        if distribution == "normal":
            distribution = "truncated_normal"
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        generator = self._generator()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / 0.87962566103423978
            return _truncated_normal(shape, dtype, 0.0, stddev, generator)
        if self.distribution == "untruncated_normal":
            return _empty(shape, dtype).normal_(0.0, math.sqrt(scale), generator=generator)
        limit = math.sqrt(3.0 * scale)
        return _empty(shape, dtype).uniform_(-limit, limit, generator=generator)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


def _variance_scaling_preset(class_name, scale, mode, distribution, doc):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}

    cls = type(class_name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc})
    cls.__module__ = __name__
    return registry.register()(cls)


GlorotUniform = _variance_scaling_preset(
    "GlorotUniform", 1.0, "fan_avg", "uniform",
    """Uniform in ``±sqrt(6 / (fan_in + fan_out))`` (Keras's default kernel initializer).

    Example:
        >>> tuple(GlorotUniform(seed=0)((4, 3)).shape)
        (4, 3)
    """,
)
GlorotNormal = _variance_scaling_preset(
    "GlorotNormal", 1.0, "fan_avg", "truncated_normal",
    """Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``.

    Example:
        >>> tuple(GlorotNormal(seed=0)((4, 3)).shape)
        (4, 3)
    """,
)
HeNormal = _variance_scaling_preset(
    "HeNormal", 2.0, "fan_in", "truncated_normal",
    """Truncated normal with ``stddev = sqrt(2 / fan_in)``.

    Example:
        >>> tuple(HeNormal(seed=0)((4, 3)).shape)
        (4, 3)
    """,
)
HeUniform = _variance_scaling_preset(
    "HeUniform", 2.0, "fan_in", "uniform",
    """Uniform in ``±sqrt(6 / fan_in)``.

    Example:
        >>> tuple(HeUniform(seed=0)((4, 3)).shape)
        (4, 3)
    """,
)
LecunNormal = _variance_scaling_preset(
    "LecunNormal", 1.0, "fan_in", "truncated_normal",
    """Truncated normal with ``stddev = sqrt(1 / fan_in)``.

    Example:
        >>> tuple(LecunNormal(seed=0)((4, 3)).shape)
        (4, 3)
    """,
)
LecunUniform = _variance_scaling_preset(
    "LecunUniform", 1.0, "fan_in", "uniform",
    """Uniform in ``±sqrt(3 / fan_in)``.

    Example:
        >>> tuple(LecunUniform(seed=0)((4, 3)).shape)
        (4, 3)
    """,
)


@registry.register()
class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix over the last axis, times ``gain``.

    Example:
        >>> q = Orthogonal(seed=0)((4, 4))
        >>> bool(torch.allclose(q @ q.T, torch.eye(4), atol=1e-5))
        True
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape must have at least 2 dimensions; received shape={shape}")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        flat = torch.empty((max(rows, cols), min(rows, cols)), dtype=torch.float64).normal_(
            0.0, 1.0, generator=self._generator()
        )
        q, r = torch.linalg.qr(flat)
        q = q * torch.sign(torch.diagonal(r))
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).to(to_torch_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


@registry.register()
class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only).

    Example:
        >>> Identity()((2, 2)).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape; received shape={tuple(shape)}")
        return self.gain * torch.eye(*shape, dtype=to_torch_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


ALL_INITIALIZERS = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal, "random_uniform": RandomUniform,
    "uniform": RandomUniform, "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "identity": Identity,
}
ALL_INITIALIZERS.update({cls.__name__: cls for cls in set(ALL_INITIALIZERS.values())})


def get(identifier):
    """An initializer from a name, class, config dict, instance or plain callable.

    Example:
        >>> type(get("he_normal")).__name__
        'HeNormal'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup_name(identifier, ALL_INITIALIZERS, "initializer")()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier {identifier!r}: expected a name or a callable")


def serialize(initializer):
    """``{'class_name', 'config'}`` for an initializer.

    Example:
        >>> serialize(Zeros())
        {'class_name': 'Zeros', 'config': {}}
    """
    return serialize_object(initializer)


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize`.

    Example:
        >>> type(deserialize({"class_name": "Ones", "config": {}})).__name__
        'Ones'
    """
    return deserialize_object(config, ALL_INITIALIZERS, "initializer", custom_objects)


# lower-case function-style aliases, as Keras exposes them
zeros, ones, constant = Zeros, Ones, Constant
glorot_uniform, glorot_normal, he_normal, he_uniform = GlorotUniform, GlorotNormal, HeNormal, HeUniform
lecun_normal, lecun_uniform, orthogonal, identity = LecunNormal, LecunUniform, Orthogonal, Identity
random_normal, random_uniform, truncated_normal, variance_scaling = RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling
