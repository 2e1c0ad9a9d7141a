"""Activation functions (``keras.activations``), usable by name or as callables.

Example:
    >>> from lamina import activations
    >>> activations.get("relu")(torch.tensor([-1.0, 2.0])).tolist()
    [0.0, 2.0]
"""

import torch
import torch.nn.functional as F

from lamina.core import registry
from lamina.core.identifiers import lookup_name
from lamina.core.symbolic import KerasTensor, symbolic_call


def _symbolic_aware(fn):
    def wrapper(x, *args, **kwargs):
        if isinstance(x, KerasTensor):
            return symbolic_call(fn, (x,) + args, kwargs, name=fn.__name__)
        if not isinstance(x, torch.Tensor):
            from lamina.core.tensors import convert_to_tensor

            x = convert_to_tensor(x)
        return fn(x, *args, **kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__qualname__ = fn.__qualname__
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn
    return wrapper


@_symbolic_aware
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras's optional slope, cap and threshold.

    Example:
        >>> relu(torch.tensor([-2.0, 0.5, 9.0]), max_value=6.0).tolist()
        [0.0, 0.5, 6.0]
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return torch.relu(x)
    if threshold != 0.0:
        out = torch.where(x >= threshold, x, negative_slope * (x - threshold))
    elif negative_slope != 0.0:
        out = torch.where(x >= 0, x, negative_slope * x)
    else:
        out = torch.relu(x)
    if max_value is not None:
        out = torch.clamp(out, max=max_value)
    return out


@_symbolic_aware
def relu6(x):
    """``min(max(x, 0), 6)``.

    Example:
        >>> relu6(torch.tensor([7.0])).tolist()
        [6.0]
    """
    return F.relu6(x)


@_symbolic_aware
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0`` else ``negative_slope * x`` (Keras 3 default slope 0.2).

    Example:
        >>> leaky_relu(torch.tensor([-1.0])).tolist()
        [-0.20000000298023224]
    """
    return F.leaky_relu(x, negative_slope)


@_symbolic_aware
def elu(x, alpha=1.0):
    """Exponential linear unit.

    Example:
        >>> round(elu(torch.tensor([-1.0]))[0].item(), 4)
        -0.6321
    """
    return F.elu(x, alpha)


@_symbolic_aware
def selu(x):
    """Scaled ELU (``scale * elu(x, alpha)`` with the self-normalising constants).

    Example:
        >>> selu(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return F.selu(x)


@_symbolic_aware
def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    Example:
        >>> sigmoid(torch.tensor([0.0])).tolist()
        [0.5]
    """
    return torch.sigmoid(x)


@_symbolic_aware
def hard_sigmoid(x):
    """Keras 3's piecewise-linear sigmoid ``relu6(x + 3) / 6``.

    Example:
        >>> hard_sigmoid(torch.tensor([0.0, 4.0])).tolist()
        [0.5, 1.0]
    """
    return F.hardsigmoid(x)


@_symbolic_aware
def hard_silu(x):
    """``x * hard_sigmoid(x)`` (a.k.a. hard swish).

    Example:
        >>> hard_silu(torch.tensor([4.0])).tolist()
        [4.0]
    """
    return F.hardswish(x)


@_symbolic_aware
def tanh(x):
    """Hyperbolic tangent.

    Example:
        >>> tanh(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return torch.tanh(x)


@_symbolic_aware
def softmax(x, axis=-1):
    """Softmax along ``axis`` (the last by default).

    Example:
        >>> softmax(torch.tensor([[0.0, 0.0]])).tolist()
        [[0.5, 0.5]]
    """
    if x.dim() < 1:
        raise ValueError(f"softmax: cannot apply softmax to a scalar; received shape {tuple(x.shape)}")
    if isinstance(axis, (tuple, list)):
        out = torch.exp(x - torch.amax(x, dim=tuple(axis), keepdim=True))
        return out / out.sum(dim=tuple(axis), keepdim=True)
    return torch.softmax(x, dim=axis)


@_symbolic_aware
def log_softmax(x, axis=-1):
    """Logarithm of the softmax along ``axis``.

    Example:
        >>> round(log_softmax(torch.tensor([0.0, 0.0]))[0].item(), 4)
        -0.6931
    """
    return torch.log_softmax(x, dim=axis)


@_symbolic_aware
def softplus(x):
    """``log(exp(x) + 1)``.

    Example:
        >>> round(softplus(torch.tensor([0.0]))[0].item(), 4)
        0.6931
    """
    return F.softplus(x)


@_symbolic_aware
def softsign(x):
    """``x / (abs(x) + 1)``.

    Example:
        >>> softsign(torch.tensor([1.0])).tolist()
        [0.5]
    """
    return F.softsign(x)


@_symbolic_aware
def silu(x):
    """``x * sigmoid(x)`` (swish).

    Example:
        >>> silu(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return F.silu(x)


swish = silu


@_symbolic_aware
def gelu(x, approximate=False):
    """Gaussian error linear unit (exact, or the tanh approximation).

    Example:
        >>> gelu(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return F.gelu(x, approximate="tanh" if approximate else "none")


@_symbolic_aware
def mish(x):
    """``x * tanh(softplus(x))``.

    Example:
        >>> mish(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return F.mish(x)


@_symbolic_aware
def celu(x, alpha=1.0):
    """Continuously differentiable ELU.

    Example:
        >>> celu(torch.tensor([1.0])).tolist()
        [1.0]
    """
    return F.celu(x, alpha)


@_symbolic_aware
def exponential(x):
    """``exp(x)``.

    Example:
        >>> exponential(torch.tensor([0.0])).tolist()
        [1.0]
    """
    return torch.exp(x)


@_symbolic_aware
def linear(x):
    """The identity.

    Example:
        >>> linear(torch.tensor([3.0])).tolist()
        [3.0]
    """
    return x


@_symbolic_aware
def glu(x, axis=-1):
    """Gated linear unit: first half times sigmoid of the second half along ``axis``.

    Example:
        >>> glu(torch.tensor([2.0, 0.0])).tolist()
        [1.0]
    """
    return F.glu(x, dim=axis)


@_symbolic_aware
def tanh_shrink(x):
    """``x - tanh(x)``.

    Example:
        >>> tanh_shrink(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return x - torch.tanh(x)


@_symbolic_aware
def soft_shrink(x, threshold=0.5):
    """Shrink towards zero by ``threshold``.

    Example:
        >>> soft_shrink(torch.tensor([1.0])).tolist()
        [0.5]
    """
    return F.softshrink(x, threshold)


@_symbolic_aware
def hard_shrink(x, threshold=0.5):
    """Zero where ``|x| <= threshold``.

    Example:
        >>> hard_shrink(torch.tensor([0.2, 1.0])).tolist()
        [0.0, 1.0]
    """
    return F.hardshrink(x, threshold)


@_symbolic_aware
def hard_tanh(x):
    """``clip(x, -1, 1)``.

    Example:
        >>> hard_tanh(torch.tensor([3.0])).tolist()
        [1.0]
    """
    return F.hardtanh(x)


@_symbolic_aware
def squareplus(x, b=4):
    """``(x + sqrt(x^2 + b)) / 2``.

    Example:
        >>> squareplus(torch.tensor([0.0])).tolist()
        [1.0]
    """
    return (x + torch.sqrt(x * x + b)) / 2


@_symbolic_aware
def sparse_plus(x):
    """0 below -1, ``(x+1)^2/4`` between -1 and 1, ``x`` above.

    Example:
        >>> sparse_plus(torch.tensor([2.0])).tolist()
        [2.0]
    """
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x >= 1, x, (x + 1) ** 2 / 4))


@_symbolic_aware
def log_sigmoid(x):
    """``log(sigmoid(x))``.

    Example:
        >>> round(log_sigmoid(torch.tensor([0.0]))[0].item(), 4)
        -0.6931
    """
    return F.logsigmoid(x)


ALL_ACTIVATIONS = {
    fn.__name__: fn
    for fn in (
        relu, relu6, leaky_relu, elu, selu, sigmoid, hard_sigmoid, hard_silu, tanh, softmax, log_softmax,
        softplus, softsign, silu, gelu, mish, celu, exponential, linear, glu, tanh_shrink, soft_shrink,
        hard_shrink, hard_tanh, squareplus, sparse_plus, log_sigmoid,
    )
}
ALL_ACTIVATIONS.update({"swish": silu, "hard_swish": hard_silu})
hard_swish = hard_silu


def get(identifier):
    """The activation function for a name, callable, config or ``None`` (linear).

    Example:
        >>> get(None) is linear, get("swish") is silu
        (True, True)
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return lookup_name(identifier, ALL_ACTIVATIONS, "activation")
    if isinstance(identifier, dict):
        from lamina.core.identifiers import deserialize_object

        return deserialize_object(identifier, ALL_ACTIVATIONS, "activation")
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation identifier {identifier!r}: expected a name or a callable")


def serialize(activation):
    """The name of an activation (or the layer config of an activation layer).

    Example:
        >>> serialize(relu)
        'relu'
    """
    name = getattr(activation, "__name__", None)
    if name in ALL_ACTIVATIONS and ALL_ACTIVATIONS[name] is activation:
        return name
    if hasattr(activation, "get_config"):
        from lamina.core.identifiers import serialize_object

        return serialize_object(activation)
    if name is not None and registry.lookup(name) is activation:
        return name
    return name


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize`.

    Example:
        >>> deserialize("relu") is relu
        True
    """
    if isinstance(config, str):
        return lookup_name(config, ALL_ACTIVATIONS, "activation", custom_objects)
    return get(config)


