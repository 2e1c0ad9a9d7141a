"""Products and norms: matmul, dot, tensordot, einsum, outer, norm, ...

Integer products keep an integer dtype (int8 @ int8 gives int32, as Keras);
float16 products on the CPU are computed in float32 and cast back.

Example:
    >>> matmul([[1.0, 2.0]], [[3.0], [4.0]]).tolist()
    [[11.0]]
    >>> norm([3.0, 4.0]).item()
    5.0
"""
import torch

from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import axis_tuple, op, operands, to_tensor
from lamina.ops.promotion import result_type

__all__ = ["matmul", "dot", "tensordot", "einsum", "outer", "inner", "vdot", "trace", "norm"]


def _compute_dtype(result, device, integer_ok):
    """The dtype to multiply in: floats (float16 -> float32 off-GPU) or, where allowed, the integer itself."""
    if result is torch.bool or (not integer_ok and not result.is_floating_point and not result.is_complex):
        return result_type(result, float)
    if result is torch.float16 and device.type == "cpu":
        return torch.float32
    return result


@op
def matmul(x1, x2):
    """Matrix product with NumPy's broadcasting of batch axes (1-D operands are vectors).

    Example:
        >>> matmul(torch.ones(4, 2, 3), torch.ones(3, 5)).shape
        torch.Size([4, 2, 5])
    """
    x1, x2 = operands(x1, x2)
    if x1.dtype is x2.dtype and x1.is_floating_point() and (x1.dtype is not torch.float16 or x1.is_cuda):
        return torch.matmul(x1, x2)  # the common case: no casts
    if x1.dtype is torch.int8 and x2.dtype is torch.int8:
        result = torch.int32
    else:
        result = result_type(x1.dtype, x2.dtype)
    compute = _compute_dtype(result, x1.device, integer_ok=not x1.is_cuda)
    return torch.matmul(x1.to(compute), x2.to(compute)).to(result)


def _float_product(torch_fn, x1, x2, *args):
    x1, x2 = operands(x1, x2)
    result = result_type(x1.dtype, x2.dtype)
    compute = _compute_dtype(result, x1.device, integer_ok=False)
    return torch_fn(x1.to(compute), x2.to(compute), *args).to(result)


@op
def dot(x1, x2):
    """NumPy's ``dot``: inner product of vectors, matrix product, or sum over the last/second-last axes.

    Example:
        >>> dot([1, 2], [3, 4]).item()
        11
    """
    x1, x2 = operands(x1, x2)
    if x1.dim() == 0 or x2.dim() == 0:
        return _float_product(torch.mul, x1, x2)
    if x2.dim() > 2:
        return _float_product(torch.tensordot, x1, x2, ([x1.dim() - 1], [x2.dim() - 2]))
    return _float_product(torch.matmul, x1, x2)


@op
def tensordot(x1, x2, axes=2):
    """Sum products over ``axes`` (an int: the last/first ``axes`` axes; or a pair of axis lists).

    Example:
        >>> tensordot(torch.ones(2, 3), torch.ones(3, 4), axes=1).shape
        torch.Size([2, 4])
    """
    if isinstance(axes, (list, tuple)):
        first, second = axes
        axes = (list(axis_tuple(first)), list(axis_tuple(second)))
    return _float_product(torch.tensordot, x1, x2, axes)


@op
def einsum(subscripts, *operands_):
    """Einstein summation, e.g. ``einsum('ij,jk->ik', a, b)``.

    Example:
        >>> einsum("i,i->", [1.0, 2.0], [3.0, 4.0]).item()
        11.0
    """
    tensors = [to_tensor(x) for x in operands_]
    if tensors and all(t.dtype is torch.int8 for t in tensors):
        return torch.einsum(subscripts, *[t.int() for t in tensors])
    return torch.einsum(subscripts, *tensors)


@op
def outer(x1, x2):
    """Outer product of the flattened inputs.

    Example:
        >>> outer([1, 2], [3, 4]).tolist()
        [[3, 4], [6, 8]]
    """
    x1, x2 = operands(x1, x2)
    return torch.outer(x1.reshape(-1), x2.reshape(-1))


@op
def inner(x1, x2):
    """Sum of products over the last axes.

    Example:
        >>> inner([1.0, 2.0], [3.0, 4.0]).item()
        11.0
    """
    return _float_product(torch.inner, x1, x2)


@op
def vdot(x1, x2):
    """Dot product of the flattened inputs.

    Example:
        >>> vdot([[1.0, 2.0]], [[3.0, 4.0]]).item()
        11.0
    """
    x1, x2 = operands(x1, x2)
    return _float_product(torch.vdot, x1.reshape(-1), x2.reshape(-1))


@op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal (small integer types sum as int32).

    Example:
        >>> trace([[1, 2], [3, 4]]).item()
        5
    """
    x = to_tensor(x)
    dtype = torch.int32 if x.dtype in (torch.bool, torch.uint8, torch.int8, torch.int16) else x.dtype
    return torch.sum(torch.diagonal(x, offset, axis1, axis2), dim=-1, dtype=dtype)


@op
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (NumPy's ``linalg.norm``): 2-norm / Frobenius by default.

    Example:
        >>> norm([[1.0, 2.0], [2.0, 4.0]], axis=1).tolist()
        [2.2360680103302, 4.4721360206604]
    """
    x = to_tensor(x)
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(to_torch_dtype(None) if x.dtype is torch.int64 else result_type(x.dtype, float))
    dims = axis_tuple(axis)
    return torch.linalg.norm(x, ord=ord, dim=dims, keepdim=keepdims)
