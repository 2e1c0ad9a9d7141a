"""Statistics and normalisation ops: moments, batch_normalization, normalize, one_hot, multi_hot.

Example:
    >>> mean, variance = moments([[1.0, 3.0]], axes=[1])
    >>> mean.tolist(), variance.tolist()
    ([2.0], [1.0])
    >>> one_hot([0, 2], 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""
import torch
import torch.nn.functional as F

from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import axis_tuple, canonical_axis, op, to_tensor

__all__ = ["moments", "batch_normalization", "normalize", "one_hot", "multi_hot"]


@op
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and (population) variance of ``x`` over ``axes``; float16 is computed in float32.

    Example:
        >>> m, v = moments(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), axes=0)
        >>> m.tolist(), v.tolist()
        ([2.0, 3.0], [1.0, 1.0])
    """
    if synchronized:
        raise NotImplementedError("moments: synchronized=True (cross-device statistics) is not supported by lamina")
    x = to_tensor(x)
    dtype = x.dtype
    if dtype in (torch.float16, torch.bfloat16) or not x.is_floating_point():
        x = x.float()
    variance, mean = torch.var_mean(x, dim=axis_tuple(axes), keepdim=keepdims, correction=0)
    if dtype in (torch.float16, torch.bfloat16):
        limit = torch.finfo(dtype).max
        mean, variance = mean.clamp(-limit, limit).to(dtype), variance.clamp(-limit, limit).to(dtype)
    return mean, variance


@op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, with 1-D statistics along ``axis``.

    Example:
        >>> batch_normalization([[1.0, 2.0]], [1.0, 2.0], [1.0, 1.0], axis=1, epsilon=0.0).tolist()
        [[0.0, 0.0]]
    """
    x = to_tensor(x)
    axis = canonical_axis(axis, x.dim(), op_name="batch_normalization")
    shape = [1] * x.dim()
    shape[axis] = -1
    multiplier = torch.rsqrt(to_tensor(variance).reshape(shape) + epsilon)
    if scale is not None:
        multiplier = multiplier * to_tensor(scale).reshape(shape)
    out = (x - to_tensor(mean).reshape(shape)) * multiplier
    if offset is not None:
        out = out + to_tensor(offset).reshape(shape)
    return out


@op
def normalize(x, axis=-1, order=2, epsilon=None):
    """``x / max(norm(x, order), epsilon)`` along ``axis`` (``epsilon`` defaults to ``config.epsilon()``).

    Example:
        >>> normalize([[3.0, 4.0]]).tolist()
        [[0.6000000238418579, 0.800000011920929]]
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"normalize: order must be an int >= 1; received order={order!r}")
    x = to_tensor(x)
    if not x.is_floating_point():
        x = x.to(to_torch_dtype(None))
    if x.dim() == 0:
        x = x.reshape(1)
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inverse = torch.rsqrt(torch.sum(x * x, dim=axis, keepdim=True)).clamp(max=1.0 / epsilon)
        return x * inverse
    norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / norm.clamp(min=epsilon)


def _move_class_axis(out, axis):
    if axis == -1 or axis == out.dim() - 1:
        return out
    return torch.movedim(out, -1, canonical_axis(axis, out.dim(), op_name="one_hot"))


@op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encode integer labels into a new axis of size ``num_classes`` (negative labels -> all zeros).

    Example:
        >>> one_hot([1, -1], 3, dtype="int32").tolist()
        [[0, 1, 0], [0, 0, 0]]
    """
    if sparse:
        raise ValueError("one_hot: sparse=True is not supported by lamina (tensors are dense)")
    x = to_tensor(x).long()
    valid = x >= 0
    out = F.one_hot(x.clamp(min=0), num_classes) * valid.unsqueeze(-1)
    return _move_class_axis(out.to(to_torch_dtype(dtype)), axis)


@op
def multi_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Multi-hot encode: 1 for every class listed in each row of ``x`` (a 1-D ``x`` is one row).

    Example:
        >>> multi_hot([[0, 2], [1, 1]], 3).tolist()
        [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    if sparse:
        raise ValueError("multi_hot: sparse=True is not supported by lamina (tensors are dense)")
    x = to_tensor(x).long()
    encoded = one_hot.eager(x, num_classes, axis=axis, dtype=dtype)
    return torch.amax(encoded, dim=1 if x.dim() > 1 else 0)
