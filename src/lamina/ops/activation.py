"""Activation ops (``keras.ops.nn``): relu, sigmoid, softmax, gelu, silu, elu, ...

Each is one fused torch kernel where torch has one. ``softmax``/``log_softmax``
accept an axis, a tuple of axes, or ``None`` (all axes); float16 is computed in
float32 on the CPU.

Example:
    >>> relu([-1.0, 2.0]).tolist()
    [0.0, 2.0]
    >>> softmax([[0.0, 0.0]]).tolist()
    [[0.5, 0.5]]
"""
import torch
import torch.nn.functional as F

from lamina.ops.dispatch import axis_tuple, canonical_axis, op, to_tensor

__all__ = [
    "relu", "relu6", "sigmoid", "tanh", "softplus", "softsign", "silu", "swish", "log_sigmoid", "leaky_relu",
    "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "gelu", "celu", "glu", "hard_tanh", "mish",
    "softmax", "log_softmax", "tanh_shrink", "soft_shrink", "hard_shrink", "squareplus", "sparse_plus",
    "threshold",
]


def _float(x):
    x = to_tensor(x)
    if not x.is_floating_point():
        x = x.float()
    return x


@op
def relu(x):
    """``max(x, 0)``.

    Example:
        >>> relu([-1.0, 2.0]).tolist()
        [0.0, 2.0]
    """
    return torch.relu(to_tensor(x))


@op
def relu6(x):
    """``min(max(x, 0), 6)``.

    Example:
        >>> relu6([-1.0, 8.0]).tolist()
        [0.0, 6.0]
    """
    return F.relu6(to_tensor(x))


@op
def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    Example:
        >>> sigmoid([0.0]).tolist()
        [0.5]
    """
    return torch.sigmoid(to_tensor(x))


@op
def tanh(x):
    """Hyperbolic tangent.

    Example:
        >>> tanh([0.0]).tolist()
        [0.0]
    """
    return torch.tanh(to_tensor(x))


@op
def softplus(x):
    """``log(1 + exp(x))``, computed stably.

    Example:
        >>> round(softplus([0.0]).item(), 4)
        0.6931
    """
    return F.softplus(to_tensor(x))


@op
def softsign(x):
    """``x / (1 + |x|)``.

    Example:
        >>> softsign([1.0]).tolist()
        [0.5]
    """
    return F.softsign(to_tensor(x))


@op
def silu(x):
    """``x * sigmoid(x)`` (also called swish).

    Example:
        >>> silu([0.0]).tolist()
        [0.0]
    """
    return F.silu(to_tensor(x))


swish = silu


@op
def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably.

    Example:
        >>> round(log_sigmoid([0.0]).item(), 4)
        -0.6931
    """
    return F.logsigmoid(to_tensor(x))


@op
def leaky_relu(x, negative_slope=0.2):
    """``x`` for positive inputs, ``negative_slope * x`` otherwise.

    Example:
        >>> leaky_relu([-1.0, 1.0]).tolist()
        [-0.20000000298023224, 1.0]
    """
    return F.leaky_relu(to_tensor(x), negative_slope)


@op
def hard_sigmoid(x):
    """Piece-wise linear sigmoid: ``relu6(x + 3) / 6``.

    Example:
        >>> hard_sigmoid([0.0, 4.0]).tolist()
        [0.5, 1.0]
    """
    return F.hardsigmoid(to_tensor(x))


@op
def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also called hard swish).

    Example:
        >>> hard_silu([0.0, 4.0]).tolist()
        [0.0, 4.0]
    """
    return F.hardswish(to_tensor(x))


hard_swish = hard_silu


@op
def elu(x, alpha=1.0):
    """``x`` for positive inputs, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
        >>> elu([0.0, 1.0]).tolist()
        [0.0, 1.0]
    """
    return F.elu(to_tensor(x), alpha)


@op
def selu(x):
    """Scaled ELU with the self-normalising constants.

    Example:
        >>> selu([0.0]).tolist()
        [0.0]
    """
    return F.selu(to_tensor(x))


@op
def gelu(x, approximate=True):
    """Gaussian error linear unit; ``approximate=True`` (Keras's default) uses the tanh formula.

    Example:
        >>> round(gelu([1.0], approximate=False).item(), 4)
        0.8413
    """
    return F.gelu(to_tensor(x), approximate="tanh" if approximate else "none")


@op
def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + min(alpha * (exp(x / alpha) - 1), 0)``.

    Example:
        >>> celu([0.0, 1.0]).tolist()
        [0.0, 1.0]
    """
    return F.celu(to_tensor(x), alpha)


@op
def glu(x, axis=-1):
    """Gated linear unit: split ``x`` in halves ``a, b`` along ``axis``, return ``a * sigmoid(b)``.

    Example:
        >>> glu([2.0, 0.0]).tolist()
        [1.0]
    """
    return F.glu(to_tensor(x), dim=axis)


@op
def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``.

    Example:
        >>> hard_tanh([-2.0, 0.5]).tolist()
        [-1.0, 0.5]
    """
    return F.hardtanh(to_tensor(x))


@op
def mish(x):
    """``x * tanh(softplus(x))``.

    Example:
        >>> mish([0.0]).tolist()
        [0.0]
    """
    return F.mish(_float(x))


@op
def tanh_shrink(x):
    """``x - tanh(x)``.

    Example:
        >>> tanh_shrink([0.0]).tolist()
        [0.0]
    """
    return F.tanhshrink(to_tensor(x))


@op
def soft_shrink(x, threshold=0.5):
    """Shrink toward zero by ``threshold`` (zero inside ``[-threshold, threshold]``).

    Example:
        >>> soft_shrink([1.0, 0.2]).tolist()
        [0.5, 0.0]
    """
    return F.softshrink(to_tensor(x), threshold)


@op
def hard_shrink(x, threshold=0.5):
    """Zero inside ``[-threshold, threshold]``, ``x`` outside.

    Example:
        >>> hard_shrink([1.0, 0.2]).tolist()
        [1.0, 0.0]
    """
    return F.hardshrink(to_tensor(x), threshold)


@op
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, a smooth relu.

    Example:
        >>> squareplus([0.0]).tolist()
        [1.0]
    """
    x = to_tensor(x)
    return (x + torch.sqrt(x * x + b)) / 2


@op
def sparse_plus(x):
    """0 below -1, ``(x + 1)**2 / 4`` on ``[-1, 1]``, ``x`` above 1.

    Example:
        >>> sparse_plus([-2.0, 0.0, 2.0]).tolist()
        [0.0, 0.25, 2.0]
    """
    x = to_tensor(x)
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x < 1, 0.25 * (x + 1) ** 2, x))


@op
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``.

    Example:
        >>> threshold([0.5, 2.0], 1.0, 0.0).tolist()
        [0.0, 2.0]
    """
    return F.threshold(to_tensor(x), threshold, default_value)


def _normalized(torch_fn, x, axis):
    x = to_tensor(x)
    dtype = x.dtype
    if dtype is torch.float16 and not x.is_cuda:
        x = x.float()
    elif not x.is_floating_point():
        x = x.float()
    if axis is None:
        out = torch_fn(x.reshape(-1), dim=0).reshape(x.shape)
    elif isinstance(axis, (list, tuple)):
        axes = [canonical_axis(a, x.dim(), op_name=torch_fn.__name__) for a in axis_tuple(axis)]
        keep = [d for d in range(x.dim()) if d not in axes]
        moved = x.permute(keep + axes)
        out = torch_fn(moved.reshape(moved.shape[: len(keep)] + (-1,)), dim=-1).reshape(moved.shape)
        out = out.permute([(keep + axes).index(d) for d in range(x.dim())])
    else:
        out = torch_fn(x, dim=axis)
    return out.to(dtype) if dtype.is_floating_point else out


@op
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int, a tuple of axes, or ``None`` for all).

    Example:
        >>> softmax([[0.0, 0.0], [0.0, 0.0]], axis=None).tolist()
        [[0.25, 0.25], [0.25, 0.25]]
    """
    return _normalized(F.softmax, x, axis)


@op
def log_softmax(x, axis=-1):
    """``log(softmax(x))`` along ``axis``, computed stably.

    Example:
        >>> round(log_softmax([0.0, 0.0])[0].item(), 4)
        -0.6931
    """
    return _normalized(F.log_softmax, x, axis)

